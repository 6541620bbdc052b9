// The sequential drift detector (profile.driftDetector = "sequential").
//
// The seed detector compares the EMA mode vector with an anchor against fixed
// thresholds, so its false-alarm rate depends on how noisy an agent happens
// to be, it cannot see a change in how often modes occur, and its anchor
// follows slow change. This one is calibrated on the agent itself:
//
// - Reference: the agent's own behaviour learned from its first observations
//   — how often each behavioural mode occurs, and each mode's mean intensity
//   and variance. After calibration it keeps learning only while there is no
//   evidence of change (CUSUM at zero), with a memory of REF_MEMORY
//   observations, so it cannot follow a ramp.
// - Recent behaviour: fast EWMAs of the mode indicators and of each mode's
//   intensity.
// - Evidence: a chi-square-like divergence of recent from reference, each
//   term standardised by the agent's own variability (and by the reference's
//   estimation error), averaged over the terms in play; a Page CUSUM of
//   (divergence − k) raises the alarm at h. h is the explicit delay/false-alarm
//   trade-off and drift_tolerance moves it (strict: earlier, more alarms).
// - Bursts: a run of one mode that the reference makes improbable (p^L <
//   RUN_IMPROBABLE) and that ends within BURST_MAX cycles is a burst: while it
//   lasts no alarm can be raised, and when it ends its evidence is discarded
//   (the recent statistics and the CUSUM return to their values before the
//   run). Longer runs count in full.
// - After an alarm the detector learns a candidate reference from what
//   follows; the alarm closes when recent behaviour agrees again with the old
//   reference (the change reverted) or, after ALARM_MIN cycles, with the
//   candidate, which then becomes the reference.
// stress_response observations are not identity evidence (stress has its own
// channel) and leave the detector untouched.
// Per-cycle cost is a fixed number of operations on 6-element arrays.

import { SEQUENTIAL } from "./constants.js";
import type { BehaviourStats, DriftMonitor, DriftTolerance } from "./types.js";

const N = 6;

function emptyStats(): BehaviourStats {
  return { n: 0, count: [0, 0, 0, 0, 0, 0], mean: [0, 0, 0, 0, 0, 0], variance: [0, 0, 0, 0, 0, 0] };
}

export function initialMonitor(): DriftMonitor {
  return {
    reference: emptyStats(),
    recentFreq: [0, 0, 0, 0, 0, 0],
    recentMean: [0, 0, 0, 0, 0, 0],
    seen: 0,
    cusum: 0,
    alarmAge: 0,
    candidate: null,
    settled: 0,
    reverting: 0,
    trendFast: 0,
    trendSlow: 0,
    runMode: -1,
    runClass: 0,
    runUnusual: 0,
    runLength: 0,
    runQuiet: 0,
    preRun: null,
    suspect: null,
  };
}

/** Folds one observation into stats whose memory is capped at `memory` observations. */
function learn(s: BehaviourStats, mode: number, strength: number, memory: number): BehaviourStats {
  const keep = s.n >= memory ? 1 - 1 / memory : 1;
  const count = new Array<number>(N);
  for (let i = 0; i < N; i++) count[i] = (s.count[i] as number) * keep;
  count[mode] = (count[mode] as number) + 1;
  const c = count[mode] as number;
  const mean = s.mean.slice();
  const variance = s.variance.slice();
  const m0 = s.mean[mode] as number;
  const m1 = c <= 1 ? strength : m0 + (strength - m0) / c;
  mean[mode] = m1;
  variance[mode] = c <= 1 ? 0 : (s.variance[mode] as number) + ((strength - m0) * (strength - m1) - (s.variance[mode] as number)) / c;
  return { n: s.n * keep + 1, count, mean, variance };
}

/** Smoothed frequency of a mode in stats (a Dirichlet prior keeps unseen modes possible). */
function freq(s: BehaviourStats, mode: number): number {
  return ((s.count[mode] as number) + SEQUENTIAL.FREQ_PRIOR) / (s.n + N * SEQUENTIAL.FREQ_PRIOR);
}

