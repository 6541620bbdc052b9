// Randomized labelled drift set: agents drawn at random, each with one kind of
// change (or none), labelled by how its stream is generated, never by any
// detector's output. Fixed before any detector was tuned on it (issue 16):
// changing anything here changes the frozen fingerprint in
// test/eval/drift-random.test.ts.
//
// An agent's behaviour is a categorical distribution over the 7 modes
// (weights) and a mean intensity per mode; every cycle one mode is drawn by
// weight and its strength is the mode's intensity plus Gaussian noise
// (clamped to [0, 1]). Kinds:
//   steady     no change
//   mix        weights and intensities redrawn (sudden)
//   intensity  1–3 frequent modes shift intensity by 0.25–0.5, weights unchanged (sudden)
//   frequency  a rare mode becomes dominant, intensities unchanged (sudden)
//   ramp       a mix change interpolated linearly over 50–300 cycles (gradual)
//   multi      2–3 sudden changes of the kinds above, 150–250 cycles apart
//   burst      1–3 bursts of 1–20 cycles of one mode at 0.8–1.0 (not drift)
//   crisis     10–60 cycles of stress_response at 0.8–1.0 (not drift)
// stress_response can be one of an agent's active modes, but only at calm
// intensities (0.1–0.3): a steady agent is not in a permanent crisis.

import type { Mode, Observation } from "../../src/engine/index.js";
import { MODES } from "../../src/engine/index.js";
import { between, pick, rng, subSeed, type Rng } from "./rng.js";

export const KINDS = ["steady", "mix", "intensity", "frequency", "ramp", "multi", "burst", "crisis"] as const;
export type Kind = (typeof KINDS)[number];
/** Kinds whose labelled changes are drift (the others carry no change). */
export const DRIFT_KINDS: readonly Kind[] = ["mix", "intensity", "frequency", "ramp", "multi"];

export const NOISE_LEVELS = [0.03, 0.08, 0.15] as const;
const STRESS = 6;
const BEHAVIOURAL_COUNT = 6;

export interface Behaviour {
  /** Probability of each of the 7 modes (sums to 1). */
  weights: number[];
  /** Mean strength of each mode when it occurs. */
  intensity: number[];
}

export interface ChangeLabel {
  /** First cycle (0-based index into the stream) of the change. */
  onset: number;
  /** Cycles over which it ramps in (0 = sudden). */
  ramp: number;
  /** The kind of this change (a multi agent's changes carry their own kind). */
  kind: "mix" | "intensity" | "frequency" | "ramp";
}

export interface RandomAgent {
  seed: number;
  kind: Kind;
  noise: number;
  cycles: number;
  changes: ChangeLabel[];
  /** Spans [start, end) of bursts and crises: not drift, recorded for the report. */
  transients: { start: number; end: number }[];
  observations: Observation[];
}

function normal(r: Rng): number {
  // Box–Muller; 1 − r() keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

function normalise(w: number[]): number[] {
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

function shuffled(r: Rng, n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = pick(r, i + 1);
    [a[i], a[j]] = [a[j] as number, a[i] as number];
  }
  return a;
}

/** 1–7 active modes with random weights; every mode (active or not) has an intensity. */
function randomBehaviour(r: Rng): Behaviour {
  const active = 1 + pick(r, 7);
  const order = shuffled(r, 7);
  // At least one behavioural mode: an agent that only reports stress has no identity to drift from.
  if (active === 1 && order[0] === STRESS) order.push(order.shift() as number);
  const weights = new Array<number>(7).fill(0);
  for (const m of order.slice(0, active)) weights[m] = between(r, 0.1, 1);
  const intensity = Array.from({ length: 7 }, (_, m) => (m === STRESS ? between(r, 0.1, 0.3) : between(r, 0.2, 0.95)));
  return { weights: normalise(weights), intensity };
}

const tv = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + Math.abs(x - (b[i] as number)), 0) / 2;

/** New weights and intensities; at least 0.3 of the probability mass moves. */
function mixChange(r: Rng, b: Behaviour): Behaviour {
  for (;;) {
    const next = randomBehaviour(r);
    if (tv(next.weights, b.weights) >= 0.3) return next;
  }
}

/** 1–3 modes of weight ≥ 0.1 move their intensity by 0.25–0.5 (direction with room); weights unchanged. */
function intensityChange(r: Rng, b: Behaviour): Behaviour {
  let candidates = b.weights.map((w, m) => ({ w, m })).filter((x) => x.w >= 0.1 && x.m !== STRESS).map((x) => x.m);
  if (candidates.length === 0) candidates = [b.weights.slice(0, BEHAVIOURAL_COUNT).reduce((hi, w, m, ws) => (w > (ws[hi] as number) ? m : hi), 0)];
  const order = shuffled(r, candidates.length).map((i) => candidates[i] as number);
  const count = Math.min(order.length, 1 + pick(r, 3));
  const intensity = b.intensity.slice();
  for (const m of order.slice(0, count)) {
    const now = intensity[m] as number;
    const delta = between(r, 0.25, 0.5);
    intensity[m] = now + delta <= 1 && (now - delta < 0 || r() < 0.5) ? now + delta : Math.max(0, now - delta);
  }
  return { weights: b.weights, intensity };
}

