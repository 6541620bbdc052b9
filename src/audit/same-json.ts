// Strict equality of two JSON values as the store keeps them: members whose value is undefined
// are absent, -0 equals 0, and nothing else is loosened. Equal values always have the same
// canonical bytes (cycle-bytes.ts), so replay compares a stored outcome with its replay this way
// first, and encodes both only when they differ (a mismatch, or a difference the bytes ignore).

export function sameJson(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) {
    return typeof x === "number" && typeof y === "number" && x !== x && y !== y; // NaN
  }
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameJson(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(y)) return false;
  const a = x as Record<string, unknown>;
  const b = y as Record<string, unknown>;
  let n = 0;
  for (const k in a) {
    const v = a[k];
    if (v === undefined || !Object.hasOwn(a, k)) continue;
    if (!Object.hasOwn(b, k) || !sameJson(v, b[k])) return false;
    n++;
  }
  for (const k in b) if (b[k] !== undefined && Object.hasOwn(b, k)) n--;
  return n === 0;
}
