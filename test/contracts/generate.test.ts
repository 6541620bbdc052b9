// Generation from the ten archetype priors and the archetype-name map.
import { describe, expect, it } from "vitest";
import { generateContract, GENERATED_THRESHOLD } from "../../src/contracts/generate.js";
import { ARCHETYPE_PRIORS, PRIORS, priorFor } from "../../src/contracts/priors.js";
import { validateContract } from "../../src/contracts/validate.js";
import { AGENT } from "./fixtures.js";

const input = { contractId: "c", version: 1, agentId: AGENT, createdAtMs: 0, certificateId: "" };
const sum = (d: Record<string, number>) => Object.values(d).reduce((a, b) => a + b, 0);

describe("archetype priors", () => {
  it("has ten priors whose distributions each sum to 1", () => {
    expect(PRIORS).toHaveLength(10);
    for (const p of PRIORS) {
      for (const d of [p.actions, p.targets, p.outcomes]) expect(sum(d)).toBeCloseTo(1, 9);
      expect(Object.keys(p.outcomes)).toEqual(["allow", "modify", "escalate", "deny"]);
    }
  });

  it("maps all 16 archetype names, each onto an existing prior or none", () => {
    expect(Object.keys(ARCHETYPE_PRIORS)).toHaveLength(16);
    for (const [name, prior] of Object.entries(ARCHETYPE_PRIORS)) expect(priorFor(name)?.name ?? null).toBe(prior);
    expect(priorFor("sales-agent")?.name).toBe("sales-agent");
    expect(priorFor("underwriting")?.name).toBe("financial-analyst");
  });
});

describe("generateContract", () => {
  it("fills the prior's distributions and thresholds for a known archetype", () => {
    const { contract, prior } = generateContract({ ...input, archetype: "clinical-support" });
    expect(prior).toBe("healthcare-agent");
    expect(contract.expectedActionDistribution).toEqual({ read: 0.4, query: 0.25, write: 0.15, escalate: 0.12, send: 0.08 });
    expect(contract.expectedTargetDistribution.patient).toBe(0.35);
    expect(contract.driftThresholds).toMatchObject({ action: GENERATED_THRESHOLD, overall: GENERATED_THRESHOLD, temporal: null });
    expect(validateContract(contract)).toEqual([]);
  });

  it("gives empty distributions and no thresholds for an unknown archetype (and for general)", () => {
    for (const archetype of ["pirate-captain", "general-purpose", ""]) {
      const { contract, prior } = generateContract({ ...input, archetype });
      expect(prior).toBeNull();
      expect(contract.archetype).toBe(archetype || "general");
      expect([contract.expectedActionDistribution, contract.expectedTargetDistribution, contract.expectedOutcomeDistribution]).toEqual([{}, {}, {}]);
      expect(Object.values(contract.driftThresholds).every((t) => t === null)).toBe(true);
      expect(validateContract(contract)).toEqual([]);
    }
  });
});
