// Incremental monitors over the cycle window: the drift split (the last `policy.window` cycles
// against everything before them), the anchored terms' recent tags, and the tag counts over each
// window that a count, ratio or distribution invariant reads. A cycle entering the window adds
// its tags; the cycle that leaves a monitor's span (the one `span` places back) subtracts its
// tags: constant work per monitor per cycle, never a rescan of the window. Counts are integers,
// so a monitor always equals the counts recomputed from the window (the oracle in
// test/contracts/incremental-monitors.test.ts). The state is plain JSON, persisted with the
// enforcement state; a state without it (written before it existed) or a new contract version
// rebuilds it once from the window and the baseline.
import { addCount, type Counts } from "./counts.js";
import type { Dimension } from "./model.js";
import type { EnforcementState, WindowEntry } from "./state.js";

/** The drift dimensions' counts: the three tags and the UTC hour. */
export interface TagCounts {
  action: Counts;
  target: Counts;
  outcome: Counts;
  hour: Counts;
}

/** Tag counts over the last `span` cycles, for window invariants. */
export interface SpanCounts {
  counts: Counts;
  /** Cycles in the span that carried the tag. */
  n: number;
  /** Keys with a count above zero. */
  distinct: number;
  /** Only for "largest share" rules: freq[c] = keys whose count is c (up to the largest), and the largest count. */
  freq: number[] | null;
  max: number;
}

export interface TermCounts {
  /** Recent cycles under the term; of them, those with an action and those with a target. */
  n: number;
  an: number;
  tn: number;
  action: Counts;
  target: Counts;
}

export interface WindowMonitors {
  /** Drift: the last `window` cycles (exact counts, at most `window` keys). */
  recent: TagCounts;
  /** Cycles in `recent` that carried each tag (the hour is always carried). */
  recentN: { action: number; target: number; outcome: number; hour: number };
  /** Drift: every cycle before the recent part (the baseline plus the window's older part), pooled like the baseline. */
  older: TagCounts;
  olderN: { action: number; target: number; outcome: number; hour: number };
  /** Anchored term → its recent cycles' action and target counts. */
  terms: Record<string, TermCounts>;
  /** Span monitor key ("<dimension>/<span>") → counts. */
  spans: Record<string, SpanCounts>;
}

/** A span monitor as compiled: which tag over how many cycles, and whether it tracks the largest count. */
export interface SpanSpec {
  key: string;
  dimension: Dimension;
  span: number;
  freq: boolean;
}

/** What the monitors are built from (compiled once per contract version). */
export interface MonitorSpec {
  /** The drift window (policy.window). */
  window: number;
  terms: readonly string[];
  spans: readonly SpanSpec[];
}

const HOURS: readonly string[] = Array.from({ length: 24 }, (_, h) => String(h));

export function spanKey(dimension: Dimension, span: number): string {
  return `${dimension}/${span}`;
}

export function tagOf(entry: WindowEntry, dimension: Dimension): string | null {
  return dimension === "action" ? entry.a : dimension === "target" ? entry.t : entry.o;
}

function emptyTags(): TagCounts {
  return { action: {}, target: {}, outcome: {}, hour: {} };
}

/** Adds `d` (±1) to an exact count, deleting keys that reach zero; returns the new count. */
function bump(counts: Counts, key: string, d: number): number {
  if (Object.hasOwn(counts, key)) {
    // Own data property: plain assignment is safe even for "__proto__".
    const n = (counts[key] as number) + d;
    if (n === 0) delete counts[key];
    else counts[key] = n;
    return n;
  }
  Object.defineProperty(counts, key, { value: d, writable: true, enumerable: true, configurable: true });
  return d;
}

/** Adds one to a pooled count (the baseline's rule: at most MAX_COUNT_KEYS keys). */
function pooled(counts: Counts, key: string): void {
  if (Object.hasOwn(counts, key)) counts[key] = (counts[key] as number) + 1;
  else addCount(counts, key);
}

function enterRecent(m: WindowMonitors, e: WindowEntry): void {
  const r = m.recent;
  const n = m.recentN;
  if (e.a !== null) (bump(r.action, e.a, 1), n.action++);
  if (e.t !== null) (bump(r.target, e.t, 1), n.target++);
  if (e.o !== null) (bump(r.outcome, e.o, 1), n.outcome++);
  bump(r.hour, HOURS[e.h] ?? String(e.h), 1);
  n.hour++;
  if (e.s !== null && Object.hasOwn(m.terms, e.s)) termBump(m.terms[e.s]!, e, 1);
}

