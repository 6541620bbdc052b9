// Distribution drift, measured every cycle. The recent side is the last `window` cycles; the
// baseline is the contract's expected distribution (as `priorWeight` pseudo-observations) plus
// every cycle *before* the window — never the window itself (nomotic-notes §5.1 pitfall 1).
// Both sides are the incremental counts of window-monitors.ts, so a cycle's cost depends on the
// number of distinct tags, not on the window's length.
import { countOf, type Counts } from "./counts.js";
import type { Dimension, Distribution, SemanticAnchor } from "./model.js";
import type { DriftScores } from "./state.js";
import type { WindowMonitors } from "./window-monitors.js";

export { tagOf } from "./window-monitors.js";

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

/** The positive part of an expected distribution, each share times `weight`: the prior's pseudo-counts. */
interface Prior {
  keys: string[];
  values: number[];
  total: number;
}

const NO_PRIOR: Prior = { keys: [], values: [], total: 0 };
const priors = new WeakMap<Distribution, Map<number, Prior>>();

function priorOf(d: Distribution, weight: number): Prior {
  if (weight <= 0) return NO_PRIOR;
  let byWeight = priors.get(d);
  if (!byWeight) priors.set(d, (byWeight = new Map()));
  let p = byWeight.get(weight);
  if (!p) {
    p = { keys: [], values: [], total: 0 };
    for (const [k, v] of Object.entries(d)) {
      if (v <= 0) continue;
      p.keys.push(k);
      p.values.push(v * weight);
      p.total += v * weight;
    }
    byWeight.set(weight, p);
  }
  return p;
}

function term(a: number, b: number): number {
  const m = (a + b) / 2;
  let s = 0;
  if (a > 0) s += a * Math.log2(a / m);
  if (b > 0) s += b * Math.log2(b / m);
  return s;
}

/**
 * Jensen-Shannon divergence (log base 2, in [0, 1]) between the baseline (prior pseudo-counts
 * plus `older`) and `recent`, read from the counts in place. Both sides must be non-empty.
 */
function divergence(prior: Prior, older: Counts, olderN: number, recent: Counts, recentN: number): number {
  const sp = prior.total + olderN;
  const sq = recentN;
  let sum = 0;
  const keys = prior.keys;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    sum += term((prior.values[i]! + countOf(older, k)) / sp, countOf(recent, k) / sq);
  }
  for (const k in older) if (!keys.includes(k)) sum += term((older[k] as number) / sp, countOf(recent, k) / sq);
  for (const k in recent) if (!keys.includes(k) && !Object.hasOwn(older, k)) sum += term(0, (recent[k] as number) / sq);
  return Math.min(1, Math.max(0, sum / 2));
}

export interface DriftResult {
  scores: DriftScores;
  /** Semantic drift per anchored term; null until the term has enough observations. */
  terms: Map<string, number | null>;
}

function score(m: WindowMonitors, d: Dimension | "hour", prior: Prior, min: number): number | null {
  const recentN = m.recentN[d];
  const olderN = m.olderN[d];
  if (recentN < min || prior.total + olderN <= 0) return null;
  return divergence(prior, m.older[d], olderN, m.recent[d], recentN);
}

export function measureDrift(config: DriftConfig, m: WindowMonitors): DriftResult {
  const min = config.minObservations;
  const terms = new Map<string, number | null>();
  let semantic: number | null = null;
  for (const anchor of config.anchors) {
    const t = termDrift(anchor, m, min);
    terms.set(anchor.term, t);
    if (t !== null && (semantic === null || t > semantic)) semantic = t;
  }
  const scores: DriftScores = {
    action: score(m, "action", priorOf(config.expected.action, config.priorWeight), min),
    target: score(m, "target", priorOf(config.expected.target, config.priorWeight), min),
    temporal: score(m, "hour", NO_PRIOR, min),
    outcome: score(m, "outcome", priorOf(config.expected.outcome, config.priorWeight), min),
    semantic,
    overall: null,
  };
  let weighted = 0;
  let weights = 0;
  for (const d of OVERALL_PARTS) {
    const s = scores[d];
    if (s !== null) {
      weighted += config.weights[d] * s;
      weights += config.weights[d];
    }
  }
  scores.overall = weights > 0 ? Math.min(1, weighted / weights) : null;
  return { scores, terms };
}

const OVERALL_PARTS = ["action", "target", "temporal", "outcome", "semantic"] as const;

function termDrift(anchor: SemanticAnchor, m: WindowMonitors, minObservations: number): number | null {
  const under = Object.hasOwn(m.terms, anchor.term) ? m.terms[anchor.term]! : null;
  if (under === null || under.n < minObservations) return null;
  let weighted = 0;
  let weights = 0;
  const part = (expected: Distribution, observed: Counts, observedN: number, weight: number) => {
    const prior = priorOf(expected, 1);
    if (prior.total > 0 && observedN > 0) {
      weighted += weight * divergence(prior, EMPTY, 0, observed, observedN);
      weights += weight;
    }
  };
  part(anchor.expectedActionDistribution, under.action, under.an, SEMANTIC_ACTION_WEIGHT);
  part(anchor.expectedTargetDistribution, under.target, under.tn, 1 - SEMANTIC_ACTION_WEIGHT);
  return weights === 0 ? null : weighted / weights;
}

const EMPTY: Counts = Object.freeze({}) as Counts;
