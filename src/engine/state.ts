// The initial EngineState for a profile.

import { updateGains } from "./arbitration.js";
import { d0Threshold } from "./drift.js";
import { clearAlarm } from "./sequentialDrift.js";
import { initialMemory } from "./memory.js";
import { unit } from "./modes.js";
import { initialSelfModel } from "./selfModel.js";
import { classifyStress } from "./stress.js";
import { WARMUP_CYCLES } from "./constants.js";
import type { EngineState, IdentityProfile, ModeVector, StableSnapshot } from "./types.js";
import { HIGH, MODE_COUNT, STRESS_LEVELS, STRESS_MODE, modeMask } from "./vocabulary.js";

function copyProfile(profile: IdentityProfile, strengths: ModeVector, energy: number): IdentityProfile {
  const copy: IdentityProfile = {
    coreModes: [...profile.coreModes],
    suppressedModes: [...profile.suppressedModes],
    riskPosture: profile.riskPosture,
    energyPolicy: profile.energyPolicy,
    stressTolerance: profile.stressTolerance,
    driftTolerance: profile.driftTolerance,
    initialModeStrengths: strengths.slice(),
    initialEnergy: energy,
  };
  // Only when chosen, so profiles without the choice stay byte-identical.
  if (profile.driftDetector !== undefined) copy.driftDetector = profile.driftDetector;
  if (profile.driftRestrictsAt !== undefined && profile.driftRestrictsAt !== null) copy.driftRestrictsAt = profile.driftRestrictsAt;
  return copy;
}

/** Arbitration gains with no history: full gains, dampened at once if the level is stressed. */
function freshGains(levelIdx: number, profile: IdentityProfile): ModeVector {
  return updateGains([1, 1, 1, 1, 1, 1, 1], levelIdx, "baseline", 0, modeMask(profile.coreModes), modeMask(profile.suppressedModes));
}

/** A fresh agent. The profile is copied (values clamped to [0, 1]) so later edits to it cannot reach the state. */
export function initialState(profile: IdentityProfile): EngineState {
  const strengths: ModeVector = new Array<number>(MODE_COUNT);
  for (let i = 0; i < MODE_COUNT; i++) strengths[i] = unit(profile.initialModeStrengths[i] ?? 0);
  const energy = unit(profile.initialEnergy);
  const levelIdx = classifyStress(strengths[STRESS_MODE] as number, profile.stressTolerance, false);
  const inStress = levelIdx >= HIGH;
  // An agent created under stress starts with its modes already dampened.
  const gains = freshGains(levelIdx, profile);
  return {
    cycleCount: 0,
    modeStrengths: strengths,
    energy,
    stressLevel: STRESS_LEVELS[levelIdx] as EngineState["stressLevel"],
    systemState: inStress ? "stress" : "baseline",
    calmStreak: 0,
    adaptiveStreak: 0,
    settledStreak: 0,
    modeGains: gains,
    recoveryWindow: 0,
    anchor: null,
    warmupProgress: 0,
    drift: { level: null, magnitude: null, affectedModes: [], d0Threshold: d0Threshold(profile.driftTolerance, null) },
    stabilityIndex: 1,
    lastSnapshotCycle: null,
    lastStableSnapshot: null,
    memory: initialMemory(energy, strengths),
    selfModel: initialSelfModel(inStress),
    profile: copyProfile(profile, strengths, energy),
  };
}

/**
 * The state an operator's reset to a stable snapshot produces: the snapshot's modes, anchor,
 * energy and stability, with stress re-derived from its modes. Unlike the automatic D3 rollback
 * this is a deliberate "back to known-good", so stress and energy are restored too. The agent
 * keeps its cycle count, memory and self-model: experience is not erased by a reset.
 */
export function restoreSnapshot(current: EngineState, snapshot: StableSnapshot): EngineState {
  const profile = current.profile;
  const strengths = snapshot.modeStrengths.slice();
  const levelIdx = classifyStress(strengths[STRESS_MODE] as number, profile.stressTolerance, false);
  const gains = freshGains(levelIdx, profile);
  return {
    ...current,
    modeStrengths: strengths,
    energy: snapshot.energy,
    stressLevel: STRESS_LEVELS[levelIdx] as EngineState["stressLevel"],
    systemState: levelIdx >= HIGH ? "stress" : "baseline",
    calmStreak: 0,
    adaptiveStreak: 0,
    settledStreak: 0,
    modeGains: gains,
    recoveryWindow: 0,
    anchor: snapshot.anchor.slice(),
    warmupProgress: WARMUP_CYCLES,
    drift: { level: "D0_noise", magnitude: 0, affectedModes: [], d0Threshold: current.drift.d0Threshold },
    stabilityIndex: snapshot.stabilityIndex,
    lastSnapshotCycle: snapshot.cycle,
    lastStableSnapshot: snapshot,
    ...(current.driftMonitor === undefined ? {} : { driftMonitor: clearAlarm(current.driftMonitor) }),
  };
}
