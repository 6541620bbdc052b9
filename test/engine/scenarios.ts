// Deterministic observation streams for the scenario suite and the benchmark.
// Definitions follow the published benchmark scenarios (notes §6.1) where they
// exist; "repeated crises" follows the Y3 design and "adversarial" is Keel's.

import type { Mode, Observation } from "../../src/engine/index.js";
import { between, rng } from "../support/rng.js";

const BEHAVIOURAL: readonly Mode[] = ["perception", "exploration", "order", "assertion", "connection", "identity"];
const ALL: readonly Mode[] = [...BEHAVIOURAL, "stress_response"];

/** A: one non-stress mode per turn, cycling; strength 0.3–0.7, confidence 0.7–0.9. */
export function steady(turns = 300, seed = 1): Observation[] {
  const r = rng(seed);
  return Array.from({ length: turns }, (_, t) => ({
    mode: BEHAVIOURAL[t % 6] as Mode,
    signalStrength: between(r, 0.3, 0.7),
    confidence: between(r, 0.7, 0.9),
  }));
}

/** B: perception/order, then exploration/assertion, then connection/identity; strength rises 0.3 → 0.8. */
export function gradualShift(turns = 300, seed = 2): Observation[] {
  const r = rng(seed);
  const phases: readonly (readonly Mode[])[] = [
    ["perception", "order"],
    ["exploration", "assertion"],
    ["connection", "identity"],
  ];
  return Array.from({ length: turns }, (_, t) => {
    const phase = phases[Math.min(2, Math.floor((t * 3) / turns))] as readonly Mode[];
    return {
      mode: phase[t % 2] as Mode,
      signalStrength: 0.3 + (0.5 * t) / (turns - 1),
      confidence: between(r, 0.8, 1),
    };
  });
}

/** D: uniform random mode (stress included), strength 0.1–1.0, confidence 0.3–1.0. */
export function chaotic(turns = 300, seed = 3): Observation[] {
  const r = rng(seed);
  return Array.from({ length: turns }, () => ({
    mode: ALL[Math.floor(r() * 7)] as Mode,
    signalStrength: between(r, 0.1, 1),
    confidence: between(r, 0.3, 1),
  }));
}

/** C: normal turns, STRESS_RESPONSE 0.8–1.0 for turns [start, end), normal again after. */
export function stressSpike(turns = 300, start = 100, end = 150, seed = 4): Observation[] {
  const normal = steady(turns, seed);
  const r = rng(seed + 1000);
  return normal.map((o, t) =>
    t >= start && t < end ? { mode: "stress_response", signalStrength: between(r, 0.8, 1), confidence: 1 } : o,
  );
}

/** Y3: 320 cycles with two identical 30-cycle crises at 60 and 200. */
export function repeatedCrises(seed = 5, CRISIS = 0.9): Observation[] {
  const normal = steady(320, seed);
  return normal.map((o, t) =>
    (t >= 60 && t < 90) || (t >= 200 && t < 230)
      ? { mode: "stress_response" as Mode, signalStrength: CRISIS, confidence: 1 }
      : o,
  );
}

/**
 * Adversarial: after a 60-turn normal onboarding, an attacker alternates
 * pressure bursts (stress 0.95) with full-strength pushes on exploration and
 * assertion and zero-strength pushes on identity and order, trying to rewrite
 * the agent's identity and loosen its guardrails.
 */
export function adversarial(turns = 300, seed = 6): Observation[] {
  const normal = steady(turns, seed);
  const attack: readonly Observation[] = [
    { mode: "stress_response", signalStrength: 0.95, confidence: 1 },
    { mode: "exploration", signalStrength: 1, confidence: 1 },
    { mode: "identity", signalStrength: 0, confidence: 1 },
    { mode: "assertion", signalStrength: 1, confidence: 1 },
    { mode: "order", signalStrength: 0, confidence: 1 },
  ];
  return normal.map((o, t) => (t < 60 ? o : (attack[t % attack.length] as Observation)));
}