/** The rarest behavioural mode (weight < 0.1, possibly absent) becomes dominant (0.5–0.8); intensities unchanged. */
function frequencyChange(r: Rng, b: Behaviour): Behaviour {
  const rare = shuffled(r, BEHAVIOURAL_COUNT).find((m) => (b.weights[m] as number) < 0.1);
  const target = rare ?? shuffled(r, BEHAVIOURAL_COUNT).reduce((lo, m) => ((b.weights[m] as number) < (b.weights[lo] as number) ? m : lo));
  const share = between(r, 0.5, 0.8);
  const rest = b.weights.map((w, m) => (m === target ? 0 : w));
  const restSum = rest.reduce((a, x) => a + x, 0);
  const weights = rest.map((w, m) => (m === target ? share : restSum === 0 ? 0 : (w / restSum) * (1 - share)));
  return { weights: normalise(weights), intensity: b.intensity };
}

function draw(r: Rng, b: Behaviour, noise: number): Observation {
  let u = r();
  let m = 0;
  for (; m < 6; m++) {
    u -= b.weights[m] as number;
    if (u < 0) break;
  }
  const strength = clamp01((b.intensity[m] as number) + noise * normal(r));
  return { mode: MODES[m] as Mode, signalStrength: strength, confidence: between(r, 0.7, 1) };
}

function lerpBehaviour(a: Behaviour, b: Behaviour, f: number): Behaviour {
  return {
    weights: a.weights.map((x, i) => x + ((b.weights[i] as number) - x) * f),
    intensity: a.intensity.map((x, i) => x + ((b.intensity[i] as number) - x) * f),
  };
}

/** One agent, fully determined by its seed; its kind is fixed by its index so kinds are balanced. */
export function randomAgent(seed: number, kind: Kind): RandomAgent {
  const r = rng(seed);
  const noise = NOISE_LEVELS[pick(r, NOISE_LEVELS.length)] as number;
  const base = randomBehaviour(r);
  const onset = 150 + pick(r, 151);
  /** Behaviour as a function of the cycle; the last segment holds to the end. */
  const segments: { from: number; ramp: number; behaviour: Behaviour }[] = [{ from: 0, ramp: 0, behaviour: base }];
  const changes: ChangeLabel[] = [];
  const transients: { start: number; end: number }[] = [];
  let cycles = 600;
  const sudden = (k: "mix" | "intensity" | "frequency", b: Behaviour) =>
    k === "mix" ? mixChange(r, b) : k === "intensity" ? intensityChange(r, b) : frequencyChange(r, b);

  if (kind === "mix" || kind === "intensity" || kind === "frequency") {
    segments.push({ from: onset, ramp: 0, behaviour: sudden(kind, base) });
    changes.push({ onset, ramp: 0, kind });
    cycles = onset + 250;
  } else if (kind === "ramp") {
    const ramp = 50 + pick(r, 251);
    segments.push({ from: onset, ramp, behaviour: mixChange(r, base) });
    changes.push({ onset, ramp, kind: "ramp" });
    cycles = onset + ramp + 200;
  } else if (kind === "multi") {
    const count = 2 + pick(r, 2);
    let at = onset;
    let b = base;
    for (let i = 0; i < count; i++) {
      const k = (["mix", "intensity", "frequency"] as const)[pick(r, 3)] as "mix" | "intensity" | "frequency";
      b = sudden(k, b);
      segments.push({ from: at, ramp: 0, behaviour: b });
      changes.push({ onset: at, ramp: 0, kind: k });
      at += 150 + pick(r, 101);
    }
    cycles = at + 100;
  } else if (kind === "burst") {
    const count = 1 + pick(r, 3);
    let at = onset;
    for (let i = 0; i < count; i++) {
      const length = 1 + pick(r, 20);
      transients.push({ start: at, end: at + length });
      at += length + 80 + pick(r, 80);
    }
    cycles = Math.max(600, at + 100);
  } else if (kind === "crisis") {
    const length = 10 + pick(r, 51);
    transients.push({ start: onset, end: onset + length });
    cycles = onset + length + 250;
  }

  const burstMode = pick(r, BEHAVIOURAL_COUNT);
  const behaviourAt = (t: number): Behaviour => {
    let k = 0;
    while (k + 1 < segments.length && (segments[k + 1] as (typeof segments)[number]).from <= t) k++;
    const seg = segments[k] as (typeof segments)[number];
    if (seg.ramp === 0 || t >= seg.from + seg.ramp) return seg.behaviour;
    const prev = (segments[k - 1] as (typeof segments)[number]).behaviour;
    return lerpBehaviour(prev, seg.behaviour, (t - seg.from + 1) / seg.ramp);
  };
  const streamRng = rng(subSeed(seed, 1));
  const observations = Array.from({ length: cycles }, (_, t): Observation => {
    const inTransient = transients.some((s) => t >= s.start && t < s.end);
    if (inTransient) {
      const strength = between(streamRng, 0.8, 1);
      const confidence = between(streamRng, 0.8, 1);
      return { mode: (kind === "crisis" ? "stress_response" : MODES[burstMode]) as Mode, signalStrength: strength, confidence };
    }
    return draw(streamRng, behaviourAt(t), noise);
  });
  return { seed, kind, noise, cycles, changes, transients, observations };
}

/** A set of agents: kinds in rotation, each agent's seed derived from the set's seed. */
export function randomAgents(setSeed: number, count: number): RandomAgent[] {
  return Array.from({ length: count }, (_, i) => randomAgent(subSeed(setSeed, i), KINDS[i % KINDS.length] as Kind));
}

/**
 * The frozen split. Tuning reads only TRAIN; TEST is for the report and the
 * target assertions. Different set seeds give disjoint agent seeds.
 */
export const SPLIT = Object.freeze({
  train: Object.freeze({ setSeed: 0x7a11, agents: 400 }),
  test: Object.freeze({ setSeed: 0x7e57, agents: 400 }),
});
