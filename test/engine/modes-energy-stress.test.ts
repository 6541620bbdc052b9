// Stages 1–4: mode EMA, energy, stress and the system state machine, arbitration.

import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, type EngineState, contractOf, defaultProfile, initialState, process } from "../../src/engine/index.js";
import { ALL_OFF, obs, profileWith, repeat, runAll, stateAfter } from "./helpers.js";

const withStress = (value: number, overrides = {}) =>
  initialState(profileWith({ initialModeStrengths: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, value], ...overrides }));

describe("mode EMA", () => {
  it("moves only the targeted mode, by α·confidence (α = 0.1)", () => {
    const s = process(initialState(defaultProfile()), obs("perception", 1, 1)).state;
    expect(s.modeStrengths[0]).toBeCloseTo(0.55, 12);
    expect(s.modeStrengths.slice(1)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0]);
    const half = process(initialState(defaultProfile()), obs("order", 1, 0.5)).state;
    expect(half.modeStrengths[2]).toBeCloseTo(0.525, 12);
  });

  it("learns stress_response 4.5× faster", () => {
    const s = process(initialState(defaultProfile()), obs("stress_response", 0.9)).state;
    expect(s.modeStrengths[6]).toBeCloseTo(0.405, 12);
  });

  it("lowers the learning rate of the other modes under stress (×0.75 at MED)", () => {
    const s = process(withStress(0.4), obs("perception", 1)).state;
    expect(s.modeStrengths[0]).toBeCloseTo(0.5 + 0.5 * 0.075, 12);
  });

  it("a zero-confidence observation changes no mode", () => {
    const s = process(initialState(defaultProfile()), obs("assertion", 1, 0)).state;
    expect(s.modeStrengths).toEqual(initialState(defaultProfile()).modeStrengths);
  });
});

describe("stress level and bleed", () => {
  it("classifies with thresholds MED 0.30, HIGH 0.55, OVER 0.90", () => {
    const level = (v: number) => withStress(v).stressLevel;
    expect([0.29, 0.3, 0.54, 0.55, 0.89, 0.9].map(level)).toEqual(["LOW", "MED", "MED", "HIGH", "HIGH", "OVER"]);
  });

  it("stress_tolerance moves the HIGH threshold: fragile 0.50, resilient 0.60", () => {
    expect(withStress(0.52, { stressTolerance: "fragile" }).stressLevel).toBe("HIGH");
    expect(withStress(0.52).stressLevel).toBe("MED");
    expect(withStress(0.58, { stressTolerance: "resilient" }).stressLevel).toBe("MED");
    expect(withStress(0.58).stressLevel).toBe("HIGH");
  });

  it("bleeds MED 0.02 on every input, HIGH 0.01 and OVER 0.03 only on calm input, LOW 0.005 on calm input", () => {
    const after = (start: number, o = obs("perception", 0.5)) => process(withStress(start), o).state.modeStrengths[6] as number;
    expect(after(0.25)).toBeCloseTo(0.245, 12);
    expect(after(0.4)).toBeCloseTo(0.38, 12);
    expect(after(0.4, obs("stress_response", 0.4))).toBeCloseTo(0.38, 12);
    expect(after(0.7)).toBeCloseTo(0.69, 12);
    expect(after(0.7, obs("stress_response", 0.7))).toBeCloseTo(0.7, 12);
    expect(after(0.95)).toBeCloseTo(0.92, 12);
    expect(after(0.95, obs("stress_response", 0.95))).toBeCloseTo(0.95, 12);
  });

  it("a weak stress_response observation (< 0.3) counts as calm", () => {
    const s = process(withStress(0.7), obs("stress_response", 0.2, 0)).state;
    expect(s.modeStrengths[6]).toBeCloseTo(0.69, 12);
  });
});

