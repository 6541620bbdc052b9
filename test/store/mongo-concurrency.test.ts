// Many writers racing on one agent through real connections: optimistic concurrency must lose
// nothing and leave one gapless history, also across store instances (as across processes).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectMongoStore, type MongoStore } from "../../src/store/mongo/index.js";
import { RevisionConflictError, type HistoryEntry, type Store } from "../../src/store/types.js";
import { startMongoServer, type MongoServer } from "../support/mongo-server.js";
import { cycleCommit, engineState, instance, newId, TENANT } from "./fixtures.js";

let server: MongoServer;
const stores: MongoStore[] = [];
beforeAll(async () => {
  server = await startMongoServer();
  const dbName = server.database("concurrency");
  // Two stores on one database stand in for two service processes.
  for (let i = 0; i < 2; i++) stores.push(await connectMongoStore({ uri: server.uri, dbName }));
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await server?.dispose();
});

/** load → commit → on conflict reload and retry, `commits` times; returns how many conflicts it hit. */
async function writer(store: Store, id: string, commits: number, tag: string): Promise<number> {
  let conflicts = 0;
  for (let done = 0; done < commits; ) {
    const { revision } = (await store.loadState(TENANT, id))!;
    const commit = cycleCommit(id, revision, { history: 1, drift: 0, snapshots: 0 });
    commit.history[0]!.action = tag;
    try {
      await store.commit(commit);
      done++;
    } catch (err) {
      if (!(err instanceof RevisionConflictError)) throw err;
      conflicts++;
    }
  }
  return conflicts;
}

async function fullHistory(store: Store, id: string): Promise<HistoryEntry[]> {
  const all: HistoryEntry[] = [];
  let pageToken = "";
  do {
    const page = await store.listHistory(TENANT, id, { pageSize: 100, pageToken });
    all.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return all;
}

describe("MongoStore under concurrent writers", () => {
  it("serialises racing writers on one agent without losing a commit", async () => {
    const [a, b] = stores as [MongoStore, MongoStore];
    const id = newId();
    await a.createInstance(instance(id), engineState(0));
    const writers = 8;
    const each = 15;
    const conflicts = await Promise.all(
      Array.from({ length: writers }, (_, w) => writer(w % 2 === 0 ? a : b, id, each, `writer-${w}`)),
    );
    expect(conflicts.reduce((x, y) => x + y, 0)).toBeGreaterThan(0); // they really raced

    const total = writers * each;
    for (const store of stores) expect((await store.loadState(TENANT, id))!.revision).toBe(total);
    const history = await fullHistory(a, id);
    expect(history.map((h) => h.revision)).toEqual(Array.from({ length: total }, (_, i) => total - i));
    // Every writer's commits all landed.
    for (let w = 0; w < writers; w++) {
      expect(history.filter((h) => h.action === `writer-${w}`)).toHaveLength(each);
    }
  });

  it("keeps agents independent when many commit at once", async () => {
    const [a] = stores as [MongoStore];
    const ids = Array.from({ length: 50 }, newId);
    await Promise.all(ids.map((id) => a.createInstance(instance(id), engineState(0))));
    for (let r = 0; r < 5; r++) {
      const committed = await Promise.all(ids.map((id) => a.commit(cycleCommit(id, r))));
      expect(committed.map((s) => s.revision)).toEqual(ids.map(() => r + 1));
    }
    for (const id of ids) {
      expect((await fullHistory(a, id)).map((h) => [h.instanceId, h.revision])).toEqual(
        [5, 4, 3, 2, 1].map((rev) => [id, rev]),
      );
    }
  });
});
