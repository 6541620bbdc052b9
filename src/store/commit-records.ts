// The records one commit appends, keyed from the commit itself (instanceId, revision = expected + 1,
// seq = position) so a caller cannot file them under another agent or revision. Shared by both
// stores so they agree exactly.
import type { CycleCommit, DriftEventRecord, HistoryEntry, SnapshotRecord } from "./types.js";

export interface CommitRecords {
  revision: number;
  history: HistoryEntry[];
  driftEvents: DriftEventRecord[];
  snapshots: SnapshotRecord[];
}

export function commitRecords(commit: CycleCommit): CommitRecords {
  const instanceId = commit.instanceId;
  const revision = commit.expectedRevision + 1;
  const keyed = <T extends { instanceId: string; revision: number; seq: number }>(items: T[]): T[] =>
    items.map((item, seq) => ({ ...item, instanceId, revision, seq }));
  return {
    revision,
    history: keyed(commit.history),
    driftEvents: keyed(commit.driftEvents),
    snapshots: keyed(commit.snapshots),
  };
}

export { jsonCopy } from "../contracts/json-copy.js";
