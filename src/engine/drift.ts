// Stage 6: drift. RMS-normalised L2 distance between the mode vector and the
// anchor (‖Δ‖₂/√7, range 0..1), so a single-mode spike is not diluted and D3
// (≥ 0.40) is reachable. The anchor is fixed at the end of the 20-cycle
// warm-up and afterwards follows the modes only while drift is below D0.

import {
  AFFECTED_MODE_DELTA,
  ANCHOR_REFRESH_RATE,
  D0_FACTOR_PERMISSIVE,
  D0_FACTOR_STRICT,
  DRIFT_D0,
  DRIFT_D1,
  DRIFT_D2,
  TRAIT_D0_MAX_REDUCTION,
} from "./constants.js";
import type { DriftLevel, DriftTolerance, ModeVector } from "./types.js";
import { MODE_COUNT, STRESS_MODE } from "./vocabulary.js";

/**
 * Effective D0: drift_tolerance scales it (strict 0.75, permissive 1.5); with
 * the identity adapter, trait stability above 0.5 lowers it linearly by up to
 * 25% so stable agents notice smaller deviations. Always below D1.
 */
export function d0Threshold(tolerance: DriftTolerance, traitStability: number | null): number {
  const base =
    tolerance === "strict" ? DRIFT_D0 * D0_FACTOR_STRICT : tolerance === "permissive" ? DRIFT_D0 * D0_FACTOR_PERMISSIVE : DRIFT_D0;
  if (traitStability === null || traitStability <= 0.5) return base;
  return base * (1 - TRAIT_D0_MAX_REDUCTION * ((traitStability - 0.5) / 0.5));
}

/** RMS distance over the 7 modes; without stress, the stress term is left out (still divided by √7, so scales agree). */
export function driftMagnitude(strengths: ModeVector, anchor: ModeVector, withStress = true): number {
  let sum = 0;
  const n = withStress ? MODE_COUNT : STRESS_MODE;
  for (let i = 0; i < n; i++) {
    const d = (strengths[i] as number) - (anchor[i] as number);
    sum += d * d;
  }
  return Math.sqrt(sum / MODE_COUNT);
}

export function classifyDrift(magnitude: number, d0: number): DriftLevel {
  if (magnitude < d0) return "D0_noise";
  if (magnitude < DRIFT_D1) return "D1_context";
  if (magnitude < DRIFT_D2) return "D2_adaptive";
  return "D3_corrupt";
}

export function affectedMask(strengths: ModeVector, anchor: ModeVector): number {
  let mask = 0;
  for (let i = 0; i < MODE_COUNT; i++) {
    if (Math.abs((strengths[i] as number) - (anchor[i] as number)) >= AFFECTED_MODE_DELTA) mask |= 1 << i;
  }
  return mask;
}

/** One refresh step: the anchor moves 1% of the way to the modes (slow enough that gradual shifts still register). */
export function refreshAnchor(anchor: ModeVector, strengths: ModeVector): ModeVector {
  const next = new Array<number>(MODE_COUNT);
  for (let i = 0; i < MODE_COUNT; i++) {
    const a = anchor[i] as number;
    next[i] = a + ((strengths[i] as number) - a) * ANCHOR_REFRESH_RATE;
  }
  return next;
}
