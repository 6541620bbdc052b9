// In-process Store, used when MONGODB_URI is unset. Same semantics as the Mongo store (one shared
// contract suite runs against both); everything is copied in and out so callers never share
// objects with the store. The per-cycle data (history, the current engine state) is kept as
// MessagePack bytes (packed-log.ts) rather than as object graphs, so that what the store retains
// costs the garbage collector a few numbers per cycle instead of ~20 objects.
import type { EngineState } from "../engine/index.js";
import { commitRecords, jsonCopy } from "./commit-records.js";
import { PackedLog, pack, unpack } from "./packed-log.js";
import { MemoryContractStore } from "./memory-contracts.js";
import { MemoryKeyStore } from "./memory-keys.js";
import { decodePageToken, encodePageToken, pageSizeOf } from "./page-token.js";
import { tenantKey } from "./tenant.js";
import {
  InstanceExistsError,
  DEFAULT_REQUEST_RETENTION_MS,
  RevisionConflictError,
  type CommitAudit,
  type CommitRequest,
  type CommittedRequest,
  type CycleCommit,
  type LoggedCommit,
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
  state: PackedState;
  /** Packed HistoryEntry values, with their keys alongside (one number each per entry). */
  history: PackedLog;
  historyRevision: number[];
  historySeq: number[];
  /** The entry's sequence, or -1 for none (sequences start at 1). */
  historySequence: number[];
  driftEvents: DriftEventRecord[];
  snapshots: SnapshotRecord[];
  /** One per commit, oldest first: where its history entries and snapshots start, and its audit link. */
  log: LogItem[];
  /** Committed request ids, oldest first (insertion order), pruned past the retention window. */
  requests: Map<string, KeptRequest>;
}

interface LogItem {
  revision: number;
  committedAtMs: number;
  historyStart: number;
  historyCount: number;
  snapshotStart: number;
  snapshotCount: number;
  audit: CommitAudit | null;
}

interface KeptRequest {
  fingerprint: string;
  reply: string | null;
  revision: number;
  committedAtMs: number;
}

/** A StoredState with its engine state and enforcement packed. */
interface PackedState {
  instanceId: string;
  revision: number;
  lastSequence: number;
  updatedAtMs: number;
  auditHead: string | null;
  /** { state, enforcement? } */
  packed: Uint8Array;
}

function unpackState(p: PackedState): StoredState {
  const { state, enforcement, rollout } = unpack<Pick<StoredState, "state" | "enforcement" | "rollout">>(p.packed);
  return {
    instanceId: p.instanceId,
    revision: p.revision,
    state,
    lastSequence: p.lastSequence,
    ...(enforcement ? { enforcement } : {}),
    ...(rollout ? { rollout } : {}),
    ...(p.auditHead === null ? {} : { auditHead: p.auditHead }),
    updatedAtMs: p.updatedAtMs,
  };
}

type Key = readonly [number, number];

export interface MemoryStoreOptions {
  /** How long committed request ids are kept at least (docs/idempotency.md). Default 24 h. */
  requestRetentionMs?: number;
}

