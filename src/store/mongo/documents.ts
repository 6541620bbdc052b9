// Document shapes and their codec. Values whose shape the store does not control (engine state,
// events, snapshots, profiles, labels, context) are stored as JSON text: FerretDB rejects nested
// arrays and keys containing '.' or starting with '$', and the engine may produce either.
// Only the fields that queries filter or sort on are top-level BSON.
//
// Tenancy: every document carries its agent's `tenant`, and every query names the tenant. Listings
// and deletes filter on the `tenant` field (every index leads with it). Point reads filter on `_id`
// alone, because a single-key `{_id}` filter is the only one FerretDB 1.x pushes down to SQLite
// (`{_id, tenant}` is a full scan there), so every `_id` is tenant-scoped instead: it starts with
// tenantKey(tenant, id), and a point read can only ever match the named tenant's document. The same
// id may therefore exist in two tenants, as two unrelated agents.
import type { EngineState } from "../../engine/index.js";
import type { CommitRecords } from "../commit-records.js";
import { tenantKey } from "../tenant.js";
import type { CommitAudit, CommitRequest, CycleCommit, HistoryEntry, InstanceRecord, LoggedCommit, StoredState } from "../types.js";

export const collections = {
  instances: "instances",
  states: "states",
  cycles: "cycles",
  drift: "drift_events",
  snapshots: "snapshots",
  requests: "requests",
} as const;

/** Behavioral contracts, keyed by (tenant, agent id) rather than instance id, so kept apart from the above. */
export const contractsCollection = "contracts";

/**
 * History lives in the cycles docs; only drift events and snapshots (rare) get their own documents,
 * and so do request ids (the lookup by id must be a point read: FerretDB 1.x pushes down only `_id`).
 */
export type RecordCollection = "drift" | "snapshots" | "requests";
export const recordCollections: readonly RecordCollection[] = ["drift", "snapshots", "requests"];

export interface InstanceDoc {
  /** agentDocId(tenant, instanceId) */
  _id: string;
  tenant: string;
  instanceId: string;
  name: string;
  description: string;
  profile: string;
  labels: string;
  createdAtMs: number;
  updatedAtMs: number;
  /** Revision 0's state, so an agent whose create stopped before its states doc still loads. */
  initialState: string;
  /** JSON of InstanceRecord.createRequest, when it was created with one. */
  createRequest?: string;
}

/** A checkpoint of an agent's state: a lower bound on its head, never ahead of it. */
export interface StateDoc {
  /** agentDocId(tenant, instanceId) */
  _id: string;
  tenant: string;
  instanceId: string;
  revision: number;
  state: string;
  lastSequence: number;
  /** JSON of the enforcement state; null (or missing, in documents written before it existed) when none. */
  enforcement?: string | null;
  /** JSON of the contract rollout state; null (or missing) when none. */
  rollout?: string | null;
  /** The audit chain's head at this revision; null (or missing) before the first chained commit. */
  auditHead?: string | null;
  updatedAtMs: number;
}

/**
 * One committed revision: the commit log entry, carrying everything the commit produced. It is
 * also where history is read from, so a commit of many observations is still one document.
 */
export interface CycleDoc {
  _id: string;
  tenant: string;
  instanceId: string;
  revision: number;
  committedAtMs: number;
  state: string;
  lastSequence: number;
  enforcement?: string | null;
  rollout?: string | null;
  /** The audit chain's head after this commit (also in records.audit); null (or missing) when unchained. */
  auditHead?: string | null;
  /** JSON of the commit's history entries, drift events, snapshots and audit link. */
  records: string;
  /**
   * Lowest and highest session sequence among the commit's history entries, for historyBySequence;
   * absent when no entry has one (unary calls, resets), so range filters never match them.
   */
  minSequence?: number;
  maxSequence?: number;
  /** The idempotency key committed with this cycle (the commit point carries it; see requestDocs). */
  request?: CommitRequest;
}

/** A drift event or snapshot; `data` is the whole record as JSON. */
export interface RecordDoc {
  _id: string;
  tenant: string;
  instanceId: string;
  revision: number;
  seq: number;
  data: string;
  /** Request docs only: when the commit was made, for the retention sweep. */
  committedAtMs?: number;
}

/** What a request doc's `data` holds. */
export interface RequestData extends CommitRequest {
  committedAtMs: number;
}

/** One contract version; `data` is the whole contract as JSON. */
export interface ContractDoc {
  _id: string;
  tenant: string;
  agentId: string;
  version: number;
  data: string;
  /** Set on versions put as SHADOW, with the newest ENFORCE version below (absent: ENFORCE). */
  mode?: "shadow";
  base?: number;
}

