// Drift ground truth: labelled scenarios, an event-level matching rule, and
// precision / recall / F1. The labels come from how each stream is generated
// (which behavioural regime the agent is in), never from any system's output.
//
// Matching rule (the same for every system):
// - Alarm turns are the turns a system flags drift (Keel: a drift event, D1+).
//   The first alarm turn of a run, and any alarm turn preceded by at least
//   ALARM_GAP quiet turns, raises a new alarm; any other alarm turn continues
//   the current one.
// - A labelled drift event spans from its onset to the end of the drifted
//   regime. The first alarm raised inside that span detects it (TP); later
//   alarms raised inside the same span are repeats and count neither way.
// - An alarm raised outside every event span is a false positive (FP), even if
//   it then lasts into a span; an event with no alarm raised inside its span
//   is missed (FN).
// - Precision = TP/(TP+FP), recall = TP/(TP+FN), F1 their harmonic mean; F1 is 0
//   when TP is 0. Per scenario a value with a zero denominator is "—" (for a
//   no-drift scenario with no alarm that is the correct outcome). Aggregates
//   sum TP/FP/FN over scenarios and seeds (micro-average).

import type { Mode, Observation } from "../../src/engine/index.js";
import { BEHAVIOURAL } from "./scenarios.js";
import { between, rng } from "./rng.js";

export const ALARM_GAP = 10;

export interface DriftEventLabel {
  onset: number;
  /** Exclusive: the first turn after the drifted regime. */
  end: number;
}

export interface DriftScenarioSpec {
  id: string;
  name: string;
  turns: number;
  /** The five scenarios the issue names; the others are extra stress tests. */
  core: boolean;
  definition: string;
  events: DriftEventLabel[];
  build: (seed: number) => Observation[];
}

type Range = readonly [number, number];
/** Strength range per behavioural mode, canonical order. */
type Regime = readonly Range[];

const MID: Range = [0.3, 0.7];
const HI: Range = [0.8, 1];
const LO: Range = [0, 0.2];
export const REGIMES = {
  /** The established identity: every behavioural mode around 0.5. */
  base: [MID, MID, MID, MID, MID, MID],
  /** "bold": exploration and assertion up, order and identity down. */
  bold: [MID, HI, LO, HI, MID, LO],
  /** "warm": perception and connection up, exploration and assertion down. */
  warm: [HI, LO, MID, LO, HI, MID],
  /** "rigid": order and identity up, perception and connection down. */
  rigid: [LO, MID, HI, MID, LO, HI],
} as const satisfies Record<string, Regime>;

function lerp(a: Range, b: Range, f: number): Range {
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
}

/** Rotation over the six behavioural modes; the regime at turn t sets the strength range. */
function stream(seed: number, turns: number, regimeAt: (t: number) => Regime, override?: (t: number) => Observation | null): Observation[] {
  const r = rng(seed);
  return Array.from({ length: turns }, (_, t) => {
    const strength = between(r, 0, 1);
    const confidence = between(r, 0.7, 0.9);
    const special = override?.(t) ?? null;
    if (special !== null) return special;
    const range = regimeAt(t)[t % 6] as Range;
    return { mode: BEHAVIOURAL[t % 6] as Mode, signalStrength: range[0] + (range[1] - range[0]) * strength, confidence };
  });
}

const burstRng = (seed: number) => rng(seed ^ 0x5bd1e995);

