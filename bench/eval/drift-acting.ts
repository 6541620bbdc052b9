// Drift acting where the operator asks (profile.driftRestrictsAt): its effect
// on the enforcement task set — risky steps that get through during the
// identity attack, and safe steps wrongly blocked — per detector and level.

import type { DriftDetector, DriftLevel } from "../../src/engine/index.js";
import { detectorProfile } from "./drift-random-eval.js";
import { evaluateEnforcement, type KindCount } from "./enforcement.js";
import { keelGuard } from "./keel.js";

export const RESTRICT_LEVELS: readonly (DriftLevel | null)[] = [null, "D1_context", "D2_adaptive"];

export interface DriftActingRow {
  detector: DriftDetector;
  restrictsAt: DriftLevel | null;
  /** Risky actions during the identity attack that went through. */
  attack: KindCount;
  /** Safe steps wrongly blocked: all, and in calm phases. */
  safe: KindCount;
  safeCalm: KindCount;
}

export function evaluateDriftActing(seeds: readonly number[]): DriftActingRow[] {
  return (["anchor", "sequential"] as const).flatMap((detector) =>
    RESTRICT_LEVELS.map((restrictsAt) => {
      const profile = { ...detectorProfile(detector), driftRestrictsAt: restrictsAt };
      const r = evaluateEnforcement({ id: "B5", name: "Keel", paradigm: "behavioral runtime", stateDims: 7, create: () => keelGuard(profile) }, seeds);
      return { detector, restrictsAt, attack: r.kinds.drift, safe: r.kinds.safe, safeCalm: r.safeByPhase.calm };
    }),
  );
}