/** Moves a cycle from the recent part to the older part. */
function leaveRecent(m: WindowMonitors, e: WindowEntry): void {
  const r = m.recent;
  const n = m.recentN;
  const o = m.older;
  const on = m.olderN;
  if (e.a !== null) (bump(r.action, e.a, -1), n.action--, pooled(o.action, e.a), on.action++);
  if (e.t !== null) (bump(r.target, e.t, -1), n.target--, pooled(o.target, e.t), on.target++);
  if (e.o !== null) (bump(r.outcome, e.o, -1), n.outcome--, pooled(o.outcome, e.o), on.outcome++);
  const h = HOURS[e.h] ?? String(e.h);
  bump(r.hour, h, -1);
  n.hour--;
  pooled(o.hour, h);
  on.hour++;
  if (e.s !== null && Object.hasOwn(m.terms, e.s)) termBump(m.terms[e.s]!, e, -1);
}

function termBump(t: TermCounts, e: WindowEntry, d: number): void {
  t.n += d;
  if (e.a !== null) (bump(t.action, e.a, d), (t.an += d));
  if (e.t !== null) (bump(t.target, e.t, d), (t.tn += d));
}

function spanBump(s: SpanCounts, key: string | null, d: number): void {
  if (key === null) return;
  s.n += d;
  const before = Object.hasOwn(s.counts, key) ? (s.counts[key] as number) : 0;
  const after = bump(s.counts, key, d);
  if (before === 0) s.distinct++;
  else if (after === 0) s.distinct--;
  const f = s.freq;
  if (f === null) return;
  if (before > 0) f[before]!--;
  if (after > 0) f[after] = (f[after] ?? 0) + 1;
  if (after > s.max) s.max = after;
  else if (before === s.max && f[before] === 0) {
    // The one largest key went down by one.
    s.max = after;
    f.length = Math.max(1, after + 1);
  }
}

/** Monitors rebuilt from the window and the baseline (a fresh contract version, or an older state). */
export function rebuildMonitors(spec: MonitorSpec, state: EnforcementState): WindowMonitors {
  const w = state.window;
  const b = state.baseline;
  const older = emptyTags();
  const olderN = { action: 0, target: 0, outcome: 0, hour: 0 };
  for (const d of ["action", "target", "outcome", "hour"] as const) {
    for (const [k, v] of Object.entries(b[d])) {
      addCount(older[d], k, v);
      olderN[d] += v;
    }
  }
  const m: WindowMonitors = {
    recent: emptyTags(),
    recentN: { action: 0, target: 0, outcome: 0, hour: 0 },
    older,
    olderN,
    terms: {},
    spans: {},
  };
  for (const term of spec.terms) if (!Object.hasOwn(m.terms, term)) Object.defineProperty(m.terms, term, { value: { n: 0, an: 0, tn: 0, action: {}, target: {} }, writable: true, enumerable: true, configurable: true });
  const split = Math.max(0, w.length - spec.window);
  for (let i = 0; i < w.length; i++) {
    enterRecent(m, w[i]!);
    if (i < split) leaveRecent(m, w[i]!);
  }
  for (const s of spec.spans) {
    const counts: SpanCounts = { counts: {}, n: 0, distinct: 0, freq: s.freq ? [0] : null, max: 0 };
    for (let i = Math.max(0, w.length - s.span); i < w.length; i++) spanBump(counts, tagOf(w[i]!, s.dimension), 1);
    m.spans[s.key] = counts;
  }
  return m;
}

/**
 * Advances the monitors by the cycle just appended to `window` (before the window is trimmed
 * to its capacity, so the cycle leaving the widest span is still there).
 */
export function advanceMonitors(spec: MonitorSpec, m: WindowMonitors, window: readonly WindowEntry[]): void {
  const last = window.length - 1;
  const entry = window[last]!;
  enterRecent(m, entry);
  if (last - spec.window >= 0) leaveRecent(m, window[last - spec.window]!);
  for (const s of spec.spans) {
    const counts = m.spans[s.key]!;
    spanBump(counts, tagOf(entry, s.dimension), 1);
    if (last - s.span >= 0) spanBump(counts, tagOf(window[last - s.span]!, s.dimension), -1);
  }
}