export class MemoryStore implements Store {
  readonly #requestRetentionMs: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#requestRetentionMs = options.requestRetentionMs ?? DEFAULT_REQUEST_RETENTION_MS;
  }

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
        lastSequence: 0,
        updatedAtMs: instance.createdAtMs,
        auditHead: null,
        packed: pack({ state }),
      },
      history: new PackedLog(),
      historyRevision: [],
      historySeq: [],
      historySequence: [],
      driftEvents: [],
      snapshots: [],
      log: [],
      requests: new Map(),
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
    return agent ? unpackState(agent.state) : null;
  }

  async commit(commit: CycleCommit): Promise<StoredState> {
    const agent = this.#agent(commit.tenant, commit.instanceId);
    // A missing agent (or another tenant's) is a conflict too: the writer reloads and finds it gone.
    if (!agent || agent.state.revision !== commit.expectedRevision) {
      throw new RevisionConflictError(commit.instanceId, commit.expectedRevision);
    }
    // One id, one commit: the service checks first, so this only guards its invariant.
    if (commit.request && agent.requests.has(commit.request.id)) {
      throw new RevisionConflictError(commit.instanceId, commit.expectedRevision);
    }
    const records = commitRecords(commit);
    // Everything that can throw runs before anything is changed.
    const packedState = pack({
      state: commit.state,
      ...(commit.enforcement ? { enforcement: commit.enforcement } : {}),
      ...(commit.rollout ? { rollout: commit.rollout } : {}),
    });
    const driftEvents = jsonCopy(records.driftEvents);
    const snapshots = jsonCopy(records.snapshots);
    const audit = commit.audit ? jsonCopy(commit.audit) : null;
    const before = agent.history.length;
    try {
      for (const h of records.history) agent.history.push(h);
    } catch (err) {
      agent.history.truncate(before);
      throw err;
    }
    records.history.forEach((h) => {
      agent.historyRevision.push(h.revision);
      agent.historySeq.push(h.seq);
      agent.historySequence.push(typeof h.sequence === "number" && Number.isFinite(h.sequence) ? h.sequence + 0 : -1);
    });
    agent.state = {
      instanceId: commit.instanceId,
      revision: records.revision,
      lastSequence: commit.lastSequence,
      updatedAtMs: commit.committedAtMs,
      auditHead: audit ? audit.head : null,
      packed: packedState,
    };
    agent.log.push({
      revision: records.revision,
      committedAtMs: commit.committedAtMs,
      historyStart: before,
      historyCount: records.history.length,
      snapshotStart: agent.snapshots.length,
      snapshotCount: snapshots.length,
      audit,
    });
    agent.driftEvents.push(...driftEvents);
    agent.snapshots.push(...snapshots);
    if (commit.request) this.#keepRequest(agent, commit.request, records.revision, commit.committedAtMs);
    // Built from the caller's own objects: the stored copies above stay private without a third copy.
    return {
      instanceId: commit.instanceId,
      revision: records.revision,
      state: commit.state,
      lastSequence: commit.lastSequence,
      ...(commit.enforcement ? { enforcement: commit.enforcement } : {}),
      ...(commit.rollout ? { rollout: commit.rollout } : {}),
      ...(audit ? { auditHead: audit.head } : {}),
      updatedAtMs: commit.committedAtMs,
    };
  }

  async readLog(tenant: string, instanceId: string, afterRevision: number, limit: number): Promise<LoggedCommit[]> {
    const agent = this.#agent(tenant, instanceId);
    if (!agent) return [];
    // Revisions are gapless from 1, so a revision's log item sits at revision - 1.
    const items = agent.log.slice(Math.max(0, afterRevision), Math.max(0, afterRevision) + Math.max(0, limit));
    return items.map((item) => {
      const history: HistoryEntry[] = [];
      for (let i = item.historyStart; i < item.historyStart + item.historyCount; i++) history.push(agent.history.get<HistoryEntry>(i));
      return {
        revision: item.revision,
        committedAtMs: item.committedAtMs,
        history,
        snapshots: jsonCopy(agent.snapshots.slice(item.snapshotStart, item.snapshotStart + item.snapshotCount)),
        audit: item.audit ? jsonCopy(item.audit) : null,
      };
    });
  }

  async findRequest(tenant: string, instanceId: string, requestId: string): Promise<CommittedRequest | null> {
    const agent = this.#agent(tenant, instanceId);
    const kept = agent?.requests.get(requestId);
    if (!agent || !kept) return null;
    return {
      id: requestId,
      fingerprint: kept.fingerprint,
      reply: kept.reply,
      revision: kept.revision,
      committedAtMs: kept.committedAtMs,
      outcomes: this.#historyAt(agent, kept.revision).map((h) => h.result),
    };
  }

  /** Inserts in commit order, so the oldest ids are first: pruning stops at the first one still kept. */
  #keepRequest(agent: Agent, request: CommitRequest, revision: number, atMs: number): void {
    const { id, fingerprint, reply } = request;
    agent.requests.set(id, { fingerprint, reply, revision, committedAtMs: atMs });
    const oldest = atMs - this.#requestRetentionMs;
    for (const [key, kept] of agent.requests) {
      if (kept.committedAtMs >= oldest) break;
      agent.requests.delete(key);
    }
  }

  /** The history entries of one revision, in order; revisions ascend, so a binary search finds them. */
  #historyAt(agent: Agent, revision: number): HistoryEntry[] {
    const revs = agent.historyRevision;
    let lo = 0;
    let hi = revs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (revs[mid]! < revision) lo = mid + 1;
      else hi = mid;
    }
    const out: HistoryEntry[] = [];
    for (let i = lo; i < revs.length && revs[i] === revision; i++) out.push(agent.history.get<HistoryEntry>(i));
    return out;
  }

  async listHistory(tenant: string, instanceId: string, page: PageRequest): Promise<Page<HistoryEntry>> {
    const scope = tenantKey(tenant, instanceId);
    const after = decodePageToken(page.pageToken, "history", scope, ["number", "number"] as const);
    const agent = this.#agent(tenant, instanceId);
    if (!agent) return { items: [], nextPageToken: "" };
    const size = pageSizeOf(page.pageSize);
    // Newest first, strictly before the cursor: size + 1 positions tell whether a next page exists.
    const positions: number[] = [];
    for (let i = agent.history.length - 1; i >= 0 && positions.length <= size; i--) {
      const rev = agent.historyRevision[i]!;
      if (!after || rev < after[0] || (rev === after[0] && agent.historySeq[i]! < after[1])) positions.push(i);
    }
    const items = positions.slice(0, size).map((i) => agent.history.get<HistoryEntry>(i));
    const last = positions[size - 1];
    return {
      items,
      nextPageToken:
        positions.length > size && last !== undefined
          ? encodePageToken("history", scope, [agent.historyRevision[last]!, agent.historySeq[last]!])
          : "",
    };
  }

  async historyBySequence(tenant: string, instanceId: string, from: number, to: number): Promise<HistoryEntry[]> {
    const agent = this.#agent(tenant, instanceId);
    if (!agent) return [];
    const inRange: number[] = [];
    agent.historySequence.forEach((sequence, i) => {
      if (sequence !== -1 && sequence >= from && sequence <= to) inRange.push(i);
    });
    // Stable sort: equal sequences stay in commit order, as in the Mongo store.
    inRange.sort((a, b) => agent.historySequence[a]! - agent.historySequence[b]!);
    return inRange.map((i) => agent.history.get<HistoryEntry>(i));
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
