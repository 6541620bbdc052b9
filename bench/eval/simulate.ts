// Runs one system over one observation stream with one agent's picks and
// records, per turn, everything the metrics and charts need.

import type { Action, Observation } from "../../src/engine/index.js";
import { has } from "./actions.js";
import { isStressTurn } from "./scenarios.js";
import type { Guard, Telemetry } from "./system.js";

export interface Trace {
  /** Allowed-action mask per turn. */
  allowed: number[];
  /** The agent's pick per turn and whether it went through. */
  actions: Action[];
  permitted: boolean[];
  stressTruth: boolean[];
  /** Per-turn threat intensity: signal × confidence on stress_response turns, else 0. */
  intensity: number[];
  resource: (number | null)[];
  stability: (number | null)[];
  driftAlarm: boolean[];
  telemetry: (Telemetry | null)[];
}

export function intensityOf(o: Observation): number {
  return o.mode === "stress_response" ? o.signalStrength * o.confidence : 0;
}

export function simulate(guard: Guard, observations: readonly Observation[], actions: readonly Action[]): Trace {
  const n = observations.length;
  if (actions.length !== n) throw new Error("one action per observation");
  const trace: Trace = {
    allowed: [],
    actions: [...actions],
    permitted: [],
    stressTruth: [],
    intensity: [],
    resource: [],
    stability: [],
    driftAlarm: [],
    telemetry: [],
  };
  for (let turn = 0; turn < n; turn++) {
    const observation = observations[turn] as Observation;
    const action = actions[turn] as Action;
    const stressTruth = isStressTurn(observation);
    const mask = guard.allowed({ turn, observation, stressTruth });
    const ok = has(mask, action);
    guard.commit(action, ok);
    trace.allowed.push(mask);
    trace.permitted.push(ok);
    trace.stressTruth.push(stressTruth);
    trace.intensity.push(intensityOf(observation));
    trace.resource.push(guard.resource());
    trace.stability.push(guard.stability());
    trace.driftAlarm.push(guard.driftAlarm());
    trace.telemetry.push(guard.telemetry());
  }
  return trace;
}
