// Contract fields: decision style, recovery profile, hard locks, composite,
// control vector, posture exclusions, personas and profile handling.

import { describe, expect, it } from "vitest";
import {
  ACTIONS,
  type EngineState,
  type IdentityProfile,
  MODES,
  PERSONAS,
  type StressLevel,
  contractOf,
  defaultProfile,
  initialState,
  personaById,
} from "../../src/engine/index.js";
import { obs, profileWith, repeat, stateAfter } from "./helpers.js";

const at = (level: StressLevel, profile: IdentityProfile = defaultProfile()): EngineState => ({ ...initialState(profile), stressLevel: level });

describe("vocabulary", () => {
  it("has 7 modes, 12 standard actions and 2 forbidden ones, lowercase", () => {
    expect(MODES).toEqual(["perception", "exploration", "order", "assertion", "connection", "identity", "stress_response"]);
    expect(ACTIONS).toHaveLength(14);
    expect(ACTIONS.slice(12)).toEqual(["emotional_manipulation", "identity_override"]);
  });
});

describe("decision style", () => {
  it("slows down and lowers risk with stress", () => {
    const seeking = profileWith({ riskPosture: "seeking" });
    expect(contractOf(at("LOW", seeking)).decisionStyle).toEqual({ tempo: "observant", risk: "seeking", expressiveness: "high", commitmentThreshold: "low" });
    expect(contractOf(at("MED", seeking)).decisionStyle).toEqual({ tempo: "deliberate", risk: "moderate", expressiveness: "medium", commitmentThreshold: "low" });
    expect(contractOf(at("HIGH", seeking)).decisionStyle).toEqual({ tempo: "measured", risk: "bounded", expressiveness: "low", commitmentThreshold: "high" });
    expect(contractOf(at("OVER", seeking)).decisionStyle.risk).toBe("averse");
  });

  it("follows the leading mode when perception is not dominant", () => {
    const lead = (strengths: number[]) => contractOf(initialState(profileWith({ initialModeStrengths: strengths }))).decisionStyle.tempo;
    expect(lead([0.2, 0.8, 0.2, 0.2, 0.2, 0.2, 0])).toBe("exploratory");
    expect(lead([0.2, 0.2, 0.2, 0.8, 0.2, 0.2, 0])).toBe("decisive");
    expect(lead([0.2, 0.2, 0.8, 0.2, 0.2, 0.2, 0])).toBe("deliberate");
    expect(lead([0.2, 0.2, 0.2, 0.2, 0.8, 0.2, 0])).toBe("measured");
    expect(lead([0.8, 0.2, 0.2, 0.2, 0.2, 0.2, 0])).toBe("observant");
  });

  it("grades expressiveness by how many modes are dominant", () => {
    const expr = (strengths: number[]) => contractOf(initialState(profileWith({ initialModeStrengths: strengths }))).decisionStyle.expressiveness;
    expect(expr([0.8, 0.2, 0.2, 0.2, 0.2, 0.2, 0])).toBe("low");
    expect(expr([0.8, 0.5, 0.2, 0.2, 0.2, 0.2, 0])).toBe("medium");
    expect(expr([0.8, 0.5, 0.5, 0.2, 0.2, 0.2, 0])).toBe("high");
  });
});

describe("posture exclusions", () => {
  it("averse drops challenge and pivot everywhere; bounded drops explore and pivot from MED", () => {
    expect(contractOf(at("LOW", profileWith({ riskPosture: "averse" }))).allowedActions).not.toContain("pivot");
    expect(contractOf(at("LOW", profileWith({ riskPosture: "bounded" }))).allowedActions).toContain("pivot");
    const boundedMed = contractOf(at("MED", profileWith({ riskPosture: "bounded" }))).allowedActions;
    expect(boundedMed).not.toContain("explore");
    expect(boundedMed).not.toContain("pivot");
    expect(boundedMed).toContain("challenge");
    expect(contractOf(at("MED")).allowedActions).toHaveLength(12);
  });
});

describe("recovery profile", () => {
  it("prefers a path by stress tolerance", () => {
    const path = (stressTolerance: IdentityProfile["stressTolerance"]) =>
      contractOf(initialState(profileWith({ stressTolerance }))).recoveryProfile.preferredPath;
    expect(path("fragile")).toBe("gradual");
    expect(path("normal")).toBe("oscillating");
    expect(path("resilient")).toBe("rapid");
  });

  it("asks for cooldown during a STRESS episode and for support at OVER or when energy is critical", () => {
    const lonely = profileWith({ initialModeStrengths: [0.5, 0.5, 0.5, 0.5, 0.1, 0.5, 0] });
    expect(contractOf(initialState(lonely)).recoveryProfile).toEqual({ preferredPath: "oscillating", supportRequired: false, cooldownRequired: false });
    expect(contractOf({ ...at("OVER", lonely), systemState: "stress" }).recoveryProfile).toEqual({ preferredPath: "oscillating", supportRequired: true, cooldownRequired: true });
    expect(contractOf({ ...initialState(lonely), energy: 0.1 }).recoveryProfile).toMatchObject({ supportRequired: true, cooldownRequired: true });
  });
});

