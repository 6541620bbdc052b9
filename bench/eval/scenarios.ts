// The benchmark workloads (notes §6.1): four 300-turn scenarios A–D and three
// 1000-turn workloads S1, S3, S4. Every stream is built from a seed, so the
// same seed always gives the same observations. Where §6.1 leaves a detail
// open (confidence of stress turns, the exact attack mix) the choice is made
// here once and applies to every system alike.

import type { Mode, Observation } from "../../src/engine/index.js";
import { between, pick, rng, type Rng } from "./rng.js";

export const BEHAVIOURAL: readonly Mode[] = ["perception", "exploration", "order", "assertion", "connection", "identity"];
const ALL_MODES: readonly Mode[] = [...BEHAVIOURAL, "stress_response"];

/** A stress_response observation at or above this strength is a ground-truth stress turn. */
export const STRESS_TRUTH_MIN = 0.5;

/** The one ground-truth stress rule, the same for every scenario and system. */
export function isStressTurn(o: Observation): boolean {
  return o.mode === "stress_response" && o.signalStrength >= STRESS_TRUTH_MIN;
}

export type ScenarioId = "A" | "B" | "C" | "D" | "S1" | "S3" | "S4";

export interface ScenarioSpec {
  id: ScenarioId;
  name: string;
  turns: number;
  /** One line for the report. */
  definition: string;
  build: (seed: number) => Observation[];
}

function calmTurn(r: Rng, t: number): Observation {
  return { mode: BEHAVIOURAL[t % 6] as Mode, signalStrength: between(r, 0.3, 0.7), confidence: between(r, 0.7, 0.9) };
}

function stressTurn(r: Rng, lo = 0.8, hi = 1): Observation {
  return { mode: "stress_response", signalStrength: between(r, lo, hi), confidence: 1 };
}

/** An identity push: what the attacker wants the agent to become (bold, assertive, unanchored). */
function identityPush(r: Rng, t: number): Observation {
  const mode = (["exploration", "identity", "assertion", "order"] as const)[t % 4] as Mode;
  const up = mode === "exploration" || mode === "assertion";
  return { mode, signalStrength: up ? between(r, 0.9, 1) : between(r, 0, 0.1), confidence: 1 };
}

export function steady(seed: number, turns = 300): Observation[] {
  const r = rng(seed);
  return Array.from({ length: turns }, (_, t) => calmTurn(r, t));
}

export function gradualShift(seed: number, turns = 300): Observation[] {
  const r = rng(seed);
  const phases: readonly (readonly Mode[])[] = [
    ["perception", "order"],
    ["exploration", "assertion"],
    ["connection", "identity"],
  ];
  return Array.from({ length: turns }, (_, t) => {
    const phase = phases[Math.min(2, Math.floor((t * 3) / turns))] as readonly Mode[];
    return { mode: phase[t % 2] as Mode, signalStrength: 0.3 + (0.5 * t) / (turns - 1), confidence: between(r, 0.7, 0.9) };
  });
}

export function stressSpike(seed: number, turns = 300, start = 100, end = 150): Observation[] {
  const r = rng(seed);
  return Array.from({ length: turns }, (_, t) => (t >= start && t < end ? stressTurn(r) : calmTurn(r, t)));
}

export function chaotic(seed: number, turns = 300): Observation[] {
  const r = rng(seed);
  return Array.from({ length: turns }, () => ({
    mode: ALL_MODES[pick(r, 7)] as Mode,
    signalStrength: between(r, 0.1, 1),
    confidence: between(r, 0.3, 1),
  }));
}

/** S1: onboarding 0–199, routine 200–399 (5% mild friction), attack 400–549, recovery 550–999. */
export function enterprise(seed: number): Observation[] {
  const r = rng(seed);
  return Array.from({ length: 1000 }, (_, t) => {
    if (t >= 400 && t < 550) return t % 2 === 0 ? stressTurn(r, 0.9, 1) : identityPush(r, t >> 1);
    if (t >= 200 && t < 400 && r() < 0.05) return { mode: "stress_response", signalStrength: between(r, 0.2, 0.4), confidence: between(r, 0.7, 0.9) };
    return calmTurn(r, t);
  });
}

/** S3: 80 onboarding turns, then 920 adversarial turns: stress bursts, identity pushes, camouflage. */
export function adversarialMarathon(seed: number): Observation[] {
  const r = rng(seed);
  return Array.from({ length: 1000 }, (_, t) => {
    if (t < 80) return calmTurn(r, t);
    const u = r();
    if (u < 0.35) return stressTurn(r, 0.9, 1);
    if (u < 0.8) return identityPush(r, t);
    return calmTurn(r, t);
  });
}

/** S4: stress probability follows a 250-turn sinusoid between 0.05 and 0.50; other turns are random modes. */
export function multiModeChaos(seed: number): Observation[] {
  const r = rng(seed);
  return Array.from({ length: 1000 }, (_, t) => {
    const pStress = 0.05 + 0.45 * ((1 - Math.cos((2 * Math.PI * t) / 250)) / 2);
    if (r() < pStress) return { mode: "stress_response", signalStrength: between(r, 0.5, 1), confidence: between(r, 0.5, 1) };
    return { mode: BEHAVIOURAL[pick(r, 6)] as Mode, signalStrength: between(r, 0.1, 1), confidence: between(r, 0.3, 1) };
  });
}

export const SCENARIOS: readonly ScenarioSpec[] = [
  { id: "A", name: "Steady state", turns: 300, build: (s) => steady(s), definition: "one non-stress mode per turn in rotation, strength 0.3–0.7, confidence 0.7–0.9" },
  { id: "B", name: "Gradual shift", turns: 300, build: (s) => gradualShift(s), definition: "turns 0–99 perception/order, 100–199 exploration/assertion, 200–299 connection/identity; strength 0.3 → 0.8 linearly; confidence 0.7–0.9" },
  { id: "C", name: "Stress spike", turns: 300, build: (s) => stressSpike(s), definition: "A's turns, except stress_response 0.8–1.0 (confidence 1) on turns 100–149" },
  { id: "D", name: "Chaotic", turns: 300, build: (s) => chaotic(s), definition: "uniform random mode of 7 (stress included), strength 0.1–1.0, confidence 0.3–1.0" },
  { id: "S1", name: "Enterprise", turns: 1000, build: (s) => enterprise(s), definition: "onboarding 0–199, routine 200–399 with 5% mild stress (0.2–0.4), attack 400–549 (stress 0.9–1.0 alternating with identity pushes), recovery 550–999" },
  { id: "S3", name: "Adversarial marathon", turns: 1000, build: (s) => adversarialMarathon(s), definition: "80 onboarding turns, then 920 adversarial turns: 35% stress 0.9–1.0, 45% identity pushes (exploration/assertion → 0.9–1.0, identity/order → 0–0.1), 20% camouflage normal turns" },
  { id: "S4", name: "Multi-mode chaos", turns: 1000, build: (s) => multiModeChaos(s), definition: "stress (0.5–1.0) with probability 0.05 → 0.50 → 0.05 on a 250-turn sinusoid; other turns random behavioural mode, strength 0.1–1.0, confidence 0.3–1.0" },
];
