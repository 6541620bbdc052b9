// Per-cycle enforcement through a real server: drift thresholds, scope violations, restriction
// policy, trust bounds, standing contracts, new versions and resets.
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ViolationKind, ViolationResponse } from "../../gen/keel/v1/behavioral_contract_pb.js";
import { ResetTarget, SessionRequestSchema } from "../../gen/keel/v1/engine_service_pb.js";
import { Action } from "../../gen/keel/v1/modes_pb.js";
import { TRUST_STEP } from "../../src/contracts/trust.js";
import { Pushable } from "../support/pushable.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { clientsFor, cyclesWith, newAgent, observation, run, type Clients, type ContractInit, type Step } from "./harness.js";

let server: TestServer;
let c: Clients;
beforeAll(async () => {
  server = await startTestServer();
  c = clientsFor(server.baseUrl);
});
afterAll(async () => {
  await server.close();
});

const range = (n: number, f: (i: number) => Step): Step[] => Array.from({ length: n }, (_, i) => f(i));

async function agentUnder(contract: Omit<ContractInit, "agentId">): Promise<string> {
  const id = await newAgent(c);
  await c.contracts.putContract({ contract: { ...contract, agentId: id } });
  return id;
}

describe("drift thresholds", () => {
  // Balanced read/write against a 50/50 expectation, then deletes: see invariants.test.ts.
  const stream = range(40, (i) => ({ action: i >= 30 ? "delete" : i % 2 === 0 ? "read" : "write" }));
  const contract = {
    expectedActionDistribution: { read: 0.5, write: 0.5 },
    driftThresholds: { action: 0.3 },
    policy: { window: 10, minObservations: 10, onDrift: ViolationResponse.RESTRICT },
  };

  it("reports drift/action from the cycle the action drift exceeds its threshold, and restricts", async () => {
    const contracts = await run(c, await agentUnder(contract), stream);
    expect(cyclesWith(contracts, "drift/action")).toEqual([35, 36, 37, 38, 39, 40]);
    const at35 = contracts[34]!.enforcement!;
    const v = at35.violations.find((x) => x.name === "drift/action")!;
    expect(v).toMatchObject({ kind: ViolationKind.DRIFT, threshold: 0.3, restricting: true, sinceCycle: 35n });
    expect(v.value).toBeGreaterThan(0.3);
    expect(contracts[33]!.enforcement!.drift!.action).toBeLessThanOrEqual(0.3);
    expect(at35.restricted).toBe(true);
    for (const a of contracts[34]!.allowedActions) expect([Action.CLARIFY, Action.DEFER, Action.STABILIZE, Action.WITHDRAW]).toContain(a);
    expect(contracts[34]!.forbiddenActions).toContain(Action.EXPLORE);
  });

  it("measures nothing before the window holds min_observations", async () => {
    const contracts = await run(c, await agentUnder(contract), stream.slice(0, 12));
    expect(contracts.slice(0, 9).every((x) => x.enforcement!.drift!.action === undefined)).toBe(true);
    expect(contracts[9]!.enforcement!.drift!.action).toBeTypeOf("number");
  });
});

describe("scope violations", () => {
  it("names an unauthorized operation or target on the cycle it is observed, and only then", async () => {
    const id = await agentUnder({ authorizedScope: { operations: ["read"], targets: ["orders/"] } });
    const contracts = await run(c, id, [
      { action: "read", target: "orders/1" },
      { action: "refund", target: "orders/2" },
      { action: "read", target: "ORDERS/3" },
      { action: "read", target: "users/4" },
      { action: "read" },
    ]);
    expect(cyclesWith(contracts, "scope/operation")).toEqual([2]);
    expect(cyclesWith(contracts, "scope/target")).toEqual([4]);
    expect(contracts[1]!.enforcement!.violations[0]).toMatchObject({ kind: ViolationKind.SCOPE, restricting: false, sinceCycle: 2n });
  });
});

