// Matching rule of the randomized drift set (issue 16), fixed before tuning.
//
// - A detection is a cycle after the warm-up whose drift level is D1 or above
//   while the previous cycle's was not: every rise from D0 (or from warm-up)
//   to D1+ is a new alarm an operator would see, so a detector that flickers
//   pays for each flicker.
// - A change's window: sudden, [onset, onset + 60]; a ramp of L cycles,
//   [onset, onset + ⌊0.6·L⌋] (found before 60% of the ramp has passed).
// - A detection inside the window of a change not yet detected detects it
//   (TP, delay = cycle − onset). Every other detection is a false alarm (FA):
//   with no change in the window, late, or a repeat.
// - A change with no detection in its window is missed (FN).
// - Steady cycles: cycles after the warm-up outside every change window
//   (bursts and crises are steady: they are not drift). False alarms are
//   reported per 10,000 steady cycles.

import type { ChangeLabel } from "./drift-random.js";

export const SUDDEN_WINDOW = 60;
export const RAMP_FRACTION = 0.6;
export const WARMUP = 20;

export function windowEnd(c: ChangeLabel): number {
  return c.ramp === 0 ? c.onset + SUDDEN_WINDOW : c.onset + Math.floor(RAMP_FRACTION * c.ramp);
}

/** Cycles (0-based) where the level rises to D1+ after the warm-up. */
export function detections(alarm: readonly boolean[]): number[] {
  const out: number[] = [];
  for (let t = WARMUP; t < alarm.length; t++) if (alarm[t] && !(t > WARMUP && alarm[t - 1])) out.push(t);
  return out;
}

export interface AgentScore {
  tp: number;
  fa: number;
  fn: number;
  steadyCycles: number;
  /** Per labelled change: its delay, or null when missed. */
  delays: (number | null)[];
}

export function scoreAgent(alarm: readonly boolean[], changes: readonly ChangeLabel[]): AgentScore {
  const found = new Array<number | null>(changes.length).fill(null);
  let fa = 0;
  for (const t of detections(alarm)) {
    const k = changes.findIndex((c, i) => found[i] === null && t >= c.onset && t <= windowEnd(c));
    if (k < 0) fa++;
    else found[k] = t - (changes[k] as ChangeLabel).onset;
  }
  let steadyCycles = 0;
  for (let t = WARMUP; t < alarm.length; t++) if (!changes.some((c) => t >= c.onset && t <= windowEnd(c))) steadyCycles++;
  const tp = found.filter((d) => d !== null).length;
  return { tp, fa, fn: changes.length - tp, steadyCycles, delays: found };
}

export interface KindScore {
  agents: number;
  changes: number;
  tp: number;
  fa: number;
  fn: number;
  steadyCycles: number;
  precision: number | null;
  recall: number | null;
  f1: number;
  /** False alarms per 10,000 steady cycles. */
  faRate: number;
  delayMedian: number | null;
  delayP90: number | null;
  /** Ramps only: detection delay as a share of the ramp length, median. */
  rampShareMedian: number | null;
}

export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  // Nearest rank: the smallest value with at least q of the sample at or below it.
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
}

export function summarise(items: readonly { score: AgentScore; changes: readonly ChangeLabel[] }[]): KindScore {
  let tp = 0;
  let fa = 0;
  let fn = 0;
  let steadyCycles = 0;
  let changes = 0;
  const delays: number[] = [];
  const shares: number[] = [];
  for (const { score, changes: cs } of items) {
    tp += score.tp;
    fa += score.fa;
    fn += score.fn;
    steadyCycles += score.steadyCycles;
    changes += cs.length;
    score.delays.forEach((d, i) => {
      if (d === null) return;
      delays.push(d);
      const c = cs[i] as ChangeLabel;
      if (c.ramp > 0) shares.push(d / c.ramp);
    });
  }
  delays.sort((a, b) => a - b);
  shares.sort((a, b) => a - b);
  const precision = tp + fa === 0 ? null : tp / (tp + fa);
  const recall = tp + fn === 0 ? null : tp / (tp + fn);
  const f1 = tp === 0 ? 0 : (2 * (precision as number) * (recall as number)) / ((precision as number) + (recall as number));
  return {
    agents: items.length,
    changes,
    tp,
    fa,
    fn,
    steadyCycles,
    precision,
    recall,
    f1,
    faRate: steadyCycles === 0 ? 0 : (fa / steadyCycles) * 10_000,
    delayMedian: quantile(delays, 0.5),
    delayP90: quantile(delays, 0.9),
    rampShareMedian: quantile(shares, 0.5),
  };
}
