// Episodic memory: 14 signals folded incrementally from each CycleRecord,
// plus a behavioural-pattern label. Pure arithmetic, no history buffer.

import {
  ACTIVE_DRIFT_RECENT,
  DOMINANT_SWITCH_MARGIN,
  DRIFT_COUNTER_DECAY,
  ENERGY_CRITICAL,
  ENERGY_TREND_RATE,
  MODE_LOCKED_MAX_SWITCHES,
  MODE_LOCKED_STREAK,
  MODE_SWITCH_DECAY,
  RECURRING_STRESS_MAX_INTERVAL,
  RECURRING_STRESS_SPIKES,
  RECURRING_STRESS_WINDOW,
  SPIKE_INTERVAL_RATE,
  SUSTAINED_STRESS_STREAK,
  VOLATILE_DOMINANT_SWITCHES,
} from "./constants.js";
import type { MemoryLayer } from "./record.js";
import type { BehavioralPattern, CycleRecord, MemoryContext, MemorySummary, ModeVector } from "./types.js";
import { HIGH, MODE_COUNT, MODES, levelIndex, modeIndex } from "./vocabulary.js";

function strongestMode(strengths: ModeVector): number {
  let best = 0;
  for (let i = 1; i < MODE_COUNT; i++) if ((strengths[i] as number) > (strengths[best] as number)) best = i;
  return best;
}

export function initialMemory(energy: number, strengths: ModeVector): MemorySummary {
  return {
    stressSpikeCount: 0,
    avgSpikeInterval: null,
    currentStressStreak: 0,
    maxStressStreak: 0,
    d1Recent: 0,
    d2Recent: 0,
    turnsSinceLastD2: null,
    energyTrend: energy,
    energyMinObserved: energy,
    dominantMode: MODES[strongestMode(strengths)] as MemorySummary["dominantMode"],
    dominantModeStreak: 0,
    modeSwitchesRecent: 0,
    behavioralPattern: "stable",
    recoveriesCompleted: 0,
    lastSpikeCycle: null,
    lastInputMode: null,
    dominantSwitchesRecent: 0,
  };
}

/**
 * First match wins: energy_depleted, sustained_stress, recurring_stress,
 * volatile, active_drift, mode_locked, stable. Safety-relevant states come
 * first; drift while the dominant mode keeps changing is volatile, drift with
 * a settled dominant mode is active_drift.
 */
export function classifyPattern(m: MemorySummary, energy: number, cycle: number): BehavioralPattern {
  if (energy < ENERGY_CRITICAL) return "energy_depleted";
  if (m.currentStressStreak >= SUSTAINED_STRESS_STREAK) return "sustained_stress";
  if (
    m.stressSpikeCount >= RECURRING_STRESS_SPIKES &&
    m.avgSpikeInterval !== null &&
    m.avgSpikeInterval <= RECURRING_STRESS_MAX_INTERVAL &&
    m.lastSpikeCycle !== null &&
    cycle - m.lastSpikeCycle <= RECURRING_STRESS_WINDOW
  ) {
    return "recurring_stress";
  }
  const drifting = m.d1Recent + m.d2Recent >= ACTIVE_DRIFT_RECENT;
  if (drifting && m.dominantSwitchesRecent >= VOLATILE_DOMINANT_SWITCHES) return "volatile";
  if (drifting) return "active_drift";
  if (m.dominantModeStreak >= MODE_LOCKED_STREAK && m.modeSwitchesRecent < MODE_LOCKED_MAX_SWITCHES) return "mode_locked";
  return "stable";
}

export function updateMemory(current: MemorySummary, r: CycleRecord): MemorySummary {
  const cycle = r.cycle;

  let avgSpikeInterval = current.avgSpikeInterval;
  let lastSpikeCycle = current.lastSpikeCycle;
  if (r.spike) {
    if (lastSpikeCycle !== null) {
      const interval = cycle - lastSpikeCycle;
      avgSpikeInterval =
        avgSpikeInterval === null ? interval : avgSpikeInterval + (interval - avgSpikeInterval) * SPIKE_INTERVAL_RATE;
    }
    lastSpikeCycle = cycle;
  }

  const stressed = levelIndex(r.stressAfter) >= HIGH;
  const currentStressStreak = stressed ? current.currentStressStreak + 1 : 0;

  const isD1 = r.driftLevel === "D1_context";
  const isD2 = r.driftLevel === "D2_adaptive" || r.driftLevel === "D3_corrupt";

  // The remembered dominant mode changes only when another mode clearly leads it.
  const remembered = modeIndex(current.dominantMode);
  const strongest = strongestMode(r.modeStrengths);
  const switched =
    (r.modeStrengths[strongest] as number) > (r.modeStrengths[remembered] as number) + DOMINANT_SWITCH_MARGIN;

  const next: MemorySummary = {
    stressSpikeCount: current.stressSpikeCount + (r.spike ? 1 : 0),
    avgSpikeInterval,
    currentStressStreak,
    maxStressStreak: currentStressStreak > current.maxStressStreak ? currentStressStreak : current.maxStressStreak,
    d1Recent: current.d1Recent * DRIFT_COUNTER_DECAY + (isD1 ? 1 : 0),
    d2Recent: current.d2Recent * DRIFT_COUNTER_DECAY + (isD2 ? 1 : 0),
    turnsSinceLastD2: isD2 ? 0 : current.turnsSinceLastD2 === null ? null : current.turnsSinceLastD2 + 1,
    energyTrend: current.energyTrend + (r.energyAfter - current.energyTrend) * ENERGY_TREND_RATE,
    energyMinObserved: r.energyAfter < current.energyMinObserved ? r.energyAfter : current.energyMinObserved,
    dominantMode: switched ? (MODES[strongest] as MemorySummary["dominantMode"]) : current.dominantMode,
    dominantModeStreak: switched ? 1 : current.dominantModeStreak + 1,
    modeSwitchesRecent:
      current.modeSwitchesRecent * MODE_SWITCH_DECAY +
      (current.lastInputMode !== null && current.lastInputMode !== r.mode ? 1 : 0),
    behavioralPattern: "stable",
    recoveriesCompleted: current.recoveriesCompleted + (r.stressExited ? 1 : 0),
    lastSpikeCycle,
    lastInputMode: r.mode,
    dominantSwitchesRecent: current.dominantSwitchesRecent * MODE_SWITCH_DECAY + (switched ? 1 : 0),
  };
  next.behavioralPattern = classifyPattern(next, r.energyAfter, cycle);
  return next;
}

export const episodicMemoryLayer: MemoryLayer<MemorySummary> = { name: "episodic", update: updateMemory };

/** The 14 signals, without bookkeeping. */
export function memoryContextOf(m: MemorySummary): MemoryContext {
  return {
    stressSpikeCount: m.stressSpikeCount,
    avgSpikeInterval: m.avgSpikeInterval,
    currentStressStreak: m.currentStressStreak,
    maxStressStreak: m.maxStressStreak,
    d1Recent: m.d1Recent,
    d2Recent: m.d2Recent,
    turnsSinceLastD2: m.turnsSinceLastD2,
    energyTrend: m.energyTrend,
    energyMinObserved: m.energyMinObserved,
    dominantMode: m.dominantMode,
    dominantModeStreak: m.dominantModeStreak,
    modeSwitchesRecent: m.modeSwitchesRecent,
    behavioralPattern: m.behavioralPattern,
    recoveriesCompleted: m.recoveriesCompleted,
  };
}
