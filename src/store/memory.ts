// In-process Store, used when MONGODB_URI is unset. Same semantics as the Mongo store (one shared
// contract suite runs against both); everything is copied in and out so callers never share
// objects with the store.
import type { EngineState } from "../engine/index.js";
import { commitRecords, jsonCopy } from "./commit-records.js";
import { MemoryContractStore } from "./memory-contracts.js";
import { MemoryKeyStore } from "./memory-keys.js";
import { decodePageToken, encodePageToken, pageSizeOf } from "./page-token.js";
import { tenantKey } from "./tenant.js";
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
  /** By tenantKey(tenant, id): the same id in two tenants is two unrelated agents. */
  readonly #agents = new Map<string, Agent>();
  readonly #contracts = new MemoryContractStore();

  get contracts(): MemoryContractStore {
    return this.#contracts;
  }

  readonly keys = new MemoryKeyStore();

  async createInstance(instance: InstanceRecord, state: EngineState): Promise<void> {
    const key = tenantKey(instance.tenant, instance.id);
    if (this.#agents.has(key)) throw new InstanceExistsError(instance.id);
    this.#agents.set(key, {
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

  async getInstance(tenant: string, id: string): Promise<InstanceRecord | null> {
    const agent = this.#agent(tenant, id);
    return agent ? jsonCopy(agent.instance) : null;
  }

  async listInstances(tenant: string, page: PageRequest): Promise<Page<InstanceRecord>> {
    const scope = tenantKey(tenant, "");
    const after = decodePageToken(page.pageToken, "instances", scope, ["number", "string"] as const);
    const sorted = [...this.#agents.values()]
      .map((a) => a.instance)
      .filter((i) => i.tenant === tenant)
      .sort((a, b) => a.createdAtMs - b.createdAtMs || compareStrings(a.id, b.id));
    const rest = after
      ? sorted.filter((i) => i.createdAtMs > after[0] || (i.createdAtMs === after[0] && i.id > after[1]))
      : sorted;
    return pageOf(rest, pageSizeOf(page.pageSize), (i) =>
      encodePageToken("instances", scope, [i.createdAtMs, i.id]),
    );
  }

  async updateInstance(
    tenant: string,
    id: string,
    patch: Pick<InstanceRecord, "name" | "description" | "labels" | "updatedAtMs">,
  ): Promise<InstanceRecord | null> {
    const agent = this.#agent(tenant, id);
    if (!agent) return null;
    const { name, description, labels, updatedAtMs } = jsonCopy(patch);
    agent.instance = { ...agent.instance, name, description, labels, updatedAtMs };
    return jsonCopy(agent.instance);
  }

  async deleteInstance(tenant: string, id: string): Promise<boolean> {
    this.#contracts.deleteAgent(tenant, id);
    return this.#agents.delete(tenantKey(tenant, id));
  }

  async loadState(tenant: string, instanceId: string): Promise<StoredState | null> {
    const agent = this.#agent(tenant, instanceId);
    return agent ? jsonCopy(agent.state) : null;
  }

  async commit(commit: CycleCommit): Promise<StoredState> {
    const agent = this.#agent(commit.tenant, commit.instanceId);
    // A missing agent (or another tenant's) is a conflict too: the writer reloads and finds it gone.
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

  async listHistory(tenant: string, instanceId: string, page: PageRequest): Promise<Page<HistoryEntry>> {
    const scope = tenantKey(tenant, instanceId);
    const after = decodePageToken(page.pageToken, "history", scope, ["number", "number"] as const);
    const all = this.#agent(tenant, instanceId)?.history ?? [];
    const rest = newestFirst(all, (h) => [h.revision, h.seq], after);
    return copyPage(
      pageOf(rest, pageSizeOf(page.pageSize), (h) => encodePageToken("history", scope, [h.revision, h.seq])),
    );
  }

  async historyBySequence(tenant: string, instanceId: string, from: number, to: number): Promise<HistoryEntry[]> {
    const all = this.#agent(tenant, instanceId)?.history ?? [];
    const inRange = all.filter((h) => h.sequence !== null && h.sequence >= from && h.sequence <= to);
    // Stable sort: equal sequences stay in commit order, as in the Mongo store.
    return jsonCopy(inRange.sort((a, b) => (a.sequence as number) - (b.sequence as number)));
  }

  async listDriftEvents(tenant: string, instanceId: string, page: PageRequest): Promise<Page<DriftEventRecord>> {
    const scope = tenantKey(tenant, instanceId);
    const after = decodePageToken(page.pageToken, "drift", scope, ["number", "number"] as const);
    const all = this.#agent(tenant, instanceId)?.driftEvents ?? [];
    const rest = newestFirst(all, (e) => [e.revision, e.seq], after);
    return copyPage(
      pageOf(rest, pageSizeOf(page.pageSize), (e) => encodePageToken("drift", scope, [e.revision, e.seq])),
    );
  }

  async latestSnapshot(tenant: string, instanceId: string): Promise<SnapshotRecord | null> {
    const last = this.#agent(tenant, instanceId)?.snapshots.at(-1);
    return last ? jsonCopy(last) : null;
  }

  async listSnapshots(tenant: string, instanceId: string, page: PageRequest): Promise<Page<SnapshotRecord>> {
    const scope = tenantKey(tenant, instanceId);
    const after = decodePageToken(page.pageToken, "snapshots", scope, ["number", "number"] as const);
    const all = this.#agent(tenant, instanceId)?.snapshots ?? [];
    const rest = newestFirst(all, (s) => [s.revision, s.seq], after);
    return copyPage(
      pageOf(rest, pageSizeOf(page.pageSize), (s) => encodePageToken("snapshots", scope, [s.revision, s.seq])),
    );
  }

  healthy(): boolean {
    return true;
  }

  onHealthChange(_listener: (healthy: boolean) => void): void {
    // Always healthy: nothing to report.
  }

  async close(): Promise<void> {}

  /** The tenant's agent with that id; another tenant's is as absent as a missing one. */
  #agent(tenant: string, id: string): Agent | undefined {
    return this.#agents.get(tenantKey(tenant, id));
  }
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
