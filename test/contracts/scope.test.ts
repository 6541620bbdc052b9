// "An agent with a declared scope never receives an allowed action outside it, across the whole
// scenario suite": checked through a real server for every scenario, and as a property over
// random scopes and policies with the pure enforcement step.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileContract } from "../../src/contracts/compile.js";
import { enforceCycle } from "../../src/contracts/enforce.js";
import type { EnforcementState } from "../../src/contracts/state.js";
import { defaultProfile, initialState, process, STANDARD_ACTIONS, type Action, type Observation } from "../../src/engine/index.js";
import { Action as WireAction, Mode } from "../../gen/keel/v1/modes_pb.js";
import { actions as actionTable, modes } from "../../src/rpc/enums.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { adversarial, chaotic, gradualShift, repeatedCrises, steady, stressSpike } from "../engine/scenarios.js";
import { sampleContract } from "./fixtures.js";
import { clientsFor, newAgent, run, type Clients, type Step } from "./harness.js";

const SCENARIOS: Record<string, Observation[]> = {
  steady: steady(),
  "gradual shift": gradualShift(),
  chaotic: chaotic(),
  "stress spike": stressSpike(),
  "repeated crises": repeatedCrises(),
  adversarial: adversarial(),
};
const ALWAYS_FORBIDDEN = [WireAction.EMOTIONAL_MANIPULATION, WireAction.IDENTITY_OVERRIDE];

/** Scenario observations with tags, some of them outside the scope, so restrictions also fire. */
function steps(observations: Observation[]): Step[] {
  return observations.map((o, i) => ({
    mode: modes.toWire(o.mode),
    action: ["read", "send", "delete"][i % 3],
    target: i % 7 === 0 ? "payments/9" : "customer/1",
  }));
}

describe("declared scope across the scenario suite, through the server", () => {
  let server: TestServer;
  let c: Clients;
  beforeAll(async () => {
    server = await startTestServer();
    c = clientsFor(server.baseUrl);
  });
  afterAll(async () => {
    await server.close();
  });

  const scopes: [string, WireAction[], boolean][] = [
    ["explore and challenge only (risky actions the engine drops under stress)", [WireAction.EXPLORE, WireAction.CHALLENGE], false],
    ["the safe four minus defer, restricting on scope violations", [WireAction.CLARIFY, WireAction.STABILIZE, WireAction.WITHDRAW, WireAction.COMFORT], true],
  ];

  for (const [name, observations] of Object.entries(SCENARIOS)) {
    it.each(scopes)(`${name} - %s`, async (_label, scope, restrict) => {
      const id = await newAgent(c);
      await c.contracts.putContract({
        contract: {
          agentId: id,
          authorizedScope: { actions: scope, operations: ["read", "send"], targets: ["customer/"] },
          policy: restrict ? { onScope: 2, restrictedActions: [WireAction.DEFER, WireAction.CLARIFY] } : {},
        },
      });
      const contracts = await run(c, id, steps(observations));
      expect(contracts).toHaveLength(observations.length);
      let restricted = 0;
      for (const contract of contracts) {
        for (const a of contract.allowedActions) expect(scope).toContain(a);
        for (const a of ALWAYS_FORBIDDEN) expect(contract.forbiddenActions).toContain(a);
        for (const a of contract.allowedActions) expect(contract.forbiddenActions).not.toContain(a);
        if (contract.enforcement!.restricted) {
          restricted++;
          for (const a of contract.allowedActions) expect([WireAction.CLARIFY]).toContain(a);
        }
      }
      expect(restricted > 0).toBe(restrict);
      // Without processing, too.
      const standing = (await c.engine.getContract({ instanceId: id })).contract!;
      for (const a of standing.allowedActions) expect(scope).toContain(a);
    });
  }
});

describe("declared scope as a property of the enforcement step", () => {
  const action = fc.constantFrom(...STANDARD_ACTIONS);
  it("never allows an action outside the scope, nor one the engine did not allow", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(SCENARIOS)),
        fc.uniqueArray(action, { minLength: 1, maxLength: 12 }),
        fc.uniqueArray(action, { minLength: 1, maxLength: 12 }),
        fc.constantFrom("record", "restrict" as const),
        (scenario, scope, restrictedActions, onScope) => {
          const compiled = compileContract(
            sampleContract({
              invariants: [],
              semanticAnchors: [],
              authorizedScope: { actions: [...scope].sort(), operations: ["read"], targets: [] },
              policy: { ...sampleContract().policy, onScope, restrictedActions: [...restrictedActions].sort() },
            }),
          );
          let engine = initialState(defaultProfile());
          let enforcement: EnforcementState | undefined;
          SCENARIOS[scenario]!.forEach((o, i) => {
            const r = process(engine, o, undefined);
            engine = r.state;
            const tags = { action: i % 2 ? "read" : "write", target: null, outcome: null, observedAtMs: i * 1000, context: {} };
            const step = enforceCycle(compiled, enforcement, tags, r.contract);
            enforcement = step.state;
            for (const a of step.contract.allowedActions) {
              expect(scope).toContain(a);
              expect(r.contract.allowedActions).toContain(a);
              if (step.contract.enforcement!.restricted) expect(restrictedActions).toContain(a);
            }
            const outside = STANDARD_ACTIONS.filter((a) => !scope.includes(a));
            for (const a of outside) expect(step.contract.forbiddenActions).toContain(a as Action);
          });
        },
      ),
      { numRuns: 25 },
    );
  });
});

// The wire and engine action vocabularies agree (the scope is declared in one, enforced in the other).
it("maps every wire action onto the engine's", () => {
  for (const a of STANDARD_ACTIONS) expect(actionTable.toEngine(actionTable.toWire(a))).toBe(a);
  expect(Mode.ORDER).toBe(modes.toWire("order"));
});
