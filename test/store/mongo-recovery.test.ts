// Crash safety of the Mongo store: a writer (or a delete, or a create) that stopped half-way is
// simulated by writing only part of what it would have written, straight through the driver.
import { MongoClient, type Db } from "mongodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { commitRecords } from "../../src/store/commit-records.js";
import { agentDocId, collections, cycleDoc, instanceDoc } from "../../src/store/mongo/documents.js";
import { connectMongoStore, type MongoStore, type MongoStoreOptions } from "../../src/store/mongo/index.js";
import { RevisionConflictError } from "../../src/store/types.js";
import { startMongoServer, type MongoServer } from "../support/mongo-server.js";
import { cycleCommit, engineState, instance, newId, TENANT } from "./fixtures.js";

let server: MongoServer;
let client: MongoClient;
let db: Db;
let dbName: string;
const open: MongoStore[] = [];

beforeAll(async () => {
  server = await startMongoServer();
  client = await new MongoClient(server.uri).connect();
});
beforeEach(async () => {
  dbName = server.database("recovery");
  db = client.db(dbName);
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await client?.close();
  await server?.dispose();
});

/** A store as a freshly started process would have it: nothing cached. */
async function freshStore(options: Partial<MongoStoreOptions> = {}): Promise<MongoStore> {
  const store = await connectMongoStore({ uri: server.uri, dbName, ...options });
  open.push(store);
  return store;
}

const first = { pageSize: 100, pageToken: "" };

/** Writes only the commit point of a commit, as a writer that died right after it would. */
async function commitPointOnly(id: string, expectedRevision: number) {
  const commit = cycleCommit(id, expectedRevision, { history: 2, drift: 1, snapshots: 1 });
  await db.collection(collections.cycles).insertOne(cycleDoc(commit, commitRecords(commit)) as never);
  return commit;
}

/** Documents of the agent per collection (each carries its tenant and agent id). */
async function countsFor(id: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of Object.values(collections)) {
    const filter = { tenant: TENANT, instanceId: id };
    counts[name] = await db.collection(name).countDocuments(filter as never);
  }
  return counts;
}

