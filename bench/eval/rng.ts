// Seeded randomness for the harness. Every stream, agent pick and classifier
// coin flip comes from here, never from Math.random, so a run is reproducible.

/** mulberry32: tiny, fast, and good enough for simulation streams. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;

export function between(r: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * r();
}

/** Uniform integer in [0, n). */
export function pick(r: Rng, n: number): number {
  return Math.floor(r() * n);
}

/** Derives independent seeds for named sub-streams (scenario, agent, classifier, …). */
export function subSeed(seed: number, stream: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77)) >>> 0;
}
