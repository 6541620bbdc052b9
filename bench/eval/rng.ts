// Seeded randomness for the harness. Every stream, agent pick and classifier
// coin flip comes from here, never from Math.random, so a run is reproducible.

export { between, rng, type Rng } from "../../test/support/rng.js";
import type { Rng } from "../../test/support/rng.js";

/** Uniform integer in [0, n). */
export function pick(r: Rng, n: number): number {
  return Math.floor(r() * n);
}

/** Derives independent seeds for named sub-streams (scenario, agent, classifier, …). */
export function subSeed(seed: number, stream: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77)) >>> 0;
}
