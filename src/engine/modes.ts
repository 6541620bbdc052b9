// Stage 1: mode EMA. Only the targeted mode moves:
//   v ← v·(1 − r) + s·r,  r = α·c (·β for stress_response).

import {
  BASE_LEARNING_RATE,
  EXPERIENCED_STRESS_LR_DAMPING,
  LEVEL_LEARNING_FACTOR,
  STRESS_LEARNING_MULTIPLIER,
} from "./constants.js";
import type { ModeVector } from "./types.js";
import { STRESS_MODE } from "./vocabulary.js";

/** Clamp to [0, 1]; NaN becomes 0 so no NaN can enter the state. */
export function unit(x: number): number {
  return x > 0 ? (x < 1 ? x : 1) : 0;
}

export function learningRate(target: number, levelIdx: number, experienced: boolean): number {
  if (target === STRESS_MODE) {
    const beta = experienced
      ? STRESS_LEARNING_MULTIPLIER * EXPERIENCED_STRESS_LR_DAMPING
      : STRESS_LEARNING_MULTIPLIER;
    return BASE_LEARNING_RATE * beta;
  }
  return BASE_LEARNING_RATE * (LEVEL_LEARNING_FACTOR[levelIdx] as number);
}

/** Returns a fresh vector (the caller may finish it, e.g. with the stress bleed, before publishing). */
export function updateModeStrengths(
  prev: ModeVector,
  target: number,
  signal: number,
  confidence: number,
  levelIdx: number,
  experienced: boolean,
): ModeVector {
  const next = prev.slice();
  const rate = learningRate(target, levelIdx, experienced) * unit(confidence);
  const old = prev[target] as number;
  next[target] = unit(old + (unit(signal) - old) * rate);
  return next;
}
