// Every action outside the allowed set names at least one cause, in the engine and after a
// declared contract narrowed the set; and the named cause is the one that removed it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileContract } from "../../src/contracts/compile.js";
import { enforceCycle } from "../../src/contracts/enforce.js";
import type { EnforcementState } from "../../src/contracts/state.js";
import {
  ACTIONS,
  FORBIDDEN_ACTIONS,
  RISKY_ACTIONS,
  STANDARD_ACTIONS,
  defaultProfile,
  initialState,
  process,
  type ExecutionContract,
} from "../../src/engine/index.js";
import { invariant, sampleContract } from "../contracts/fixtures.js";
import { configArb, observationsArb, profileArb } from "./arbitraries.js";

/** The restriction list is exactly the complement of the allowed set, alphabetical, each with a cause. */
function expectComplete(c: ExecutionContract): void {
  const restricted = c.restrictions.map((r) => r.action);
  const outside = ACTIONS.filter((a) => !c.allowedActions.includes(a)).sort();
  expect(restricted).toEqual(outside);
  for (const r of c.restrictions) {
    expect(r.causes.length).toBeGreaterThan(0);
    expect(new Set(r.causes).size).toBe(r.causes.length);
  }
  for (const f of c.forbiddenActions) expect(restricted).toContain(f);
}

describe("restrictions from the engine", () => {
  it("every action not allowed names at least one cause, on every cycle", () => {
    fc.assert(
      fc.property(profileArb, configArb, observationsArb(60), (profile, config, observations) => {
        let state = initialState(profile);
        for (const o of observations) {
          const r = process(state, o, config);
          state = r.state;
          expectComplete(r.contract);
          const byAction = new Map(r.contract.restrictions.map((x) => [x.action, x.causes]));
          for (const f of FORBIDDEN_ACTIONS) expect(byAction.get(f)).toEqual(["always_forbidden"]);
          if (r.contract.currentStressLevel === "OVER") {
            for (const [a, causes] of byAction) if (!FORBIDDEN_ACTIONS.includes(a as never)) expect(causes).toContain("stress");
          }
          if (r.contract.currentStressLevel === "HIGH") {
            for (const a of RISKY_ACTIONS) expect(byAction.get(a)).toContain("stress");
          }
          if (profile.riskPosture === "averse" && r.contract.currentStressLevel !== "OVER") {
            expect(byAction.get("challenge")).toContain("risk_posture");
            expect(byAction.get("pivot")).toContain("risk_posture");
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("restrictions after a declared contract", () => {
  const action = fc.constantFrom(...STANDARD_ACTIONS);
  it("scope and restricting violations add their causes; nothing is removed without one", () => {
    fc.assert(
      fc.property(
        observationsArb(40),
        fc.uniqueArray(action, { minLength: 1, maxLength: 12 }),
        fc.constantFrom("record", "restrict" as const),
        (observations, scope, response) => {
          const compiled = compileContract(
            sampleContract({
              semanticAnchors: [],
              invariants: [invariant("few-targets", { type: "count", dimension: "target", window: 5, comparison: "le", threshold: 1 }, response)],
              authorizedScope: { actions: [...scope].sort(), operations: ["read"], targets: [] },
              policy: { ...sampleContract().policy, onScope: response },
            }),
          );
          let engine = initialState(defaultProfile());
          let enforcement: EnforcementState | undefined;
          observations.forEach((o, i) => {
            const r = process(engine, o, undefined);
            engine = r.state;
            const tags = { action: i % 2 ? "read" : "write", target: `t${i % 3}/x`, outcome: null, observedAtMs: i * 1000, context: {} };
            const step = enforceCycle(compiled, enforcement, tags, r.contract);
            enforcement = step.state;
            const c = step.contract;
            expectComplete(c);
            expect(c.contractVersionHash).toBe(compiled.versionHash);
            const byAction = new Map(c.restrictions.map((x) => [x.action, x.causes]));
            for (const a of STANDARD_ACTIONS) if (!scope.includes(a)) expect(byAction.get(a)).toContain("contract_scope");
            const restricting = c.enforcement!.violations.filter((v) => v.restricting);
            for (const a of STANDARD_ACTIONS) {
              if (compiled.restrictedActions.has(a) || restricting.length === 0) continue;
              if (restricting.some((v) => v.kind === "invariant")) expect(byAction.get(a)).toContain("invariant");
              if (restricting.some((v) => v.kind === "scope")) expect(byAction.get(a)).toContain("contract_scope");
            }
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});
