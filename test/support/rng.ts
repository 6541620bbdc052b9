// Seeded randomness for tests, scenarios and the evaluation harness: never Math.random, so every
// stream is reproducible.

export type Rng = () => number;

/** mulberry32: tiny, fast, and good enough for simulation streams. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in [lo, hi). */
export function between(r: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * r();
}
