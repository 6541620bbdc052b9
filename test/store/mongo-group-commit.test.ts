// Group commit shares round trips between agents without mixing up their outcomes, and the
// indexes every query relies on are in place (each leading with the tenant).
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collections, contractsCollection } from "../../src/store/mongo/documents.js";
import { connectMongoStore, type MongoStore } from "../../src/store/mongo/index.js";
import { RevisionConflictError } from "../../src/store/types.js";
import { startMongoServer, type MongoServer } from "../support/mongo-server.js";
import { cycleCommit, engineState, instance, newId, TENANT } from "./fixtures.js";

let server: MongoServer;
const open: MongoStore[] = [];
beforeAll(async () => {
  server = await startMongoServer();
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await server?.dispose();
});

async function storeWith(groupCommit: boolean, dbName = server.database("group")): Promise<MongoStore> {
  const store = await connectMongoStore({ uri: server.uri, dbName, groupCommit, maxBatchSize: 64 });
  open.push(store);
  return store;
}

async function agents(store: MongoStore, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, newId);
  await Promise.all(ids.map((id) => store.createInstance(instance(id), engineState(0))));
  return ids;
}

describe("MongoStore group commit", () => {
  it("writes concurrent commits of many agents in shared batches", async () => {
    const store = await storeWith(true);
    const ids = await agents(store, 150);
    const before = store.commitStats();
    const committed = await Promise.all(ids.map((id) => store.commit(cycleCommit(id, 0))));
    expect(committed.map((s) => [s.instanceId, s.revision])).toEqual(ids.map((id) => [id, 1]));
    const stats = store.commitStats();
    expect(stats.commits - before.commits).toBe(150);
    // Bounded batches of at most 64: three or a few more, never one per commit.
    expect(stats.batches - before.batches).toBeGreaterThanOrEqual(3);
    expect(stats.batches - before.batches).toBeLessThanOrEqual(10);
  });

  it("fails only the losers of a batch with RevisionConflictError", async () => {
    const store = await storeWith(true);
    const ids = await agents(store, 20);
    const racing = ids.flatMap((id) => [cycleCommit(id, 0), { ...cycleCommit(id, 0), state: engineState(99) }]);
    const results = await Promise.allSettled(racing.map((c) => store.commit(c)));
    for (let i = 0; i < ids.length; i++) {
      const pair = [results[2 * i]!, results[2 * i + 1]!];
      expect(pair.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const lost = pair.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(RevisionConflictError);
      const winner = pair[0]!.status === "fulfilled" ? racing[2 * i]! : racing[2 * i + 1]!;
      expect(await store.loadState(TENANT, ids[i]!)).toMatchObject({ revision: 1, state: winner.state });
    }
  });

  it("makes one round trip per commit when turned off", async () => {
    const store = await storeWith(false);
    const ids = await agents(store, 30);
    const before = store.commitStats();
    await Promise.all(ids.map((id) => store.commit(cycleCommit(id, 0))));
    const stats = store.commitStats();
    expect(stats.batches - before.batches).toBe(30);
  });

  it("creates the index behind every query, idempotently", async () => {
    const dbName = server.database("indexes");
    await storeWith(true, dbName);
    await storeWith(true, dbName); // a second start finds them in place
    const client = await new MongoClient(server.uri).connect();
    try {
      const keysOf = async (name: string) =>
        (await client.db(dbName).collection(name).listIndexes().toArray()).map((ix) => ({
          key: ix.key,
          unique: ix.unique === true,
        }));
      expect(await keysOf(collections.instances)).toContainEqual({ key: { tenant: 1, createdAtMs: 1, _id: 1 }, unique: false });
      expect(await keysOf(collections.cycles)).toContainEqual({ key: { tenant: 1, instanceId: 1, revision: 1 }, unique: true });
      expect(await keysOf(collections.cycles)).toContainEqual({
        key: { tenant: 1, instanceId: 1, maxSequence: 1, minSequence: 1 },
        unique: false,
      });
      for (const name of [collections.drift, collections.snapshots, collections.requests]) {
        expect(await keysOf(name)).toContainEqual({ key: { tenant: 1, instanceId: 1, revision: -1, seq: -1 }, unique: false });
      }
      expect(await keysOf(contractsCollection)).toContainEqual({ key: { tenant: 1, agentId: 1, version: 1 }, unique: true });
      // Every query filters on the tenant, so every index but _id's leads with it (states has none).
      for (const name of [...Object.values(collections), contractsCollection].filter((n) => n !== collections.states)) {
        for (const { key } of await keysOf(name)) {
          if (Object.keys(key).join() !== "_id") expect(Object.keys(key)[0], `${name} ${JSON.stringify(key)}`).toBe("tenant");
        }
      }
    } finally {
      await client.close();
    }
  });
});
