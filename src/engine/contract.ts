// The ExecutionContract: a pure function of the state (and the layer flags).
// process() returns exactly contractOf(nextState, config). Lists and nested
// style objects are frozen values shared between contracts — never mutate them.

import { FORBIDDEN_LIST, actionsOfMask, driftActs } from "./actions.js";
import { adapterEnabled, lowResilience } from "./adapter.js";
import { controlVector } from "./arbitration.js";
import { ACTIVATION_THRESHOLD, DOMINANCE_THRESHOLD, ENERGY_CRITICAL } from "./constants.js";
import { DEFAULT_CONFIG } from "./config.js";
import { decisionStyleOf } from "./decisionStyle.js";
import { feedbackEnabled, hasLearnedRecovery } from "./feedback.js";
import { hardLocksOf } from "./hardLocks.js";
import { memoryContextOf } from "./memory.js";
import { recoveryProfileOf } from "./recoveryProfile.js";
import { actionBucket, restrictionsUnderDrift } from "./restrictions.js";
import { selfModelContextOf } from "./selfModel.js";
import type { EngineConfig, EngineState, ExecutionContract } from "./types.js";
import { CONNECTION_MODE, IDENTITY_MODE, MODE_COUNT, OVER, STRESS_MODE, levelIndex, modeMask, modesOfMask } from "./vocabulary.js";

const BEHAVIOURAL_MODES = (1 << STRESS_MODE) - 1;
const NONE = actionsOfMask(0);

export function contractOf(state: EngineState, config: EngineConfig = DEFAULT_CONFIG): ExecutionContract {
  const { modeStrengths: strengths, modeGains: gains, profile } = state;
  const levelIdx = levelIndex(state.stressLevel);

  // One pass over the modes, each arbitrated strength (strength × gain) computed once: which modes
  // are active raw, active and dominant after arbitration; the lead (strongest non-stress
  // arbitrated mode, first in canonical order on ties) and the composite — the two leading
  // non-stress modes when both are dominant (persona blends such as perception+connection).
  let rawMask = 0;
  let activeMask = 0;
  let dominantMask = 0;
  let lead = 0;
  let leadValue = -1;
  let second = -1;
  let secondValue = -1;
  for (let i = 0; i < MODE_COUNT; i++) {
    const strength = strengths[i] as number;
    const v = strength * (gains[i] as number);
    if (strength >= ACTIVATION_THRESHOLD) rawMask |= 1 << i;
    if (v >= ACTIVATION_THRESHOLD) activeMask |= 1 << i;
    if (v >= DOMINANCE_THRESHOLD) dominantMask |= 1 << i;
    if (i === STRESS_MODE) continue;
    if (v > leadValue) {
      second = lead;
      secondValue = leadValue;
      lead = i;
      leadValue = v;
    } else if (v > secondValue) {
      second = i;
      secondValue = v;
    }
  }
  const compositeMask = secondValue >= DOMINANCE_THRESHOLD ? (1 << lead) | (1 << second) : 0;

  const slowRecoverer = adapterEnabled(config) && lowResilience(state.selfModel);
  const keepComfort = feedbackEnabled(config) && hasLearnedRecovery(state.memory);
  const actions = actionBucket(rawMask, activeMask, levelIdx, profile.riskPosture, keepComfort, slowRecoverer);
  // Drift acting where the operator asked takes the risky actions and adds its cause to theirs.
  const driftLevel = state.drift.level;
  const drifted = actions.driftRemoved !== 0 && driftLevel !== null && driftActs(driftLevel, profile.driftRestrictsAt);
  const energyCritical = state.energy < ENERGY_CRITICAL;

  return {
    allowedActions: drifted ? actions.allowedUnderDrift : actions.allowedActions,
    forbiddenActions: FORBIDDEN_LIST,
    decisionStyle: decisionStyleOf(levelIdx, state.systemState, profile.riskPosture, dominantMask, lead, slowRecoverer),
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
    driftLevel,
    driftMagnitude: state.drift.magnitude,
    driftRestrictedActions: drifted ? actions.driftRemovedActions : NONE,
    cycleCount: state.cycleCount,
    controlVector: controlVector(strengths, gains, modeMask(profile.coreModes), modeMask(profile.suppressedModes)),
    compositeModes: modesOfMask(compositeMask),
    memoryContext: config.memory ? memoryContextOf(state.memory) : null,
    selfModelContext: config.selfModel ? selfModelContextOf(state.selfModel) : null,
    restrictions: drifted ? restrictionsUnderDrift(actions, driftLevel) : actions.restrictions,
  };
}
