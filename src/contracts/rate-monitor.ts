// The RATE invariant as an incremental monitor: the times of matching observations inside the
// rule's time window, ascending, at most `keep` of them (one more than the limit decides a
// violation exactly). A cycle drops the times at or before its own time minus the window, adds
// its own when it matches, and drops the oldest beyond `keep`: constant amortised work for a
// time-ordered stream, never a rescan. The state is the plain array persisted in
// EnforcementState.rates (its form and meaning are unchanged from the rescanning version).

/** Advances `times` (mutated) by an observation at `ts`; returns the count kept. */
export function advanceRate(times: number[], ts: number, matches: boolean, windowMs: number, keep: number): number {
  const horizon = ts - windowMs;
  let drop = 0;
  while (drop < times.length && times[drop]! <= horizon) drop++;
  if (drop > 0) times.splice(0, drop);
  if (matches) {
    // Usually the newest: append. A late observation goes to its place by time.
    if (times.length === 0 || times[times.length - 1]! <= ts) times.push(ts);
    else times.splice(insertionPoint(times, ts), 0, ts);
  }
  if (times.length > keep) times.splice(0, times.length - keep);
  return times.length;
}

function insertionPoint(times: readonly number[], ts: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
