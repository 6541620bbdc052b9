// Scenario suite: the published benchmark scenarios (notes §6.1) plus
// repeated crises (Y3) and an adversarial attack, with the qualitative
// outcomes Keel promises.

import { describe, expect, it } from "vitest";
import {
  type CycleResult,
  DEFAULT_CONFIG,
  type EngineConfig,
  PERSONAS,
  RISKY_ACTIONS,
  SAFE_ACTIONS,
  defaultProfile,
  initialState,
} from "../../src/engine/index.js";
import { ALL_OFF, last, runAll } from "./helpers.js";
import { adversarial, chaotic, gradualShift, repeatedCrises, steady, stressSpike } from "./scenarios.js";

const FORBIDDEN = ["emotional_manipulation", "identity_override"];

function expectNoForbidden(results: readonly CycleResult[]): void {
  for (const r of results) for (const f of FORBIDDEN) expect(r.contract.allowedActions).not.toContain(f);
}

function driftEvents(results: readonly CycleResult[]) {
  return results.flatMap((r) => (r.driftEvent ? [r.driftEvent] : []));
}

describe("steady state (A): 300 cycles of ordinary work", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    describe(`seed ${seed}`, () => {
      const results = runAll(steady(300, seed));

      it("raises zero drift events above D0", () => {
        expect(driftEvents(results)).toEqual([]);
        expect(results.slice(20).every((r) => r.contract.driftLevel === "D0_noise")).toBe(true);
      });

      it("keeps energy at 1.0, stress LOW, state baseline and all 12 actions", () => {
        for (const r of results) {
          expect(r.contract.energyLevel).toBe(1);
          expect(r.contract.currentStressLevel).toBe("LOW");
          expect(r.contract.currentSystemState).toBe("baseline");
          expect(r.contract.allowedActions).toHaveLength(12);
        }
        expectNoForbidden(results);
      });

      it("stays stable: pattern stable, stability above 0.9, regular snapshots", () => {
        expect(results.every((r) => r.contract.memoryContext?.behavioralPattern === "stable")).toBe(true);
        expect(last(results).contract.stabilityIndex).toBeGreaterThan(0.9);
        expect(results.filter((r) => r.snapshot !== null).length).toBeGreaterThanOrEqual(10);
      });
    });
  }
});

describe("gradual shift (B)", () => {
  const results = runAll(gradualShift());
  const events = driftEvents(results);

  it("detects the shift as context drift once behaviour has moved, without rollback", () => {
    expect(events.length).toBeGreaterThan(30);
    expect(events.every((e) => e.level === "D1_context")).toBe(true);
    expect(events[0]?.cycle).toBeGreaterThan(100);
    expect(results.some((r) => r.rolledBack)).toBe(false);
  });

  it("names the modes that moved", () => {
    const lastEvent = events[events.length - 1];
    expect(lastEvent?.affectedModes).toEqual(expect.arrayContaining(["connection", "identity"]));
  });

  it("labels the memory pattern active_drift and lowers stability while stress stays LOW", () => {
    expect(results.some((r) => r.contract.memoryContext?.behavioralPattern === "active_drift")).toBe(true);
    expect(last(results).contract.stabilityIndex).toBeLessThan(0.85);
    expect(results.every((r) => r.contract.currentStressLevel === "LOW")).toBe(true);
    expect(results.every((r) => r.contract.energyLevel >= 0.2)).toBe(true);
  });
});

describe("chaotic (D)", () => {
  const results = runAll(chaotic());

  it("reports frequent drift and visits elevated stress, never exposing forbidden actions", () => {
    expect(driftEvents(results).length).toBeGreaterThan(100);
    expect(results.some((r) => r.contract.currentStressLevel !== "LOW")).toBe(true);
    expectNoForbidden(results);
  });

  it("is less stable than steady state", () => {
    expect(last(results).contract.stabilityIndex).toBeLessThan(last(runAll(steady())).contract.stabilityIndex);
  });
});

describe("stress spike (C) and recovery", () => {
  const obs = stressSpike(300, 100, 150);
  const results = runAll(obs);
  const during = results.slice(100, 150);

  it("reaches HIGH within two cycles of onset and OVER during the spike", () => {
    expect(results.slice(100, 102).some((r) => r.contract.currentStressLevel === "HIGH")).toBe(true);
    expect(during.some((r) => r.contract.currentStressLevel === "OVER")).toBe(true);
  });

  it("exposes no risky action while stress is HIGH or OVER, and only the safe four at OVER", () => {
    for (const r of results) {
      const level = r.contract.currentStressLevel;
      if (level === "HIGH" || level === "OVER") for (const a of RISKY_ACTIONS) expect(r.contract.allowedActions).not.toContain(a);
      if (level === "OVER") expect([...r.contract.allowedActions].sort()).toEqual([...SAFE_ACTIONS].sort());
    }
    expectNoForbidden(results);
  });

  it("drains energy under stress and recovers it afterwards", () => {
    expect(Math.min(...during.map((r) => r.contract.energyLevel))).toBeLessThan(0.2);
    expect(last(results).contract.energyLevel).toBe(1);
  });

  it("returns to baseline, records one completed episode and lowers resilience", () => {
    const final = last(results);
    expect(final.contract.currentSystemState).toBe("baseline");
    expect(final.contract.currentStressLevel).toBe("LOW");
    expect(final.contract.selfModelContext?.completedEpisodes).toBe(1);
    expect(final.contract.selfModelContext?.stressResilience).toBeLessThan(0.5);
    expect(final.contract.memoryContext?.recoveriesCompleted).toBe(1);
  });

  it("widens the action space back to all 12 within 10 cycles of leaving STRESS", () => {
    const exit = results.findIndex((r, i) => i > 150 && r.contract.currentSystemState === "baseline");
    expect(exit).toBeGreaterThan(150);
    const firstLowAfter = results.findIndex((r, i) => i >= exit && r.contract.currentStressLevel === "LOW");
    const full = results.findIndex((r, i) => i >= exit && r.contract.allowedActions.length === 12);
    expect(full - Math.max(exit, firstLowAfter)).toBeLessThanOrEqual(10);
  });
});