describe("trust", () => {
  it("moves by the documented steps and stays within floor and ceiling", async () => {
    const id = await agentUnder({ initialTrust: 0.5, trustFloor: 0.3, trustCeiling: 0.52, authorizedScope: { operations: ["read"] } });
    const contracts = await run(c, id, [
      ...range(6, () => ({ action: "read" })),
      { action: "delete" },
      { action: "read" },
      { action: "delete" },
      ...range(30, (i) => ({ action: i % 2 ? "delete" : "read" })),
    ]);
    const trust = contracts.map((x) => x.enforcement!.trust);
    expect(trust.slice(0, 6)).toEqual([0.505, 0.51, 0.515, 0.52, 0.52, 0.52]);
    expect(trust[6]).toBeCloseTo(0.52 - TRUST_STEP.onset - TRUST_STEP.ongoing, 9);
    expect(trust[7]).toBeCloseTo(trust[6]! + TRUST_STEP.clean, 9);
    expect(Math.min(...trust)).toBe(0.3);
    expect(trust.at(-1)).toBeLessThan(0.35);
    for (const t of trust) expect(t >= 0.3 && t <= 0.52).toBe(true);
  });
});

describe("standing contract, versions and resets", () => {
  it("shapes GetContract and the session's opening contract without processing", async () => {
    const id = await agentUnder({ authorizedScope: { actions: [Action.CLARIFY, Action.PIVOT], targets: ["a/"] } });
    const before = (await c.engine.getContract({ instanceId: id })).contract!;
    expect(before.allowedActions).toEqual([Action.CLARIFY, Action.PIVOT]);
    expect(before.enforcement).toMatchObject({ contractVersion: 1, trust: 0.5, violations: [] });

    await run(c, id, [{ target: "b/1" }]);
    const after = (await c.engine.getContract({ instanceId: id })).contract!;
    expect(after.enforcement!.violations.map((v) => v.name)).toEqual(["scope/target"]);

    const requests = new Pushable<ReturnType<typeof create<typeof SessionRequestSchema>>>();
    requests.push(create(SessionRequestSchema, { frame: { case: "open", value: { instanceId: id } } }));
    const responses = c.engine.session(requests)[Symbol.asyncIterator]();
    const opened = (await responses.next()).value;
    requests.end();
    expect(opened.frame.value.contract.enforcement.violations.map((v: { name: string }) => v.name)).toEqual(["scope/target"]);
    expect(opened.frame.value.contract.allowedActions).toEqual([Action.CLARIFY, Action.PIVOT]);
  });

  it("applies a new version from the next cycle, carrying trust into its bounds", async () => {
    const id = await agentUnder({ authorizedScope: { operations: ["read"] } });
    await run(c, id, range(3, () => ({ action: "delete" })));
    const low = (await c.engine.getContract({ instanceId: id })).contract!.enforcement!.trust;
    expect(low).toBeLessThan(0.5);
    await c.contracts.putContract({ contract: { agentId: id, trustFloor: 0.45, initialTrust: 0.6, authorizedScope: { operations: ["delete"] } } });
    const standing = (await c.engine.getContract({ instanceId: id })).contract!.enforcement!;
    expect(standing).toMatchObject({ contractVersion: 2, violations: [], trust: Math.max(0.45, low) });
    const [next] = await run(c, id, [{ action: "delete" }], 3);
    expect(next!.enforcement).toMatchObject({ contractVersion: 2, violations: [], trust: Math.max(0.45, low) + TRUST_STEP.clean });
  });

  it("clears enforcement on a reset to INITIAL", async () => {
    const id = await agentUnder({ initialTrust: 0.7, authorizedScope: { operations: ["read"] } });
    await run(c, id, range(3, () => ({ action: "delete" })));
    const reset = await c.engine.reset({ instanceId: id, target: ResetTarget.INITIAL });
    expect(reset.contract!.enforcement).toMatchObject({ trust: 0.7, violations: [] });
    const [first] = await run(c, id, [{ action: "read" }]);
    expect(first!.enforcement!.trust).toBeCloseTo(0.7 + TRUST_STEP.clean, 9);
  });

  it("answers an agent without a contract exactly as before", async () => {
    const id = await newAgent(c);
    const res = await c.engine.process({ instanceId: id, observation: observation({ action: "anything" }, 0) });
    expect(res.outcome!.contract!.enforcement).toBeUndefined();
    expect(res.outcome!.contract!.forbiddenActions).toEqual([Action.EMOTIONAL_MANIPULATION, Action.IDENTITY_OVERRIDE]);
  });
});
