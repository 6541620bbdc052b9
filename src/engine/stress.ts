// Stage 3: stress level from the stress_response mode, and the system state
// machine baseline / stress / growth with hysteresis.

import {
  ADAPTIVE_CYCLES_TO_GROW,
  BLEED_HIGH_CALM,
  BLEED_LOW_CALM,
  BLEED_MED,
  BLEED_OVER_CALM,
  CALM_CYCLES_TO_EXIT,
  CALM_SIGNAL_MAX,
  EXPERIENCED_HIGH_SHIFT,
  EXPERIENCED_OVER_SHIFT,
  FRAGILE_HIGH_SHIFT,
  FRAGILE_OVER_SHIFT,
  RESILIENT_HIGH_SHIFT,
  RESILIENT_OVER_SHIFT,
  SETTLED_CYCLES_TO_EXIT_GROWTH,
  THRESHOLD_HIGH,
  THRESHOLD_MED,
  THRESHOLD_OVER,
} from "./constants.js";
import type { Observation, StressTolerance, SystemState } from "./types.js";
import { HIGH, LOW, MED, OVER } from "./vocabulary.js";

/** Calm input: anything but a stress_response observation of strength ≥ 0.3. */
export function isCalmInput(observation: Observation): boolean {
  return observation.mode !== "stress_response" || !(observation.signalStrength >= CALM_SIGNAL_MAX);
}

/** Bleed of the stress mode by the level the cycle started in. MED always bleeds; the rest only on calm input. */
export function stressBleed(prevLevelIdx: number, calm: boolean): number {
  switch (prevLevelIdx) {
    case MED:
      return BLEED_MED;
    case HIGH:
      return calm ? BLEED_HIGH_CALM : 0;
    case OVER:
      return calm ? BLEED_OVER_CALM : 0;
    default:
      return calm ? BLEED_LOW_CALM : 0;
  }
}

export function highThreshold(tolerance: StressTolerance, experienced: boolean): number {
  const shift = tolerance === "fragile" ? FRAGILE_HIGH_SHIFT : tolerance === "resilient" ? RESILIENT_HIGH_SHIFT : 0;
  return THRESHOLD_HIGH + shift + (experienced ? EXPERIENCED_HIGH_SHIFT : 0);
}

export function overThreshold(tolerance: StressTolerance, experienced: boolean): number {
  const shift = tolerance === "fragile" ? FRAGILE_OVER_SHIFT : tolerance === "resilient" ? RESILIENT_OVER_SHIFT : 0;
  return THRESHOLD_OVER + shift + (experienced ? EXPERIENCED_OVER_SHIFT : 0);
}

/** Level index from the stress mode value; thresholds stay ordered MED < HIGH < OVER for every setting. */
export function classifyStress(value: number, tolerance: StressTolerance, experienced: boolean): number {
  if (value >= overThreshold(tolerance, experienced)) return OVER;
  if (value >= highThreshold(tolerance, experienced)) return HIGH;
  if (value >= THRESHOLD_MED) return MED;
  return LOW;
}

/**
 * Enter STRESS at HIGH/OVER; leave it after 5 consecutive calm cycles. Enter
 * GROWTH from baseline after 3 consecutive D2 cycles at LOW; leave it after
 * 5 consecutive cycles below D2. Streaks are counted by the caller.
 */
export function nextSystemState(
  prev: SystemState,
  levelIdx: number,
  calmStreak: number,
  adaptiveStreak: number,
  settledStreak: number,
): SystemState {
  if (levelIdx >= HIGH) return "stress";
  switch (prev) {
    case "stress":
      return calmStreak >= CALM_CYCLES_TO_EXIT ? "baseline" : "stress";
    case "growth":
      return settledStreak >= SETTLED_CYCLES_TO_EXIT_GROWTH ? "baseline" : "growth";
    case "baseline":
      return adaptiveStreak >= ADAPTIVE_CYCLES_TO_GROW && levelIdx === LOW ? "growth" : "baseline";
  }
}
