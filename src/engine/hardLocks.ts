// Hard locks: override constraints, set only at OVER stress or under a high
// identity anchor (identity mode at or above 0.8). Frozen shared objects.

import { IDENTITY_ANCHOR_THRESHOLD } from "./constants.js";
import type { HardLocks } from "./types.js";
import { OVER } from "./vocabulary.js";

const NO_LOCKS: HardLocks = Object.freeze({
  optionSetMax: null,
  noveltyRate: null,
  noiseFilterMin: null,
  execStrictnessMin: null,
  goalResistanceMin: null,
  pivotThresholdMin: null,
});

/** OVER: at most the 4 safe options, no novelty, strict filtering and execution, no pivots. */
const OVER_LOCKS: HardLocks = Object.freeze({
  optionSetMax: 4,
  noveltyRate: 0,
  noiseFilterMin: 0.8,
  execStrictnessMin: 0.9,
  goalResistanceMin: 0.8,
  pivotThresholdMin: 1,
});

/** High identity anchor: goals resist change and a pivot needs strong justification. */
const ANCHOR_LOCKS: HardLocks = Object.freeze({
  optionSetMax: null,
  noveltyRate: null,
  noiseFilterMin: null,
  execStrictnessMin: null,
  goalResistanceMin: IDENTITY_ANCHOR_THRESHOLD,
  pivotThresholdMin: IDENTITY_ANCHOR_THRESHOLD,
});

export function hardLocksOf(levelIdx: number, identityStrength: number): HardLocks {
  if (levelIdx === OVER) return OVER_LOCKS;
  return identityStrength >= IDENTITY_ANCHOR_THRESHOLD ? ANCHOR_LOCKS : NO_LOCKS;
}
