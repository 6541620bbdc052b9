// The behaviour every Store must have. Run against the in-process store and against MongoStore on a
// real FerretDB, so the two cannot drift apart.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InstanceExistsError } from "../../src/store/types.js";
import {
  InvalidPageTokenError,
  RevisionConflictError,
  type Page,
  type PageRequest,
  type Store,
} from "../../src/store/types.js";
import { cycleCommit, engineState, instance, newId } from "./fixtures.js";

/** Each call must return a store over empty storage (listInstances sees only this test's data). */
export type StoreFactory = () => Promise<Store>;

async function allPages<T>(list: (page: PageRequest) => Promise<Page<T>>, pageSize: number): Promise<T[][]> {
  const pages: T[][] = [];
  let pageToken = "";
  do {
    const page = await list({ pageSize, pageToken });
    pages.push(page.items);
    pageToken = page.nextPageToken;
  } while (pageToken !== "" && pages.length < 100);
  return pages;
}

const keys = (items: { revision: number; seq: number }[]) => items.map((r) => [r.revision, r.seq]);

export function storeContract(name: string, open: StoreFactory): void {
  describe(`${name} store contract`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    /** Creates an agent and commits `commits` cycles on it, each with the given record counts. */
    async function agentWith(commits: number, shape = { history: 2, drift: 1, snapshots: 1 }): Promise<string> {
      const id = newId();
      await store.createInstance(instance(id), engineState(0));
      for (let r = 0; r < commits; r++) await store.commit(cycleCommit(id, r, shape));
      return id;
    }

    describe("instances", () => {
      it("creates, gets and refuses a duplicate id", async () => {
        const id = newId();
        await store.createInstance(instance(id), engineState(0));
        expect(await store.getInstance(id)).toEqual(instance(id));
        expect(await store.getInstance(newId())).toBeNull();
        await expect(store.createInstance(instance(id), engineState(0))).rejects.toBeInstanceOf(InstanceExistsError);
        expect(await store.loadState(id)).toEqual({
          instanceId: id,
          revision: 0,
          state: engineState(0),
          lastSequence: 0,
          updatedAtMs: instance(id).createdAtMs,
        });
      });

      it("copies records in and out", async () => {
        const id = newId();
        const record = instance(id);
        const state = engineState(0) as unknown as { cycle: number };
        await store.createInstance(record, state as never);
        record.labels.team = "changed";
        state.cycle = 99;
        const got = await store.getInstance(id);
        got!.labels.team = "changed again";
        const loaded = await store.loadState(id);
        (loaded!.state as unknown as { cycle: number }).cycle = 42;
        expect(await store.getInstance(id)).toEqual(instance(id));
        expect((await store.loadState(id))!.state).toEqual(engineState(0));
      });

      it("lists by creation time then id, in stable pages", async () => {
        const ids = ["b", "a", "d", "c", "e"].map((s) => `${s}-${newId()}`);
        // Two share a creation time, so the id breaks the tie.
        const times = [300, 100, 200, 100, 400];
        for (const [i, id] of ids.entries()) await store.createInstance(instance(id, times[i]), engineState(0));
        const pages = await allPages((p) => store.listInstances(p), 2);
        expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
        const expected = [ids[1], ids[3], ids[2], ids[0], ids[4]];
        expect(pages.flat().map((i) => i.id)).toEqual(expected);
        expect(pages.flat()[0]).toEqual(instance(ids[1]!, 100));
      });

      it("updates name, description, labels and updatedAtMs only", async () => {
        const id = newId();
        await store.createInstance(instance(id), engineState(0));
        const patch = { name: "renamed", description: "new", labels: { a: "b" }, updatedAtMs: 9 };
        const expected = { ...instance(id), ...patch };
        expect(await store.updateInstance(id, patch)).toEqual(expected);
        expect(await store.getInstance(id)).toEqual(expected);
        expect(await store.updateInstance(newId(), patch)).toBeNull();
      });

      it("deletes the agent and everything it owns, and nothing else", async () => {
        const doomed = await agentWith(3);
        const kept = await agentWith(2);
        expect(await store.deleteInstance(doomed)).toBe(true);
        expect(await store.deleteInstance(doomed)).toBe(false);
        expect(await store.getInstance(doomed)).toBeNull();
        expect(await store.loadState(doomed)).toBeNull();
        const first = { pageSize: 10, pageToken: "" };
        expect((await store.listHistory(doomed, first)).items).toEqual([]);
        expect((await store.listDriftEvents(doomed, first)).items).toEqual([]);
        expect((await store.listSnapshots(doomed, first)).items).toEqual([]);
        expect(await store.latestSnapshot(doomed)).toBeNull();
        expect((await store.listInstances(first)).items.map((i) => i.id)).toEqual([kept]);
        await expect(store.commit(cycleCommit(doomed, 3))).rejects.toBeInstanceOf(RevisionConflictError);
        expect((await store.loadState(kept))!.revision).toBe(2);
        expect((await store.listHistory(kept, first)).items).toHaveLength(4);

        // The id can be used again and starts from nothing.
        await store.createInstance(instance(doomed), engineState(0));
        expect((await store.loadState(doomed))!.revision).toBe(0);
        expect((await store.listHistory(doomed, first)).items).toEqual([]);
        await store.commit(cycleCommit(doomed, 0));
        expect((await store.loadState(doomed))!.state).toEqual(engineState(1));
      });
    });

    describe("commits", () => {
      it("round-trips state and records, keyed by the commit", async () => {
        const id = await agentWith(0);
        const commit = cycleCommit(id, 0, { history: 2, drift: 2, snapshots: 1 });
        // Keys come from the commit, whatever the caller put in the records.
        commit.history[1]!.revision = 77;
        commit.driftEvents[0]!.instanceId = "someone-else";
        const committed = await store.commit(commit);
        const expected = {
          instanceId: id,
          revision: 1,
          state: engineState(1),
          lastSequence: 0,
          updatedAtMs: commit.committedAtMs,
        };
        expect(committed).toEqual(expected);
        expect(await store.loadState(id)).toEqual(expected);
        const clean = cycleCommit(id, 0, { history: 2, drift: 2, snapshots: 1 });
        const first = { pageSize: 10, pageToken: "" };
        expect((await store.listHistory(id, first)).items).toEqual([...clean.history].reverse());
        expect((await store.listDriftEvents(id, first)).items).toEqual([...clean.driftEvents].reverse());
        expect((await store.listSnapshots(id, first)).items).toEqual(clean.snapshots);
        expect(await store.latestSnapshot(id)).toEqual(clean.snapshots[0]);
      });

      it("rejects stale, future and missing-agent revisions without writing", async () => {
        const id = await agentWith(3);
        for (const expected of [0, 2, 4, 10]) {
          const err = await store.commit(cycleCommit(id, expected)).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(RevisionConflictError);
          expect(err).toMatchObject({ instanceId: id, expectedRevision: expected });
        }
        await expect(store.commit(cycleCommit(newId(), 0))).rejects.toBeInstanceOf(RevisionConflictError);
        expect((await store.loadState(id))!.revision).toBe(3);
        const history = await store.listHistory(id, { pageSize: 100, pageToken: "" });
        expect(history.items.map((h) => h.revision)).toEqual([3, 3, 2, 2, 1, 1]);
        await store.commit(cycleCommit(id, 3));
        expect((await store.loadState(id))!.revision).toBe(4);
      });

      it("lets exactly one of two racing commits win", async () => {
        const id = await agentWith(1, { history: 1, drift: 0, snapshots: 0 });
        const a = cycleCommit(id, 1, { history: 1 });
        const b = { ...cycleCommit(id, 1, { history: 1 }), state: engineState(1000) };
        b.history[0]!.mode = "LOSER?";
        const results = await Promise.allSettled([store.commit(a), store.commit(b)]);
        const won = results.filter((r) => r.status === "fulfilled");
        const lost = results.filter((r) => r.status === "rejected");
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(RevisionConflictError);
        const winner = results[0]!.status === "fulfilled" ? a : b;
        expect(await store.loadState(id)).toMatchObject({ revision: 2, state: winner.state });
        const history = (await store.listHistory(id, { pageSize: 10, pageToken: "" })).items;
        expect(history.map((h) => [h.revision, h.mode])).toEqual([
          [2, winner.history[0]!.mode],
          [1, "EXPLORE"],
        ]);
        // Nothing lost: the loser reloads and commits on top.
        const loserRetry = cycleCommit(id, 2);
        await store.commit(loserRetry);
        expect((await store.loadState(id))!.revision).toBe(3);
      });

      it("never changes records once appended", async () => {
        const id = await agentWith(2, { history: 1, drift: 1, snapshots: 1 });
        const first = { pageSize: 100, pageToken: "" };
        const before = {
          history: (await store.listHistory(id, first)).items,
          drift: (await store.listDriftEvents(id, first)).items,
          snapshots: (await store.listSnapshots(id, first)).items,
        };
        for (let r = 2; r < 5; r++) await store.commit(cycleCommit(id, r, { history: 1, drift: 1, snapshots: 1 }));
        const empty = cycleCommit(id, 5, { history: 0 }); // a reset: state only
        await store.commit(empty);
        const after = {
          history: (await store.listHistory(id, first)).items,
          drift: (await store.listDriftEvents(id, first)).items,
          snapshots: (await store.listSnapshots(id, first)).items,
        };
        expect(after.history.slice(-2)).toEqual(before.history);
        expect(after.drift.slice(-2)).toEqual(before.drift);
        expect(after.snapshots.slice(-2)).toEqual(before.snapshots);
        expect(after.history).toHaveLength(5);
        expect((await store.loadState(id))!).toMatchObject({ revision: 6, state: empty.state });
      });

      it("keeps lastSequence and finds history by session sequence", async () => {
        const id = await agentWith(0);
        const first = cycleCommit(id, 0, { history: 3, sequenceFrom: 1 });
        await store.commit(first);
        const unary = cycleCommit(id, 1, { history: 1 });
        unary.lastSequence = 3;
        await store.commit(unary);
        await store.commit(cycleCommit(id, 2, { history: 2, sequenceFrom: 4 }));
        expect((await store.loadState(id))!.lastSequence).toBe(5);
        const found = await store.historyBySequence(id, 2, 4);
        expect(found.map((h) => [h.sequence, h.revision, h.seq])).toEqual([
          [2, 1, 1],
          [3, 1, 2],
          [4, 3, 0],
        ]);
        expect(found[0]).toEqual(first.history[1]);
        expect(await store.historyBySequence(id, 6, 10)).toEqual([]);
        expect(await store.historyBySequence(newId(), 0, 10)).toEqual([]);
      });

      it("copies commit data in", async () => {
        const id = await agentWith(0);
        const commit = cycleCommit(id, 0, { history: 1, drift: 1 });
        await store.commit(commit);
        commit.history[0]!.context.extra = "mutated";
        (commit.state as unknown as { cycle: number }).cycle = -1;
        expect((await store.loadState(id))!.state).toEqual(engineState(1));
        expect((await store.listHistory(id, { pageSize: 1, pageToken: "" })).items[0]!.context).toEqual(
          cycleCommit(id, 0).history[0]!.context,
        );
      });
    });

    describe("listings", () => {
      it("pages history, drift events and snapshots newest first", async () => {
        const id = await agentWith(4, { history: 3, drift: 2, snapshots: 2 });
        const desc = (perCommit: number) =>
          [4, 3, 2, 1].flatMap((rev) => Array.from({ length: perCommit }, (_, i) => [rev, perCommit - 1 - i]));

        const history = await allPages((p) => store.listHistory(id, p), 5);
        expect(history.map((p) => p.length)).toEqual([5, 5, 2]);
        expect(keys(history.flat())).toEqual(desc(3));

        const drift = await allPages((p) => store.listDriftEvents(id, p), 3);
        expect(drift.map((p) => p.length)).toEqual([3, 3, 2]);
        expect(keys(drift.flat())).toEqual(desc(2));

        const snapshots = await allPages((p) => store.listSnapshots(id, p), 4);
        expect(snapshots.map((p) => p.length)).toEqual([4, 4]);
        expect(keys(snapshots.flat())).toEqual(desc(2));
        expect(await store.latestSnapshot(id)).toEqual(snapshots[0]![0]);
      });

      it("ends with an empty token when the last page is exactly full", async () => {
        const id = await agentWith(2, { history: 2, drift: 0, snapshots: 0 });
        const page = await store.listHistory(id, { pageSize: 4, pageToken: "" });
        expect(page.items).toHaveLength(4);
        expect(page.nextPageToken).toBe("");
        expect(await store.latestSnapshot(id)).toBeNull();
      });

      it("rejects page tokens it did not issue for that listing", async () => {
        const id = await agentWith(3);
        const other = await agentWith(3);
        const token = (await store.listHistory(id, { pageSize: 1, pageToken: "" })).nextPageToken;
        expect(token).not.toBe("");
        const bad = [
          "garbage!",
          Buffer.from("{}").toString("base64url"),
          (await store.listHistory(other, { pageSize: 1, pageToken: "" })).nextPageToken,
          (await store.listDriftEvents(id, { pageSize: 1, pageToken: "" })).nextPageToken,
        ];
        for (const pageToken of bad) {
          await expect(store.listHistory(id, { pageSize: 1, pageToken })).rejects.toBeInstanceOf(InvalidPageTokenError);
        }
        await expect(store.listSnapshots(id, { pageSize: 1, pageToken: token })).rejects.toBeInstanceOf(
          InvalidPageTokenError,
        );
        await expect(store.listInstances({ pageSize: 1, pageToken: token })).rejects.toBeInstanceOf(
          InvalidPageTokenError,
        );
      });

      it("uses a default page size for zero and caps huge ones", async () => {
        const id = await agentWith(0);
        await store.commit(cycleCommit(id, 0, { history: 60 }));
        expect((await store.listHistory(id, { pageSize: 0, pageToken: "" })).items).toHaveLength(50);
        expect((await store.listHistory(id, { pageSize: 1e9, pageToken: "" })).items).toHaveLength(60);
      });
    });

    it("reports itself healthy", () => {
      expect(store.healthy()).toBe(true);
    });
  });
}
