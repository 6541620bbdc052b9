// What every guardrail system looks like to the harness: each turn it sees the
// observation and answers with the set of actions it allows; then it is told
// what the agent did (stateful policies count permitted actions).

import type { Action, DriftLevel, Observation, StressLevel, SystemState } from "../../src/engine/index.js";

export interface TurnInput {
  turn: number;
  observation: Observation;
  /** Ground-truth stress label of the turn; only the classifier guard (B3) is given it (§6.2 models B3 by its error rates). */
  stressTruth: boolean;
}

/** Per-turn internals of a system that has them (Keel), for the charts. */
export interface Telemetry {
  stress: number;
  level: StressLevel;
  system: SystemState;
  energy: number;
  drift: DriftLevel | null;
  magnitude: number | null;
  rolledBack: boolean;
}

export interface Guard {
  /** 14-bit mask of allowed actions this turn (see actions.ts). */
  allowed(input: TurnInput): number;
  /** The agent's action and whether it went through. */
  commit(action: Action, permitted: boolean): void;
  /** A resource level in [0, 1] the system tracks and exposes (energy, budget), or null if it has none. */
  resource(): number | null;
  /** A stability score in [0, 1] the system exposes, or null. */
  stability(): number | null;
  /** Did the system flag identity drift this turn? */
  driftAlarm(): boolean;
  telemetry(): Telemetry | null;
}

export type SystemId = "B0" | "B1" | "B2" | "B3" | "B4" | "B5";

export interface SystemSpec {
  id: SystemId;
  name: string;
  paradigm: string;
  /** State dimensions as §6.2 counts them (adaptivity uses min(dims/7, 1)). */
  stateDims: number;
  create(seed: number): Guard;
}
