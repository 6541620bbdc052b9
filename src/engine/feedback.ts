// Memory → pipeline feedback. Every mechanism reads the previous cycle's
// MemorySummary and is inert unless both `memory` and `memoryFeedback` are on.

import { CONSERVATION_TRIGGER, EXPERIENCED_SPIKES } from "./constants.js";
import type { EngineConfig, MemorySummary } from "./types.js";

export function feedbackEnabled(config: EngineConfig): boolean {
  return config.memory && config.memoryFeedback;
}

/** 1. Stress sensitivity: after 2+ spikes, lower HIGH/OVER thresholds and damp the stress learning rate. */
export function isExperienced(memory: MemorySummary): boolean {
  return memory.stressSpikeCount >= EXPERIENCED_SPIKES;
}

/** 2. Energy conservation: once energy fell below 0.1, keep a higher floor. */
export function conservesEnergy(memory: MemorySummary): boolean {
  return memory.energyMinObserved < CONSERVATION_TRIGGER;
}

/** 3. Recovery learning: after a completed recovery, comfort survives stress dampening. */
export function hasLearnedRecovery(memory: MemorySummary): boolean {
  return memory.recoveriesCompleted >= 1;
}
