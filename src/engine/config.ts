// Layer flags. Off means the layer is skipped (zero cost) and the engine
// behaves exactly as without it.

import type { EngineConfig } from "./types.js";

export const DEFAULT_CONFIG: Readonly<EngineConfig> = Object.freeze({
  memory: true,
  memoryFeedback: true,
  selfModel: true,
  identityAdapter: true,
  recoveryNudge: true,
  cycleRecord: true,
});

/** Everything on; a fresh mutable copy. */
export function defaultConfig(): EngineConfig {
  return { ...DEFAULT_CONFIG };
}
