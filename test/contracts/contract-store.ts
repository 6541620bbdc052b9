// The behaviour every ContractStore must have, run against the in-process store and against
// MongoStore on a real FerretDB.
import { describe, expect, it } from "vitest";
import type { BehavioralContract } from "../../src/contracts/model.js";
import { ContractVersionConflictError, type Store } from "../../src/store/types.js";
import { engineState, instance, TENANT } from "../store/fixtures.js";
import { sampleContract } from "./fixtures.js";

let counter = 0;
const agentId = () => `inst_${(++counter).toString(16).padStart(8, "0")}${Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, "0")}`;
const version = (agent: string, v: number): BehavioralContract => sampleContract({ agentId: agent, version: v, contractId: `c-${v}` });

/** `shared`: stores opened by `open` share one database, as two processes would. */
export function contractStoreContract(name: string, open: () => Promise<Store>, shared: boolean): void {
  describe(`${name} contract store`, () => {
    it("appends gapless versions and reads the active one, any version and the history", async () => {
      const store = await open();
      const id = agentId();
      expect(await store.contracts.activeContract(TENANT, id)).toBeNull();
      for (let v = 1; v <= 5; v++) {
        await store.contracts.appendContract(TENANT, version(id, v));
        expect((await store.contracts.activeContract(TENANT, id))!.version).toBe(v);
      }
      expect(await store.contracts.contractVersion(TENANT, id, 3)).toEqual(version(id, 3));
      expect(await store.contracts.contractVersion(TENANT, id, 6)).toBeNull();
      const first = await store.contracts.listContracts(TENANT, id, { pageSize: 2, pageToken: "" });
      const rest = await store.contracts.listContracts(TENANT, id, { pageSize: 10, pageToken: first.nextPageToken });
      expect([...first.items, ...rest.items].map((c) => c.version)).toEqual([1, 2, 3, 4, 5]);
      expect(rest.nextPageToken).toBe("");
      await store.close();
    });

    it("keeps how each version was put: SHADOW with its base, ENFORCE otherwise", async () => {
      const store = await open();
      const id = agentId();
      await store.contracts.appendContract(TENANT, version(id, 1));
      await store.contracts.appendContract(TENANT, version(id, 2), { mode: "shadow", base: 1 });
      await store.contracts.appendContract(TENANT, version(id, 3), { mode: "enforce", base: 0 });
      const reader = shared ? await open() : store;
      expect(await reader.contracts.versionRollout(TENANT, id, 1)).toEqual({ mode: "enforce", base: 0 });
      expect(await reader.contracts.versionRollout(TENANT, id, 2)).toEqual({ mode: "shadow", base: 1 });
      expect(await reader.contracts.versionRollout(TENANT, id, 3)).toEqual({ mode: "enforce", base: 0 });
      expect(await reader.contracts.versionRollout(TENANT, id, 4)).toBeNull();
      expect(await reader.contracts.versionRollout("another-tenant", id, 2)).toBeNull();
      expect(await reader.contracts.contractVersion(TENANT, id, 2)).toEqual(version(id, 2));
      if (reader !== store) await reader.close();
      await store.close();
    });

    it("refuses a version that is not exactly the next one, writing nothing", async () => {
      const store = await open();
      const id = agentId();
      for (const bad of [0, 2]) await expect(store.contracts.appendContract(TENANT, version(id, bad))).rejects.toBeInstanceOf(ContractVersionConflictError);
      await store.contracts.appendContract(TENANT, version(id, 1));
      for (const bad of [1, 3]) await expect(store.contracts.appendContract(TENANT, version(id, bad))).rejects.toBeInstanceOf(ContractVersionConflictError);
      expect((await store.contracts.listContracts(TENANT, id, { pageSize: 10, pageToken: "" })).items).toHaveLength(1);
      await store.close();
    });

    it("lets exactly one of racing appends of a version win", async () => {
      const store = await open();
      const id = agentId();
      await store.contracts.appendContract(TENANT, version(id, 1));
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => store.contracts.appendContract(TENANT, { ...version(id, 2), contractId: `racer-${i}` })));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const winner = results.findIndex((r) => r.status === "fulfilled");
      expect((await store.contracts.activeContract(TENANT, id))!.contractId).toBe(`racer-${winner}`);
      await store.close();
    });

    it.skipIf(!shared)("sees versions appended through another store instance (another process)", async () => {
      const [a, b] = [await open(), await open()];
      const id = agentId();
      await a.contracts.appendContract(TENANT, version(id, 1));
      expect((await b.contracts.activeContract(TENANT, id))!.version).toBe(1);
      for (let v = 2; v <= 6; v++) await a.contracts.appendContract(TENANT, version(id, v));
      expect((await b.contracts.activeContract(TENANT, id))!.version).toBe(6);
      await b.contracts.appendContract(TENANT, version(id, 7));
      expect((await a.contracts.activeContract(TENANT, id))!.version).toBe(7);
      await Promise.all([a.close(), b.close()]);
    });

    it("copies contracts and removes them with their instance", async () => {
      const store = await open();
      const id = agentId();
      await store.createInstance(instance(id), engineState(0));
      const c = version(id, 1);
      await store.contracts.appendContract(TENANT, c);
      c.expectedActionDistribution.read = 0;
      const read = (await store.contracts.activeContract(TENANT, id))!;
      expect(read).toEqual(version(id, 1));
      read.invariants.length = 0;
      expect((await store.contracts.contractVersion(TENANT, id, 1))!.invariants).toHaveLength(7);
      expect(await store.deleteInstance(TENANT, id)).toBe(true);
      expect(await store.contracts.activeContract(TENANT, id)).toBeNull();
      expect((await store.contracts.listContracts(TENANT, id, { pageSize: 10, pageToken: "" })).items).toEqual([]);
      await store.close();
    });
  });
}
