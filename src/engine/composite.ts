// Stage 5: composite detection. A composite is the pair of the two strongest
// non-stress modes when both are dominant after arbitration (persona blends
// such as perception+connection). It is reported on the contract and its
// leading mode sets the tempo when perception is not dominant.

import { DOMINANCE_THRESHOLD } from "./constants.js";
import type { ModeVector } from "./types.js";
import { STRESS_MODE } from "./vocabulary.js";

/** Index of the strongest non-stress arbitrated mode (first in canonical order on ties). */
export function leadMode(strengths: ModeVector, gains: ModeVector): number {
  let best = 0;
  let bestValue = -1;
  for (let i = 0; i < STRESS_MODE; i++) {
    const v = (strengths[i] as number) * (gains[i] as number);
    if (v > bestValue) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

/** Bitmask of the composite pair, or 0 when fewer than two non-stress modes are dominant. */
export function compositeMask(strengths: ModeVector, gains: ModeVector): number {
  let first = -1;
  let firstValue = -1;
  let second = -1;
  let secondValue = -1;
  for (let i = 0; i < STRESS_MODE; i++) {
    const v = (strengths[i] as number) * (gains[i] as number);
    if (v > firstValue) {
      second = first;
      secondValue = firstValue;
      first = i;
      firstValue = v;
    } else if (v > secondValue) {
      second = i;
      secondValue = v;
    }
  }
  return secondValue >= DOMINANCE_THRESHOLD ? (1 << first) | (1 << second) : 0;
}
