// Stage 7: stability index — an EMA (rate 0.05, ~20 cycles) of how consistent
// each cycle was: closeness to the anchor times a stress factor. A rollback
// cycle counts as fully inconsistent.

import { DRIFT_D2, LEVEL_STABILITY_FACTOR, STABILITY_RATE } from "./constants.js";

export function stabilitySample(magnitude: number | null, levelIdx: number, rolledBack: boolean): number {
  if (rolledBack) return 0;
  const closeness = magnitude === null ? 1 : magnitude >= DRIFT_D2 ? 0 : 1 - magnitude / DRIFT_D2;
  return closeness * (LEVEL_STABILITY_FACTOR[levelIdx] as number);
}

export function nextStability(prev: number, sample: number): number {
  return prev + (sample - prev) * STABILITY_RATE;
}
