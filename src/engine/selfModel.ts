// Self-model: what the agent has learned about itself.
// - stress resilience: per completed STRESS episode, score = 0.5^(duration/50),
//   resilience ← 0.7·resilience + 0.3·score (published), prior 0.5.
// - trait stability: EMA (0.05) of 1 − min(1, 2.5·drift magnitude); a rollback counts as 0.
// - energy efficiency: input activity (Σ signal·confidence) against energy
//   spent, closed every 50 cycles: activity / (activity + 5·spent).

import {
  EFFICIENCY_PRIOR,
  EFFICIENCY_SPEND_WEIGHT,
  EFFICIENCY_WINDOW,
  RESILIENCE_HALF_LIFE,
  RESILIENCE_KEEP,
  RESILIENCE_PRIOR,
  TRAIT_STABILITY_PRIOR,
  TRAIT_STABILITY_RATE,
  TRAIT_STABILITY_SCALE,
} from "./constants.js";
import type { MemoryLayer } from "./record.js";
import type { CycleRecord, SelfModel, SelfModelContext } from "./types.js";

export function initialSelfModel(inStress: boolean): SelfModel {
  return {
    stressResilience: RESILIENCE_PRIOR,
    traitStability: TRAIT_STABILITY_PRIOR,
    energyEfficiency: EFFICIENCY_PRIOR,
    completedEpisodes: 0,
    episodeStartCycle: inStress ? 0 : null,
    windowActivity: 0,
    windowSpent: 0,
    windowCycles: 0,
  };
}

export function episodeScore(duration: number): number {
  return Math.pow(0.5, duration / RESILIENCE_HALF_LIFE);
}

export function updateSelfModel(current: SelfModel, r: CycleRecord): SelfModel {
  let stressResilience = current.stressResilience;
  let completedEpisodes = current.completedEpisodes;
  let episodeStartCycle = current.episodeStartCycle;
  if (r.stressEntered) episodeStartCycle = r.cycle;
  else if (r.stressExited && episodeStartCycle !== null) {
    const score = episodeScore(r.cycle - episodeStartCycle);
    stressResilience = stressResilience * RESILIENCE_KEEP + score * (1 - RESILIENCE_KEEP);
    completedEpisodes++;
    episodeStartCycle = null;
  }

  let traitStability = current.traitStability;
  if (r.driftMagnitude !== null) {
    const instability = r.rolledBack ? 1 : Math.min(1, r.driftMagnitude * TRAIT_STABILITY_SCALE);
    traitStability += (1 - instability - traitStability) * TRAIT_STABILITY_RATE;
  }

  let windowActivity = current.windowActivity + r.signalStrength * r.confidence;
  let windowSpent = current.windowSpent + r.energySpent;
  let windowCycles = current.windowCycles + 1;
  let energyEfficiency = current.energyEfficiency;
  if (windowCycles >= EFFICIENCY_WINDOW) {
    const denominator = windowActivity + windowSpent * EFFICIENCY_SPEND_WEIGHT;
    if (denominator > 0) energyEfficiency = windowActivity / denominator;
    windowActivity = 0;
    windowSpent = 0;
    windowCycles = 0;
  }

  return {
    stressResilience,
    traitStability,
    energyEfficiency,
    completedEpisodes,
    episodeStartCycle,
    windowActivity,
    windowSpent,
    windowCycles,
  };
}

export const selfModelLayer: MemoryLayer<SelfModel> = { name: "self-model", update: updateSelfModel };

export function selfModelContextOf(s: SelfModel): SelfModelContext {
  return {
    stressResilience: s.stressResilience,
    traitStability: s.traitStability,
    energyEfficiency: s.energyEfficiency,
    completedEpisodes: s.completedEpisodes,
  };
}
