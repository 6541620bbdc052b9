// Every index the store's queries use, created idempotently at start-up. Point reads go by _id
// (tenant-scoped, see documents.ts); listings filter on tenant and instanceId and sort by revision
// (and seq) descending, paged by keyset; replays select the commits whose history overlaps a range
// of session sequences. Every query filters on the tenant, so every index leads with it.
import type { Db, IndexDescription } from "mongodb";
import { collections, contractsCollection } from "./documents.js";
import { keysCollection } from "./keys.js";

const byAgentNewestFirst: IndexDescription = {
  key: { tenant: 1, instanceId: 1, revision: -1, seq: -1 },
  name: "tenant_agent_newest_first",
};

const indexes: Record<keyof typeof collections, IndexDescription[]> = {
  // listInstances: the tenant's agents in creation order, id as tie-breaker.
  instances: [{ key: { tenant: 1, createdAtMs: 1, _id: 1 }, name: "tenant_created_order" }],
  states: [], // read by _id only
  cycles: [
    // One entry per revision: the insert that takes a revision is the commit point. Also serves
    // listHistory (walked backwards) and deleteMany by tenant and instanceId.
    { key: { tenant: 1, instanceId: 1, revision: 1 }, name: "tenant_agent_revision", unique: true },
    // historyBySequence: maxSequence >= from bounds the scan to the commits since the window
    // began (replays ask for recent sequences); minSequence <= to is checked in the index.
    { key: { tenant: 1, instanceId: 1, maxSequence: 1, minSequence: 1 }, name: "tenant_agent_sequence" },
  ],
  drift: [byAgentNewestFirst],
  snapshots: [byAgentNewestFirst],
  // Read by _id (one document per request id and agent); this serves deleteMany by agent. The
  // hourly retention sweep (by commit time, across tenants) scans the collection, which holds
  // only the window's ids: an index leading with anything but the tenant would break the rule
  // that every query names its tenant.
  requests: [byAgentNewestFirst],
};

// Contract versions are read by _id; this serves the history listing and deleteMany by agent.
const contractIndex: IndexDescription = {
  key: { tenant: 1, agentId: 1, version: 1 },
  name: "tenant_agent_version",
  unique: true,
};

// API keys are read by _id; this serves a tenant's key listing.
const keyIndex: IndexDescription = { key: { tenant: 1, createdAtMs: 1, _id: 1 }, name: "tenant_created_order" };

export async function ensureIndexes(db: Db): Promise<void> {
  // One index per command: FerretDB 1.24 panics on a createIndexes of several indexes that all
  // exist already.
  await Promise.all([
    ...Object.entries(indexes).flatMap(([key, specs]) =>
      specs.map((spec) => db.collection(collections[key as keyof typeof collections]).createIndexes([spec])),
    ),
    db.collection(contractsCollection).createIndexes([contractIndex]),
    db.collection(keysCollection).createIndexes([keyIndex]),
  ]);
}
