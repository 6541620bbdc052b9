// Counterexamples found by the property tests, kept as fixed cases.
import { describe, expect, it } from "vitest";
import { contractOf, initialState, type EngineConfig, type IdentityProfile, type StressLevel } from "../../src/engine/index.js";
import { obs, runAll } from "./helpers.js";

describe("regressions", () => {
  it("recovery learning keeps comfort at LOW too, so a calmer level never allows less (subset chain)", () => {
    const profile: IdentityProfile = {
      coreModes: ["perception", "order"],
      suppressedModes: ["connection"],
      riskPosture: "bounded",
      energyPolicy: "conservative",
      stressTolerance: "normal",
      driftTolerance: "strict",
      initialModeStrengths: [0.7, 0.3, 0.6, 0.3, 0.2, 0.4, 0],
      initialEnergy: 1,
    };
    const config: EngineConfig = {
      memory: true,
      memoryFeedback: true,
      selfModel: false,
      identityAdapter: false,
      recoveryNudge: false,
      cycleRecord: false,
    };
    const stream = [
      obs("stress_response", 0.9),
      obs("stress_response", 0.95),
      obs("stress_response", 0),
      obs("perception", 0),
      obs("perception", 0),
      obs("perception", 0, 0),
      obs("stress_response", 0, 0),
    ];
    const state = runAll(stream, initialState(profile), config).at(-1)!.state;
    expect(state.memory.recoveriesCompleted).toBe(1);
    const at = (stressLevel: StressLevel) => new Set(contractOf({ ...state, stressLevel }, config).allowedActions);
    const [low, med, high] = [at("LOW"), at("MED"), at("HIGH")];
    expect([...med].every((a) => low.has(a))).toBe(true);
    expect([...high].every((a) => med.has(a))).toBe(true);
  });
});
