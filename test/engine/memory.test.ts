// Episodic memory (14 signals, 7 patterns), the CycleRecord, and the three feedback mechanisms.

import { describe, expect, it } from "vitest";
import {
  DEFAULT_CONFIG,
  type EngineState,
  type MemorySummary,
  contractOf,
  defaultProfile,
  episodicMemoryLayer,
  initialState,
  process,
} from "../../src/engine/index.js";
import { classifyPattern, initialMemory } from "../../src/engine/memory.js";
import { ALL_OFF, last, obs, profileWith, repeat, runAll, stateAfter } from "./helpers.js";

const calm = obs("perception", 0.5);

describe("memory signals", () => {
  it("exposes exactly the 14 signals on the contract", () => {
    const c = contractOf(initialState(defaultProfile()));
    expect(Object.keys(c.memoryContext ?? {}).sort()).toEqual(
      [
        "avgSpikeInterval", "currentStressStreak", "d1Recent", "d2Recent", "dominantMode", "dominantModeStreak",
        "energyMinObserved", "energyTrend", "maxStressStreak", "modeSwitchesRecent", "behavioralPattern",
        "recoveriesCompleted", "stressSpikeCount", "turnsSinceLastD2",
      ].sort(),
    );
  });

  it("counts a spike per rise into HIGH/OVER, including re-escalation inside one episode", () => {
    expect(stateAfter(repeat(obs("stress_response", 0.9), 5)).memory.stressSpikeCount).toBe(1);
    // Created at HIGH (no spike); de-escalates to MED and re-escalates twice without leaving STRESS.
    const start = initialState(profileWith({ initialModeStrengths: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.56] }));
    const stress = obs("stress_response", 0.9);
    const results = runAll([calm, calm, stress, ...repeat(calm, 14), stress], start);
    expect(results.every((r) => r.state.systemState === "stress")).toBe(true);
    const spikes = results.filter((r) => r.record?.spike).map((r) => r.state.cycleCount);
    expect(spikes).toHaveLength(2);
    const m = last(results).state.memory;
    expect(m.stressSpikeCount).toBe(2);
    expect(m.avgSpikeInterval).toBe((spikes[1] as number) - (spikes[0] as number));
  });

  it("tracks stress streaks, energy trend and minimum", () => {
    // MED, then HIGH for 5 stress cycles and 1 calm one.
    const s = stateAfter([...repeat(obs("stress_response", 0.9), 6), calm]);
    expect(s.memory.maxStressStreak).toBe(6);
    expect(s.memory.currentStressStreak).toBe(6);
    expect(s.stressLevel).toBe("HIGH");
    expect(s.memory.energyMinObserved).toBeCloseTo(0.35, 12);
    expect(s.memory.energyTrend).toBeLessThan(1);
    expect(s.memory.energyTrend).toBeGreaterThan(0.35);
  });

  it("decays the D1/D2 counters over ~100 cycles and counts turns since the last D2", () => {
    const start: MemorySummary = { ...initialMemory(1, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0]), d1Recent: 10, d2Recent: 5, turnsSinceLastD2: 3 };
    const s = process({ ...initialState(defaultProfile()), memory: start }, calm).state;
    expect(s.memory.d1Recent).toBeCloseTo(9.9, 12);
    expect(s.memory.d2Recent).toBeCloseTo(4.95, 12);
    expect(s.memory.turnsSinceLastD2).toBe(4);
  });

  it("counts input mode switches (decayed) and keeps a dominant mode with hysteresis", () => {
    const switching = stateAfter([obs("perception", 0.5), obs("order", 0.5), obs("perception", 0.5)]);
    expect(switching.memory.modeSwitchesRecent).toBeCloseTo(0.95 + 1, 12);
    const same = stateAfter(repeat(obs("perception", 0.5), 3));
    expect(same.memory.modeSwitchesRecent).toBe(0);
    // 0.52 does not beat the remembered perception (0.5) by the 0.05 margin; 0.6 does.
    const small = stateAfter([obs("order", 0.7)]);
    expect(small.memory.dominantMode).toBe("perception");
    const big = stateAfter(repeat(obs("order", 1), 3));
    expect(big.memory.dominantMode).toBe("order");
    expect(big.memory.dominantModeStreak).toBeGreaterThanOrEqual(1);
  });

  it("counts completed recoveries", () => {
    const s = stateAfter([...repeat(obs("stress_response", 0.9), 3), ...repeat(calm, 60)]);
    expect(s.systemState).toBe("baseline");
    expect(s.memory.recoveriesCompleted).toBe(1);
  });
});

