// Recovery profile: what the agent needs to recover. 12 frozen combinations.

import type { RecoveryPath, RecoveryProfile, StressTolerance } from "./types.js";

const PATHS: readonly RecoveryPath[] = ["rapid", "oscillating", "gradual"];

const PROFILES: readonly RecoveryProfile[] = Array.from({ length: 12 }, (_, code) =>
  Object.freeze({
    preferredPath: PATHS[code >> 2] as RecoveryPath,
    supportRequired: (code & 2) !== 0,
    cooldownRequired: (code & 1) !== 0,
  }),
);

/**
 * - preferredPath: gradual for fragile agents and for agents the identity
 *   adapter marks as slow to recover; rapid for resilient ones; else oscillating.
 * - supportRequired: the agent leans on others — connection is active — or it
 *   is at OVER or out of energy.
 * - cooldownRequired: a STRESS episode is still open, or energy is critical.
 */
export function recoveryProfileOf(
  tolerance: StressTolerance,
  slowRecoverer: boolean,
  connectionActive: boolean,
  atOver: boolean,
  inStressEpisode: boolean,
  energyCritical: boolean,
): RecoveryProfile {
  const path = slowRecoverer || tolerance === "fragile" ? 2 : tolerance === "resilient" ? 0 : 1;
  const support = connectionActive || atOver || energyCritical ? 2 : 0;
  const cooldown = inStressEpisode || energyCritical ? 1 : 0;
  return PROFILES[(path << 2) | support | cooldown] as RecoveryProfile;
}
