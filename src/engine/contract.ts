// The ExecutionContract: a pure function of the state (and the layer flags).
// process() returns exactly contractOf(nextState, config). Lists and nested
// style objects are frozen values shared between contracts — never mutate them.

import { FORBIDDEN_LIST, actionsOfMask, allowedActionMask, driftRestrictionMask } from "./actions.js";
import { adapterEnabled, lowResilience } from "./adapter.js";
import { arbitratedMask, controlVector, rawActiveMask } from "./arbitration.js";
import { compositeMask, leadMode } from "./composite.js";
import { ACTIVATION_THRESHOLD, DOMINANCE_THRESHOLD, ENERGY_CRITICAL } from "./constants.js";
import { DEFAULT_CONFIG } from "./config.js";
import { decisionStyleOf } from "./decisionStyle.js";
import { feedbackEnabled, hasLearnedRecovery } from "./feedback.js";
import { hardLocksOf } from "./hardLocks.js";
import { memoryContextOf } from "./memory.js";
import { recoveryProfileOf } from "./recoveryProfile.js";
import { engineRestrictions, withCauses } from "./restrictions.js";
import { selfModelContextOf } from "./selfModel.js";
import type { EngineConfig, EngineState, ExecutionContract } from "./types.js";
import { CONNECTION_MODE, IDENTITY_MODE, OVER, STRESS_MODE, levelIndex, modeMask, modesOfMask } from "./vocabulary.js";

const BEHAVIOURAL_MODES = (1 << STRESS_MODE) - 1;

export function contractOf(state: EngineState, config: EngineConfig = DEFAULT_CONFIG): ExecutionContract {
  const { modeStrengths: strengths, modeGains: gains, profile } = state;
  const levelIdx = levelIndex(state.stressLevel);
  const coreMask = modeMask(profile.coreModes);
  const suppressedMask = modeMask(profile.suppressedModes);

  const rawMask = rawActiveMask(strengths);
  const activeMask = arbitratedMask(strengths, gains, ACTIVATION_THRESHOLD);
  const dominantMask = arbitratedMask(strengths, gains, DOMINANCE_THRESHOLD);

  const slowRecoverer = adapterEnabled(config) && lowResilience(state.selfModel);
  const keepComfort = feedbackEnabled(config) && hasLearnedRecovery(state.memory);
  const unrestricted = allowedActionMask(rawMask, activeMask, levelIdx, profile.riskPosture, keepComfort, slowRecoverer);
  const driftRemoved = driftRestrictionMask(unrestricted, state.drift.level, profile.driftRestrictsAt);
  const allowed = unrestricted & ~driftRemoved;
  const energyCritical = state.energy < ENERGY_CRITICAL;
  // The engine's own causes for what it never allowed; drift adds its cause to what it took on top.
  const engineCauses = engineRestrictions(unrestricted, rawMask, activeMask, levelIdx, profile.riskPosture, keepComfort, slowRecoverer);

  return {
    allowedActions: actionsOfMask(allowed),
    forbiddenActions: FORBIDDEN_LIST,
    decisionStyle: decisionStyleOf(
      levelIdx,
      state.systemState,
      profile.riskPosture,
      dominantMask,
      leadMode(strengths, gains),
      slowRecoverer,
    ),
    currentStressLevel: state.stressLevel,
    currentSystemState: state.systemState,
    energyLevel: state.energy,
    stabilityIndex: state.stabilityIndex,
    dominantModes: modesOfMask(dominantMask),
    suppressedModes: modesOfMask(rawMask & ~activeMask & BEHAVIOURAL_MODES),
    recoveryProfile: recoveryProfileOf(
      profile.stressTolerance,
      slowRecoverer,
      (rawMask & (1 << CONNECTION_MODE)) !== 0,
      levelIdx === OVER,
      state.systemState === "stress",
      energyCritical,
    ),
    hardLocks: hardLocksOf(levelIdx, strengths[IDENTITY_MODE] as number),
    driftLevel: state.drift.level,
    driftMagnitude: state.drift.magnitude,
    driftRestrictedActions: actionsOfMask(driftRemoved),
    cycleCount: state.cycleCount,
    controlVector: controlVector(strengths, gains, coreMask, suppressedMask),
    compositeModes: modesOfMask(compositeMask(strengths, gains)),
    memoryContext: config.memory ? memoryContextOf(state.memory) : null,
    selfModelContext: config.selfModel ? selfModelContextOf(state.selfModel) : null,
    restrictions:
      driftRemoved === 0 ? engineCauses : withCauses(engineCauses, new Set(actionsOfMask(driftRemoved)), "drift", `drift ${state.drift.level} at or above the profile's drift_restricts_at`),
  };
}
