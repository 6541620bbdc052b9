// Published calibration traces: the tutorial stress trace (seed 000, step 6)
// and the four real baseline contracts (notes §5.9).

import { describe, expect, it } from "vitest";
import { type IdentityProfile, type RiskPosture, contractOf, defaultProfile, initialState } from "../../src/engine/index.js";
import { obs, repeat, runAll } from "./helpers.js";

describe("tutorial trace: five STRESS_RESPONSE 0.9 observations on a fresh default agent", () => {
  const results = runAll(repeat(obs("stress_response", 0.9), 5));

  it("escalates MED, HIGH, HIGH, HIGH, HIGH", () => {
    expect(results.map((r) => r.contract.currentStressLevel)).toEqual(["MED", "HIGH", "HIGH", "HIGH", "HIGH"]);
  });

  it("depletes energy 1.00, 1.00, 0.87, 0.74, 0.61", () => {
    const expected = [1.0, 1.0, 0.87, 0.74, 0.61];
    results.forEach((r, i) => expect(r.contract.energyLevel).toBeCloseTo(expected[i] as number, 2));
  });

  it("narrows the action space: risky actions go at HIGH", () => {
    expect(results[0]?.contract.allowedActions).toHaveLength(12);
    for (const r of results.slice(1)) {
      for (const risky of ["execute", "challenge", "explore", "pivot"]) expect(r.contract.allowedActions).not.toContain(risky);
      expect(r.contract.allowedActions).toContain("stabilize");
    }
  });

  it("keeps drift unset during warm-up", () => {
    for (const r of results) {
      expect(r.contract.driftLevel).toBeNull();
      expect(r.contract.driftMagnitude).toBeNull();
    }
  });
});

describe("a fresh default agent", () => {
  it("starts at full energy, LOW, baseline, with all 12 actions and the two forbidden ones", () => {
    const c = contractOf(initialState(defaultProfile()));
    expect(c.energyLevel).toBe(1);
    expect(c.currentStressLevel).toBe("LOW");
    expect(c.currentSystemState).toBe("baseline");
    expect(c.allowedActions).toHaveLength(12);
    expect(c.forbiddenActions).toEqual(["emotional_manipulation", "identity_override"]);
    expect(c.cycleCount).toBe(0);
  });
});

describe("the four real baseline contracts (notes §5.9)", () => {
  const ALL_12 = [
    "challenge", "clarify", "comfort", "defer", "elaborate", "execute",
    "explore", "pivot", "question", "stabilize", "suggest", "withdraw",
  ];
  const cases: { name: string; strengths: number[]; posture: RiskPosture; allowed: string[]; dominant: string[]; commitment: string }[] = [
    { name: "Explorer", strengths: [0.6, 0.7, 0.1, 0.2, 0.2, 0.4, 0], posture: "seeking", allowed: ALL_12, dominant: ["perception", "exploration", "identity"], commitment: "low" },
    {
      name: "Guardian",
      strengths: [0.4, 0.1, 0.7, 0.3, 0.2, 0.6, 0],
      posture: "averse",
      allowed: ALL_12.filter((a) => !["challenge", "explore", "pivot"].includes(a)),
      dominant: ["perception", "order", "identity"],
      commitment: "high",
    },
    { name: "Diplomat", strengths: [0.6, 0.2, 0.3, 0.2, 0.7, 0.4, 0], posture: "moderate", allowed: ALL_12, dominant: ["perception", "connection", "identity"], commitment: "high" },
    { name: "Commander", strengths: [0.4, 0.2, 0.6, 0.7, 0.2, 0.4, 0], posture: "bounded", allowed: ALL_12, dominant: ["perception", "order", "assertion", "identity"], commitment: "high" },
  ];

  for (const c of cases) {
    describe(c.name, () => {
      const profile: IdentityProfile = { ...defaultProfile(), riskPosture: c.posture, initialModeStrengths: c.strengths };
      const contract = contractOf(initialState(profile));

      it("allows exactly the observed set, alphabetically", () => {
        expect(contract.allowedActions).toEqual(c.allowed);
      });

      it("has the observed dominant modes in canonical order", () => {
        expect(contract.dominantModes).toEqual(c.dominant);
      });

      it("matches the observed decision style, recovery profile and empty locks", () => {
        expect(contract.decisionStyle).toEqual({ tempo: "observant", risk: c.posture, expressiveness: "high", commitmentThreshold: c.commitment });
        expect(contract.recoveryProfile).toEqual({ preferredPath: "oscillating", supportRequired: true, cooldownRequired: false });
        expect(Object.values(contract.hardLocks).every((v) => v === null)).toBe(true);
        expect(contract.suppressedModes).toEqual([]);
      });
    });
  }
});