/**
 * `_id` of an agent's instance and states documents: `<length of tenant>:<tenant>:<agent id>`. The
 * length prefix delimits the tenant, so no two (tenant, id) pairs share an `_id`; within a tenant
 * the prefix is common, so `_id` order is agent id order (listInstances relies on it).
 */
export const agentDocId = (tenant: string, instanceId: string) => tenantKey(tenant, instanceId);

/** Revisions, versions and seqs are numbers, so the trailing segments are unambiguous whatever the ids hold. */
export const cycleId = (tenant: string, instanceId: string, revision: number) => `${agentDocId(tenant, instanceId)}:${revision}`;
const recordId = (tenant: string, instanceId: string, revision: number, seq: number) =>
  `${agentDocId(tenant, instanceId)}:${revision}:${seq}`;
/** Request ids are scoped to their agent; the nested length prefix keeps any id unambiguous. */
export const requestDocId = (tenant: string, instanceId: string, requestId: string) =>
  tenantKey(agentDocId(tenant, instanceId), requestId);
/** Contract agent ids are client-chosen: two tenants' contracts for one agent id never share an `_id`. */
export const contractId = (tenant: string, agentId: string, version: number) => `${tenantKey(tenant, agentId)}:${version}`;

export function instanceDoc(instance: InstanceRecord, state: EngineState): InstanceDoc {
  return {
    _id: agentDocId(instance.tenant, instance.id),
    tenant: instance.tenant,
    instanceId: instance.id,
    name: instance.name,
    description: instance.description,
    profile: JSON.stringify(instance.profile),
    labels: JSON.stringify(instance.labels),
    createdAtMs: instance.createdAtMs,
    updatedAtMs: instance.updatedAtMs,
    initialState: JSON.stringify(state),
    ...(instance.createRequest ? { createRequest: JSON.stringify(instance.createRequest) } : {}),
  };
}

export function instanceOf(doc: InstanceDoc): InstanceRecord {
  return {
    id: doc.instanceId,
    tenant: doc.tenant,
    name: doc.name,
    description: doc.description,
    profile: JSON.parse(doc.profile),
    labels: JSON.parse(doc.labels),
    createdAtMs: doc.createdAtMs,
    updatedAtMs: doc.updatedAtMs,
    ...(doc.createRequest ? { createRequest: JSON.parse(doc.createRequest) } : {}),
  };
}

/** Projection that leaves out the initial state, which readers of the record never need. */
export const instanceFields = { initialState: 0 } as const;

/** The state of a revision, kept as JSON so it can be handed out many times without copying. */
export interface Head {
  tenant: string;
  instanceId: string;
  revision: number;
  state: string;
  lastSequence: number;
  enforcement: string | null;
  rollout: string | null;
  auditHead: string | null;
  updatedAtMs: number;
}

export function storedStateOf(head: Head): StoredState {
  return {
    instanceId: head.instanceId,
    revision: head.revision,
    state: JSON.parse(head.state),
    lastSequence: head.lastSequence,
    ...(head.enforcement === null ? {} : { enforcement: JSON.parse(head.enforcement) }),
    ...(head.rollout === null ? {} : { rollout: JSON.parse(head.rollout) }),
    ...(head.auditHead === null ? {} : { auditHead: head.auditHead }),
    updatedAtMs: head.updatedAtMs,
  };
}

export function headOfCycle(doc: CycleDoc): Head {
  const { tenant, instanceId, revision, state, lastSequence } = doc;
  return {
    tenant,
    instanceId,
    revision,
    state,
    lastSequence,
    enforcement: doc.enforcement ?? null,
    rollout: doc.rollout ?? null,
    auditHead: doc.auditHead ?? null,
    updatedAtMs: doc.committedAtMs,
  };
}

export function headOfState(doc: StateDoc): Head {
  const { tenant, instanceId, revision, state, lastSequence, updatedAtMs } = doc;
  return {
    tenant,
    instanceId,
    revision,
    state,
    lastSequence,
    enforcement: doc.enforcement ?? null,
    rollout: doc.rollout ?? null,
    auditHead: doc.auditHead ?? null,
    updatedAtMs,
  };
}

export function headOfInstance(doc: Pick<InstanceDoc, "tenant" | "instanceId" | "initialState" | "createdAtMs">): Head {
  return {
    tenant: doc.tenant,
    instanceId: doc.instanceId,
    revision: 0,
    state: doc.initialState,
    lastSequence: 0,
    enforcement: null,
    rollout: null,
    auditHead: null,
    updatedAtMs: doc.createdAtMs,
  };
}

