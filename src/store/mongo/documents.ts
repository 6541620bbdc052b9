// Document shapes and their codec. Values whose shape the store does not control (engine state,
// events, snapshots, profiles, labels, context) are stored as JSON text: FerretDB rejects nested
// arrays and keys containing '.' or starting with '$', and the engine may produce either.
// Only the fields that queries filter or sort on are top-level BSON.
import type { EngineState } from "../../engine/index.js";
import type { CommitRecords } from "../commit-records.js";
import type { CycleCommit, HistoryEntry, InstanceRecord, StoredState } from "../types.js";

export const collections = {
  instances: "instances",
  states: "states",
  cycles: "cycles",
  drift: "drift_events",
  snapshots: "snapshots",
} as const;

/** Behavioral contracts, keyed by agent id rather than instance id, so kept apart from the above. */
export const contractsCollection = "contracts";

/** History lives in the cycles docs; only drift events and snapshots (rare) get their own documents. */
export type RecordCollection = "drift" | "snapshots";
export const recordCollections: readonly RecordCollection[] = ["drift", "snapshots"];

export interface InstanceDoc {
  _id: string;
  name: string;
  description: string;
  profile: string;
  labels: string;
  createdAtMs: number;
  updatedAtMs: number;
  /** Revision 0's state, so an agent whose create stopped before its states doc still loads. */
  initialState: string;
}

/** A checkpoint of an agent's state: a lower bound on its head, never ahead of it. */
export interface StateDoc {
  _id: string;
  revision: number;
  state: string;
  lastSequence: number;
  /** JSON of the enforcement state; null (or missing, in documents written before it existed) when none. */
  enforcement?: string | null;
  updatedAtMs: number;
}

/**
 * One committed revision: the commit log entry, carrying everything the commit produced. It is
 * also where history is read from, so a commit of many observations is still one document.
 */
export interface CycleDoc {
  _id: string;
  instanceId: string;
  revision: number;
  committedAtMs: number;
  state: string;
  lastSequence: number;
  enforcement?: string | null;
  /** JSON of the commit's history entries, drift events and snapshots. */
  records: string;
  /**
   * Lowest and highest session sequence among the commit's history entries, for historyBySequence;
   * absent when no entry has one (unary calls, resets), so range filters never match them.
   */
  minSequence?: number;
  maxSequence?: number;
}

/** A drift event or snapshot; `data` is the whole record as JSON. */
export interface RecordDoc {
  _id: string;
  instanceId: string;
  revision: number;
  seq: number;
  data: string;
}

/** One contract version; `data` is the whole contract as JSON. */
export interface ContractDoc {
  _id: string;
  agentId: string;
  version: number;
  data: string;
}

export const contractId = (agentId: string, version: number) => `${agentId}:${version}`;

/** Revisions are numbers, so the last segment of each id is unambiguous whatever the agent id holds. */
export const cycleId = (instanceId: string, revision: number) => `${instanceId}:${revision}`;
const recordId = (instanceId: string, revision: number, seq: number) => `${instanceId}:${revision}:${seq}`;

export function instanceDoc(instance: InstanceRecord, state: EngineState): InstanceDoc {
  return {
    _id: instance.id,
    name: instance.name,
    description: instance.description,
    profile: JSON.stringify(instance.profile),
    labels: JSON.stringify(instance.labels),
    createdAtMs: instance.createdAtMs,
    updatedAtMs: instance.updatedAtMs,
    initialState: JSON.stringify(state),
  };
}

export function instanceOf(doc: InstanceDoc): InstanceRecord {
  return {
    id: doc._id,
    name: doc.name,
    description: doc.description,
    profile: JSON.parse(doc.profile),
    labels: JSON.parse(doc.labels),
    createdAtMs: doc.createdAtMs,
    updatedAtMs: doc.updatedAtMs,
  };
}

/** Projection that leaves out the initial state, which readers of the record never need. */
export const instanceFields = { initialState: 0 } as const;

/** The state of a revision, kept as JSON so it can be handed out many times without copying. */
export interface Head {
  instanceId: string;
  revision: number;
  state: string;
  lastSequence: number;
  enforcement: string | null;
  updatedAtMs: number;
}

export function storedStateOf(head: Head): StoredState {
  return {
    instanceId: head.instanceId,
    revision: head.revision,
    state: JSON.parse(head.state),
    lastSequence: head.lastSequence,
    ...(head.enforcement === null ? {} : { enforcement: JSON.parse(head.enforcement) }),
    updatedAtMs: head.updatedAtMs,
  };
}

export function headOfCycle(doc: CycleDoc): Head {
  const { instanceId, revision, state, lastSequence } = doc;
  return { instanceId, revision, state, lastSequence, enforcement: doc.enforcement ?? null, updatedAtMs: doc.committedAtMs };
}

export function headOfState(doc: StateDoc): Head {
  const { revision, state, lastSequence, updatedAtMs } = doc;
  return { instanceId: doc._id, revision, state, lastSequence, enforcement: doc.enforcement ?? null, updatedAtMs };
}

export function headOfInstance(doc: InstanceDoc): Head {
  return { instanceId: doc._id, revision: 0, state: doc.initialState, lastSequence: 0, enforcement: null, updatedAtMs: doc.createdAtMs };
}

/** Always carries `enforcement` (null when none), so a checkpoint update also clears a stale one. */
export function stateDoc(head: Head): StateDoc {
  const { revision, state, lastSequence, enforcement, updatedAtMs } = head;
  return { _id: head.instanceId, revision, state, lastSequence, enforcement, updatedAtMs };
}

export function cycleDoc(commit: CycleCommit, records: CommitRecords): CycleDoc {
  const { history, driftEvents, snapshots } = records;
  return {
    _id: cycleId(commit.instanceId, records.revision),
    instanceId: commit.instanceId,
    revision: records.revision,
    committedAtMs: commit.committedAtMs,
    state: JSON.stringify(commit.state),
    lastSequence: commit.lastSequence,
    enforcement: commit.enforcement ? JSON.stringify(commit.enforcement) : null,
    records: JSON.stringify({ history, driftEvents, snapshots }),
    ...sequenceRange(history),
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

type RecordSet = Omit<CommitRecords, "revision">;

/** The projection documents of one commit, per collection. */
export function recordDocs(
  instanceId: string,
  revision: number,
  records: Omit<RecordSet, "history">,
): Record<RecordCollection, RecordDoc[]> {
  const docs = (items: { seq: number }[]): RecordDoc[] =>
    items.map((item) => ({
      _id: recordId(instanceId, revision, item.seq),
      instanceId,
      revision,
      seq: item.seq,
      data: JSON.stringify(item),
    }));
  return {
    drift: docs(records.driftEvents),
    snapshots: docs(records.snapshots),
  };
}

/** The projection documents of a logged cycle, for roll-forward. */
export function recordDocsOfCycle(cycle: CycleDoc): Record<RecordCollection, RecordDoc[]> {
  return recordDocs(cycle.instanceId, cycle.revision, JSON.parse(cycle.records) as RecordSet);
}

/** The history entries of a logged cycle, in commit order (ascending seq). */
export function historyOfCycle(cycle: Pick<CycleDoc, "records">): HistoryEntry[] {
  return (JSON.parse(cycle.records) as RecordSet).history;
}

export function recordOf<T>(doc: RecordDoc): T {
  return JSON.parse(doc.data) as T;
}
