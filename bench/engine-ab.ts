// A/B timing of two engine copies in one process (a development aid for engine performance work,
// not a registered benchmark): the same stream as bench/engine.ts, alternating rounds of A and B so
// that the load of a shared machine falls on both alike. Prints per-round cycles per CPU-second and
// medians.
//
//   npx tsx bench/engine-ab.ts <engineA/index.ts>[@detector] <engineB/index.ts>[@detector] [anchor|sequential] [rounds]
//
// A path's @anchor / @sequential suffix overrides the detector for that engine.

import path from "node:path";
import { pathToFileURL } from "node:url";
import type * as Engine from "../src/engine/index.js";
import { chaotic, gradualShift, steady, stressSpike } from "../test/engine/scenarios.js";

const [pathA, pathB, detectorArg, roundsArg] = globalThis.process.argv.slice(2);
if (pathA === undefined || pathB === undefined) throw new Error("usage: engine-ab.ts <engineA> <engineB> [anchor|sequential] [rounds]");
const detector = detectorArg === "sequential" ? "sequential" : "anchor";
const rounds = Number(roundsArg ?? 7);
const CYCLES = 1_000_000;

const stream: readonly Engine.Observation[] = [...steady(300, 11), ...gradualShift(300, 12), ...chaotic(300, 13), ...stressSpike(300, 100, 150, 14)];

async function load(spec: string) {
  const [file = spec, own] = spec.split("@");
  const detectorOf = own === "sequential" || own === "anchor" ? own : detector;
  const engine = (await import(pathToFileURL(path.resolve(file)).href)) as typeof Engine;
  let state = engine.initialState({ ...engine.defaultProfile(), driftDetector: detectorOf });
  const run = (cycles: number): number => {
    let checksum = 0;
    for (let i = 0; i < cycles; i++) {
      const result = engine.process(state, stream[i % stream.length] as Engine.Observation, engine.DEFAULT_CONFIG);
      state = result.state;
      checksum += result.contract.allowedActions.length;
    }
    return checksum;
  };
  run(300_000);
  return run;
}

const engines = [await load(pathA), await load(pathB)];
const rates: number[][] = [[], []];
for (let r = 0; r < rounds; r++) {
  for (const e of r % 2 === 0 ? [0, 1] : [1, 0]) {
    // CPU time (user + system, all threads) rather than wall time: on a shared machine it counts only
    // the time this process ran, not the time it waited for a core.
    const t0 = globalThis.process.cpuUsage();
    (engines[e] as (n: number) => number)(CYCLES);
    const used = globalThis.process.cpuUsage(t0);
    (rates[e] as number[]).push(CYCLES / ((used.user + used.system) / 1e6));
  }
}
const k = (x: number) => `${(x / 1000).toFixed(0)}k`;
for (const e of [0, 1]) {
  const s = [...(rates[e] as number[])].sort((a, b) => a - b);
  console.log(`${e === 0 ? `A ${pathA}` : `B ${pathB}`} (default ${detector}): median ${k(s[s.length >> 1] as number)} cycles/s (min ${k(s[0] as number)}, max ${k(s[s.length - 1] as number)}) rounds: ${(rates[e] as number[]).map(k).join(" ")}`);
}
