// Distribution drift, measured every cycle. The recent side is the last `window` cycles; the
// baseline is the contract's expected distribution (as `priorWeight` pseudo-observations) plus
// every cycle *before* the window — never the window itself (nomotic-notes §5.1 pitfall 1).
import { addCount, jensenShannon, total, type Counts } from "./counts.js";
import type { Dimension, Distribution, SemanticAnchor } from "./model.js";
import type { DriftScores, EnforcementState, WindowEntry } from "./state.js";

export interface DriftConfig {
  window: number;
  minObservations: number;
  priorWeight: number;
  expected: Record<Dimension, Distribution>;
  anchors: readonly SemanticAnchor[];
  /** Weights of the overall drift. */
  weights: { action: number; target: number; temporal: number; outcome: number; semantic: number };
}

/** Semantic drift weighs the action mapping 0.6 and the target mapping 0.4. */
const SEMANTIC_ACTION_WEIGHT = 0.6;

export function tagOf(entry: WindowEntry, dimension: Dimension): string | null {
  return dimension === "action" ? entry.a : dimension === "target" ? entry.t : entry.o;
}

function countTags(entries: readonly WindowEntry[], tag: (e: WindowEntry) => string | null): Counts {
  const counts: Counts = {};
  for (const e of entries) {
    const k = tag(e);
    if (k !== null) addCount(counts, k);
  }
  return counts;
}

function scaled(d: Distribution, weight: number): Counts {
  const counts: Counts = {};
  if (weight > 0) for (const [k, v] of Object.entries(d)) if (v > 0) addCount(counts, k, v * weight);
  return counts;
}

function merged(...parts: Counts[]): Counts {
  const out: Counts = {};
  for (const part of parts) for (const [k, v] of Object.entries(part)) addCount(out, k, v);
  return out;
}

/** JSD once the recent side has enough observations and the baseline is not empty; else null. */
function measured(recent: Counts, baseline: Counts, minObservations: number): number | null {
  if (total(recent) < minObservations || total(baseline) <= 0) return null;
  return jensenShannon(baseline, recent);
}

export interface DriftResult {
  scores: DriftScores;
  /** Semantic drift per anchored term; null until the term has enough observations. */
  terms: Map<string, number | null>;
}

export function measureDrift(config: DriftConfig, state: EnforcementState): DriftResult {
  const split = Math.max(0, state.window.length - config.window);
  const older = state.window.slice(0, split);
  const recent = state.window.slice(split);
  const score = (dimension: Dimension): number | null =>
    measured(
      countTags(recent, (e) => tagOf(e, dimension)),
      merged(scaled(config.expected[dimension], config.priorWeight), state.baseline[dimension], countTags(older, (e) => tagOf(e, dimension))),
      config.minObservations,
    );
  const hour = (e: WindowEntry) => String(e.h);
  const temporal = measured(countTags(recent, hour), merged(state.baseline.hour, countTags(older, hour)), config.minObservations);

  const terms = new Map<string, number | null>();
  for (const anchor of config.anchors) terms.set(anchor.term, termDrift(anchor, recent, config.minObservations));
  const termScores = [...terms.values()].filter((v): v is number => v !== null);
  const semantic = termScores.length > 0 ? Math.max(...termScores) : null;

  const scores: DriftScores = {
    action: score("action"),
    target: score("target"),
    temporal,
    outcome: score("outcome"),
    semantic,
    overall: null,
  };
  let weighted = 0;
  let weights = 0;
  for (const d of ["action", "target", "temporal", "outcome", "semantic"] as const) {
    const s = scores[d];
    if (s !== null) {
      weighted += config.weights[d] * s;
      weights += config.weights[d];
    }
  }
  scores.overall = weights > 0 ? Math.min(1, weighted / weights) : null;
  return { scores, terms };
}

function termDrift(anchor: SemanticAnchor, recent: readonly WindowEntry[], minObservations: number): number | null {
  const under = recent.filter((e) => e.s === anchor.term);
  if (under.length < minObservations) return null;
  const parts: [number, number][] = [];
  const part = (expected: Distribution, tag: (e: WindowEntry) => string | null, weight: number) => {
    const observed = countTags(under, tag);
    if (Object.keys(expected).length > 0 && total(observed) > 0) parts.push([weight, jensenShannon(scaled(expected, 1), observed)]);
  };
  part(anchor.expectedActionDistribution, (e) => e.a, SEMANTIC_ACTION_WEIGHT);
  part(anchor.expectedTargetDistribution, (e) => e.t, 1 - SEMANTIC_ACTION_WEIGHT);
  if (parts.length === 0) return null;
  const w = parts.reduce((s, [weight]) => s + weight, 0);
  return parts.reduce((s, [weight, d]) => s + weight * d, 0) / w;
}
