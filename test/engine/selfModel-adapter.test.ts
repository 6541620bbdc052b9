// Self-model (stress resilience, trait stability, energy efficiency) and the identity adapter.

import { describe, expect, it } from "vitest";
import {
  type CycleRecord,
  DEFAULT_CONFIG,
  type EngineState,
  type SelfModel,
  contractOf,
  defaultProfile,
  initialState,
  selfModelLayer,
} from "../../src/engine/index.js";
import { obs, profileWith, repeat, runAll, stateAfter } from "./helpers.js";

const record = (cycle: number, extra: Partial<CycleRecord> = {}): CycleRecord => ({
  cycle,
  mode: "perception",
  signalStrength: 0.5,
  confidence: 1,
  stressBefore: "LOW",
  stressAfter: "LOW",
  systemBefore: "baseline",
  systemAfter: "baseline",
  energyBefore: 1,
  energyAfter: 1,
  energySpent: 0.12,
  driftLevel: null,
  driftMagnitude: null,
  modeStrengths: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0],
  spike: false,
  stressEntered: false,
  stressExited: false,
  calmInput: true,
  rolledBack: false,
  ...extra,
});

function episode(start: SelfModel, from: number, to: number): SelfModel {
  const entered = selfModelLayer.update(start, record(from, { stressEntered: true }));
  return selfModelLayer.update(entered, record(to, { stressExited: true }));
}

const prior = initialState(defaultProfile()).selfModel;

describe("stress resilience", () => {
  it("scores an episode 0.5^(duration/50) and folds it in with EMA 0.7/0.3 (published example)", () => {
    // stress_entered at cycle 20, exited at 60: duration 40, score 0.574.
    const after = episode(prior, 20, 60);
    expect(after.stressResilience).toBeCloseTo(0.5 * 0.7 + 0.5 ** (40 / 50) * 0.3, 12);
    expect(0.5 ** (40 / 50)).toBeCloseTo(0.574, 3);
    expect(after.completedEpisodes).toBe(1);
    expect(after.episodeStartCycle).toBeNull();
  });

  it("reproduces the two-episode validation: long recoveries give 0.455 then 0.411", () => {
    const first = episode(prior, 100, 176);
    expect(first.stressResilience).toBeCloseTo(0.455, 3);
    const second = episode(first, 300, 385);
    expect(second.stressResilience).toBeCloseTo(0.411, 3);
  });

  it("measures real episodes from STRESS entry to exit", () => {
    const results = runAll([...repeat(obs("stress_response", 0.9), 3), ...repeat(obs("perception", 0.5), 60)]);
    const entered = results.findIndex((r) => r.record?.stressEntered) + 1;
    const exited = results.findIndex((r) => r.record?.stressExited) + 1;
    expect(entered).toBe(2);
    const sm = results[results.length - 1]?.state.selfModel;
    expect(sm?.completedEpisodes).toBe(1);
    expect(sm?.stressResilience).toBeCloseTo(0.35 + 0.3 * 0.5 ** ((exited - entered) / 50), 12);
  });
});

describe("trait stability and energy efficiency", () => {
  it("trait stability is an EMA (0.05) of 1 − 2.5·drift magnitude; a rollback counts as 0", () => {
    const s = selfModelLayer.update(prior, record(30, { driftLevel: "D1_context", driftMagnitude: 0.1 }));
    expect(s.traitStability).toBeCloseTo(0.5 + (0.75 - 0.5) * 0.05, 12);
    const rb = selfModelLayer.update(prior, record(30, { driftLevel: "D3_corrupt", driftMagnitude: 0.45, rolledBack: true }));
    expect(rb.traitStability).toBeCloseTo(0.5 * 0.95, 12);
    expect(selfModelLayer.update(prior, record(5)).traitStability).toBe(0.5);
  });

  it("energy efficiency closes every 50 cycles as activity / (activity + 5·spent)", () => {
    let sm = prior;
    for (let c = 1; c <= 49; c++) sm = selfModelLayer.update(sm, record(c));
    expect(sm.energyEfficiency).toBe(0.5);
    sm = selfModelLayer.update(sm, record(50));
    expect(sm.energyEfficiency).toBeCloseTo(25 / (25 + 5 * 6), 12);
    expect(sm.windowCycles).toBe(0);
  });

  it("exposes exactly 4 signals on the contract", () => {
    expect(contractOf(initialState(defaultProfile())).selfModelContext).toEqual({
      stressResilience: 0.5,
      traitStability: 0.5,
      energyEfficiency: 0.5,
      completedEpisodes: 0,
    });
  });
});

describe("identity adapter", () => {
  const atMed = initialState(profileWith({ initialModeStrengths: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4] }));
  const slow = (s: EngineState, resilience: number, episodes = 1): EngineState => ({
    ...s,
    selfModel: { ...s.selfModel, stressResilience: resilience, completedEpisodes: episodes },
  });
  const risky = ["challenge", "execute", "explore", "pivot"];

  it("path A: low resilience removes risky actions already at MED", () => {
    expect(contractOf(atMed).allowedActions).toEqual(expect.arrayContaining(risky));
    const restricted = contractOf(slow(atMed, 0.44)).allowedActions;
    for (const a of risky) expect(restricted).not.toContain(a);
  });

  it("path B: low resilience forces risk=averse and tempo=measured", () => {
    const fresh = initialState(profileWith({ riskPosture: "seeking" }));
    expect(contractOf(fresh).decisionStyle).toMatchObject({ risk: "seeking", tempo: "observant" });
    expect(contractOf(slow(fresh, 0.44)).decisionStyle).toMatchObject({ risk: "averse", tempo: "measured" });
    expect(contractOf(slow(fresh, 0.44)).recoveryProfile.preferredPath).toBe("gradual");
  });

  it("triggers only below 0.45 after at least one completed episode, and only with the flag on", () => {
    expect(contractOf(slow(atMed, 0.45)).allowedActions).toContain("execute");
    expect(contractOf(slow(atMed, 0.3, 0)).allowedActions).toContain("execute");
    expect(contractOf(slow(atMed, 0.44), { ...DEFAULT_CONFIG, identityAdapter: false }).allowedActions).toContain("execute");
    expect(contractOf(slow(atMed, 0.44), { ...DEFAULT_CONFIG, selfModel: false }).allowedActions).toContain("execute");
  });

  it("never widens anything at LOW", () => {
    const low = initialState(defaultProfile());
    expect(contractOf(slow(low, 0.2)).allowedActions).toEqual(contractOf(low).allowedActions);
  });

  it("turns on by itself after a long crisis", () => {
    const calm = repeat(obs("perception", 0.5), 20);
    const s = stateAfter([...calm, ...repeat(obs("stress_response", 0.95), 50), ...repeat(obs("perception", 0.5), 60)]);
    expect(s.systemState).toBe("baseline");
    expect(s.selfModel.stressResilience).toBeLessThan(0.45);
    expect(contractOf(s).decisionStyle.risk).toBe("averse");
  });
});
