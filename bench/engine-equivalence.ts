// Equivalence check for engine performance work (not a benchmark): runs seeded random observation
// streams through every persona × drift detector × drift_restricts_at × layer configuration and
// prints, per run, a SHA-256 of every cycle's full CycleResult (state, contract, drift, event,
// snapshot, record) and of the input state after the cycle (process must not mutate it).
// Run it against two copies of the engine and diff the outputs:
//
//   npx tsx bench/engine-equivalence.ts [path/to/engine/index.ts] [--cycles] > out.txt
//
// --cycles prints one hash per cycle, to find the first one that differs. Numbers are written with
// JSON's shortest round-trip form (exact for doubles) and -0 is kept apart from 0, so equal hashes
// mean bit-for-bit equal outputs.

import { createHash } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type * as Engine from "../src/engine/index.js";
import { between, rng, type Rng } from "../test/support/rng.js";

const args = globalThis.process.argv.slice(2);
const perCycle = args.includes("--cycles");
const enginePath = args.find((a) => !a.startsWith("--")) ?? "src/engine/index.ts";
const engine = (await import(pathToFileURL(path.resolve(enginePath)).href)) as typeof Engine;

const CYCLES_PER_RUN = 2_000;
const MODES = engine.MODES;
const BEHAVIOURAL = MODES.slice(0, 6);

/**
 * Regimes of 10–300 observations: a steady random mix (with its own intensities), a sudden
 * switch to one mode, a short burst, a stress crisis, chaos, a gradual ramp between mixes and a
 * takeover by one mode at full strength, an identity flip —
 * enough to open and close alarms of both detectors and to reach D3 rollbacks.
 */
function stream(r: Rng, length: number): Engine.Observation[] {
  const out: Engine.Observation[] = [];
  const mix = (): number[] => BEHAVIOURAL.map(() => (r() < 0.5 ? r() : 0.02));
  const pick = (weights: readonly number[]): number => {
    const total = weights.reduce((a, b) => a + b, 0);
    let x = r() * total;
    for (let i = 0; i < weights.length; i++) if ((x -= weights[i] as number) < 0) return i;
    return weights.length - 1;
  };
  let weights = mix();
  let intensity = BEHAVIOURAL.map(() => between(r, 0.2, 0.95));
  while (out.length < length) {
    const kind = Math.floor(r() * 8);
    // An identity flip: every mode's intensity to the other extreme, on an even mix.
    if (kind === 7) {
      intensity = intensity.map((v) => (v > 0.5 ? 0.02 : 0.98));
      weights = BEHAVIOURAL.map(() => 1);
    }
    const n = 10 + Math.floor(r() * 290);
    const target = mix();
    for (let t = 0; t < n && out.length < length; t++) {
      let mode: Engine.Mode;
      let strength: number;
      if (kind === 3 && t < 30) {
        mode = "stress_response";
        strength = between(r, 0.7, 1);
      } else if (kind === 4) {
        mode = MODES[Math.floor(r() * 7)] as Engine.Mode;
        strength = r();
      } else if (kind === 6 || (kind === 2 && t < 1 + (n % 20))) {
        mode = BEHAVIOURAL[n % 6] as Engine.Mode;
        strength = 0.95;
      } else {
        const w = kind === 5 ? weights.map((v, i) => v + ((target[i] as number) - v) * (t / n)) : weights;
        const i = pick(w);
        mode = BEHAVIOURAL[i] as Engine.Mode;
        strength = Math.min(1, Math.max(0, (intensity[i] as number) + between(r, -0.1, 0.1)));
      }
      // Edge values too: exact 0 and 1, and an occasional out-of-range input the engine clamps.
      const edge = r();
      out.push({
        mode,
        signalStrength: edge < 0.01 ? 0 : edge < 0.02 ? 1 : edge < 0.025 ? 1.5 : strength,
        confidence: kind >= 6 ? 1 : edge > 0.99 ? 0 : between(r, 0.3, 1),
      });
    }
    if (kind === 1) {
      weights = BEHAVIOURAL.map((_, i) => (i === Math.floor(r() * 6) ? 1 : 0.05));
    } else if (kind !== 2 && kind !== 3) weights = target;
    if (kind !== 7 && r() < 0.3) intensity = BEHAVIOURAL.map(() => between(r, 0.2, 0.95));
  }
  return out;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "number" && Object.is(v, -0) ? "-0" : v));
}

const ALL_OFF: Engine.EngineConfig = { memory: false, memoryFeedback: false, selfModel: false, identityAdapter: false, recoveryNudge: false, cycleRecord: false };
const configs: readonly [string, Engine.EngineConfig][] = [
  ["default", engine.DEFAULT_CONFIG],
  ["off", ALL_OFF],
  ["memory-only", { ...ALL_OFF, memory: true, memoryFeedback: true, recoveryNudge: true }],
];
const profiles: [string, Engine.IdentityProfile][] = [
  ["default", engine.defaultProfile()],
  ...engine.PERSONAS.map((p) => [p.id, p.profile] as [string, Engine.IdentityProfile]),
];
const detectors = ["anchor", "sequential"] as const;
const restricts = [undefined, "D1_context", "D3_corrupt"] as const;

let seed = 1;
for (const [profileName, base] of profiles) {
  for (const detector of detectors) {
    for (const restrictsAt of restricts) {
      const [configName, config] = configs[seed % configs.length] as [string, Engine.EngineConfig];
      const profile: Engine.IdentityProfile = { ...base, driftDetector: detector };
      if (restrictsAt !== undefined) profile.driftRestrictsAt = restrictsAt;
      const observations = stream(rng(seed), CYCLES_PER_RUN);
      const hash = createHash("sha256");
      let state = engine.initialState(profile);
      let rollbacks = 0;
      let alarms = 0;
      for (let i = 0; i < observations.length; i++) {
        const before = canonical(state);
        const result = engine.process(state, observations[i] as Engine.Observation, config);
        const line = canonical(result);
        if (canonical(state) !== before) throw new Error(`run ${seed}: cycle ${i + 1} mutated its input state`);
        hash.update(line);
        if (perCycle) console.log(`${seed} ${i + 1} ${createHash("sha256").update(line).digest("hex").slice(0, 16)}`);
        if (result.rolledBack) rollbacks++;
        if (result.driftEvent !== null) alarms++;
        state = result.state;
      }
      const name = `${profileName}/${detector}/${restrictsAt ?? "monitor"}/${configName}`;
      console.log(`run ${seed} ${name}: ${hash.digest("hex")} (D1+ cycles ${alarms}, rollbacks ${rollbacks})`);
      seed++;
    }
  }
}
