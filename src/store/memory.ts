// In-process Store, used when MONGODB_URI is unset. Same semantics as the Mongo store (one shared
// contract suite runs against both); everything is copied in and out so callers never share
// objects with the store.
import type { EngineState } from "../engine/index.js";
import { commitRecords, jsonCopy } from "./commit-records.js";
import { MemoryContractStore } from "./memory-contracts.js";
import { decodePageToken, encodePageToken, pageSizeOf } from "./page-token.js";
import {
  InstanceExistsError,
  RevisionConflictError,
  type CycleCommit,
  type DriftEventRecord,
  type HistoryEntry,
  type InstanceRecord,
  type Page,
  type PageRequest,
  type SnapshotRecord,
  type Store,
  type StoredState,
} from "./types.js";

/** Everything kept for one agent; the record arrays are in commit order (oldest first). */
interface Agent {
  instance: InstanceRecord;
  state: StoredState;
  history: HistoryEntry[];
  driftEvents: DriftEventRecord[];
  snapshots: SnapshotRecord[];
}

type Key = readonly [number, number];

export class MemoryStore implements Store {
  readonly #agents = new Map<string, Agent>();
  readonly #contracts = new MemoryContractStore();

  get contracts(): MemoryContractStore {
    return this.#contracts;
  }

  async createInstance(instance: InstanceRecord, state: EngineState): Promise<void> {
    if (this.#agents.has(instance.id)) throw new InstanceExistsError(instance.id);
    this.#agents.set(instance.id, {
      instance: jsonCopy(instance),
      state: {
        instanceId: instance.id,
        revision: 0,
        state: jsonCopy(state),
        lastSequence: 0,
        updatedAtMs: instance.createdAtMs,
      },
      history: [],
      driftEvents: [],
      snapshots: [],
    });
  }

  async getInstance(id: string): Promise<InstanceRecord | null> {
    const agent = this.#agents.get(id);
    return agent ? jsonCopy(agent.instance) : null;
  }

  async listInstances(page: PageRequest): Promise<Page<InstanceRecord>> {
    const after = decodePageToken(page.pageToken, "instances", "", ["number", "string"] as const);
    const sorted = [...this.#agents.values()]
      .map((a) => a.instance)
      .sort((a, b) => a.createdAtMs - b.createdAtMs || compareStrings(a.id, b.id));
    const rest = after
      ? sorted.filter((i) => i.createdAtMs > after[0] || (i.createdAtMs === after[0] && i.id > after[1]))
      : sorted;
    return pageOf(rest, pageSizeOf(page.pageSize), (i) =>
      encodePageToken("instances", "", [i.createdAtMs, i.id]),
    );
  }

  async updateInstance(
    id: string,
    patch: Pick<InstanceRecord, "name" | "description" | "labels" | "updatedAtMs">,
  ): Promise<InstanceRecord | null> {
    const agent = this.#agents.get(id);
    if (!agent) return null;
    const { name, description, labels, updatedAtMs } = jsonCopy(patch);
    agent.instance = { ...agent.instance, name, description, labels, updatedAtMs };
    return jsonCopy(agent.instance);
  }

  async deleteInstance(id: string): Promise<boolean> {
    this.#contracts.deleteAgent(id);
    return this.#agents.delete(id);
  }

  async loadState(instanceId: string): Promise<StoredState | null> {
    const agent = this.#agents.get(instanceId);
    return agent ? jsonCopy(agent.state) : null;
  }

  async commit(commit: CycleCommit): Promise<StoredState> {
    const agent = this.#agents.get(commit.instanceId);
    // A missing agent is a conflict too: the writer reloads and finds it gone.
    if (!agent || agent.state.revision !== commit.expectedRevision) {
      throw new RevisionConflictError(commit.instanceId, commit.expectedRevision);
    }
    const records = jsonCopy(commitRecords(commit));
    agent.state = {
      instanceId: commit.instanceId,
      revision: records.revision,
      state: jsonCopy(commit.state),
      lastSequence: commit.lastSequence,
      ...(commit.enforcement ? { enforcement: jsonCopy(commit.enforcement) } : {}),
      updatedAtMs: commit.committedAtMs,
    };
    agent.history.push(...records.history);
    agent.driftEvents.push(...records.driftEvents);
    agent.snapshots.push(...records.snapshots);
    // Built from the caller's own objects: the stored copies above stay private without a third copy.
    return { ...agent.state, state: commit.state, ...(commit.enforcement ? { enforcement: commit.enforcement } : {}) };
  }

  async listHistory(instanceId: string, page: PageRequest): Promise<Page<HistoryEntry>> {
    const after = decodePageToken(page.pageToken, "history", instanceId, ["number", "number"] as const);
    const all = this.#agents.get(instanceId)?.history ?? [];
    const rest = newestFirst(all, (h) => [h.revision, h.seq], after);
    return copyPage(
      pageOf(rest, pageSizeOf(page.pageSize), (h) => encodePageToken("history", instanceId, [h.revision, h.seq])),
    );
  }

  async historyBySequence(instanceId: string, from: number, to: number): Promise<HistoryEntry[]> {
    const all = this.#agents.get(instanceId)?.history ?? [];
    const inRange = all.filter((h) => h.sequence !== null && h.sequence >= from && h.sequence <= to);
    // Stable sort: equal sequences stay in commit order, as in the Mongo store.
    return jsonCopy(inRange.sort((a, b) => (a.sequence as number) - (b.sequence as number)));
  }

  async listDriftEvents(instanceId: string, page: PageRequest): Promise<Page<DriftEventRecord>> {
    const after = decodePageToken(page.pageToken, "drift", instanceId, ["number", "number"] as const);
    const all = this.#agents.get(instanceId)?.driftEvents ?? [];
    const rest = newestFirst(all, (e) => [e.revision, e.seq], after);
    return copyPage(
      pageOf(rest, pageSizeOf(page.pageSize), (e) => encodePageToken("drift", instanceId, [e.revision, e.seq])),
    );
  }

  async latestSnapshot(instanceId: string): Promise<SnapshotRecord | null> {
    const last = this.#agents.get(instanceId)?.snapshots.at(-1);
    return last ? jsonCopy(last) : null;
  }

  async listSnapshots(instanceId: string, page: PageRequest): Promise<Page<SnapshotRecord>> {
    const after = decodePageToken(page.pageToken, "snapshots", instanceId, ["number", "number"] as const);
    const all = this.#agents.get(instanceId)?.snapshots ?? [];
    const rest = newestFirst(all, (s) => [s.revision, s.seq], after);
    return copyPage(
      pageOf(rest, pageSizeOf(page.pageSize), (s) => encodePageToken("snapshots", instanceId, [s.revision, s.seq])),
    );
  }

  healthy(): boolean {
    return true;
  }

  onHealthChange(_listener: (healthy: boolean) => void): void {
    // Always healthy: nothing to report.
  }

  async close(): Promise<void> {}
}

/** Items of an oldest-first array, newest first, strictly before the cursor key. */
function newestFirst<T>(items: readonly T[], key: (item: T) => Key, before: Key | null): T[] {
  const out: T[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as T;
    const [rev, seq] = key(item);
    if (!before || rev < before[0] || (rev === before[0] && seq < before[1])) out.push(item);
  }
  return out;
}

function pageOf<T>(sorted: readonly T[], size: number, tokenFor: (last: T) => string): Page<T> {
  const items = sorted.slice(0, size);
  const last = items.at(-1);
  return { items, nextPageToken: sorted.length > size && last !== undefined ? tokenFor(last) : "" };
}

function copyPage<T>(page: Page<T>): Page<T> {
  return { items: jsonCopy(page.items), nextPageToken: page.nextPageToken };
}

/** Plain code-unit order (the same as MongoDB's for ASCII ids). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
