// Request ids (docs/idempotency.md) beyond the shared contract: they survive a writer that died right
// after its commit point and a restart, and both stores forget them only after the retention window.
import { MongoClient, type Db } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitRecords } from "../../src/store/commit-records.js";
import { MemoryStore } from "../../src/store/memory.js";
import { collections, cycleDoc } from "../../src/store/mongo/documents.js";
import { connectMongoStore, type MongoStore } from "../../src/store/mongo/index.js";
import type { CycleCommit } from "../../src/store/types.js";
import { startMongoServer, type MongoServer } from "../support/mongo-server.js";
import { cycleCommit, engineState, instance, newId, TENANT } from "./fixtures.js";

const withRequest = (commit: CycleCommit, id: string, atMs = commit.committedAtMs): CycleCommit => ({
  ...commit,
  committedAtMs: atMs,
  request: { id, fingerprint: `fp-${id}`, reply: null },
});

describe("request ids on MongoDB", () => {
  let server: MongoServer;
  let client: MongoClient;
  const open: MongoStore[] = [];
  beforeAll(async () => {
    server = await startMongoServer();
    client = await new MongoClient(server.uri).connect();
  });
  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await client?.close();
    await server?.dispose();
  });
  const store = async (dbName: string, requestRetentionMs?: number) => {
    const s = await connectMongoStore({ uri: server.uri, dbName, ...(requestRetentionMs ? { requestRetentionMs } : {}) });
    open.push(s);
    return s;
  };

  it("are found after a writer died right after its commit point, and after a restart", async () => {
    const dbName = server.database("requests");
    const db: Db = client.db(dbName);
    const writer = await store(dbName);
    const id = newId();
    await writer.createInstance(instance(id), engineState(0));
    await writer.commit(withRequest(cycleCommit(id, 0), "kept"));
    // Only the commit point of the next commit: its request doc was never written.
    const crashed = withRequest(cycleCommit(id, 1, { history: 3 }), "crashed");
    await db.collection(collections.cycles).insertOne(cycleDoc(crashed, commitRecords(crashed)) as never);

    const restarted = await store(dbName);
    expect(await restarted.findRequest(TENANT, id, "kept")).toMatchObject({ revision: 1, fingerprint: "fp-kept" });
    // The service loads the head before it looks an id up; that rolls the request doc forward.
    expect((await restarted.loadState(TENANT, id))!.revision).toBe(2);
    const found = await restarted.findRequest(TENANT, id, "crashed");
    expect(found).toMatchObject({ revision: 2, fingerprint: "fp-crashed" });
    expect(found!.outcomes).toHaveLength(3);
  });

  it("are swept once older than the retention window, and only then", async () => {
    const dbName = server.database("sweep");
    const s = await store(dbName, 60_000);
    const id = newId();
    await s.createInstance(instance(id), engineState(0));
    const now = 10_000_000;
    await s.commit(withRequest(cycleCommit(id, 0), "old", now - 61_000));
    await s.commit(withRequest(cycleCommit(id, 1), "recent", now - 59_000));
    await s.sweepRequests(now);
    expect(await s.findRequest(TENANT, id, "old")).toBeNull();
    expect(await s.findRequest(TENANT, id, "recent")).not.toBeNull();
  });
});

describe("request ids in the in-process store", () => {
  it("are kept for the retention window and then forgotten", async () => {
    const s = new MemoryStore({ requestRetentionMs: 60_000 });
    const id = newId();
    await s.createInstance(instance(id), engineState(0));
    await s.commit(withRequest(cycleCommit(id, 0), "old", 1_000_000));
    await s.commit(withRequest(cycleCommit(id, 1), "mid", 1_000_000 + 30_000));
    expect(await s.findRequest(TENANT, id, "old")).not.toBeNull();
    await s.commit(withRequest(cycleCommit(id, 2), "new", 1_000_000 + 61_000));
    expect(await s.findRequest(TENANT, id, "old")).toBeNull();
    expect(await s.findRequest(TENANT, id, "mid")).not.toBeNull();
    expect(await s.findRequest(TENANT, id, "new")).toMatchObject({ revision: 3 });
  });
});
