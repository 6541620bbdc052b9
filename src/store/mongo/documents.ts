// Document shapes and their codec. Values whose shape the store does not control (engine state,
// events, snapshots, profiles, labels, context) are stored as JSON text: FerretDB rejects nested
// arrays and keys containing '.' or starting with '$', and the engine may produce either.
// Only the fields that queries filter or sort on are top-level BSON.
import type { EngineState } from "../../engine/index.js";
import type { CommitRecords } from "../commit-records.js";
import type { CycleCommit, InstanceRecord, StoredState } from "../types.js";

export const collections = {
  instances: "instances",
  states: "states",
  cycles: "cycles",
  history: "history",
  drift: "drift_events",
  snapshots: "snapshots",
} as const;

export type RecordCollection = "history" | "drift" | "snapshots";
export const recordCollections: readonly RecordCollection[] = ["history", "drift", "snapshots"];

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
  updatedAtMs: number;
}

/** One committed revision: the commit log entry, carrying everything the commit produced. */
export interface CycleDoc {
  _id: string;
  instanceId: string;
  revision: number;
  committedAtMs: number;
  state: string;
  lastSequence: number;
  /** JSON of the commit's history entries, drift events and snapshots. */
  records: string;
}

/** A history entry, drift event or snapshot; `data` is the whole record as JSON. */
export interface RecordDoc {
  _id: string;
  instanceId: string;
  revision: number;
  seq: number;
  /** History only: the session sequence number (null for unary calls), for historyBySequence. */
  sequence?: number | null;
  data: string;
}

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
  updatedAtMs: number;
}

export function storedStateOf(head: Head): StoredState {
  return {
    instanceId: head.instanceId,
    revision: head.revision,
    state: JSON.parse(head.state),
    lastSequence: head.lastSequence,
    updatedAtMs: head.updatedAtMs,
  };
}

export function headOfCycle(doc: CycleDoc): Head {
  const { instanceId, revision, state, lastSequence } = doc;
  return { instanceId, revision, state, lastSequence, updatedAtMs: doc.committedAtMs };
}

export function headOfState(doc: StateDoc): Head {
  const { revision, state, lastSequence, updatedAtMs } = doc;
  return { instanceId: doc._id, revision, state, lastSequence, updatedAtMs };
}

export function headOfInstance(doc: InstanceDoc): Head {
  return { instanceId: doc._id, revision: 0, state: doc.initialState, lastSequence: 0, updatedAtMs: doc.createdAtMs };
}

export function stateDoc(head: Head): StateDoc {
  const { revision, state, lastSequence, updatedAtMs } = head;
  return { _id: head.instanceId, revision, state, lastSequence, updatedAtMs };
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
    records: JSON.stringify({ history, driftEvents, snapshots }),
  };
}

type RecordSet = Omit<CommitRecords, "revision">;

/** The projection documents of one commit, per collection. */
export function recordDocs(instanceId: string, revision: number, records: RecordSet): Record<RecordCollection, RecordDoc[]> {
  const docs = (items: { seq: number }[]): RecordDoc[] =>
    items.map((item) => ({
      _id: recordId(instanceId, revision, item.seq),
      instanceId,
      revision,
      seq: item.seq,
      data: JSON.stringify(item),
    }));
  return {
    history: docs(records.history).map((doc, i) => ({ ...doc, sequence: records.history[i]?.sequence ?? null })),
    drift: docs(records.driftEvents),
    snapshots: docs(records.snapshots),
  };
}

/** The projection documents of a logged cycle, for roll-forward. */
export function recordDocsOfCycle(cycle: CycleDoc): Record<RecordCollection, RecordDoc[]> {
  return recordDocs(cycle.instanceId, cycle.revision, JSON.parse(cycle.records) as RecordSet);
}

export function recordOf<T>(doc: RecordDoc): T {
  return JSON.parse(doc.data) as T;
}