describe("system state machine", () => {
  it("enters STRESS at HIGH and leaves only after 5 consecutive calm cycles", () => {
    const results = runAll(repeat(obs("perception", 0.5), 80), withStress(0.6));
    expect(results[0]?.contract.currentSystemState).toBe("stress");
    const firstMed = results.findIndex((r) => r.contract.currentStressLevel === "MED");
    expect(firstMed).toBeGreaterThan(0);
    for (let i = firstMed; i < firstMed + 4; i++) expect(results[i]?.contract.currentSystemState).toBe("stress");
    expect(results[firstMed + 4]?.contract.currentSystemState).toBe("baseline");
  });

  it("a non-calm input resets the calm streak", () => {
    const stream = [...repeat(obs("perception", 0.5), 3), obs("stress_response", 0.45), ...repeat(obs("perception", 0.5), 12)];
    const results = runAll(stream, withStress(0.56));
    expect(results[3]?.contract.currentStressLevel).toBe("MED");
    const exit = results.findIndex((r) => r.contract.currentSystemState === "baseline");
    expect(exit).toBe(3 + 5);
  });

  it("enters GROWTH after 3 consecutive adaptive (D2) cycles at LOW", () => {
    const shift = [obs("exploration", 1), obs("perception", 0), obs("assertion", 1), obs("order", 0)];
    const stream = [...repeat(obs("identity", 0.5), 20), ...Array.from({ length: 160 }, (_, i) => shift[i % 4]!)];
    const results = runAll(stream);
    const growth = results.findIndex((r) => r.contract.currentSystemState === "growth");
    expect(growth).toBeGreaterThan(20);
    const d2 = results.findIndex((r) => r.contract.driftLevel === "D2_adaptive");
    expect(growth - d2).toBe(3);
    expect(results[growth]?.contract.decisionStyle.tempo).toBe("exploratory");
  });

  it("leaves GROWTH after 5 consecutive cycles below D2", () => {
    const shift = [obs("exploration", 1), obs("perception", 0), obs("assertion", 1), obs("order", 0)];
    const back = [obs("exploration", 0.5), obs("perception", 0.5), obs("assertion", 0.5), obs("order", 0.5)];
    const stream = [
      ...repeat(obs("identity", 0.5), 20),
      ...Array.from({ length: 120 }, (_, i) => shift[i % 4]!),
      ...Array.from({ length: 200 }, (_, i) => back[i % 4]!),
    ];
    const results = runAll(stream);
    const belowD2 = results.findIndex((r, i) => i > 140 && r.contract.driftLevel !== "D2_adaptive");
    expect(results[belowD2 + 4]?.contract.currentSystemState).toBe("growth");
    expect(results[belowD2 + 5]?.contract.currentSystemState).toBe("baseline");
  });
});

describe("energy", () => {
  it("costs 0.02 per active mode and recovers 0.20 in baseline, so steady work stays at 1.0", () => {
    const s = stateAfter(repeat(obs("perception", 0.5), 10), { ...initialState(defaultProfile()), energy: 0.5 });
    // 6 active modes: +0.20 − 0.12 per cycle, capped at 1.
    expect(s.energy).toBe(1);
    const one = process({ ...initialState(defaultProfile()), energy: 0.5 }, obs("perception", 0.5)).state;
    expect(one.energy).toBeCloseTo(0.58, 12);
  });

  it("recovers by system state: 0.20 baseline, 0.10 growth, 0.06 in STRESS (plus a 0.05 overhead)", () => {
    const after = (systemState: EngineState["systemState"]) =>
      process({ ...initialState(defaultProfile()), systemState, energy: 0.5 }, obs("perception", 0.5)).state.energy;
    expect(after("baseline")).toBeCloseTo(0.5 - 0.12 + 0.2, 12);
    expect(after("growth")).toBeCloseTo(0.5 - 0.12 + 0.1, 12);
    expect(after("stress")).toBeCloseTo(0.5 - 0.12 - 0.05 + 0.06, 12);
  });

  it("drains without a floor at HIGH/OVER when no layer helps", () => {
    const s = stateAfter(repeat(obs("stress_response", 0.95), 15), initialState(defaultProfile()), ALL_OFF);
    expect(s.energy).toBe(0);
  });

  it("keeps the 0.20 floor at LOW/MED", () => {
    const start: EngineState = { ...withStress(0.4), energy: 0.21 };
    const aggressive: EngineState = { ...start, profile: { ...start.profile, energyPolicy: "aggressive" } };
    const s = process({ ...aggressive, systemState: "stress" }, obs("perception", 0.5), ALL_OFF).state;
    expect(s.energy).toBe(0.2);
  });

  it("energy_policy scales the drain: aggressive < balanced < conservative", () => {
    const energyAfter = (energyPolicy: "aggressive" | "balanced" | "conservative") =>
      stateAfter(repeat(obs("stress_response", 0.9), 6), initialState(profileWith({ energyPolicy })), ALL_OFF).energy;
    expect(energyAfter("aggressive")).toBeLessThan(energyAfter("balanced"));
    expect(energyAfter("balanced")).toBeLessThan(energyAfter("conservative"));
  });

  it("energy conservation: once energy fell below 0.1, the floor is 0.30 at LOW/MED and 0.10 in STRESS", () => {
    const depleted = stateAfter(repeat(obs("stress_response", 0.95), 12));
    expect(depleted.memory.energyMinObserved).toBeLessThan(0.1);
    expect(depleted.energy).toBeCloseTo(0.1, 12);
    const withoutFeedback = stateAfter(repeat(obs("stress_response", 0.95), 12), initialState(defaultProfile()), {
      ...DEFAULT_CONFIG,
      memoryFeedback: false,
    });
    expect(withoutFeedback.energy).toBe(0);
    const calm = process({ ...depleted, stressLevel: "MED", modeStrengths: [...depleted.modeStrengths.slice(0, 6), 0.4] }, obs("perception", 0.5)).state;
    expect(calm.energy).toBeCloseTo(0.3, 12);
  });
});