/** Always carries `enforcement` (null when none), so a checkpoint update also clears a stale one. */
export function stateDoc(head: Head): StateDoc {
  const { tenant, instanceId, revision, state, lastSequence, enforcement, rollout, auditHead, updatedAtMs } = head;
  return { _id: agentDocId(tenant, instanceId), tenant, instanceId, revision, state, lastSequence, enforcement, rollout, auditHead, updatedAtMs };
}

export function cycleDoc(commit: CycleCommit, records: CommitRecords): CycleDoc {
  const { history, driftEvents, snapshots } = records;
  return {
    _id: cycleId(commit.tenant, commit.instanceId, records.revision),
    tenant: commit.tenant,
    instanceId: commit.instanceId,
    revision: records.revision,
    committedAtMs: commit.committedAtMs,
    state: JSON.stringify(commit.state),
    lastSequence: commit.lastSequence,
    enforcement: commit.enforcement ? JSON.stringify(commit.enforcement) : null,
    rollout: commit.rollout ? JSON.stringify(commit.rollout) : null,
    auditHead: commit.audit ? commit.audit.head : null,
    records: JSON.stringify({ history, driftEvents, snapshots, audit: commit.audit ?? null }),
    ...sequenceRange(history),
    ...(commit.request ? { request: { id: commit.request.id, fingerprint: commit.request.fingerprint, reply: commit.request.reply } } : {}),
  };
}

/** The fields historyBySequence filters on; none when no entry carries a session sequence. */
function sequenceRange(history: HistoryEntry[]): Pick<CycleDoc, "minSequence" | "maxSequence"> {
  const sequences = history.flatMap((entry) => (typeof entry.sequence === "number" ? [entry.sequence] : []));
  if (sequences.length === 0) return {};
  return {
    minSequence: sequences.reduce((a, b) => Math.min(a, b)),
    maxSequence: sequences.reduce((a, b) => Math.max(a, b)),
  };
}

type RecordSet = Omit<CommitRecords, "revision"> & { audit?: CommitAudit | null };

/** The projection documents of one commit, per collection. */
export function recordDocs(
  tenant: string,
  instanceId: string,
  revision: number,
  records: Omit<RecordSet, "history">,
): Record<RecordCollection, RecordDoc[]> {
  const docs = (items: { seq: number }[]): RecordDoc[] =>
    items.map((item) => ({
      _id: recordId(tenant, instanceId, revision, item.seq),
      tenant,
      instanceId,
      revision,
      seq: item.seq,
      data: JSON.stringify(item),
    }));
  return {
    drift: docs(records.driftEvents),
    snapshots: docs(records.snapshots),
    requests: [],
  };
}

/** The request doc of a commit that carried an idempotency key (none otherwise). */
export function requestDocs(cycle: Pick<CycleDoc, "tenant" | "instanceId" | "revision" | "committedAtMs" | "request">): RecordDoc[] {
  const { tenant, instanceId, revision, committedAtMs, request } = cycle;
  if (!request) return [];
  const data: RequestData = { id: request.id, fingerprint: request.fingerprint, reply: request.reply, committedAtMs };
  return [{ _id: requestDocId(tenant, instanceId, request.id), tenant, instanceId, revision, seq: 0, data: JSON.stringify(data), committedAtMs }];
}

/** The projection documents of a logged cycle (or one being committed). */
export function recordDocsOfCycle(cycle: CycleDoc): Record<RecordCollection, RecordDoc[]> {
  return { ...recordDocs(cycle.tenant, cycle.instanceId, cycle.revision, JSON.parse(cycle.records) as RecordSet), requests: requestDocs(cycle) };
}

/** The history entries of a logged cycle, in commit order (ascending seq). */
export function historyOfCycle(cycle: Pick<CycleDoc, "records">): HistoryEntry[] {
  return (JSON.parse(cycle.records) as RecordSet).history;
}

export function recordOf<T>(doc: RecordDoc): T {
  return JSON.parse(doc.data) as T;
}

/** A cycles doc as the audit log replays it. */
export function loggedCommitOf(doc: Pick<CycleDoc, "revision" | "committedAtMs" | "records">): LoggedCommit {
  const records = JSON.parse(doc.records) as RecordSet;
  return {
    revision: doc.revision,
    committedAtMs: doc.committedAtMs,
    history: records.history,
    snapshots: records.snapshots,
    audit: records.audit ?? null,
  };
}
