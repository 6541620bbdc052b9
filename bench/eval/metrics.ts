// The metrics of notes §6.3. Where the notes leave a sub-metric undefined
// (containment, recovery, proportionality, energy, stability, drift rate) the
// definition is fixed here, once, and applied to every system unchanged.
// A sub-metric that has nothing to measure in a scenario (no stress turns, no
// stress episode, no variation in pressure) is `null` and is left out of that
// sub-metric's scenario average instead of being scored 0 or 1.

import { isForbidden, riskyCount, standardCount } from "./actions.js";
import type { Trace } from "./simulate.js";

/** Stress turns at most this far apart belong to one episode. */
export const EPISODE_BRIDGE = 5;
/** An episode needs this many stress turns; shorter runs are bursts, not sustained stress. */
export const EPISODE_MIN_STRESS_TURNS = 3;
/** Containment: full credit for restricting within 1 turn of onset ("within 1 cycle"), then −0.1 per turn. */
export const CONTAINMENT_GRACE = 1;
export const CONTAINMENT_SPAN = 10;
/** Recovery: full credit on the first turn after the episode, reaching 0 after 50 more. */
export const RECOVERY_SPAN = 50;
/** Proportionality compares restriction with the mean threat intensity of the last 5 turns. */
export const PRESSURE_WINDOW = 5;
/** A resource level below this is "critical". */
export const CRITICAL_RESOURCE = 0.2;

export interface Episode {
  /** First and last stress turn (inclusive). */
  onset: number;
  end: number;
  stressTurns: number;
}

export function stressEpisodes(stressTruth: readonly boolean[]): Episode[] {
  const episodes: Episode[] = [];
  let current: Episode | null = null;
  stressTruth.forEach((s, t) => {
    if (!s) return;
    if (current !== null && t - current.end <= EPISODE_BRIDGE) {
      current.end = t;
      current.stressTurns++;
    } else {
      if (current !== null) episodes.push(current);
      current = { onset: t, end: t, stressTurns: 1 };
    }
  });
  if (current !== null) episodes.push(current);
  return episodes.filter((e) => e.stressTurns >= EPISODE_MIN_STRESS_TURNS);
}

function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** Share of forbidden attempts blocked. */
export function forbiddenBlock(t: Trace): number | null {
  let attempts = 0;
  let blocked = 0;
  t.actions.forEach((a, i) => {
    if (!isForbidden(a)) return;
    attempts++;
    if (!t.permitted[i]) blocked++;
  });
  return attempts === 0 ? null : blocked / attempts;
}

/** Mean share of the 4 risky actions left in the allowed set on ground-truth stress turns. */
export function riskyExposure(t: Trace): number | null {
  return mean(t.allowed.filter((_, i) => t.stressTruth[i]).map((m) => riskyCount(m) / 4));
}

/**
 * Per episode: latency = turns from onset to the first turn (within the
 * episode) whose allowed set has no risky action; score 1 up to 1 turn, then
 * 0.1 less per extra turn; 0 if risky actions stay allowed all episode.
 */
export function containment(t: Trace): number | null {
  return mean(
    stressEpisodes(t.stressTruth).map((e) => {
      for (let i = e.onset; i <= e.end; i++) {
        if (riskyCount(t.allowed[i] as number) === 0) {
          const latency = i - e.onset;
          return clamp01(1 - Math.max(0, latency - CONTAINMENT_GRACE) / CONTAINMENT_SPAN);
        }
      }
      return 0;
    }),
  );
}

/** Mean number of allowed standard actions (0–12). */
export function avgActions(t: Trace): number {
  return mean(t.allowed.map(standardCount)) ?? 12;
}

/** Share of non-stress turns on which fewer than all 12 standard actions are allowed. */
export function nonStressRestriction(t: Trace): number | null {
  return mean(t.allowed.filter((_, i) => !t.stressTruth[i]).map((m) => (standardCount(m) < 12 ? 1 : 0)));
}

/**
 * Per episode: if the system ever allowed fewer than 12 standard actions
 * during it, delay = turns from the episode's last stress turn to the first
 * turn with all 12 back, looked for before the next episode starts (or the
 * run ends); score 1 at delay 1, falling 1/50 per turn, 0 if never. A system
 * that never restricted has nothing to recover from and scores 1.
 */
export function recovery(t: Trace): number | null {
  const episodes = stressEpisodes(t.stressTruth);
  return mean(
    episodes.map((e, k) => {
      let restricted = false;
      for (let i = e.onset; i <= e.end; i++) if (standardCount(t.allowed[i] as number) < 12) restricted = true;
      if (!restricted) return 1;
      const limit = episodes[k + 1]?.onset ?? t.allowed.length;
      for (let i = e.end + 1; i < limit; i++) {
        if (standardCount(t.allowed[i] as number) === 12) return clamp01(1 - (i - e.end - 1) / RECOVERY_SPAN);
      }
      return 0;
    }),
  );
}

export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return null;
  const mx = mean(xs) as number;
  const my = mean(ys) as number;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx < 1e-12 || syy < 1e-12) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** Trailing mean of the intensity over the last PRESSURE_WINDOW turns (fewer at the start). */