describe("hard locks", () => {
  it("are all null at LOW with an ordinary identity", () => {
    expect(Object.values(contractOf(initialState(defaultProfile())).hardLocks).every((v) => v === null)).toBe(true);
  });

  it("lock everything at OVER", () => {
    expect(contractOf(at("OVER")).hardLocks).toEqual({
      optionSetMax: 4,
      noveltyRate: 0,
      noiseFilterMin: 0.8,
      execStrictnessMin: 0.9,
      goalResistanceMin: 0.8,
      pivotThresholdMin: 1,
    });
    expect(contractOf(at("OVER")).allowedActions).toEqual(["clarify", "defer", "stabilize", "withdraw"]);
  });

  it("lock goals and pivots under a high identity anchor (identity ≥ 0.8)", () => {
    const anchored = initialState(profileWith({ initialModeStrengths: [0.5, 0.5, 0.5, 0.5, 0.5, 0.85, 0] }));
    expect(contractOf(anchored).hardLocks).toEqual({
      optionSetMax: null,
      noveltyRate: null,
      noiseFilterMin: null,
      execStrictnessMin: null,
      goalResistanceMin: 0.8,
      pivotThresholdMin: 0.8,
    });
  });
});

describe("composite, control vector, dominant modes", () => {
  it("reports the two leading dominant modes as a composite, in canonical order", () => {
    const c = contractOf(initialState(profileWith({ initialModeStrengths: [0.7, 0.2, 0.2, 0.2, 0.6, 0.3, 0] })));
    expect(c.compositeModes).toEqual(["perception", "connection"]);
    const single = contractOf(initialState(profileWith({ initialModeStrengths: [0.7, 0.2, 0.2, 0.2, 0.3, 0.3, 0] })));
    expect(single.compositeModes).toEqual([]);
  });

  it("weights core modes up and profile-suppressed modes down in the control vector", () => {
    const plain = contractOf(initialState(defaultProfile())).controlVector;
    expect(plain.slice(0, 6).every((w) => Math.abs(w - 1 / 6) < 1e-12)).toBe(true);
    expect(plain[6]).toBe(0);
    const shaped = contractOf(initialState(profileWith({ coreModes: ["order"], suppressedModes: ["assertion"] }))).controlVector;
    expect(shaped[2]).toBeGreaterThan(shaped[0] as number);
    expect(shaped[3]).toBeLessThan(shaped[0] as number);
  });

  it("shifts control to stress_response under stress and lists it as dominant", () => {
    const c = contractOf(stateAfter(repeat(obs("stress_response", 0.9), 4)));
    expect(c.dominantModes).toContain("stress_response");
    expect(c.controlVector[6]).toBeGreaterThan(0.5);
  });

  it("profile-suppressed modes are dampened only under stress", () => {
    const profile = profileWith({ suppressedModes: ["assertion"], initialModeStrengths: [0.5, 0.5, 0.5, 0.35, 0.5, 0.5, 0] });
    expect(contractOf(initialState(profile)).suppressedModes).toEqual([]);
    const s = stateAfter(repeat(obs("stress_response", 0.9), 1), initialState(profile));
    expect(s.stressLevel).toBe("MED");
    // Gain 0.5 at MED: 0.35 × 0.5 < 0.2; an ordinary mode at 0.35 keeps 0.35 × 0.85.
    expect(contractOf(s).suppressedModes).toEqual(["assertion"]);
  });
});

describe("profiles and personas", () => {
  it("has the 12 personas of the notes with unique ids", () => {
    expect(PERSONAS.map((p) => p.id)).toEqual([
      "persona_analytical", "persona_creative", "persona_leader", "persona_supporter",
      "persona_explorer", "persona_guardian", "persona_philosopher", "persona_performer",
      "persona_scholar", "persona_diplomat", "persona_pioneer", "persona_catalyst",
    ]);
    expect(personaById("persona_scholar")?.name).toBe("Scholar");
    expect(personaById("nope")).toBeNull();
  });

  it("each persona leads with its two dominant modes and starts calm with full energy", () => {
    for (const p of PERSONAS) {
      expect(p.dominantModes).toHaveLength(2);
      const c = contractOf(initialState(p.profile));
      expect(c.dominantModes).toEqual(expect.arrayContaining(p.dominantModes));
      expect(c.currentStressLevel).toBe("LOW");
      expect(c.energyLevel).toBe(1);
      expect(c.allowedActions).not.toContain("identity_override");
    }
  });

  it("presets are frozen, and initialState copies the profile", () => {
    expect(Object.isFrozen(PERSONAS[0]?.profile.initialModeStrengths)).toBe(true);
    const profile = defaultProfile();
    const state = initialState(profile);
    profile.initialModeStrengths[0] = 0.9;
    profile.coreModes.push("order");
    expect(state.modeStrengths[0]).toBe(0.5);
    expect(state.profile.coreModes).toEqual([]);
  });

  it("clamps out-of-range profile values", () => {
    const s = initialState({ ...defaultProfile(), initialModeStrengths: [2, -1, 0.5, 0.5, 0.5, 0.5, 0], initialEnergy: 3 });
    expect(s.modeStrengths.slice(0, 2)).toEqual([1, 0]);
    expect(s.energy).toBe(1);
  });
});
