// Shared test helpers for the engine suite.

import {
  DEFAULT_CONFIG,
  type CycleResult,
  type EngineConfig,
  type EngineState,
  type IdentityProfile,
  type Mode,
  type Observation,
  defaultProfile,
  initialState,
  process,
} from "../../src/engine/index.js";

export const ALL_OFF: EngineConfig = Object.freeze({
  memory: false,
  memoryFeedback: false,
  selfModel: false,
  identityAdapter: false,
  recoveryNudge: false,
  cycleRecord: false,
});

export function obs(mode: Mode, signalStrength: number, confidence = 1): Observation {
  return { mode, signalStrength, confidence };
}

export function repeat(observation: Observation, times: number): Observation[] {
  return Array.from({ length: times }, () => observation);
}

/** Runs a stream and returns every cycle's result (state i+1 is results[i].state). */
export function runAll(
  observations: readonly Observation[],
  start: EngineState = initialState(defaultProfile()),
  config: EngineConfig = DEFAULT_CONFIG,
): CycleResult[] {
  const results: CycleResult[] = [];
  let state = start;
  for (const o of observations) {
    const result = process(state, o, config);
    results.push(result);
    state = result.state;
  }
  return results;
}

export function last<T>(items: readonly T[]): T {
  const item = items[items.length - 1];
  if (item === undefined) throw new Error("empty");
  return item;
}

/** Final state after a stream. */
export function stateAfter(
  observations: readonly Observation[],
  start: EngineState = initialState(defaultProfile()),
  config: EngineConfig = DEFAULT_CONFIG,
): EngineState {
  return observations.length === 0 ? start : last(runAll(observations, start, config)).state;
}

export function profileWith(overrides: Partial<IdentityProfile>): IdentityProfile {
  return { ...defaultProfile(), ...overrides };
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
