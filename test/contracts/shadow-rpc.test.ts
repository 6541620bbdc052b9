// Shadow mode on the wire, on the in-process store and on MongoDB against a real FerretDB: put as
// SHADOW, the shadow section of each cycle's contract, GetShadowReport across a server restart,
// PromoteContract, VerifyHistory across the promotion from a freshly started store, and the
// precise codes of refused calls (which change nothing).
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ViolationResponse } from "../../gen/keel/v1/behavioral_contract_pb.js";
import { ContractMode } from "../../gen/keel/v1/contract_service_pb.js";
import { Action } from "../../gen/keel/v1/modes_pb.js";
import { MemoryStore } from "../../src/store/memory.js";
import { connectMongoStore } from "../../src/store/mongo/index.js";
import type { Store } from "../../src/store/types.js";
import { startMongoServer, type MongoServer } from "../support/mongo-server.js";
import { clientsFor, failure, newAgent, run, startContractServer, type Clients, type Step } from "./harness.js";

let mongo: MongoServer;
beforeAll(async () => {
  mongo = await startMongoServer();
}, 120_000);
afterAll(async () => {
  await mongo?.dispose();
});

const steps: Step[] = Array.from({ length: 50 }, (_, i) => ({
  action: i % 4 === 3 ? "delete" : "read",
  target: i % 6 === 0 ? "payments/1" : "customer/1",
}));

const enforced = { expectedActionDistribution: { read: 0.8, delete: 0.2 } };
/** Would restrict on scope and on a target outside customer/. */
const strict = {
  authorizedScope: { actions: [Action.CLARIFY, Action.DEFER, Action.STABILIZE, Action.WITHDRAW], targets: ["customer/"] },
  policy: { window: 10, minObservations: 5, onScope: ViolationResponse.RESTRICT },
};

async function withServer<T>(store: Store, body: (c: Clients) => Promise<T>): Promise<T> {
  const server = await startContractServer({ store });
  try {
    return await body(clientsFor(server.baseUrl));
  } finally {
    await server.close();
  }
}

describe.each([
  ["memory", () => {
    const store = new MemoryStore();
    return async () => store as Store;
  }],
  ["mongo", () => {
    const dbName = mongo.database("shadow");
    return () => connectMongoStore({ uri: mongo.uri, dbName });
  }],
] as const)("shadow mode on the %s store", (name, storeFactory) => {
  it("reports, counts across a restart, promotes, and verifies", async () => {
    const open = storeFactory();
    const { id, firstHalf } = await withServer(await open(), async (c) => {
      const id = await newAgent(c);
      await c.contracts.putContract({ contract: { ...enforced, agentId: id } });
      const put = await c.contracts.putContract({ contract: { ...strict, agentId: id }, mode: ContractMode.SHADOW });
      expect(put.contract!.version).toBe(2);
      const active = await c.contracts.getActiveContract({ agentId: id });
      expect([active.contract?.version, active.shadow?.version]).toEqual([1, 2]);
      const firstHalf = await run(c, id, steps.slice(0, 30));
      return { id, firstHalf };
    });
    for (const contract of firstHalf) {
      expect(contract.enforcement!.contractVersion).toBe(1);
      expect(contract.shadow!.enforcement!.contractVersion).toBe(2);
      expect(contract.shadow!.contractVersionHash).toMatch(/^[0-9a-f]{64}$/);
      for (const r of contract.shadow!.wouldBlock) expect(contract.allowedActions).toContain(r.action);
    }
    // A restarted server (a fresh store on the same data) continues the counts.
    await withServer(await open(), async (c) => {
      const secondHalf = await run(c, id, steps.slice(30), 30);
      const all = [...firstHalf, ...secondHalf];
      const report = await c.contracts.getShadowReport({ agentId: id });
      expect(report.contract!.version).toBe(2);
      expect(report.enforcedVersion).toBe(1);
      expect(report.cycles).toBe(50n);
      expect(report.firstCycle).toBe(all[0]!.cycleCount);
      expect(report.wouldBlockCycles).toBe(BigInt(all.filter((x) => x.shadow!.wouldBlock.length > 0).length));
      expect(report.wouldBlockCycles).toBeGreaterThan(0n);
      const scope = report.rules.find((r) => r.rule === "scope/actions")!;
      expect(scope.wouldBlockCycles).toBe(BigInt(all.filter((x) => x.shadow!.wouldBlockRules.includes("scope/actions")).length));
      const target = report.rules.find((r) => r.rule === "scope/target")!;
      expect(target.violatedCycles).toBe(BigInt(steps.filter((s) => s.target!.startsWith("payments")).length));

      const wrong = await failure(c.contracts.promoteContract({ agentId: id, version: 1 }));
      expect(wrong.code).toBe(Code.FailedPrecondition);
      const promoted = await c.contracts.promoteContract({ agentId: id });
      expect([promoted.contract!.version, promoted.previousVersion]).toEqual([2, 1]);
      expect(promoted.auditHash).toMatch(/^[0-9a-f]{64}$/);
      const again = await failure(c.contracts.promoteContract({ agentId: id }));
      expect(again.code).toBe(Code.FailedPrecondition);
      expect(again.rawMessage).toMatch(/no shadow contract version/);
      expect((await failure(c.contracts.getShadowReport({ agentId: id }))).code).toBe(Code.FailedPrecondition);
      const after = await run(c, id, steps.slice(0, 3), 50);
      expect(after.map((x) => [x.enforcement!.contractVersion, x.shadow])).toEqual(Array(3).fill([2, undefined]));
      expect(after[2]!.allowedActions.every((a) => strict.authorizedScope.actions.includes(a))).toBe(true);
    });
    await withServer(await open(), async (c) => {
      const verified = await c.engine.verifyHistory({ instanceId: id });
      expect(verified.verified).toBe(true);
      expect(verified.difference).toBeUndefined();
      expect(Number(verified.cyclesVerified)).toBe(53);
    });
    void name;
  }, 120_000);
});

describe("refused shadow calls", () => {
  it("answer with precise codes and change nothing", async () => {
    await withServer(new MemoryStore(), async (c) => {
      const id = await newAgent(c);
      expect((await failure(c.contracts.promoteContract({ agentId: id }))).code).toBe(Code.FailedPrecondition);
      expect((await failure(c.contracts.getShadowReport({ agentId: id }))).code).toBe(Code.FailedPrecondition);
      expect((await failure(c.contracts.promoteContract({ agentId: "inst_00000000000000ff" }))).code).toBe(Code.NotFound);
      expect((await failure(c.contracts.getShadowReport({ agentId: "not an id" }))).code).toBe(Code.InvalidArgument);
      const badMode = await failure(c.contracts.putContract({ contract: { agentId: id }, mode: 7 as ContractMode }));
      expect(badMode.code).toBe(Code.InvalidArgument);
      expect(badMode.rawMessage).toMatch(/mode/);
      expect((await failure(c.contracts.getActiveContract({ agentId: id }))).code).toBe(Code.NotFound);
      const state = await c.engine.getState({ instanceId: id });
      expect(state.revision).toBe(0n);
    });
  });
});