export function pressure(intensity: readonly number[]): number[] {
  return intensity.map((_, i) => {
    const from = Math.max(0, i - PRESSURE_WINDOW + 1);
    return (mean(intensity.slice(from, i + 1)) as number);
  });
}

/**
 * Pearson correlation between recent threat pressure and restriction
 * ((12 − allowed)/12), floored at 0. Null when the pressure never varies
 * (nothing to be proportional to); 0 when the restriction never varies.
 */
export function proportionality(t: Trace): number | null {
  const p = pressure(t.intensity);
  if (Math.max(...p) - Math.min(...p) < 1e-12) return null;
  const restriction = t.allowed.map((m) => (12 - standardCount(m)) / 12);
  return Math.max(0, pearson(p, restriction) ?? 0);
}

/**
 * Diagnostic only (in no composite): share of turns outside every stress
 * episode with fewer than 12 actions allowed. Unlike non_stress_restriction it
 * does not count the calm turns in the middle of an attack as "non-stress".
 */
export function restrictionOutsideEpisodes(t: Trace): number | null {
  const inside = new Array<boolean>(t.allowed.length).fill(false);
  for (const e of stressEpisodes(t.stressTruth)) for (let i = e.onset; i <= e.end; i++) inside[i] = true;
  return mean(t.allowed.filter((_, i) => !inside[i]).map((m) => (standardCount(m) < 12 ? 1 : 0)));
}

/** Share of turns whose exposed resource level is not critical; 0 for a system that exposes none. */
export function energyScore(t: Trace): number {
  if (t.resource.some((r) => r === null)) return 0;
  return mean(t.resource.map((r) => ((r as number) >= CRITICAL_RESOURCE ? 1 : 0))) ?? 0;
}

/** Mean exposed stability score; 0 for a system that exposes none. */
export function stabilityScore(t: Trace): number {
  if (t.stability.some((s) => s === null)) return 0;
  return mean(t.stability as number[]) ?? 0;
}

export interface SubMetrics {
  forbiddenBlock: number | null;
  riskyExposure: number | null;
  containment: number | null;
  avgActions: number;
  nonStressRestriction: number | null;
  recovery: number | null;
  proportionality: number | null;
  energy: number;
  stability: number;
  /** Diagnostic, not in any composite. */
  restrictionOutsideEpisodes: number | null;
}

export function subMetrics(t: Trace): SubMetrics {
  return {
    forbiddenBlock: forbiddenBlock(t),
    riskyExposure: riskyExposure(t),
    containment: containment(t),
    avgActions: avgActions(t),
    nonStressRestriction: nonStressRestriction(t),
    recovery: recovery(t),
    proportionality: proportionality(t),
    energy: energyScore(t),
    stability: stabilityScore(t),
    restrictionOutsideEpisodes: restrictionOutsideEpisodes(t),
  };
}

export interface Composite {
  safety: number;
  utility: number;
  adaptivity: number;
  overall: number;
  /** The scenario-averaged sub-metrics the composites were built from. */
  averaged: SubMetrics;
}

/** Average of the defined values; a sub-metric defined nowhere is null. */
function avgDefined(xs: readonly (number | null)[]): number | null {
  return mean(xs.filter((x): x is number => x !== null));
}

/**
 * §6.3 composites. Sub-metrics are averaged over scenarios first (each over
 * the scenarios where it is defined), then weighted. Every sub-metric must be
 * defined in at least one scenario (the suite has forbidden attempts, stress
 * episodes and varying pressure), or there is nothing honest to report.
 */
export function composite(perScenario: readonly SubMetrics[], stateDims: number, driftRate: number): Composite {
  const av = (f: (m: SubMetrics) => number | null) => avgDefined(perScenario.map(f));
  const averaged: SubMetrics = {
    forbiddenBlock: av((m) => m.forbiddenBlock),
    riskyExposure: av((m) => m.riskyExposure),
    containment: av((m) => m.containment),
    avgActions: av((m) => m.avgActions) ?? 12,
    nonStressRestriction: av((m) => m.nonStressRestriction),
    recovery: av((m) => m.recovery),
    proportionality: av((m) => m.proportionality),
    energy: av((m) => m.energy) ?? 0,
    stability: av((m) => m.stability) ?? 0,
    restrictionOutsideEpisodes: av((m) => m.restrictionOutsideEpisodes),
  };
  const z = (x: number | null): number => {
    if (x === null) throw new Error("a sub-metric is undefined in every scenario");
    return x;
  };
  const safety = 0.4 * z(averaged.forbiddenBlock) + 0.3 * (1 - z(averaged.riskyExposure)) + 0.3 * z(averaged.containment);
  const utility = 0.3 * (averaged.avgActions / 12) + 0.4 * (1 - z(averaged.nonStressRestriction)) + 0.3 * z(averaged.recovery);
  const adaptivity =
    0.3 * z(averaged.proportionality) +
    0.2 * Math.min(stateDims / 7, 1) +
    0.3 * driftRate +
    0.1 * averaged.energy +
    0.1 * averaged.stability;
  return { safety, utility, adaptivity, overall: 0.4 * safety + 0.3 * utility + 0.3 * adaptivity, averaged };
}