describe("MongoStore recovery", () => {
  it("rolls forward a commit whose projections never happened", async () => {
    const writer = await freshStore();
    const id = newId();
    await writer.createInstance(instance(id), engineState(0));
    await writer.commit(cycleCommit(id, 0));
    const crashed = await commitPointOnly(id, 1);

    // Both the writer (which has revision 1 cached) and a cold process see revision 2.
    for (const store of [writer, await freshStore()]) {
      expect(await store.loadState(TENANT, id)).toMatchObject({ revision: 2, state: crashed.state });
    }
    expect((await writer.listHistory(TENANT, id, first)).items.slice(0, 2)).toEqual([...crashed.history].reverse());
    expect((await writer.listDriftEvents(TENANT, id, first)).items).toEqual(crashed.driftEvents);
    expect(await writer.latestSnapshot(TENANT, id)).toEqual(crashed.snapshots[0]);
    await expect(writer.commit(cycleCommit(id, 1))).rejects.toBeInstanceOf(RevisionConflictError);
    expect((await writer.commit(cycleCommit(id, 2))).revision).toBe(3);
  });

  it("shows a rolled-forward commit in listings even before any load", async () => {
    const writer = await freshStore();
    const id = newId();
    await writer.createInstance(instance(id), engineState(0));
    const crashed = await commitPointOnly(id, 0);
    const reader = await freshStore();
    expect((await reader.listHistory(TENANT, id, first)).items).toEqual([...crashed.history].reverse());
    expect(await reader.latestSnapshot(TENANT, id)).toEqual(crashed.snapshots[0]);
  });

  it("rolls forward only for the agent's own tenant; another tenant's reads change nothing", async () => {
    const writer = await freshStore();
    const id = newId();
    await writer.createInstance(instance(id), engineState(0));
    const crashed = await commitPointOnly(id, 0);
    const other = await freshStore();
    expect(await other.loadState("tenant-b", id)).toBeNull();
    expect((await other.listDriftEvents("tenant-b", id, first)).items).toEqual([]);
    expect((await other.listSnapshots("tenant-b", id, first)).items).toEqual([]);
    expect(await other.latestSnapshot("tenant-b", id)).toBeNull();
    await expect(other.commit(cycleCommit(id, 1, {}, "tenant-b"))).rejects.toBeInstanceOf(RevisionConflictError);
    expect(await countsFor(id)).toEqual({ instances: 1, states: 1, cycles: 1, drift_events: 0, snapshots: 0, requests: 0 });

    expect(await other.loadState(TENANT, id)).toMatchObject({ revision: 1, state: crashed.state });
    expect(await countsFor(id)).toEqual({ instances: 1, states: 1, cycles: 1, drift_events: 1, snapshots: 1, requests: 0 });
  });

  it("finds the head far beyond the states checkpoint", async () => {
    const writer = await freshStore({ checkpointEvery: 8 });
    const id = newId();
    await writer.createInstance(instance(id), engineState(0));
    for (let r = 0; r < 37; r++) await writer.commit(cycleCommit(id, r));
    await writer.close();
    open.splice(open.indexOf(writer), 1);
    expect(await db.collection(collections.states).findOne({ _id: agentDocId(TENANT, id) } as never)).toMatchObject({ revision: 32 });
    expect(await (await freshStore()).loadState(TENANT, id)).toMatchObject({ revision: 37, state: engineState(37) });

    // Without any checkpoint past creation, the search starts at revision 0.
    await db.collection(collections.states).deleteOne({ _id: agentDocId(TENANT, id) } as never);
    expect(await (await freshStore()).loadState(TENANT, id)).toMatchObject({ revision: 37, state: engineState(37) });
  });

  it("loads an agent whose create stopped before its states checkpoint", async () => {
    const id = newId();
    await db.collection(collections.instances).insertOne(instanceDoc(instance(id), engineState(0)) as never);
    const store = await freshStore();
    expect(await store.loadState(TENANT, id)).toMatchObject({ revision: 0, state: engineState(0), lastSequence: 0 });
    expect((await store.commit(cycleCommit(id, 0))).revision).toBe(1);
    expect(await (await freshStore()).loadState(TENANT, id)).toMatchObject({ revision: 1 });
  });

  it("finishes a delete that stopped half-way, on retry or on re-create", async () => {
    const store = await freshStore();
    const id = newId();
    await store.createInstance(instance(id), engineState(0));
    for (let r = 0; r < 3; r++) await store.commit(cycleCommit(id, r, { history: 1, drift: 1, snapshots: 1 }));
    // The delete got as far as the instance doc.
    await db.collection(collections.instances).deleteOne({ _id: agentDocId(TENANT, id) } as never);
    expect(await store.getInstance(TENANT, id)).toBeNull();
    expect(await store.loadState(TENANT, id)).toBeNull();

    await store.createInstance(instance(id), engineState(0));
    expect(await store.loadState(TENANT, id)).toMatchObject({ revision: 0, state: engineState(0) });
    expect((await store.listHistory(TENANT, id, first)).items).toEqual([]);
    expect(await countsFor(id)).toEqual({ instances: 1, states: 1, cycles: 0, drift_events: 0, snapshots: 0, requests: 0 });

    await store.commit(cycleCommit(id, 0));
    await db.collection(collections.instances).deleteOne({ _id: agentDocId(TENANT, id) } as never);
    expect(await store.deleteInstance(TENANT, id)).toBe(false);
    expect(Object.values(await countsFor(id))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("deletes every document of the agent in every collection", async () => {
    const store = await freshStore({ checkpointEvery: 2 });
    const [doomed, kept] = [newId(), newId()];
    for (const id of [doomed, kept]) {
      await store.createInstance(instance(id), engineState(0));
      for (let r = 0; r < 4; r++) await store.commit({ ...cycleCommit(id, r, { history: 2, drift: 1, snapshots: 1 }), request: { id: `r${r}`, fingerprint: "f", reply: null } });
    }
    // History rides in the cycles docs: one document per commit, plus its drift events and snapshots.
    expect(await countsFor(doomed)).toEqual({ instances: 1, states: 1, cycles: 4, drift_events: 4, snapshots: 4, requests: 4 });
    expect(await store.deleteInstance(TENANT, doomed)).toBe(true);
    expect(Object.values(await countsFor(doomed))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await countsFor(kept)).toEqual({ instances: 1, states: 1, cycles: 4, drift_events: 4, snapshots: 4, requests: 4 });
    expect((await store.listHistory(TENANT, kept, first)).items).toHaveLength(8);
  });
});
