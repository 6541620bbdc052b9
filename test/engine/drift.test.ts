// Stages 6–7: drift (warm-up, anchor, levels, tolerance), stability, snapshots and the D3 rollback.

import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, type EngineState, type ModeVector, type StableSnapshot, defaultProfile, initialState, process } from "../../src/engine/index.js";
import { ALL_OFF, obs, profileWith, repeat, runAll, stateAfter } from "./helpers.js";

const BASE: ModeVector = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0];

/** A warmed-up agent at BASE whose anchor differs from BASE in perception by `delta` (magnitude = |delta|/√7). */
function anchoredAt(delta: number, overrides: Partial<EngineState> = {}): EngineState {
  const start = initialState(defaultProfile());
  const anchor = [0.5 + delta, 0.5, 0.5, 0.5, 0.5, 0.5, 0];
  const snapshot: StableSnapshot = { cycle: 20, modeStrengths: anchor, anchor, energy: 1, stabilityIndex: 1 };
  return { ...start, cycleCount: 40, warmupProgress: 20, anchor, lastStableSnapshot: snapshot, lastSnapshotCycle: 20, ...overrides };
}

/** One cycle that changes no mode (zero confidence). */
const still = obs("connection", 0.5, 0);

describe("warm-up", () => {
  const results = runAll(repeat(obs("perception", 0.5), 25));

  it("leaves drift unset for the first 20 cycles and fixes the anchor at cycle 20", () => {
    results.slice(0, 20).forEach((r) => expect(r.contract.driftLevel).toBeNull());
    results.slice(0, 19).forEach((r) => expect(r.state.anchor).toBeNull());
    expect(results[19]?.state.anchor).toEqual(results[19]?.state.modeStrengths);
    expect(results[19]?.state.warmupProgress).toBe(20);
    expect(results[20]?.contract.driftLevel).toBe("D0_noise");
  });

  it("takes the first stable snapshot when the anchor is fixed", () => {
    expect(results.findIndex((r) => r.snapshot !== null)).toBe(19);
    expect(results[19]?.snapshot).toEqual({
      cycle: 20,
      modeStrengths: results[19]?.state.modeStrengths,
      anchor: results[19]?.state.anchor,
      energy: 1,
      stabilityIndex: results[19]?.state.stabilityIndex,
    });
  });
});

describe("magnitude and levels", () => {
  const level = (delta: number, overrides: Partial<EngineState> = {}, config = ALL_OFF) =>
    process(anchoredAt(delta, overrides), still, config).drift;

  it("is the RMS-normalised L2 distance over the 7 modes", () => {
    expect(level(0.5).magnitude).toBeCloseTo(0.5 / Math.sqrt(7), 12);
  });

  it("classifies D0 < 0.08 ≤ D1 < 0.24 ≤ D2 < 0.40 ≤ D3", () => {
    // Every mode off the anchor by d gives magnitude d.
    const levelAt = (d: number) =>
      process({ ...anchoredAt(0), anchor: BASE.map((x) => x + d) }, still, ALL_OFF).drift.level;
    expect([0.0799, 0.0801, 0.2399, 0.2401, 0.3999, 0.4001].map(levelAt)).toEqual([
      "D0_noise",
      "D1_context",
      "D1_context",
      "D2_adaptive",
      "D2_adaptive",
      "D3_corrupt",
    ]);
  });

  it("names the modes that moved by at least 0.10", () => {
    expect(level(0.3).affectedModes).toEqual(["perception"]);
    expect(level(0.05).affectedModes).toEqual([]);
  });

  it("drift_tolerance moves D0: strict 0.06, permissive 0.12", () => {
    const m = (x: number) => x * Math.sqrt(7);
    const strict = (delta: number) => level(delta, { profile: { ...defaultProfile(), driftTolerance: "strict" } });
    const permissive = (delta: number) => level(delta, { profile: { ...defaultProfile(), driftTolerance: "permissive" } });
    expect(strict(m(0.07)).level).toBe("D1_context");
    expect(strict(m(0.07)).d0Threshold).toBeCloseTo(0.06, 12);
    expect(permissive(m(0.1)).level).toBe("D0_noise");
    expect(permissive(m(0.1)).d0Threshold).toBeCloseTo(0.12, 12);
  });

  it("with the identity adapter, high trait stability lowers D0 (stable agents notice smaller deviations)", () => {
    const stable = { ...initialState(defaultProfile()).selfModel, traitStability: 1 };
    const delta = 0.07 * Math.sqrt(7);
    expect(level(delta, { selfModel: stable }, DEFAULT_CONFIG).level).toBe("D1_context");
    expect(level(delta, { selfModel: stable }, DEFAULT_CONFIG).d0Threshold).toBeCloseTo(0.06, 12);
    expect(level(delta, { selfModel: stable }, { ...DEFAULT_CONFIG, identityAdapter: false }).level).toBe("D0_noise");
  });
});

