// A declared contract can ask engine drift to act (policy.engine_drift_restricts_at): at or
// above that level the risky actions leave the allowed set and the contract names drift.
import { describe, expect, it } from "vitest";
import { compileContract } from "../../src/contracts/compile.js";
import { canonicalBytes } from "../../src/contracts/canonical.js";
import { standing } from "../../src/contracts/enforce.js";
import { validateContract } from "../../src/contracts/validate.js";
import { RISKY_ACTIONS, contractOf, defaultProfile, initialState, type DriftLevel, type ExecutionContract } from "../../src/engine/index.js";
import { contractFromWire, contractToWire } from "../../src/rpc/contract-mapping.js";
import { sampleContract } from "./fixtures.js";

const noScope = { actions: [], operations: [], targets: [] };

/** The default agent's contract at a given drift level: every action allowed, so the risky ones are there to remove. */
function engineAt(level: DriftLevel | null): ExecutionContract {
  const s = initialState(defaultProfile());
  return contractOf({ ...s, drift: { ...s.drift, level, magnitude: level === null ? null : 0.1 } });
}

const contractAt = (at: DriftLevel | undefined) => {
  const base = sampleContract({ authorizedScope: noScope });
  return compileContract({ ...base, policy: at === undefined ? base.policy : { ...base.policy, engineDriftRestrictsAt: at } });
};

describe("policy.engineDriftRestrictsAt", () => {
  it("at or above the level removes the risky actions and names them as drift's; below it, nothing", () => {
    const risky = RISKY_ACTIONS as readonly string[];
    expect(engineAt("D2_adaptive").allowedActions.some((a) => risky.includes(a))).toBe(true);
    for (const level of ["D2_adaptive", "D3_corrupt"] as const) {
      const c = standing(contractAt("D2_adaptive"), undefined, engineAt(level));
      expect(c.allowedActions.some((a) => risky.includes(a))).toBe(false);
      expect([...c.driftRestrictedActions].sort()).toEqual(engineAt(level).allowedActions.filter((a) => risky.includes(a)).sort());
      for (const a of c.driftRestrictedActions) expect(c.forbiddenActions).toContain(a);
    }
    for (const level of [null, "D0_noise", "D1_context"] as const) {
      const c = standing(contractAt("D2_adaptive"), undefined, engineAt(level));
      expect(c.allowedActions).toEqual(engineAt(level).allowedActions);
      expect(c.driftRestrictedActions).toEqual([]);
    }
    expect(standing(contractAt(undefined), undefined, engineAt("D3_corrupt")).allowedActions).toEqual(engineAt("D3_corrupt").allowedActions);
  });

  it("is validated (D0 is no drift) and sealed only when set, so earlier seals still verify", () => {
    const base = sampleContract();
    expect(validateContract({ ...base, policy: { ...base.policy, engineDriftRestrictsAt: "D0_noise" } }).join(" ")).toContain("policy.engine_drift_restricts_at");
    expect(validateContract({ ...base, policy: { ...base.policy, engineDriftRestrictsAt: "D1_context" } })).toEqual([]);
    expect(canonicalBytes(base).toString("utf8")).not.toContain("engineDriftRestrictsAt");
    const set = { ...base, policy: { ...base.policy, engineDriftRestrictsAt: "D1_context" as const } };
    expect(canonicalBytes(set).toString("utf8")).toContain('"engineDriftRestrictsAt":"D1_context"');
  });

  it("travels the wire both ways; unset stays absent", () => {
    const base = sampleContract();
    const set = { ...base, policy: { ...base.policy, engineDriftRestrictsAt: "D2_adaptive" as const } };
    const back = contractFromWire(contractToWire(set));
    expect(back.problems).toEqual([]);
    expect(back.contract.policy.engineDriftRestrictsAt).toBe("D2_adaptive");
    expect("engineDriftRestrictsAt" in contractFromWire(contractToWire(base)).contract.policy).toBe(false);
  });
});
