// The behaviour every Store must have. Run against the in-process store and against MongoStore on a
// real FerretDB, so the two cannot drift apart.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ContractVersionConflictError,
  InstanceExistsError,
  InvalidPageTokenError,
  RevisionConflictError,
  type Page,
  type PageRequest,
  type Store,
} from "../../src/store/types.js";
import type { BehavioralContract } from "../../src/contracts/model.js";
import { sampleContract } from "../contracts/fixtures.js";
import { cycleCommit, engineState, instance, newId, sequentialDriftState, TENANT, type CommitShape } from "./fixtures.js";

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
    async function agentWith(
      commits: number,
      shape: CommitShape = { history: 2, drift: 1, snapshots: 1 },
      tenant = TENANT,
    ): Promise<string> {
      const id = newId();
      await store.createInstance(instance(id, undefined, tenant), engineState(0));
      for (let r = 0; r < commits; r++) await store.commit(cycleCommit(id, r, shape, tenant));
      return id;
    }

    describe("instances", () => {
      it("creates, gets and refuses a duplicate id", async () => {
        const id = newId();
        await store.createInstance(instance(id), engineState(0));
        expect(await store.getInstance(TENANT, id)).toEqual(instance(id));
        expect(await store.getInstance(TENANT, newId())).toBeNull();
        await expect(store.createInstance(instance(id), engineState(0))).rejects.toBeInstanceOf(InstanceExistsError);
        expect(await store.loadState(TENANT, id)).toEqual({
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
        const got = await store.getInstance(TENANT, id);
        got!.labels.team = "changed again";
        const loaded = await store.loadState(TENANT, id);
        (loaded!.state as unknown as { cycle: number }).cycle = 42;
        expect(await store.getInstance(TENANT, id)).toEqual(instance(id));
        expect((await store.loadState(TENANT, id))!.state).toEqual(engineState(0));
      });

      it("lists by creation time then id, in stable pages", async () => {
        const ids = ["b", "a", "d", "c", "e"].map((s) => `${s}-${newId()}`);
        // Two share a creation time, so the id breaks the tie.
        const times = [300, 100, 200, 100, 400];
        for (const [i, id] of ids.entries()) await store.createInstance(instance(id, times[i]), engineState(0));
        const pages = await allPages((p) => store.listInstances(TENANT, p), 2);
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
        expect(await store.updateInstance(TENANT, id, patch)).toEqual(expected);
        expect(await store.getInstance(TENANT, id)).toEqual(expected);
        expect(await store.updateInstance(TENANT, newId(), patch)).toBeNull();
      });

      it("deletes the agent and everything it owns, and nothing else", async () => {
        const doomed = await agentWith(3);
        const kept = await agentWith(2);
        expect(await store.deleteInstance(TENANT, doomed)).toBe(true);
        expect(await store.deleteInstance(TENANT, doomed)).toBe(false);
        expect(await store.getInstance(TENANT, doomed)).toBeNull();
        expect(await store.loadState(TENANT, doomed)).toBeNull();
        const first = { pageSize: 10, pageToken: "" };
        expect((await store.listHistory(TENANT, doomed, first)).items).toEqual([]);
        expect((await store.listDriftEvents(TENANT, doomed, first)).items).toEqual([]);
        expect((await store.listSnapshots(TENANT, doomed, first)).items).toEqual([]);
        expect(await store.latestSnapshot(TENANT, doomed)).toBeNull();
        expect((await store.listInstances(TENANT, first)).items.map((i) => i.id)).toEqual([kept]);
        await expect(store.commit(cycleCommit(doomed, 3))).rejects.toBeInstanceOf(RevisionConflictError);
        expect((await store.loadState(TENANT, kept))!.revision).toBe(2);
        expect((await store.listHistory(TENANT, kept, first)).items).toHaveLength(4);

        // The id can be used again and starts from nothing.
        await store.createInstance(instance(doomed), engineState(0));
        expect((await store.loadState(TENANT, doomed))!.revision).toBe(0);
        expect((await store.listHistory(TENANT, doomed, first)).items).toEqual([]);
        await store.commit(cycleCommit(doomed, 0));
        expect((await store.loadState(TENANT, doomed))!.state).toEqual(engineState(1));
      });
    });

    describe("commits", () => {
      it("round-trips a real engine state with the sequential drift detector's monitor and drift settings exactly", async () => {
        const id = await agentWith(0);
        const state = sequentialDriftState();
        expect(state.driftMonitor?.alarmAge).toBeGreaterThan(0);
        await store.commit({ ...cycleCommit(id, 0, { history: 0 }), state });
        const loaded = (await store.loadState(TENANT, id))!.state;
        expect(loaded).toEqual(state);
        expect(JSON.stringify(loaded)).toBe(JSON.stringify(state));
      });

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
        expect(await store.loadState(TENANT, id)).toEqual(expected);
        const clean = cycleCommit(id, 0, { history: 2, drift: 2, snapshots: 1 });
        const first = { pageSize: 10, pageToken: "" };
        expect((await store.listHistory(TENANT, id, first)).items).toEqual([...clean.history].reverse());
        expect((await store.listDriftEvents(TENANT, id, first)).items).toEqual([...clean.driftEvents].reverse());
        expect((await store.listSnapshots(TENANT, id, first)).items).toEqual(clean.snapshots);
        expect(await store.latestSnapshot(TENANT, id)).toEqual(clean.snapshots[0]);
      });

      it("keeps the audit link of every commit and returns the log oldest first, paged by revision", async () => {
        const id = await agentWith(0);
        const audits = [
          { head: "a".repeat(64), reset: null },
          { head: "b".repeat(64), reset: { target: "initial" as const, snapshot: null, engineVersion: "e".repeat(64), hash: "b".repeat(64) } },
          { head: "c".repeat(64), reset: null },
        ];
        const commits = [
          cycleCommit(id, 0, { history: 2, snapshots: 1 }),
          { ...cycleCommit(id, 1, { history: 0 }), history: [] },
          cycleCommit(id, 2, { history: 1 }),
        ];
        for (const [i, c] of commits.entries()) {
          c.history.forEach((h, seq) => (h.hash = `${i}${seq}`.padStart(64, "0")));
          const committed = await store.commit({ ...c, audit: audits[i] });
          expect(committed.auditHead).toBe(audits[i]!.head);
        }
        expect((await store.loadState(TENANT, id))!.auditHead).toBe("c".repeat(64));
        const log = await store.readLog(TENANT, id, 0, 100);
        expect(log.map((c) => c.revision)).toEqual([1, 2, 3]);
        expect(log.map((c) => c.audit)).toEqual(audits);
        expect(log.map((c) => c.committedAtMs)).toEqual(commits.map((c) => c.committedAtMs));
        expect(log[0]!.history.map((h) => [h.revision, h.seq, h.hash])).toEqual([
          [1, 0, "00".padStart(64, "0")],
          [1, 1, "01".padStart(64, "0")],
        ]);
        expect(log[0]!.snapshots).toEqual(cycleCommit(id, 0, { history: 2, snapshots: 1 }).snapshots);
        expect(log[1]!.history).toEqual([]);
        expect((await store.readLog(TENANT, id, 1, 1)).map((c) => c.revision)).toEqual([2]);
        expect(await store.readLog(TENANT, id, 3, 10)).toEqual([]);
        expect(await store.readLog("another-tenant", id, 0, 10)).toEqual([]);
        expect(await store.readLog(TENANT, newId(), 0, 10)).toEqual([]);
      });

      it("rejects stale, future and missing-agent revisions without writing", async () => {
        const id = await agentWith(3);
        for (const expected of [0, 2, 4, 10]) {
          const err = await store.commit(cycleCommit(id, expected)).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(RevisionConflictError);
          expect(err).toMatchObject({ instanceId: id, expectedRevision: expected });
        }
        await expect(store.commit(cycleCommit(newId(), 0))).rejects.toBeInstanceOf(RevisionConflictError);
        expect((await store.loadState(TENANT, id))!.revision).toBe(3);
        const history = await store.listHistory(TENANT, id, { pageSize: 100, pageToken: "" });
        expect(history.items.map((h) => h.revision)).toEqual([3, 3, 2, 2, 1, 1]);
        await store.commit(cycleCommit(id, 3));
        expect((await store.loadState(TENANT, id))!.revision).toBe(4);
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
        expect(await store.loadState(TENANT, id)).toMatchObject({ revision: 2, state: winner.state });
        const history = (await store.listHistory(TENANT, id, { pageSize: 10, pageToken: "" })).items;
        expect(history.map((h) => [h.revision, h.mode])).toEqual([
          [2, winner.history[0]!.mode],
          [1, "EXPLORE"],
        ]);
        // Nothing lost: the loser reloads and commits on top.
        const loserRetry = cycleCommit(id, 2);
        await store.commit(loserRetry);
        expect((await store.loadState(TENANT, id))!.revision).toBe(3);
      });

      it("never changes records once appended", async () => {
        const id = await agentWith(2, { history: 1, drift: 1, snapshots: 1 });
        const first = { pageSize: 100, pageToken: "" };
        const before = {
          history: (await store.listHistory(TENANT, id, first)).items,
          drift: (await store.listDriftEvents(TENANT, id, first)).items,
          snapshots: (await store.listSnapshots(TENANT, id, first)).items,
        };
        for (let r = 2; r < 5; r++) await store.commit(cycleCommit(id, r, { history: 1, drift: 1, snapshots: 1 }));
        const empty = cycleCommit(id, 5, { history: 0 }); // a reset: state only
        await store.commit(empty);
        const after = {
          history: (await store.listHistory(TENANT, id, first)).items,
          drift: (await store.listDriftEvents(TENANT, id, first)).items,
          snapshots: (await store.listSnapshots(TENANT, id, first)).items,
        };
        expect(after.history.slice(-2)).toEqual(before.history);
        expect(after.drift.slice(-2)).toEqual(before.drift);
        expect(after.snapshots.slice(-2)).toEqual(before.snapshots);
        expect(after.history).toHaveLength(5);
        expect((await store.loadState(TENANT, id))!).toMatchObject({ revision: 6, state: empty.state });
      });

      it("keeps lastSequence and finds history by session sequence", async () => {
        const id = await agentWith(0);
        const first = cycleCommit(id, 0, { history: 3, sequenceFrom: 1 });
        await store.commit(first);
        const unary = cycleCommit(id, 1, { history: 1 });
        unary.lastSequence = 3;
        await store.commit(unary);
        await store.commit(cycleCommit(id, 2, { history: 2, sequenceFrom: 4 }));
        expect((await store.loadState(TENANT, id))!.lastSequence).toBe(5);
        const found = await store.historyBySequence(TENANT, id, 2, 4);
        expect(found.map((h) => [h.sequence, h.revision, h.seq])).toEqual([
          [2, 1, 1],
          [3, 1, 2],
          [4, 3, 0],
        ]);
        expect(found[0]).toEqual(first.history[1]);
        expect(await store.historyBySequence(TENANT, id, 6, 10)).toEqual([]);
        expect(await store.historyBySequence(TENANT, newId(), 0, 10)).toEqual([]);
      });

      it("copies commit data in", async () => {
        const id = await agentWith(0);
        const commit = cycleCommit(id, 0, { history: 1, drift: 1 });
        await store.commit(commit);
        commit.history[0]!.context.extra = "mutated";
        (commit.state as unknown as { cycle: number }).cycle = -1;
        expect((await store.loadState(TENANT, id))!.state).toEqual(engineState(1));
        expect((await store.listHistory(TENANT, id, { pageSize: 1, pageToken: "" })).items[0]!.context).toEqual(
          cycleCommit(id, 0).history[0]!.context,
        );
      });
    });

    describe("listings", () => {
      it("pages history, drift events and snapshots newest first", async () => {
        const id = await agentWith(4, { history: 3, drift: 2, snapshots: 2 });
        const desc = (perCommit: number) =>
          [4, 3, 2, 1].flatMap((rev) => Array.from({ length: perCommit }, (_, i) => [rev, perCommit - 1 - i]));

        const history = await allPages((p) => store.listHistory(TENANT, id, p), 5);
        expect(history.map((p) => p.length)).toEqual([5, 5, 2]);
        expect(keys(history.flat())).toEqual(desc(3));

        const drift = await allPages((p) => store.listDriftEvents(TENANT, id, p), 3);
        expect(drift.map((p) => p.length)).toEqual([3, 3, 2]);
        expect(keys(drift.flat())).toEqual(desc(2));

        const snapshots = await allPages((p) => store.listSnapshots(TENANT, id, p), 4);
        expect(snapshots.map((p) => p.length)).toEqual([4, 4]);
        expect(keys(snapshots.flat())).toEqual(desc(2));
        expect(await store.latestSnapshot(TENANT, id)).toEqual(snapshots[0]![0]);
      });

      it("ends with an empty token when the last page is exactly full", async () => {
        const id = await agentWith(2, { history: 2, drift: 0, snapshots: 0 });
        const page = await store.listHistory(TENANT, id, { pageSize: 4, pageToken: "" });
        expect(page.items).toHaveLength(4);
        expect(page.nextPageToken).toBe("");
        expect(await store.latestSnapshot(TENANT, id)).toBeNull();
      });

      it("rejects page tokens it did not issue for that listing", async () => {
        const id = await agentWith(3);
        const other = await agentWith(3);
        const token = (await store.listHistory(TENANT, id, { pageSize: 1, pageToken: "" })).nextPageToken;
        expect(token).not.toBe("");
        const bad = [
          "garbage!",
          Buffer.from("{}").toString("base64url"),
          (await store.listHistory(TENANT, other, { pageSize: 1, pageToken: "" })).nextPageToken,
          (await store.listDriftEvents(TENANT, id, { pageSize: 1, pageToken: "" })).nextPageToken,
        ];
        for (const pageToken of bad) {
          await expect(store.listHistory(TENANT, id, { pageSize: 1, pageToken })).rejects.toBeInstanceOf(InvalidPageTokenError);
        }
        await expect(store.listSnapshots(TENANT, id, { pageSize: 1, pageToken: token })).rejects.toBeInstanceOf(
          InvalidPageTokenError,
        );
        await expect(store.listInstances(TENANT, { pageSize: 1, pageToken: token })).rejects.toBeInstanceOf(
          InvalidPageTokenError,
        );
      });

      it("uses a default page size for zero and caps huge ones", async () => {
        const id = await agentWith(0);
        await store.commit(cycleCommit(id, 0, { history: 60 }));
        expect((await store.listHistory(TENANT, id, { pageSize: 0, pageToken: "" })).items).toHaveLength(50);
        expect((await store.listHistory(TENANT, id, { pageSize: 1e9, pageToken: "" })).items).toHaveLength(60);
      });
    });

    describe("tenant isolation", () => {
      const OTHER = "tenant-b";
      const first = { pageSize: 100, pageToken: "" };
      const all = (tenant: string, id: string) =>
        Promise.all([
          store.getInstance(tenant, id),
          store.loadState(tenant, id),
          store.listHistory(tenant, id, first),
          store.listDriftEvents(tenant, id, first),
          store.listSnapshots(tenant, id, first),
          store.latestSnapshot(tenant, id),
          store.historyBySequence(tenant, id, 0, 1000),
          store.contracts.activeContract(tenant, id),
          store.contracts.contractVersion(tenant, id, 1),
          store.contracts.listContracts(tenant, id, first),
        ]);
      const contract = (agentId: string, version: number, contractId = `c-${version}`): BehavioralContract =>
        sampleContract({ agentId, version, contractId });

      /** An agent of TENANT with sessions, drift events, snapshots and a contract; and one of OTHER. */
      async function twoTenants(): Promise<{ a: string; b: string }> {
        const a = await agentWith(0);
        await store.commit(cycleCommit(a, 0, { history: 3, drift: 1, snapshots: 1, sequenceFrom: 1 }));
        await store.commit(cycleCommit(a, 1, { history: 2, drift: 2, snapshots: 1, sequenceFrom: 4 }));
        await store.contracts.appendContract(TENANT, contract(a, 1));
        const b = await agentWith(2, { history: 1, drift: 1, snapshots: 1, sequenceFrom: 1 }, OTHER);
        return { a, b };
      }

      it("shows another tenant's agent exactly as a missing one, to every read", async () => {
        const { a, b } = await twoTenants();
        const missing = await all(TENANT, newId());
        expect(missing).toEqual([
          null,
          null,
          { items: [], nextPageToken: "" },
          { items: [], nextPageToken: "" },
          { items: [], nextPageToken: "" },
          null,
          [],
          null,
          null,
          { items: [], nextPageToken: "" },
        ]);
        expect(await all(OTHER, a)).toEqual(missing);
        expect(await all(TENANT, b)).toEqual(missing);
        expect(await all("", a)).toEqual(missing);
        // And each tenant still sees its own.
        const [own] = await all(TENANT, a);
        expect(own).toEqual(instance(a));
        expect((await store.loadState(OTHER, b))!.revision).toBe(2);
      });

      it("changes nothing for writes that name another tenant", async () => {
        const { a, b } = await twoTenants();
        const before = await all(TENANT, a);
        const beforeB = await all(OTHER, b);
        // Every expected revision, the current one (2) included, is a conflict for another tenant,
        // even though this process has just loaded (and may have cached) that head.
        for (const expected of [2, 0, 1, 3]) {
          const err = await store.commit(cycleCommit(a, expected, { history: 1, drift: 1, snapshots: 1 }, OTHER)).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(RevisionConflictError);
        }
        const patch = { name: "hijacked", description: "x", labels: { owner: "b" }, updatedAtMs: 9 };
        expect(await store.updateInstance(OTHER, a, patch)).toBeNull();
        expect(await store.deleteInstance(OTHER, a)).toBe(false);
        expect(await store.updateInstance(TENANT, b, patch)).toBeNull();
        expect(await store.deleteInstance(TENANT, b)).toBe(false);
        await expect(store.commit(cycleCommit(b, 2, {}, TENANT))).rejects.toBeInstanceOf(RevisionConflictError);

        expect(await all(TENANT, a)).toEqual(before);
        expect(await all(OTHER, b)).toEqual(beforeB);
        expect((await store.listInstances(TENANT, first)).items).toEqual([instance(a)]);
        expect((await store.listInstances(OTHER, first)).items).toEqual([instance(b, undefined, OTHER)]);
        // The owners carry on where they were.
        expect((await store.commit(cycleCommit(a, 2))).revision).toBe(3);
        expect((await store.commit(cycleCommit(b, 2, {}, OTHER))).revision).toBe(3);
        expect(await store.deleteInstance(OTHER, b)).toBe(true);
        expect((await store.loadState(TENANT, a))!.revision).toBe(3);
      });

      it("keeps two tenants' agents with the same id apart, as two unrelated agents", async () => {
        // Ids are server-generated, so this does not happen in practice; the store must not care.
        const id = newId();
        await store.createInstance(instance(id, 10), engineState(0));
        await store.createInstance(instance(id, 20, OTHER), engineState(100));
        await expect(store.createInstance(instance(id, 30, OTHER), engineState(0))).rejects.toBeInstanceOf(InstanceExistsError);
        // The same revisions, committed in both: neither takes the other's.
        for (let r = 0; r < 3; r++) await store.commit(cycleCommit(id, r, { history: 2, drift: 1, snapshots: 1, sequenceFrom: 2 * r + 1 }));
        const theirs = cycleCommit(id, 0, { history: 1, drift: 0, snapshots: 1, sequenceFrom: 1 }, OTHER);
        theirs.history[0]!.mode = "THEIRS";
        await store.commit(theirs);

        expect(await store.getInstance(TENANT, id)).toEqual(instance(id, 10));
        expect(await store.getInstance(OTHER, id)).toEqual(instance(id, 20, OTHER));
        expect(await store.loadState(TENANT, id)).toMatchObject({ revision: 3, state: engineState(3), lastSequence: 6 });
        expect(await store.loadState(OTHER, id)).toMatchObject({ revision: 1, state: engineState(1), lastSequence: 1 });
        expect((await store.listHistory(TENANT, id, first)).items.map((h) => h.mode)).toEqual(Array(6).fill("EXPLORE"));
        expect((await store.listHistory(OTHER, id, first)).items).toEqual(theirs.history);
        expect(await store.historyBySequence(OTHER, id, 1, 10)).toEqual(theirs.history);
        expect((await store.historyBySequence(TENANT, id, 1, 10)).map((h) => h.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
        expect((await store.listDriftEvents(TENANT, id, first)).items).toHaveLength(3);
        expect((await store.listDriftEvents(OTHER, id, first)).items).toEqual([]);
        expect(await store.latestSnapshot(OTHER, id)).toEqual(theirs.snapshots[0]);
        expect((await store.listSnapshots(TENANT, id, first)).items.map((s) => s.revision)).toEqual([3, 2, 1]);

        const patch = { name: "theirs", description: "", labels: {}, updatedAtMs: 99 };
        expect(await store.updateInstance(OTHER, id, patch)).toEqual({ ...instance(id, 20, OTHER), ...patch });
        expect(await store.getInstance(TENANT, id)).toEqual(instance(id, 10));
        expect(await store.deleteInstance(OTHER, id)).toBe(true);
        expect(await store.getInstance(OTHER, id)).toBeNull();
        expect((await store.loadState(TENANT, id))!.revision).toBe(3);
        expect((await store.listHistory(TENANT, id, first)).items).toHaveLength(6);
        expect((await store.listSnapshots(TENANT, id, first)).items).toHaveLength(3);
        expect((await store.commit(cycleCommit(id, 3))).revision).toBe(4);
      });

      it("lists only the tenant's items, and refuses its page tokens in another tenant", async () => {
        const mine = ["m1", "m2", "m3"].map((p) => `${p}-${newId()}`);
        const theirs = ["t1", "t2", "t3", "t4"].map((p) => `${p}-${newId()}`);
        // Interleaved creation times, so a listing that ignored the tenant would mix them.
        for (const [i, id] of mine.entries()) await store.createInstance(instance(id, 100 + 2 * i), engineState(0));
        for (const [i, id] of theirs.entries()) await store.createInstance(instance(id, 101 + 2 * i, OTHER), engineState(0));
        expect((await allPages((p) => store.listInstances(TENANT, p), 2)).flat().map((i) => i.id)).toEqual(mine);
        expect((await allPages((p) => store.listInstances(OTHER, p), 3)).flat().map((i) => i.id)).toEqual(theirs);
        expect((await allPages((p) => store.listInstances("tenant-c", p), 2)).flat()).toEqual([]);

        const instancesToken = (await store.listInstances(TENANT, { pageSize: 1, pageToken: "" })).nextPageToken;
        expect(instancesToken).not.toBe("");
        await expect(store.listInstances(OTHER, { pageSize: 1, pageToken: instancesToken })).rejects.toBeInstanceOf(InvalidPageTokenError);

        // Tokens of one agent's listings, presented by another tenant naming the same agent id.
        const a = await agentWith(3);
        await store.contracts.appendContract(TENANT, contract(a, 1));
        await store.contracts.appendContract(TENANT, contract(a, 2));
        const one = { pageSize: 1, pageToken: "" };
        const tokens = {
          history: (await store.listHistory(TENANT, a, one)).nextPageToken,
          drift: (await store.listDriftEvents(TENANT, a, one)).nextPageToken,
          snapshots: (await store.listSnapshots(TENANT, a, one)).nextPageToken,
          contracts: (await store.contracts.listContracts(TENANT, a, one)).nextPageToken,
        };
        for (const token of Object.values(tokens)) expect(token).not.toBe("");
        const other = (pageToken: string) => ({ pageSize: 1, pageToken });
        await expect(store.listHistory(OTHER, a, other(tokens.history))).rejects.toBeInstanceOf(InvalidPageTokenError);
        await expect(store.listDriftEvents(OTHER, a, other(tokens.drift))).rejects.toBeInstanceOf(InvalidPageTokenError);
        await expect(store.listSnapshots(OTHER, a, other(tokens.snapshots))).rejects.toBeInstanceOf(InvalidPageTokenError);
        await expect(store.contracts.listContracts(OTHER, a, other(tokens.contracts))).rejects.toBeInstanceOf(InvalidPageTokenError);
        // They still work for their own tenant.
        expect((await store.listHistory(TENANT, a, other(tokens.history))).items).toHaveLength(1);
        expect((await store.contracts.listContracts(TENANT, a, other(tokens.contracts))).items.map((c) => c.version)).toEqual([2]);
      });

      it("keeps two tenants' contracts for one agent id apart", async () => {
        // Agent ids of contracts are chosen by the client; the store does not require an instance.
        const x = "inst_00000000000000aa";
        for (let v = 1; v <= 3; v++) await store.contracts.appendContract(TENANT, contract(x, v, `a-${v}`));
        // Tenant A's newest is 3, and this process has seen it: none of it shows in tenant B.
        expect(await store.contracts.activeContract(OTHER, x)).toBeNull();
        await expect(store.contracts.appendContract(OTHER, contract(x, 4, "b-4"))).rejects.toBeInstanceOf(ContractVersionConflictError);
        await expect(store.contracts.appendContract(OTHER, contract(x, 2, "b-2"))).rejects.toBeInstanceOf(ContractVersionConflictError);
        await store.contracts.appendContract(OTHER, contract(x, 1, "b-1"));
        await expect(store.contracts.appendContract(TENANT, contract(x, 1, "a-again"))).rejects.toBeInstanceOf(ContractVersionConflictError);

        expect((await store.contracts.activeContract(TENANT, x))!.contractId).toBe("a-3");
        expect((await store.contracts.activeContract(OTHER, x))!.contractId).toBe("b-1");
        expect((await store.contracts.contractVersion(TENANT, x, 1))!.contractId).toBe("a-1");
        expect((await store.contracts.contractVersion(OTHER, x, 1))!.contractId).toBe("b-1");
        expect(await store.contracts.contractVersion(OTHER, x, 2)).toBeNull();
        expect((await store.contracts.listContracts(TENANT, x, first)).items.map((c) => c.contractId)).toEqual(["a-1", "a-2", "a-3"]);
        expect((await store.contracts.listContracts(OTHER, x, first)).items.map((c) => c.contractId)).toEqual(["b-1"]);

        // Deleting the agent in one tenant removes that tenant's contracts only.
        const a = await agentWith(1);
        await store.contracts.appendContract(TENANT, contract(a, 1, "a-1"));
        await store.contracts.appendContract(OTHER, contract(a, 1, "b-1"));
        expect(await store.deleteInstance(OTHER, a)).toBe(false);
        expect((await store.contracts.activeContract(TENANT, a))!.contractId).toBe("a-1");
        expect(await store.deleteInstance(TENANT, a)).toBe(true);
        expect(await store.contracts.activeContract(TENANT, a)).toBeNull();
        expect((await store.contracts.activeContract(OTHER, x))!.contractId).toBe("b-1");
        expect((await store.contracts.activeContract(TENANT, x))!.contractId).toBe("a-3");
      });
    });

    describe("request ids", () => {
      it("are committed with their cycle and found again with its outcomes, for that agent and tenant only", async () => {
        const id = await agentWith(1);
        const other = await agentWith(0);
        const commit = { ...cycleCommit(id, 1, { history: 2 }), request: { id: "req-1", fingerprint: "fp-1", reply: null } };
        await store.commit(commit);
        const found = await store.findRequest(TENANT, id, "req-1");
        const clean = cycleCommit(id, 1, { history: 2 });
        expect(found).toEqual({
          id: "req-1",
          fingerprint: "fp-1",
          reply: null,
          revision: 2,
          committedAtMs: commit.committedAtMs,
          outcomes: clean.history.map((h) => h.result),
        });
        expect(await store.findRequest(TENANT, id, "req-2")).toBeNull();
        expect(await store.findRequest(TENANT, other, "req-1")).toBeNull();
        expect(await store.findRequest("tenant-b", id, "req-1")).toBeNull();

        // A commit without history (a reset) keeps its reply.
        await store.commit({ ...cycleCommit(id, 2, { history: 0 }), request: { id: "reset-1", fingerprint: "fp-2", reply: '{"a":1}' } });
        expect(await store.findRequest(TENANT, id, "reset-1")).toMatchObject({ revision: 3, reply: '{"a":1}', outcomes: [] });

        // Deleting the agent forgets its ids.
        expect(await store.deleteInstance(TENANT, id)).toBe(true);
        expect(await store.findRequest(TENANT, id, "req-1")).toBeNull();
      });
    });

    it("reports itself healthy", () => {
      expect(store.healthy()).toBe(true);
    });
  });
}