describe("behavioural pattern classifier", () => {
  const base = initialMemory(1, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0]);
  const pattern = (m: Partial<MemorySummary>, energy = 1, cycle = 200) => classifyPattern({ ...base, ...m }, energy, cycle);

  it("labels each of the 7 patterns, safety-relevant ones first", () => {
    expect(pattern({})).toBe("stable");
    expect(pattern({}, 0.1)).toBe("energy_depleted");
    expect(pattern({ currentStressStreak: 10 })).toBe("sustained_stress");
    expect(pattern({ currentStressStreak: 10 }, 0.1)).toBe("energy_depleted");
    expect(pattern({ stressSpikeCount: 3, avgSpikeInterval: 40, lastSpikeCycle: 150 })).toBe("recurring_stress");
    expect(pattern({ stressSpikeCount: 3, avgSpikeInterval: 40, lastSpikeCycle: 50 })).toBe("stable");
    expect(pattern({ d1Recent: 5, dominantSwitchesRecent: 2 })).toBe("volatile");
    expect(pattern({ d1Recent: 3, d2Recent: 2 })).toBe("active_drift");
    expect(pattern({ dominantModeStreak: 50, modeSwitchesRecent: 1 })).toBe("mode_locked");
    expect(pattern({ dominantModeStreak: 50, modeSwitchesRecent: 5 })).toBe("stable");
  });

  it("a single repeated input locks the mode; alternating bursts read as volatile", () => {
    expect(stateAfter(repeat(obs("order", 0.8), 80)).memory.behavioralPattern).toBe("mode_locked");
    // Blocks of 10 cycles alternately push exploration up and order down, then the reverse.
    const bursts = Array.from({ length: 200 }, (_, i) => {
      const up = Math.floor(i / 10) % 2 === 0;
      return i % 2 === 0 ? obs("exploration", up ? 1 : 0) : obs("order", up ? 0 : 1);
    });
    const results = runAll([...repeat(calm, 20), ...bursts]);
    expect(results.some((r) => r.contract.memoryContext?.behavioralPattern === "volatile")).toBe(true);
  });
});

describe("cycle record", () => {
  it("is emitted only with the cycleRecord flag and describes the cycle", () => {
    const [r] = runAll([obs("stress_response", 0.9)]);
    expect(r?.record).toMatchObject({
      cycle: 1,
      mode: "stress_response",
      signalStrength: 0.9,
      confidence: 1,
      stressBefore: "LOW",
      stressAfter: "MED",
      systemBefore: "baseline",
      systemAfter: "baseline",
      energyBefore: 1,
      energyAfter: 1,
      driftLevel: null,
      spike: false,
      stressEntered: false,
      stressExited: false,
      calmInput: false,
      rolledBack: false,
    });
    expect(r?.record?.energySpent).toBeCloseTo(0.14, 12);
    const [off] = runAll([obs("stress_response", 0.9)], initialState(defaultProfile()), { ...DEFAULT_CONFIG, cycleRecord: false });
    expect(off?.record).toBeNull();
  });

  it("feeds the memory layers through the MemoryLayer protocol", () => {
    const [r] = runAll([obs("order", 0.9)]);
    const start = initialState(defaultProfile());
    expect(episodicMemoryLayer.update(start.memory, r!.record!)).toEqual(r?.state.memory);
  });
});

describe("feedback mechanisms", () => {
  const experienced = (s: EngineState): EngineState => ({ ...s, memory: { ...s.memory, stressSpikeCount: 2 } });

  it("stress sensitivity: after 2 spikes HIGH triggers at 0.50 instead of 0.55", () => {
    const start = initialState(profileWith({ initialModeStrengths: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.53] }));
    expect(process(experienced(start), calm).state.stressLevel).toBe("HIGH");
    expect(process(start, calm).state.stressLevel).toBe("MED");
    expect(process(experienced(start), calm, { ...DEFAULT_CONFIG, memoryFeedback: false }).state.stressLevel).toBe("MED");
  });

  it("stress sensitivity: experienced agents learn stress 20% more slowly", () => {
    const s = process(experienced(initialState(defaultProfile())), obs("stress_response", 0.9)).state;
    expect(s.modeStrengths[6]).toBeCloseTo(0.9 * 0.36, 12);
  });

  it("recovery learning: after a completed recovery comfort survives stress dampening while connection is active", () => {
    const profile = profileWith({ initialModeStrengths: [0.5, 0.5, 0.5, 0.5, 0.3, 0.5, 0] });
    const stressed = stateAfter(repeat(obs("stress_response", 0.9), 3), initialState(profile));
    expect(contractOf(stressed).allowedActions).not.toContain("comfort");
    const learned: EngineState = { ...stressed, memory: { ...stressed.memory, recoveriesCompleted: 1 } };
    expect(contractOf(learned).allowedActions).toContain("comfort");
    expect(contractOf(learned, { ...DEFAULT_CONFIG, memoryFeedback: false }).allowedActions).not.toContain("comfort");
    expect(contractOf(learned, { ...DEFAULT_CONFIG, memory: false }).allowedActions).not.toContain("comfort");
  });

  it("all feedback is inert without the memory layer", () => {
    const s = process(experienced(initialState(defaultProfile())), obs("stress_response", 0.9), { ...DEFAULT_CONFIG, memory: false }).state;
    expect(s.modeStrengths[6]).toBeCloseTo(0.405, 12);
    expect(stateAfter(repeat(obs("stress_response", 0.95), 12), initialState(defaultProfile()), { ...ALL_OFF, memoryFeedback: true }).energy).toBe(0);
  });
});
