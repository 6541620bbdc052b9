// Bounded key counts and Jensen-Shannon divergence between two of them. Keys are caller data
// (observation tags), so every access is by own property: "toString" or "__proto__" are keys
// like any other.

export type Counts = Record<string, number>;

/** Distinct keys kept per count map; the rest are pooled under "" (never a real tag). */
export const MAX_COUNT_KEYS = 128;
const OVERFLOW_KEY = "";

export function countOf(counts: Counts, key: string): number {
  return Object.hasOwn(counts, key) ? (counts[key] as number) : 0;
}

export function setCount(counts: Counts, key: string, n: number): void {
  Object.defineProperty(counts, key, { value: n, writable: true, enumerable: true, configurable: true });
}

export function addCount(counts: Counts, key: string, n = 1): void {
  // An own data property is safe to assign, even "__proto__"; only a new key needs defining.
  if (Object.hasOwn(counts, key)) counts[key] = (counts[key] as number) + n;
  else {
    const k = Object.keys(counts).length < MAX_COUNT_KEYS ? key : OVERFLOW_KEY;
    setCount(counts, k, countOf(counts, k) + n);
  }
}

export function total(counts: Counts): number {
  let sum = 0;
  for (const v of Object.values(counts)) sum += v;
  return sum;
}

/**
 * Jensen-Shannon divergence with log base 2, in [0, 1]: 0 for identical shapes, 1 for disjoint
 * support. Both sides must be non-empty (callers do not measure against nothing).
 */
export function jensenShannon(p: Counts, q: Counts): number {
  const sp = total(p);
  const sq = total(q);
  if (sp <= 0 || sq <= 0) throw new RangeError("Jensen-Shannon needs two non-empty distributions");
  let sum = 0;
  for (const key of new Set([...Object.keys(p), ...Object.keys(q)])) {
    const a = countOf(p, key) / sp;
    const b = countOf(q, key) / sq;
    const m = (a + b) / 2;
    if (a > 0) sum += a * Math.log2(a / m);
    if (b > 0) sum += b * Math.log2(b / m);
  }
  return Math.min(1, Math.max(0, sum / 2));
}
