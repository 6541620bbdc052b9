// Stage 4: arbitration. Each mode carries a gain in [0, 1] that stress pushes
// down at once and that rises back slowly, and only once the system has left
// STRESS — so dampened ("suppressed") modes stay dampened for the whole
// episode. Raw mode strengths are never touched: identity (and drift) is
// measured on the raw vector, behaviour on strength × gain.

import {
  CORE_CONTROL_WEIGHT,
  GAIN_RELEASE_RATE,
  LEVEL_GAIN,
  NUDGE_RELEASE_RATE,
  SUPPRESSED_CONTROL_WEIGHT,
  SUPPRESSED_LEVEL_GAIN,
} from "./constants.js";
import type { ModeVector, SystemState } from "./types.js";
import { MODE_COUNT, STRESS_MODE } from "./vocabulary.js";

/**
 * Target gain: core modes take half the dampening, profile-suppressed modes
 * more (never at LOW). A mode listed as both core and suppressed counts as suppressed.
 */
export function targetGain(mode: number, levelIdx: number, coreMask: number, suppressedMask: number): number {
  if (mode === STRESS_MODE) return 1;
  const bit = 1 << mode;
  if ((suppressedMask & bit) !== 0) return SUPPRESSED_LEVEL_GAIN[levelIdx] as number;
  const gain = LEVEL_GAIN[levelIdx] as number;
  return (coreMask & bit) !== 0 ? (1 + gain) / 2 : gain;
}

export function releaseRate(nudging: boolean): number {
  return nudging ? NUDGE_RELEASE_RATE : GAIN_RELEASE_RATE;
}

/** Returns `prev` itself when nothing changes (the common steady case allocates nothing). */
export function updateGains(
  prev: ModeVector,
  levelIdx: number,
  system: SystemState,
  rate: number,
  coreMask: number,
  suppressedMask: number,
): ModeVector {
  let next: ModeVector | null = null;
  for (let i = 0; i < STRESS_MODE; i++) {
    const gain = prev[i] as number;
    const target = targetGain(i, levelIdx, coreMask, suppressedMask);
    let updated = gain;
    if (target < gain) updated = target;
    else if (target > gain && system !== "stress") updated = gain + rate < target ? gain + rate : target;
    if (updated !== gain) {
      next ??= prev.slice();
      next[i] = updated;
    }
  }
  return next ?? prev;
}

/**
 * The control vector: arbitrated strengths weighted by the profile (core ×1.5,
 * suppressed ×0.5), squared to sharpen the lead, normalised to sum 1.
 * Uniform when every weight is zero.
 */
export function controlVector(
  strengths: ModeVector,
  gains: ModeVector,
  coreMask: number,
  suppressedMask: number,
): number[] {
  const out = new Array<number>(MODE_COUNT);
  let total = 0;
  for (let i = 0; i < MODE_COUNT; i++) {
    const bit = 1 << i;
    const profileWeight =
      (suppressedMask & bit) !== 0 ? SUPPRESSED_CONTROL_WEIGHT : (coreMask & bit) !== 0 ? CORE_CONTROL_WEIGHT : 1;
    const w = (strengths[i] as number) * (gains[i] as number) * profileWeight;
    out[i] = w * w;
    total += w * w;
  }
  if (total > 0) for (let i = 0; i < MODE_COUNT; i++) out[i] = (out[i] as number) / total;
  else out.fill(1 / MODE_COUNT);
  return out;
}
