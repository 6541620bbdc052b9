// A 32-bit FNV-1a digest of a drift set: every label and every observation
// (strengths to 1e-9). Pins the frozen generator and split.

import type { RandomAgent } from "../../bench/eval/drift-random.js";

export function fingerprint(agents: readonly RandomAgent[]): number {
  let h = 0x811c9dc5;
  const mix = (s: string) => {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  };
  for (const a of agents) {
    mix(`${a.seed}|${a.kind}|${a.noise}|${a.cycles}|${JSON.stringify(a.changes)}|${JSON.stringify(a.transients)}`);
    for (const o of a.observations) mix(`${o.mode}${Math.round(o.signalStrength * 1e9)}${Math.round(o.confidence * 1e9)}`);
  }
  return h >>> 0;
}
