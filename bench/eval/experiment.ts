// Runs the whole evaluation and returns plain data: the benchmark scenarios ×
// systems × seeds, the drift ground-truth suite, and the enforcement task set.
// Rendering lives in report.ts; nothing here formats text.

import type { Observation } from "../../src/engine/index.js";
import { isForbidden, standardCount } from "./actions.js";
import { agentActions } from "./agent.js";
import { BASELINES } from "./baselines.js";
import { DRIFT_SCENARIOS, alarmStarts, matchEvents, prf, sumMatches, type MatchResult, type Prf } from "./drift-truth.js";
import { KEEL_CONTRACTED } from "./contracted.js";
import { evaluateEnforcement, evaluateSteps, type EnforcementResult } from "./enforcement.js";
import { KEEL } from "./keel.js";
import { composite, subMetrics, type Composite, type SubMetrics } from "./metrics.js";
import { subSeed } from "./rng.js";
import { SCENARIOS, type ScenarioId } from "./scenarios.js";
import { simulate, type Trace } from "./simulate.js";
import type { SystemId, SystemSpec } from "./system.js";

export const SEEDS: readonly number[] = [1, 2, 3, 4, 5];
export const SYSTEMS: readonly SystemSpec[] = [...BASELINES, KEEL];
/** The published composites come from the four 300-turn scenarios; the headline uses all seven. */
export const PUBLISHED_PROTOCOL: readonly ScenarioId[] = ["A", "B", "C", "D"];

/** Keel's own signals per scenario, averaged over seeds. */
export interface KeelStats {
  avgAllowed: number;
  /** Turns with a drift event (D1+), per run. */
  driftEventTurns: number;
  /** Share of post-warm-up turns with D1+. */
  d1PlusShare: number;
  /** Share of turns with energy below 0.2. */
  energyCritical: number;
  finalStability: number;
  stressEntries: number;
  rollbacks: number;
  /** Share of turns at HIGH or OVER. */
  highOverShare: number;
}

export interface ScenarioResult {
  id: ScenarioId;
  name: string;
  turns: number;
  definition: string;
  metrics: Record<SystemId, SubMetrics>;
  keel: KeelStats;
  /** Ground-truth stress turns and episodes per run (the same for every system). */
  stressTurns: number;
  forbiddenAttempts: number;
}

export interface DriftScenarioResult {
  id: string;
  name: string;
  core: boolean;
  definition: string;
  events: number;
  /** Per system, summed over seeds. */
  match: Record<SystemId, MatchResult>;
}

export interface ChartData {
  id: string;
  title: string;
  trace: Trace;
  observations: Observation[];
  /** Labelled drift spans (drift suite only). */
  driftSpans: { onset: number; end: number }[];
}

export interface Results {
  seeds: readonly number[];
  scenarios: ScenarioResult[];
  composites: Record<SystemId, { all: Composite; published: Composite }>;
  drift: DriftScenarioResult[];
  driftAggregate: Record<SystemId, { core: Prf; all: Prf; delays: number[] }>;
  /** B0–B5, plus B5+C (Keel with a declared contract), which exists in this task set only. */
  enforcement: Record<EnforcementSystemId, EnforcementResult>;
  charts: ChartData[];
}

export type EnforcementSystemId = SystemId | "B5+C";
export const ENFORCEMENT_SYSTEMS: readonly { id: EnforcementSystemId; name: string }[] = [
  ...SYSTEMS.map((s) => ({ id: s.id as EnforcementSystemId, name: s.name })),
  { id: "B5+C", name: "Keel with a declared contract" },
];

export type Progress = (done: number, total: number, label: string) => void;