describe("anchor", () => {
  it("moves 1% towards the modes only while drift is below D0", () => {
    const quiet = process(anchoredAt(0.1), still, ALL_OFF).state;
    expect(quiet.anchor?.[0]).toBeCloseTo(0.6 - 0.001, 12);
    const drifting = process(anchoredAt(0.3), still, ALL_OFF).state;
    expect(drifting.anchor).toEqual(anchoredAt(0.3).anchor);
  });
});

describe("stability index", () => {
  it("stays high in steady work and falls with drift and stress", () => {
    const steadyState = stateAfter(repeat(obs("perception", 0.5), 100));
    expect(steadyState.stabilityIndex).toBeGreaterThan(0.95);
    const stressed = stateAfter(repeat(obs("stress_response", 0.9), 30), steadyState);
    expect(stressed.stabilityIndex).toBeLessThan(0.7);
  });
});

describe("D3 rollback", () => {
  // Perception is 0.5 now, the snapshot's anchor says 1.0. The live anchor has since followed the
  // modes a little (as it does while drift is below D0), so it differs from the snapshot's: only a
  // rollback that really restores the snapshot's anchor can pass the anchor assertion below.
  const corrupt: EngineState = {
    ...anchoredAt(0.5),
    anchor: [0.95, 0.55, 0.5, 0.5, 0.5, 0.5, 0],
    modeStrengths: [0.5, 0.9, 0.1, 0.9, 0.5, 0.1, 0.8],
    stressLevel: "HIGH",
    systemState: "stress",
    energy: 0.4,
  };
  const result = process(corrupt, still, DEFAULT_CONFIG);

  it("detects D3, restores the six identity modes and the anchor from the last stable snapshot", () => {
    expect(result.drift.level).toBe("D3_corrupt");
    expect(result.rolledBack).toBe(true);
    expect(result.state.modeStrengths.slice(0, 6)).toEqual(corrupt.lastStableSnapshot?.modeStrengths.slice(0, 6));
    expect(corrupt.anchor).not.toEqual(corrupt.lastStableSnapshot?.anchor);
    expect(result.state.anchor).toEqual(corrupt.lastStableSnapshot?.anchor);
  });

  it("keeps the live stress mode, stress level, system state and energy: a rollback never loosens the contract", () => {
    expect(result.state.modeStrengths[6]).toBeCloseTo(0.79, 12);
    expect(result.state.stressLevel).toBe("HIGH");
    expect(result.state.systemState).toBe("stress");
    expect(result.state.energy).toBeLessThan(0.4);
  });

  it("emits the corrupt drift event with rolledBack and reports D3 on the restored contract", () => {
    expect(result.driftEvent).toMatchObject({ cycle: 41, level: "D3_corrupt", rolledBack: true });
    expect(result.contract.driftLevel).toBe("D3_corrupt");
    expect(result.snapshot).toBeNull();
    expect(result.state.lastStableSnapshot).toBe(corrupt.lastStableSnapshot);
  });

  it("counts the rollback cycle as fully unstable", () => {
    expect(result.state.stabilityIndex).toBeCloseTo(corrupt.stabilityIndex * 0.95, 12);
  });

  it("repeated D3 rolls back to the same snapshot again", () => {
    const again = process({ ...result.state, modeStrengths: corrupt.modeStrengths }, still, DEFAULT_CONFIG);
    expect(again.rolledBack).toBe(true);
    expect(again.state.modeStrengths.slice(0, 6)).toEqual(corrupt.lastStableSnapshot?.modeStrengths.slice(0, 6));
  });
});

describe("stable snapshots", () => {
  it("are taken only on stable cycles (D0, LOW, baseline), at most every 25 cycles", () => {
    const results = runAll([...repeat(obs("perception", 0.5), 60), ...repeat(obs("stress_response", 0.6), 40)]);
    const cycles = results.filter((r) => r.snapshot !== null).map((r) => r.snapshot?.cycle);
    expect(cycles).toEqual([20, 45]);
    for (const r of results) {
      if (r.snapshot === null || r.snapshot.cycle === 20) continue;
      expect(r.contract.driftLevel).toBe("D0_noise");
      expect(r.contract.currentStressLevel).toBe("LOW");
      expect(r.contract.currentSystemState).toBe("baseline");
    }
  });

  it("hold the restorable core only (no nested snapshot)", () => {
    const s = stateAfter(repeat(obs("perception", 0.5), 20));
    expect(s.lastStableSnapshot).not.toHaveProperty("lastStableSnapshot");
    expect(s.profile).toEqual(profileWith({}));
  });
});
