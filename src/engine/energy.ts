// Stage 2: energy. Runs before the stress stage, so it sees the previous
// cycle's stress level and system state: the drain of a new stress episode
// starts the cycle after HIGH is first reached (tutorial trace).

import {
  ACTIVATION_THRESHOLD,
  CONSERVATION_FLOOR,
  ENERGY_COST_PER_ACTIVE_MODE,
  ENERGY_FLOOR,
  POLICY_COST_AGGRESSIVE,
  POLICY_COST_BALANCED,
  POLICY_COST_CONSERVATIVE,
  RECOVERY_BASELINE,
  RECOVERY_GROWTH,
  RECOVERY_STRESS,
  STRESS_ENERGY_OVERHEAD,
  STRESS_PARTIAL_FLOOR,
} from "./constants.js";
import type { EnergyPolicy, ModeVector, SystemState } from "./types.js";
import { HIGH, MODE_COUNT } from "./vocabulary.js";

function policyFactor(policy: EnergyPolicy): number {
  switch (policy) {
    case "conservative":
      return POLICY_COST_CONSERVATIVE;
    case "balanced":
      return POLICY_COST_BALANCED;
    case "aggressive":
      return POLICY_COST_AGGRESSIVE;
  }
}

function recoveryRate(system: SystemState): number {
  switch (system) {
    case "baseline":
      return RECOVERY_BASELINE;
    case "growth":
      return RECOVERY_GROWTH;
    case "stress":
      return RECOVERY_STRESS;
  }
}

/** Gross cost of one cycle: every active mode (stress_response included) plus the stress overhead. */
export function energyCost(strengths: ModeVector, system: SystemState, policy: EnergyPolicy): number {
  let active = 0;
  for (let i = 0; i < MODE_COUNT; i++) if ((strengths[i] as number) >= ACTIVATION_THRESHOLD) active++;
  const cost = active * ENERGY_COST_PER_ACTIVE_MODE * policyFactor(policy);
  return system === "stress" ? cost + STRESS_ENERGY_OVERHEAD : cost;
}

/**
 * The floor: 0.20 at LOW/MED (0.30 with energy conservation); none at HIGH/OVER,
 * so depletion stays a real distress signal, except the partial floor that
 * energy conservation keeps during a STRESS episode.
 */
export function energyFloor(prevLevelIdx: number, prevSystem: SystemState, conservation: boolean): number {
  if (prevLevelIdx < HIGH) return conservation ? CONSERVATION_FLOOR : ENERGY_FLOOR;
  return conservation && prevSystem === "stress" ? STRESS_PARTIAL_FLOOR : 0;
}

export function nextEnergy(
  energy: number,
  cost: number,
  prevSystem: SystemState,
  prevLevelIdx: number,
  conservation: boolean,
): number {
  const raw = energy - cost + recoveryRate(prevSystem);
  const floor = energyFloor(prevLevelIdx, prevSystem, conservation);
  return raw < floor ? floor : raw > 1 ? 1 : raw;
}