export const DRIFT_SCENARIOS: readonly DriftScenarioSpec[] = [
  {
    id: "steady",
    name: "Steady",
    turns: 400,
    core: true,
    definition: "base regime throughout (every behavioural mode 0.3–0.7, confidence 0.7–0.9, in rotation)",
    events: [],
    build: (seed) => stream(seed, 400, () => REGIMES.base),
  },
  {
    id: "single_shift",
    name: "Single shift",
    turns: 400,
    core: true,
    definition: "base until 199, then bold (exploration/assertion 0.8–1.0, order/identity 0–0.2) to the end",
    events: [{ onset: 200, end: 400 }],
    build: (seed) => stream(seed, 400, (t) => (t < 200 ? REGIMES.base : REGIMES.bold)),
  },
  {
    id: "multi_shift",
    name: "Multi shift",
    turns: 700,
    core: true,
    definition: "base; bold 100–299; base again 300–499; warm (perception/connection 0.8–1.0, exploration/assertion 0–0.2) 500–699",
    events: [
      { onset: 100, end: 300 },
      { onset: 500, end: 700 },
    ],
    build: (seed) => stream(seed, 700, (t) => (t >= 100 && t < 300 ? REGIMES.bold : t >= 500 ? REGIMES.warm : REGIMES.base)),
  },
  {
    id: "gradual",
    name: "Gradual",
    turns: 500,
    core: true,
    definition: "base until 149, then the strength ranges move linearly from base to bold over 300 turns (150–449), bold to the end",
    events: [{ onset: 150, end: 500 }],
    build: (seed) => stream(seed, 500, (t) => REGIMES.base.map((b, i) => lerp(b, REGIMES.bold[i] as Range, Math.min(1, Math.max(0, (t - 150) / 300))))),
  },
  {
    id: "transient_burst",
    name: "Transient burst",
    turns: 400,
    core: true,
    definition: "base, except 10 turns of exploration at 0.9–1.0 (confidence 0.8–0.9) on turns 200–209: a burst, not drift",
    events: [],
    build: (seed) => {
      const r = burstRng(seed);
      return stream(seed, 400, () => REGIMES.base, (t) =>
        t >= 200 && t < 210 ? { mode: "exploration", signalStrength: between(r, 0.9, 1), confidence: between(r, 0.8, 0.9) } : null,
      );
    },
  },
  {
    id: "regime_chain",
    name: "Regime chain (extra)",
    turns: 600,
    core: false,
    definition: "base; bold 150–299; warm 300–449; rigid 450–599 — three shifts with no return in between",
    events: [
      { onset: 150, end: 300 },
      { onset: 300, end: 450 },
      { onset: 450, end: 600 },
    ],
    build: (seed) => stream(seed, 600, (t) => (t < 150 ? REGIMES.base : t < 300 ? REGIMES.bold : t < 450 ? REGIMES.warm : REGIMES.rigid)),
  },
  {
    id: "stress_crisis",
    name: "Stress crisis (extra)",
    turns: 400,
    core: false,
    definition: "base, except stress_response 0.8–1.0 (confidence 1) on turns 200–239: a crisis, not identity drift",
    events: [],
    build: (seed) => {
      const r = burstRng(seed);
      return stream(seed, 400, () => REGIMES.base, (t) =>
        t >= 200 && t < 240 ? { mode: "stress_response", signalStrength: between(r, 0.8, 1), confidence: 1 } : null,
      );
    },
  },
];

/** Turns on which alarms are raised: alarm turns after at least ALARM_GAP quiet turns, or the first. */
export function alarmStarts(alarms: readonly boolean[]): number[] {
  const starts: number[] = [];
  let last = -Infinity;
  alarms.forEach((a, t) => {
    if (!a) return;
    if (t - last > ALARM_GAP) starts.push(t);
    last = t;
  });
  return starts;
}

export interface MatchResult {
  tp: number;
  fp: number;
  fn: number;
  /** Turns from onset to the detecting alarm, per detected event. */
  delays: number[];
}

export function matchEvents(starts: readonly number[], events: readonly DriftEventLabel[]): MatchResult {
  const detectedBy = new Map<number, number>();
  let fp = 0;
  for (const s of starts) {
    const k = events.findIndex((e) => s >= e.onset && s < e.end);
    if (k < 0) fp++;
    else if (!detectedBy.has(k)) detectedBy.set(k, s);
  }
  const delays = [...detectedBy.entries()].sort((a, b) => a[0] - b[0]).map(([k, s]) => s - (events[k] as DriftEventLabel).onset);
  return { tp: detectedBy.size, fp, fn: events.length - detectedBy.size, delays };
}

export interface Prf {
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  f1: number;
}

export function prf(m: { tp: number; fp: number; fn: number }): Prf {
  const precision = m.tp + m.fp === 0 ? null : m.tp / (m.tp + m.fp);
  const recall = m.tp + m.fn === 0 ? null : m.tp / (m.tp + m.fn);
  const f1 = m.tp === 0 ? 0 : (2 * (precision as number) * (recall as number)) / ((precision as number) + (recall as number));
  return { tp: m.tp, fp: m.fp, fn: m.fn, precision, recall, f1 };
}

export function sumMatches(ms: readonly MatchResult[]): MatchResult {
  return ms.reduce((a, m) => ({ tp: a.tp + m.tp, fp: a.fp + m.fp, fn: a.fn + m.fn, delays: [...a.delays, ...m.delays] }), {
    tp: 0,
    fp: 0,
    fn: 0,
    delays: [] as number[],
  });
}
