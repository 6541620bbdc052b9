// Every index the store's queries use, created idempotently at start-up. Point reads go by _id;
// listings filter on instanceId and sort by (revision, seq) descending, paged by keyset;
// replays select history by session sequence.
import type { Db, IndexDescription } from "mongodb";
import { collections } from "./documents.js";

const byAgentNewestFirst: IndexDescription = { key: { instanceId: 1, revision: -1, seq: -1 }, name: "agent_newest_first" };

const indexes: Record<keyof typeof collections, IndexDescription[]> = {
  // listInstances: creation order, id as tie-breaker.
  instances: [{ key: { createdAtMs: 1, _id: 1 }, name: "created_order" }],
  states: [], // read by _id only
  // One entry per revision: the insert that takes a revision is the commit point. Also serves
  // deleteMany by instanceId.
  cycles: [{ key: { instanceId: 1, revision: 1 }, name: "agent_revision", unique: true }],
  // historyBySequence: a session's replay window.
  history: [byAgentNewestFirst, { key: { instanceId: 1, sequence: 1, revision: 1, seq: 1 }, name: "agent_sequence" }],
  drift: [byAgentNewestFirst],
  snapshots: [byAgentNewestFirst],
};

export async function ensureIndexes(db: Db): Promise<void> {
  // One index per command: FerretDB 1.24 panics on a createIndexes of several indexes that all
  // exist already.
  await Promise.all(
    Object.entries(indexes).flatMap(([key, specs]) =>
      specs.map((spec) => db.collection(collections[key as keyof typeof collections]).createIndexes([spec])),
    ),
  );
}
