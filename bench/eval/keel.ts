// B5 = Keel: the engine with every layer on and the default profile. The
// allowed set is the contract's allowedActions; the forbidden pair is never
// in it. D1 and above (a non-null driftEvent) is a drift alarm.

import {
  DEFAULT_CONFIG,
  defaultProfile,
  initialState,
  process,
  type CycleResult,
  type EngineConfig,
  type IdentityProfile,
} from "../../src/engine/index.js";
import { maskOf } from "./actions.js";
import type { Guard, SystemSpec, TurnInput } from "./system.js";

export function keelGuard(profile: IdentityProfile = defaultProfile(), config: EngineConfig = DEFAULT_CONFIG): Guard {
  let state = initialState(profile);
  let last: CycleResult | null = null;
  return {
    allowed({ observation }: TurnInput) {
      last = process(state, observation, config);
      state = last.state;
      return maskOf(last.contract.allowedActions);
    },
    commit: () => {},
    resource: () => state.energy,
    stability: () => state.stabilityIndex,
    driftAlarm: () => last !== null && last.driftEvent !== null,
    telemetry: () => ({
      stress: state.modeStrengths[6] as number,
      level: state.stressLevel,
      system: state.systemState,
      energy: state.energy,
      drift: state.drift.level,
      magnitude: state.drift.magnitude,
      rolledBack: last?.rolledBack ?? false,
    }),
  };
}

export const KEEL: SystemSpec = {
  id: "B5",
  name: "Keel",
  paradigm: "behavioral runtime",
  stateDims: 7,
  create: () => keelGuard(),
};