/** Variance of a mode's intensity, shrunk towards a prior while the mode has few observations. */
function intensityVariance(s: BehaviourStats, mode: number): number {
  const c = s.count[mode] as number;
  const k = SEQUENTIAL.VAR_PRIOR_WEIGHT;
  return (c * (s.variance[mode] as number) + k * SEQUENTIAL.VAR_PRIOR) / (c + k);
}

const EWMA_F = SEQUENTIAL.RECENT_RATE / (2 - SEQUENTIAL.RECENT_RATE);

/** Mean standardised squared divergence of the recent statistics from `ref` (≈ 1 when nothing changed). */
export function divergence(ref: BehaviourStats, recentFreq: readonly number[], recentMean: readonly number[]): number {
  let sum = 0;
  let terms = 0;
  const inv = 1 / Math.max(ref.n, 1);
  for (let i = 0; i < N; i++) {
    const p = freq(ref, i);
    const d = (recentFreq[i] as number) - p;
    sum += (d * d) / (Math.max(p * (1 - p), SEQUENTIAL.FREQ_VAR_FLOOR) * (EWMA_F + inv));
    if (p >= SEQUENTIAL.INTENSITY_MIN_FREQ && (ref.count[i] as number) >= 1) {
      const v = intensityVariance(ref, i);
      const e = (recentMean[i] as number) - (ref.mean[i] as number);
      sum += (e * e) / (v * (EWMA_F + 1 / (ref.count[i] as number)));
      terms++;
    }
  }
  // Six frequency terms carry five degrees of freedom.
  return sum / (terms + N - 1);
}

export function alarmThreshold(tolerance: DriftTolerance): number {
  const h = SEQUENTIAL.THRESHOLD;
  return tolerance === "strict" ? h * SEQUENTIAL.STRICT_FACTOR : tolerance === "permissive" ? h * SEQUENTIAL.PERMISSIVE_FACTOR : h;
}

/** Occurrences of a mode within SUSPECT_WINDOW cycles that the reference makes improbable (tail < SUSPECT_ALPHA). */
function returnsNeeded(p: number): number {
  const n = SEQUENTIAL.SUSPECT_WINDOW;
  // Binomial tail P(X ≥ c), summed from the top.
  let c = n;
  let tail = 0;
  let term = Math.pow(p, n);
  for (; c >= 1; c--) {
    if (tail + term >= SEQUENTIAL.SUSPECT_ALPHA) break;
    tail += term;
    term = (term * c * (1 - p)) / ((n - c + 1) * p);
  }
  return c + 1;
}

/** Intensity class of an observation: +1/−1 beyond INTENSITY_Z standard deviations above/below the mode's reference mean, else 0. */
function intensityClass(ref: BehaviourStats, mode: number, strength: number): number {
  if ((ref.count[mode] as number) < 1) return 0;
  const e = strength - (ref.mean[mode] as number);
  const bound = SEQUENTIAL.INTENSITY_Z * Math.sqrt(intensityVariance(ref, mode));
  return e > bound ? 1 : e < -bound ? -1 : 0;
}

/**
 * Is a run of `length` observations of one mode, `unusual` of them at an
 * unusual intensity, improbable under the reference (held as a possible
 * burst)? Each observation has probability p(mode), an unusual one also
 * INTENSITY_TAIL.
 */
function improbableRun(ref: BehaviourStats, mode: number, length: number, unusual: number): boolean {
  if (length < SEQUENTIAL.RUN_MIN) return false;
  return length * Math.log(freq(ref, mode)) + unusual * Math.log(SEQUENTIAL.INTENSITY_TAIL) < SEQUENTIAL.LOG_RUN_IMPROBABLE;
}

/**
 * Did this step close the alarm by adopting a new reference (re-anchor)? Closing by reverting
 * keeps the old reference object; adopting replaces it with the candidate.
 */
export function adoptedNewReference(prev: DriftMonitor, next: DriftMonitor): boolean {
  return prev.alarmAge > 0 && next.alarmAge === 0 && next.reference !== prev.reference;
}

