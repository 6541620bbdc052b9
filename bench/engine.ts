// Engine throughput and allocation benchmark (a benchmark, not a test).
//
//   npx tsx bench/engine.ts [anchor|sequential]
//
// The argument picks the profile's drift detector. Without one, it runs itself once per detector,
// each in its own Node (so neither shapes the other's JIT feedback): the anchor detector's figures
// are engine.*, the sequential detector's (issue 16: >= 1 M cycles/s with it on) engine.sequential_*.
//
// Streams a mixed, realistic observation sequence (steady work, gradual
// shift, chaotic turns, a stress spike and its recovery) through process()
// with every layer on and the contract included, on one core, after a
// warm-up. Then it re-runs itself in a child Node with --expose-gc and a
// 64 MB young generation to measure bytes allocated per cycle: force a full
// GC, run a batch small enough that no collection can happen, and read the
// heapUsed delta (a GC observer verifies that none ran).

import { execFileSync } from "node:child_process";
import { PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { DEFAULT_CONFIG, type EngineState, type Observation, defaultProfile, initialState, process as step } from "../src/engine/index.js";
import { chaotic, gradualShift, steady, stressSpike } from "../test/engine/scenarios.js";
import { emit, scaled } from "./report/emit.js";

if (globalThis.process.argv[2] === undefined) {
  for (const detector of ["anchor", "sequential"]) {
    const out = execFileSync(globalThis.process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), detector], {
      encoding: "utf8",
      cwd: fileURLToPath(new URL("..", import.meta.url)),
    });
    globalThis.process.stdout.write(out);
  }
  globalThis.process.exit(0);
}
const DETECTOR = globalThis.process.argv[2] === "sequential" ? "sequential" : "anchor";
/** Figure ids: the anchor detector's keep the names their history has. */
const FIGURES =
  DETECTOR === "anchor"
    ? { rate: "engine.cycles_per_second", bytes: "engine.bytes_per_cycle" }
    : { rate: "engine.sequential_cycles_per_second", bytes: "engine.sequential_bytes_per_cycle" };
const PROFILE = { ...defaultProfile(), driftDetector: DETECTOR } as const;
const WARMUP_CYCLES = scaled(1_000_000, 10_000);
const MEASURED_CYCLES = scaled(5_000_000, 20_000);
const ALLOCATION_BATCH = scaled(20_000, 2_000);
const ALLOCATION_BATCHES = scaled(10, 2);

/** 1,200 observations: 300 steady, 300 gradual shift, 300 chaotic, 300 stress spike + recovery. */
const stream: readonly Observation[] = [
  ...steady(300, 11),
  ...gradualShift(300, 12),
  ...chaotic(300, 13),
  ...stressSpike(300, 100, 150, 14),
];

function run(cycles: number, start: EngineState): { state: EngineState; checksum: number } {
  let state = start;
  let checksum = 0;
  const n = stream.length;
  for (let i = 0; i < cycles; i++) {
    const result = step(state, stream[i % n] as Observation, DEFAULT_CONFIG);
    state = result.state;
    checksum += result.contract.allowedActions.length;
  }
  return { state, checksum };
}

const warm = run(WARMUP_CYCLES, initialState(PROFILE)).state;
const gc = (globalThis as { gc?: () => void }).gc;

if (gc === undefined) {
  const t0 = performance.now();
  const { checksum } = run(MEASURED_CYCLES, warm);
  const seconds = (performance.now() - t0) / 1000;
  const perSecond = Math.round(MEASURED_CYCLES / seconds).toLocaleString("en-US");
  const nsPerCycle = ((seconds * 1e9) / MEASURED_CYCLES).toFixed(0);
  console.log(`detector:    ${DETECTOR}`);
  emit(FIGURES.rate, MEASURED_CYCLES / seconds);
  console.log(`throughput:  ${perSecond} cycles/s (${MEASURED_CYCLES.toLocaleString("en-US")} cycles, ${nsPerCycle} ns/cycle, checksum ${checksum})`);
  const child = execFileSync(
    globalThis.process.execPath,
    ["--expose-gc", "--min-semi-space-size=64", "--max-semi-space-size=64", "--import", "tsx", fileURLToPath(import.meta.url), DETECTOR],
    { encoding: "utf8", cwd: fileURLToPath(new URL("..", import.meta.url)) },
  );
  globalThis.process.stdout.write(child);
} else {
  let collections = 0;
  const observer = new PerformanceObserver((list) => {
    collections += list.getEntries().length;
  });
  observer.observe({ entryTypes: ["gc"] });
  let state = warm;
  const samples: number[] = [];
  for (let b = 0; b < ALLOCATION_BATCHES; b++) {
    gc();
    const before = globalThis.process.memoryUsage().heapUsed;
    state = run(ALLOCATION_BATCH, state).state;
    samples.push((globalThis.process.memoryUsage().heapUsed - before) / ALLOCATION_BATCH);
  }
  await new Promise((resolve) => setTimeout(resolve, 10));
  observer.disconnect();
  samples.sort((a, b) => a - b);
  const median = samples[samples.length >> 1] as number;
  // Each batch is preceded by one forced GC; anything beyond that ran inside a batch.
  const clean = collections <= ALLOCATION_BATCHES ? "no GC inside batches" : `${collections - ALLOCATION_BATCHES} GCs inside batches: undercount`;
  emit(FIGURES.bytes, median);
  console.log(`allocations: ${Math.round(median)} bytes/cycle (median heapUsed delta of ${ALLOCATION_BATCHES} × ${ALLOCATION_BATCH.toLocaleString("en-US")} cycles, ${clean})`);
}
