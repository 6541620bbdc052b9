// Validation names every problem of a contract, and accepts everything well formed.
import { describe, expect, it } from "vitest";
import { defaultPolicy, type BehavioralContract } from "../../src/contracts/model.js";
import { validateContract } from "../../src/contracts/validate.js";
import { EVERY_RULE, invariant, sampleContract } from "./fixtures.js";

// Not normalized, so problems name list positions as given.
const problemsOf = (overrides: Partial<BehavioralContract>) => validateContract({ ...sampleContract(), ...overrides });

describe("validateContract", () => {
  it("accepts a full contract with one invariant of each of the seven types", () => {
    expect(validateContract(sampleContract())).toEqual([]);
  });

  it("requires distributions to sum to 1 within 1e-6, or be empty", () => {
    expect(problemsOf({ expectedActionDistribution: {} })).toEqual([]);
    expect(problemsOf({ expectedActionDistribution: { read: 0.5, write: 0.5000005 } })).toEqual([]);
    expect(problemsOf({ expectedActionDistribution: { read: 0.5, write: 0.49 } })).toEqual([
      "expected_action_distribution sums to 0.99 - must sum to 1 within 0.000001 (or be empty)",
    ]);
    expect(problemsOf({ expectedOutcomeDistribution: { allow: 1.5, deny: -0.5 } })).toHaveLength(2);
    expect(problemsOf({ expectedTargetDistribution: { Orders: 1 } })[0]).toMatch(/key "Orders" must be 1 to 128 characters without whitespace or uppercase/);
  });

  it("requires thresholds in [0, 1] and floor <= initial <= ceiling", () => {
    expect(problemsOf({ driftThresholds: { ...sampleContract().driftThresholds, temporal: 1.2 } })).toEqual([
      "drift_thresholds.temporal must be from 0 to 1 (got 1.2)",
    ]);
    expect(problemsOf({ trustFloor: 0.7, initialTrust: 0.6 })).toEqual([
      "trust must satisfy trust_floor <= initial_trust <= trust_ceiling (got 0.7 then 0.6 then 0.9)",
    ]);
    expect(problemsOf({ trustCeiling: 2 })).toEqual(["trust_ceiling must be from 0 to 1 (got 2)"]);
  });

  it("requires a well-formed scope", () => {
    const problems = problemsOf({
      authorizedScope: { actions: ["clarify", "clarify", "identity_override"], operations: ["Read"], targets: ["a", "a"] },
    });
    expect(problems).toEqual([
      "authorized_scope.actions must not repeat an action",
      "authorized_scope.actions must not contain IDENTITY_OVERRIDE - it is always forbidden",
      'authorized_scope.operations entry "Read" must be 1 to 128 characters without whitespace or uppercase',
      "authorized_scope.targets must not repeat an entry",
    ]);
  });

  it("knows the eight invariant types and checks each one's fields", () => {
    const bad = [
      invariant("r", { ...EVERY_RULE.ratio, numerator: "x", denominator: "x", window: 0 } as never),
      invariant("d", { ...EVERY_RULE.distribution, threshold: 2, minObservations: 99 } as never),
      invariant("t", { type: "temporal", startHour: 25, endHour: 25 }),
      invariant("q", { ...EVERY_RULE.rate, comparison: "gt", baseline: 0 } as never),
      invariant("s", { ...EVERY_RULE.semantic, term: "unanchored" } as never),
      invariant("u", { type: "sorcery" } as never),
      invariant("u", EVERY_RULE.count),
      invariant("m", { type: "sum", action: "refund", windowSeconds: 0, comparison: "le", threshold: Number.POSITIVE_INFINITY }),
    ];
    expect(problemsOf({ invariants: bad })).toEqual([
      "invariants[0].ratio.numerator and denominator must differ",
      "invariants[0].ratio.window must be from 1 to 500 (got 0)",
      "invariants[1].distribution.threshold must be from 0 to 1 (got 2)",
      "invariants[1].distribution.min_observations must be from 1 to the window (got 99)",
      "invariants[2].temporal.start_hour must be from 0 to 23 (got 25)",
      "invariants[2].temporal.end_hour must be from 0 to 23 (got 25)",
      "invariants[2].temporal.start_hour and end_hour must differ",
      "invariants[3].rate.baseline must be above 0 (got 0)",
      "invariants[3].rate.comparison must be LESS or LESS_OR_EQUAL",
      'invariants[4].semantic.term "unanchored" must be the term of a semantic anchor',
      'invariants[5] has unknown type "sorcery" - known types are ratio distribution drift semantic temporal rate count sum',
      'invariants[6].id "u" is used by an earlier invariant',
      "invariants[7].sum.window_seconds must be from 1 to 604800",
      "invariants[7].sum.threshold must be a finite number (got Infinity)",
    ]);
  });

  it("lists every problem at once, with no ':' ',' or ';' that gRPC would escape", () => {
    const problems = problemsOf({
      contractId: "",
      version: 0,
      agentId: "agent-1",
      archetype: "Sales Agent",
      initialTrust: Number.NaN,
      policy: { ...defaultPolicy(), window: 900, restrictedActions: [] },
      signature: "abc",
    });
    expect(problems).toHaveLength(9);
    for (const p of problems) expect(p).not.toMatch(/[:;,]/);
  });
});