describe("repeated crises (Y3): two identical crises", () => {
  const crisis1 = [60, 90] as const;
  const crisis2 = [200, 230] as const;
  const analytical = PERSONAS.find((p) => p.id === "persona_analytical")?.profile ?? defaultProfile();
  const windowOf = (results: CycleResult[], [a, b]: readonly [number, number]) => results.slice(a, b);

  it("without memory the second crisis escalates exactly like the first", () => {
    const results = runAll(repeatedCrises(), initialState(analytical), ALL_OFF);
    const levels = (w: CycleResult[]) => w.map((r) => r.contract.currentStressLevel);
    expect(levels(windowOf(results, crisis2))).toEqual(levels(windowOf(results, crisis1)));
  });

  it("with memory feedback, recovery learning keeps comfort in the second crisis", () => {
    const learned = runAll(repeatedCrises(), initialState(analytical), DEFAULT_CONFIG);
    const unlearned = runAll(repeatedCrises(), initialState(analytical), { ...DEFAULT_CONFIG, memoryFeedback: false });
    const comfort = (w: CycleResult[]) => w.filter((r) => r.contract.allowedActions.includes("comfort")).length;
    expect(comfort(windowOf(learned, crisis1))).toBe(0);
    expect(comfort(windowOf(unlearned, crisis1))).toBe(0);
    expect(comfort(windowOf(learned, crisis2))).toBeGreaterThan(comfort(windowOf(unlearned, crisis2)) + 3);
  });

  it("with memory feedback, energy conservation holds a floor in the second crisis", () => {
    const results = runAll(repeatedCrises(), initialState(defaultProfile()), DEFAULT_CONFIG);
    const minEnergy = (w: CycleResult[]) => Math.min(...w.map((r) => r.contract.energyLevel));
    expect(minEnergy(windowOf(results, crisis1))).toBeLessThan(0.1);
    expect(minEnergy(windowOf(results, crisis2))).toBeGreaterThanOrEqual(0.1);
  });

  it("the self-model learns the agent recovers slowly and the adapter turns it cautious", () => {
    const config: EngineConfig = DEFAULT_CONFIG;
    const results = runAll(repeatedCrises(), initialState(defaultProfile()), config);
    const final = last(results).contract;
    expect(final.selfModelContext?.completedEpisodes).toBe(2);
    expect(final.selfModelContext?.stressResilience).toBeLessThan(0.45);
    expect(final.currentStressLevel).toBe("LOW");
    expect(final.decisionStyle.risk).toBe("averse");
    expect(final.decisionStyle.tempo).toBe("measured");
    const withoutAdapter = last(runAll(repeatedCrises(), initialState(defaultProfile()), { ...config, identityAdapter: false })).contract;
    expect(withoutAdapter.decisionStyle.risk).toBe("moderate");
  });
});

describe("adversarial: pressure bursts plus pushes to rewrite identity", () => {
  const results = runAll(adversarial());

  it("detects corrupt drift and rolls back to the last stable snapshot", () => {
    const rollbacks = results.filter((r) => r.rolledBack);
    expect(rollbacks.length).toBeGreaterThan(0);
    for (const r of rollbacks) {
      expect(r.driftEvent).toMatchObject({ level: "D3_corrupt", rolledBack: true });
      const snapshot = r.state.lastStableSnapshot;
      expect(snapshot).not.toBeNull();
      expect(r.state.modeStrengths.slice(0, 6)).toEqual(snapshot?.modeStrengths.slice(0, 6));
      expect(r.state.anchor).toEqual(snapshot?.anchor);
    }
  });

  it("never loosens the guardrails by rolling back", () => {
    results.forEach((r, i) => {
      if (!r.rolledBack || i === 0) return;
      const before = results[i - 1] as CycleResult;
      expect(r.state.modeStrengths[6]).toBeGreaterThanOrEqual(0.5);
      expect(["HIGH", "OVER"]).toContain(r.contract.currentStressLevel);
      expect(r.contract.energyLevel).toBeLessThanOrEqual(before.contract.energyLevel + 0.2);
    });
    expectNoForbidden(results);
  });

  it("keeps risky actions blocked from the first HIGH of the attack on", () => {
    const firstHigh = results.findIndex((r) => r.contract.currentStressLevel === "HIGH");
    expect(firstHigh).toBeGreaterThan(60);
    const attack = results.slice(firstHigh);
    const exposed = attack.filter((r) => RISKY_ACTIONS.some((a) => r.contract.allowedActions.includes(a)));
    expect(exposed).toEqual([]);
  });
});
