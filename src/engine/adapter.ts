// Identity adapter: translates the self-model into behaviour. Inert unless
// both `selfModel` and `identityAdapter` are on.
// - Low resilience (< 0.45 after ≥ 1 completed episode) triggers
//   path A (risky actions removed already at MED) and
//   path B (decision style forced to risk=averse, tempo=measured).
// - Trait stability lowers the D0 threshold (see drift.ts).

import { ADAPTER_MIN_EPISODES, ADAPTER_RESILIENCE_THRESHOLD } from "./constants.js";
import type { EngineConfig, SelfModel } from "./types.js";

export function adapterEnabled(config: EngineConfig): boolean {
  return config.selfModel && config.identityAdapter;
}

export function lowResilience(selfModel: SelfModel): boolean {
  return (
    selfModel.completedEpisodes >= ADAPTER_MIN_EPISODES && selfModel.stressResilience < ADAPTER_RESILIENCE_THRESHOLD
  );
}