/** While an alarm is open: modes whose recent frequency moved by at least AFFECTED_FREQ_DELTA from the reference (bit mask). */
export function frequencyMask(m: DriftMonitor): number {
  let mask = 0;
  if (m.alarmAge > 0) {
    for (let i = 0; i < N; i++) if (Math.abs((m.recentFreq[i] as number) - freq(m.reference, i)) >= SEQUENTIAL.AFFECTED_FREQ_DELTA) mask |= 1 << i;
  }
  return mask;
}

/** One behavioural observation (mode 0..5, strength in [0, 1]). */
export function stepMonitor(m: DriftMonitor, mode: number, strength: number, tolerance: DriftTolerance): DriftMonitor {
  const P = SEQUENTIAL;
  const seen = m.seen + 1;

  // Runs and the burst hold. A run starts at a surprising observation (a
  // rare mode, or an unusual intensity) and continues while its mode repeats,
  // until QUIET_END ordinary observations in a row; its class is that of its
  // first unusual intensity.
  const cls = intensityClass(m.reference, mode, strength);
  const surprising = cls !== 0 || freq(m.reference, mode) < P.RARE_FREQ;
  const active = m.runMode >= 0;
  const continues = active && mode === m.runMode && (surprising || m.runQuiet + 1 < P.QUIET_END);
  const ended = active && !continues;
  const starts = !continues && surprising;
  const runMode = continues || starts ? mode : -1;
  const runLength = continues ? m.runLength + 1 : starts ? 1 : 0;
  const runQuiet = continues && !surprising ? m.runQuiet + 1 : 0;
  const runClass = continues && m.runClass !== 0 ? m.runClass : starts || continues ? cls : 0;
  const runUnusual = (continues ? m.runUnusual : 0) + (cls !== 0 && cls === runClass ? 1 : 0);
  let recentFreq: readonly number[] = m.recentFreq;
  let recentMean: readonly number[] = m.recentMean;
  let cusum = m.cusum;
  let preRun = m.preRun;
  let suspect = m.suspect;
  if (suspect !== null) {
    // A forgiven burst whose mode keeps coming back more than the reference allows was the start of a
    // change: restore its statistics (not its CUSUM, which must build again from them).
    const hits = suspect.hits + (mode === suspect.mode && (suspect.sign === 0 || cls === suspect.sign) ? 1 : 0);
    const age = suspect.age + 1;
    if (hits >= suspect.needed) {
      const fade = Math.pow(1 - P.RECENT_RATE, age);
      const f = recentFreq.slice();
      for (let i = 0; i < N; i++) f[i] = (f[i] as number) + (suspect.freqDelta[i] as number) * fade;
      const mu = recentMean.slice();
      mu[suspect.mode] = (mu[suspect.mode] as number) + suspect.meanDelta * Math.pow(1 - P.RECENT_RATE, hits - 1);
      recentFreq = f;
      recentMean = mu;
      preRun = null;
      suspect = null;
    } else if (age >= P.SUSPECT_WINDOW) suspect = null;
    // Spelled out rather than spread: an object spread here cost more than the rest of the branch.
    else suspect = { mode: suspect.mode, sign: suspect.sign, freqDelta: suspect.freqDelta, meanDelta: suspect.meanDelta, age, hits, needed: suspect.needed };
  }
  if (ended) {
    // A held run that ended within BURST_MAX was a burst: forget it, but keep it on probation.
    const length = m.runLength - m.runQuiet;
    if (preRun !== null && length <= P.BURST_MAX && improbableRun(m.reference, m.runMode, length, m.runUnusual)) {
      const freqDelta = new Array<number>(N);
      for (let i = 0; i < N; i++) freqDelta[i] = (recentFreq[i] as number) - (preRun.recentFreq[i] as number);
      const pm = freq(m.reference, m.runMode);
      // Mostly unusual intensities: only returns at that intensity count; otherwise any return of the mode.
      const sign = 2 * m.runUnusual > length ? m.runClass : 0;
      suspect = {
        mode: m.runMode,
        sign,
        freqDelta,
        meanDelta: (recentMean[m.runMode] as number) - (preRun.recentMean[m.runMode] as number),
        age: 0,
        hits: 0,
        needed: returnsNeeded(sign === 0 ? pm : pm * P.INTENSITY_TAIL),
      };
      recentFreq = preRun.recentFreq;
      recentMean = preRun.recentMean;
      cusum = Math.min(cusum, preRun.cusum);
    }
  }
  if (starts) preRun = { recentFreq, recentMean, cusum };
  else if (runMode < 0) preRun = null;

  // Recent behaviour.
  const r = P.RECENT_RATE;
  const nextFreq = new Array<number>(N);
  for (let i = 0; i < N; i++) nextFreq[i] = (recentFreq[i] as number) * (1 - r);
  nextFreq[mode] = (nextFreq[mode] as number) + r;
  const nextMean = recentMean.slice();
  const seenBefore = (m.reference.count[mode] as number) > 0 || (recentFreq[mode] as number) > 0;
  nextMean[mode] = seenBefore ? (recentMean[mode] as number) + (strength - (recentMean[mode] as number)) * r : strength;

  // Calibration: learn the reference, raise nothing.
  if (seen <= P.CALIBRATION) {
    return { ...m, reference: learn(m.reference, mode, strength, P.REF_MEMORY), recentFreq: nextFreq, recentMean: nextMean, seen, runMode: -1, runClass: 0, runUnusual: 0, runLength: 0, runQuiet: 0, preRun: null, suspect: null };
  }

  const held = runMode >= 0 && improbableRun(m.reference, mode, runLength - runQuiet, runUnusual) && runLength - runQuiet <= P.BURST_MAX;
  const dRef = divergence(m.reference, nextFreq, nextMean);
  cusum = Math.max(0, cusum + dRef - P.DRIFT_ALLOWANCE);
  let reference = m.reference;
  let alarmAge = m.alarmAge;
  let candidate = m.candidate;
  let settled = m.settled;
  let reverting = m.reverting;
  let trendFast = m.trendFast;
  let trendSlow = m.trendSlow;

  if (alarmAge === 0) {
    if (cusum >= alarmThreshold(tolerance) && !held) {
      alarmAge = 1;
      candidate = learn(emptyStats(), mode, strength, P.CANDIDATE_MEMORY);
      settled = 0;
      suspect = null;
      reverting = 0;
    } else if (cusum === 0) {
      reference = learn(reference, mode, strength, P.REF_MEMORY);
    }
  } else {
    alarmAge++;
    const cand = learn(candidate as BehaviourStats, mode, strength, P.CANDIDATE_MEMORY);
    candidate = cand;
    // Two closing conditions, each needing SETTLE_CYCLES in a row: back to the old reference, or settled on the new one.
    reverting = dRef < P.REVERT_LEVEL ? reverting + 1 : 0;
    // A behaviour still moving away (a ramp) keeps the divergence from the old reference rising: not settled yet.
    trendFast += (dRef - trendFast) * P.TREND_FAST;
    trendSlow += (dRef - trendSlow) * P.TREND_SLOW;
    const rising = trendFast > trendSlow * P.RISE_RATIO;
    settled = !rising && alarmAge >= P.ALARM_MIN && divergence(cand, nextFreq, nextMean) < P.DRIFT_ALLOWANCE ? settled + 1 : 0;
    if (reverting >= P.SETTLE_CYCLES || settled >= P.SETTLE_CYCLES) {
      if (reverting < P.SETTLE_CYCLES) reference = cand;
      reverting = 0;
      alarmAge = 0;
      candidate = null;
      settled = 0;
      cusum = 0;
      preRun = { recentFreq: nextFreq, recentMean: nextMean, cusum: 0 };
      suspect = null;
    }
  }

  return { reference, recentFreq: nextFreq, recentMean: nextMean, seen, cusum, alarmAge, candidate, settled, reverting, trendFast, trendSlow, runMode, runClass, runUnusual, runLength, runQuiet, preRun, suspect };
}

/** After a D3 rollback or an operator's reset: the open alarm and its evidence are dropped; the reference stays. */
export function clearAlarm(m: DriftMonitor): DriftMonitor {
  return { ...m, cusum: 0, alarmAge: 0, candidate: null, settled: 0, reverting: 0, preRun: null, suspect: null, runMode: -1, runClass: 0, runUnusual: 0, runLength: 0, runQuiet: 0 };
}