function meanOrNull(xs: readonly (number | null)[]): number | null {
  const d = xs.filter((x): x is number => x !== null);
  return d.length === 0 ? null : d.reduce((a, b) => a + b, 0) / d.length;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function averageMetrics(ms: readonly SubMetrics[]): SubMetrics {
  const keys = Object.keys(ms[0] as SubMetrics) as (keyof SubMetrics)[];
  const out = {} as Record<keyof SubMetrics, number | null>;
  for (const k of keys) out[k] = meanOrNull(ms.map((m) => m[k]));
  return out as unknown as SubMetrics;
}

function keelStats(t: Trace): KeelStats {
  const tel = t.telemetry.map((x) => {
    if (x === null) throw new Error("Keel trace without telemetry");
    return x;
  });
  const n = tel.length;
  let entries = 0;
  tel.forEach((x, i) => {
    if (x.system === "stress" && (i === 0 || tel[i - 1]?.system !== "stress")) entries++;
  });
  const alarms = t.driftAlarm.filter(Boolean).length;
  return {
    avgAllowed: mean(t.allowed.map((m) => standardCount(m))),
    driftEventTurns: alarms,
    d1PlusShare: alarms / Math.max(1, n - 20),
    energyCritical: tel.filter((x) => x.energy < 0.2).length / n,
    finalStability: t.stability[n - 1] ?? 0,
    stressEntries: entries,
    rollbacks: tel.filter((x) => x.rolledBack).length,
    highOverShare: tel.filter((x) => x.level === "HIGH" || x.level === "OVER").length / n,
  };
}


export function runAll(progress: Progress = () => {}): Results {
  const total = SEEDS.length * SCENARIOS.length * SYSTEMS.length + SEEDS.length * DRIFT_SCENARIOS.length * SYSTEMS.length + ENFORCEMENT_SYSTEMS.length;
  let done = 0;
  const tick = (label: string) => progress(++done, total, label);
  const charts: ChartData[] = [];

  // 1. Benchmark scenarios.
  const scenarios: ScenarioResult[] = SCENARIOS.map((spec, si) => {
    const perSystem = new Map<SystemId, SubMetrics[]>();
    const stats: KeelStats[] = [];
    let stressTurns = 0;
    let forbiddenAttempts = 0;
    for (const seed of SEEDS) {
      const observations = spec.build(subSeed(seed, si));
      const actions = agentActions(subSeed(seed, 100 + si), observations.length);
      for (const system of SYSTEMS) {
        const trace = simulate(system.create(subSeed(seed, 200 + si)), observations, actions);
        perSystem.set(system.id, [...(perSystem.get(system.id) ?? []), subMetrics(trace)]);
        if (system.id === "B5") {
          stats.push(keelStats(trace));
          if (seed === SEEDS[0]) charts.push({ id: spec.id, title: `Scenario ${spec.id} — ${spec.name} (Keel, seed ${seed})`, trace, observations, driftSpans: [] });
          stressTurns += trace.stressTruth.filter(Boolean).length;
          forbiddenAttempts += actions.filter(isForbidden).length;
        }
        tick(`${spec.id} ${system.id} seed ${seed}`);
      }
    }
    const metrics = {} as Record<SystemId, SubMetrics>;
    for (const s of SYSTEMS) metrics[s.id] = averageMetrics(perSystem.get(s.id) as SubMetrics[]);
    const keys = Object.keys(stats[0] as KeelStats) as (keyof KeelStats)[];
    const keel = {} as KeelStats;
    for (const k of keys) keel[k] = mean(stats.map((s) => s[k]));
    return {
      id: spec.id,
      name: spec.name,
      turns: spec.turns,
      definition: spec.definition,
      metrics,
      keel,
      stressTurns: stressTurns / SEEDS.length,
      forbiddenAttempts: forbiddenAttempts / SEEDS.length,
    };
  });

  // 2. Drift ground truth.
  const drift: DriftScenarioResult[] = DRIFT_SCENARIOS.map((spec, di) => {
    const match = {} as Record<SystemId, MatchResult>;
    for (const system of SYSTEMS) {
      const runs: MatchResult[] = [];
      for (const seed of SEEDS) {
        const observations = spec.build(subSeed(seed, 300 + di));
        // Drift alarms do not depend on the agent's picks; any fixed pick keeps B4's bookkeeping defined.
        const actions = agentActions(subSeed(seed, 400 + di), observations.length);
        const trace = simulate(system.create(subSeed(seed, 500 + di)), observations, actions);
        runs.push(matchEvents(alarmStarts(trace.driftAlarm), spec.events));
        if (system.id === "B5" && seed === SEEDS[0]) {
          charts.push({ id: `drift-${spec.id}`, title: `Drift truth — ${spec.name} (Keel, seed ${seed})`, trace, observations, driftSpans: spec.events });
        }
        tick(`drift ${spec.id} ${system.id} seed ${seed}`);
      }
      match[system.id] = sumMatches(runs);
    }
    return { id: spec.id, name: spec.name, core: spec.core, definition: spec.definition, events: spec.events.length, match };
  });
  const driftAggregate = {} as Results["driftAggregate"];
  for (const s of SYSTEMS) {
    const core = sumMatches(drift.filter((d) => d.core).map((d) => d.match[s.id]));
    const all = sumMatches(drift.map((d) => d.match[s.id]));
    driftAggregate[s.id] = { core: prf(core), all: prf(all), delays: core.delays };
  }

  // 3. Composites: drift rate = the system's aggregate F1 on the five core drift scenarios.
  const composites = {} as Results["composites"];
  for (const s of SYSTEMS) {
    const driftRate = driftAggregate[s.id].core.f1;
    composites[s.id] = {
      all: composite(scenarios.map((r) => r.metrics[s.id]), s.stateDims, driftRate),
      published: composite(scenarios.filter((r) => PUBLISHED_PROTOCOL.includes(r.id)).map((r) => r.metrics[s.id]), s.stateDims, driftRate),
    };
  }

  // 4. Enforcement task set.
  const enforcement = {} as Record<EnforcementSystemId, EnforcementResult>;
  for (const s of SYSTEMS) {
    enforcement[s.id] = evaluateEnforcement(s, SEEDS);
    tick(`enforcement ${s.id}`);
  }
  enforcement["B5+C"] = evaluateSteps(KEEL_CONTRACTED, SEEDS);
  tick("enforcement B5+C");

  return { seeds: SEEDS, scenarios, composites, drift, driftAggregate, enforcement, charts };
}
