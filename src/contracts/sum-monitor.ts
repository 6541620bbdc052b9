// The SUM invariant as an incremental monitor: the amounts of matching observations inside the
// time window, kept as a queue ordered by time with a running total. A cycle adds its amount and
// drops what fell out of the window: constant amortised work for a time-ordered stream, never a
// rescan of the window. Amounts are counted in millionths as integers, so adding and removing is
// exact and the total always equals the sum recomputed from scratch (test/contracts/sum-monitor.test.ts
// checks it against an oracle over the full history). Pure; the state is plain JSON, persisted with
// the enforcement state.

/** Millionths per unit: amounts count to 6 decimal places. */
export const AMOUNT_SCALE = 1_000_000;

export interface SumState {
  /** [timestamp ms, amount in millionths], ascending by time (ties in arrival order). */
  entries: [number, number][];
  /** Sum of entries' amounts, in millionths. */
  total: number;
  /** The latest observation time seen: the window ends there (a late observation never reopens it). */
  latest: number | null;
}

export function emptySum(): SumState {
  return { entries: [], total: 0, latest: null };
}

/** An observation's amount in millionths (what every sum counts). */
export function scaledAmount(amount: number): number {
  return Math.round(amount * AMOUNT_SCALE);
}

/**
 * Advances the monitor to an observation at `ts`: adds its amount (when it matches and has one),
 * then drops every entry at or before `latest - windowMs`, `latest` being the newest time seen.
 * Mutates `state`; returns the total in units.
 */
export function advanceSum(state: SumState, ts: number, amount: number | null, windowMs: number): number {
  if (amount !== null) {
    const entry: [number, number] = [ts, scaledAmount(amount)];
    const e = state.entries;
    // Usually the newest: append. A late observation goes to its place by time.
    if (e.length === 0 || e[e.length - 1]![0] <= ts) e.push(entry);
    else e.splice(insertionPoint(e, ts), 0, entry);
    state.total += entry[1];
  }
  const latest = state.latest === null || ts > state.latest ? ts : state.latest;
  state.latest = latest;
  const horizon = latest - windowMs;
  const e = state.entries;
  // shift(), not splice(): usually one entry leaves per cycle, and shift allocates nothing.
  while (e.length > 0 && e[0]![0] <= horizon) state.total -= e.shift()![1];
  return state.total / AMOUNT_SCALE;
}

/** The monitor's total in units. */
export function sumTotal(state: SumState): number {
  return state.total / AMOUNT_SCALE;
}

/** First position whose time is after ts (stable for equal times). */
function insertionPoint(e: readonly [number, number][], ts: number): number {
  let lo = 0;
  let hi = e.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (e[mid]![0] <= ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