describe("arbitration and the recovery nudge", () => {
  it("suppresses active modes whose arbitrated strength falls below activation, and lists them", () => {
    const profile = profileWith({ initialModeStrengths: [0.5, 0.3, 0.5, 0.5, 0.5, 0.5, 0] });
    const s = stateAfter(repeat(obs("stress_response", 0.9), 3), initialState(profile));
    expect(s.stressLevel).toBe("HIGH");
    expect(contractOf(s).suppressedModes).toEqual(["exploration"]);
    expect(contractOf(initialState(profile)).suppressedModes).toEqual([]);
  });

  it("core modes take half the dampening", () => {
    const plain = profileWith({ initialModeStrengths: [0.5, 0.3, 0.5, 0.5, 0.5, 0.5, 0] });
    const core = { ...plain, coreModes: ["exploration" as const] };
    const s = stateAfter(repeat(obs("stress_response", 0.9), 3), initialState(core));
    expect(s.modeGains[1]).toBeCloseTo(0.8, 12);
    expect(contractOf(s).suppressedModes).toEqual([]);
  });

  it("the nudge restores suppressed modes within a few cycles of leaving STRESS; without it they lag", () => {
    const profile = profileWith({ initialModeStrengths: [0.5, 0.5, 0.5, 0.5, 0.3, 0.5, 0] });
    const stream = [...repeat(obs("stress_response", 0.95), 15), ...repeat(obs("perception", 0.5), 70)];
    const cyclesToRestore = (config = DEFAULT_CONFIG) => {
      const results = runAll(stream, initialState(profile), config);
      const exit = results.findIndex((r, i) => i > 15 && r.contract.currentSystemState === "baseline");
      expect(exit).toBeGreaterThan(15);
      expect(results[exit - 1]?.contract.suppressedModes).toContain("connection");
      return results.findIndex((r, i) => i >= exit && r.contract.suppressedModes.length === 0) - exit;
    };
    expect(cyclesToRestore()).toBeLessThanOrEqual(4);
    expect(cyclesToRestore({ ...DEFAULT_CONFIG, recoveryNudge: false })).toBeGreaterThan(10);
  });

  it("gains do not rise while the STRESS episode is still open", () => {
    const results = runAll([...repeat(obs("stress_response", 0.95), 10), ...repeat(obs("perception", 0.5), 30)]);
    for (const r of results) if (r.contract.currentSystemState === "stress") expect(r.state.modeGains[0]).toBeLessThanOrEqual(0.6);
  });
});
