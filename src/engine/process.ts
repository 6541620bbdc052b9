// One engine cycle: fold an Observation into the state, in pipeline order
//   modes → energy → stress → arbitration → (composite) → drift → stability
//   → snapshot/rollback → memory → self-model → (adapter) → contract.
// Composite and adapter are pure functions of the new state, evaluated by
// contractOf. Inputs are never mutated; arrays built here are finished before
// they are published and are never written afterwards.

import { adapterEnabled } from "./adapter.js";
import { releaseRate, updateGains } from "./arbitration.js";
import { RECOVERY_NUDGE_CYCLES, SEQUENTIAL, WARMUP_CYCLES } from "./constants.js";
import { DEFAULT_CONFIG } from "./config.js";
import { contractOf } from "./contract.js";
import { affectedMask, classifyDrift, d0Threshold, driftMagnitude, refreshAnchor } from "./drift.js";
import { adoptedNewReference, clearAlarm, frequencyMask, initialMonitor, stepMonitor } from "./sequentialDrift.js";
import { energyCost, nextEnergy } from "./energy.js";
import { conservesEnergy, feedbackEnabled, isExperienced } from "./feedback.js";
import { episodicMemoryLayer } from "./memory.js";
import { unit, updateModeStrengths } from "./modes.js";
import { selfModelLayer } from "./selfModel.js";
import { isSnapshotDue, rolledBackStrengths, takeSnapshot } from "./snapshot.js";
import { nextStability, stabilitySample } from "./stability.js";
import { classifyStress, isCalmInput, nextSystemState, stressBleed } from "./stress.js";
import type {
  CycleRecord,
  CycleResult,
  DriftEvent,
  DriftResult,
  EngineConfig,
  EngineState,
  ModeVector,
  Observation,
  StableSnapshot,
} from "./types.js";
import {
  HIGH,
  LOW,
  MED,
  STRESS_LEVELS,
  STRESS_MODE,
  levelIndex,
  modeIndex,
  modeMask,
  modesOfMask,
} from "./vocabulary.js";

export function process(state: EngineState, observation: Observation, config: EngineConfig = DEFAULT_CONFIG): CycleResult {
  const profile = state.profile;
  const cycle = state.cycleCount + 1;
  const prevLevelIdx = levelIndex(state.stressLevel);
  const prevSystem = state.systemState;
  const feedback = feedbackEnabled(config);
  const experienced = feedback && isExperienced(state.memory);
  const signal = unit(observation.signalStrength);
  const confidence = unit(observation.confidence);
  const calm = isCalmInput(observation);
  const target = modeIndex(observation.mode);

  // 1. Modes.
  const strengths = updateModeStrengths(
    state.modeStrengths,
    target,
    signal,
    confidence,
    prevLevelIdx,
    experienced,
  );

  // 2. Energy (sees the previous cycle's stress level and system state).
  const spent = energyCost(strengths, prevSystem, profile.energyPolicy);
  const energy = nextEnergy(state.energy, spent, prevSystem, prevLevelIdx, feedback && conservesEnergy(state.memory));

  // 3. Stress: bleed, level, system state.
  const bled = (strengths[STRESS_MODE] as number) - stressBleed(prevLevelIdx, calm);
  strengths[STRESS_MODE] = bled > 0 ? bled : 0;
  const levelIdx = classifyStress(strengths[STRESS_MODE], profile.stressTolerance, experienced);
  const calmStreak = levelIdx <= MED && calm ? state.calmStreak + 1 : 0;
  const prevAdaptive = state.drift.level === "D2_adaptive";
  const adaptiveStreak = prevAdaptive ? state.adaptiveStreak + 1 : 0;
  const settledStreak = prevSystem === "growth" && !prevAdaptive ? state.settledStreak + 1 : 0;
  const system = nextSystemState(prevSystem, levelIdx, calmStreak, adaptiveStreak, settledStreak);
  const stressEntered = system === "stress" && prevSystem !== "stress";
  const stressExited = prevSystem === "stress" && system !== "stress";

  // 4. Arbitration, with the post-stress recovery nudge.
  const nudging = config.recoveryNudge && (stressExited || state.recoveryWindow > 0);
  const recoveryWindow = !config.recoveryNudge
    ? 0
    : stressExited
      ? RECOVERY_NUDGE_CYCLES - 1
      : state.recoveryWindow > 0
        ? state.recoveryWindow - 1
        : 0;
  const gains = updateGains(
    state.modeGains,
    levelIdx,
    system,
    releaseRate(nudging),
    modeMask(profile.coreModes),
    modeMask(profile.suppressedModes),
  );

  // 5. Drift, with the D3 rollback. The sequential detector sees every
  // behavioural observation from cycle 1 (stress has its own channel).
  const d0 = d0Threshold(profile.driftTolerance, adapterEnabled(config) ? state.selfModel.traitStability : null);
  const sequential = profile.driftDetector === "sequential";
  let monitor = state.driftMonitor;
  let alarm = false;
  let behavioural = false;
  let reanchor = false;
  if (sequential) {
    const current = monitor ?? initialMonitor();
    behavioural = target !== STRESS_MODE;
    monitor = behavioural ? stepMonitor(current, target, signal, profile.driftTolerance) : current;
    alarm = monitor.alarmAge > 0;
    reanchor = behavioural && (adoptedNewReference(current, monitor) || monitor.seen === SEQUENTIAL.CALIBRATION);
  }
  let anchor = state.anchor;
  let warmupProgress = state.warmupProgress;
  let finalStrengths: ModeVector = strengths;
  let lastStable = state.lastStableSnapshot;
  let rolledBack = false;
  let drift: DriftResult;
  if (anchor === null) {
    warmupProgress++;
    if (warmupProgress >= WARMUP_CYCLES) anchor = strengths;
    drift = { level: null, magnitude: null, affectedModes: modesOfMask(0), d0Threshold: d0 };
  } else if (sequential) {
    // Level from the detector's alarm, escalated to D2/D3 by how far the modes moved.
    if (reanchor) anchor = strengths;
    const magnitude = driftMagnitude(strengths, anchor, false);
    const level = alarm ? classifyDrift(magnitude, -1) : "D0_noise";
    const mask = alarm ? affectedMask(strengths, anchor) | (behavioural ? frequencyMask(monitor as NonNullable<typeof monitor>) : 0) : 0;
    drift = { level, magnitude, affectedModes: modesOfMask(mask), d0Threshold: d0 };
    if (!alarm && (monitor as NonNullable<typeof monitor>).cusum === 0) anchor = refreshAnchor(anchor, strengths);
    else if (level === "D3_corrupt" && lastStable !== null) {
      finalStrengths = rolledBackStrengths(strengths, lastStable);
      anchor = lastStable.anchor;
      rolledBack = true;
      monitor = clearAlarm(monitor as NonNullable<typeof monitor>);
    }
  } else {
    const magnitude = driftMagnitude(strengths, anchor);
    const level = classifyDrift(magnitude, d0);
    drift = { level, magnitude, affectedModes: modesOfMask(affectedMask(strengths, anchor)), d0Threshold: d0 };
    if (level === "D0_noise") anchor = refreshAnchor(anchor, strengths);
    else if (level === "D3_corrupt" && lastStable !== null) {
      finalStrengths = rolledBackStrengths(strengths, lastStable);
      anchor = lastStable.anchor;
      rolledBack = true;
    }
  }

  // 6. Stability.
  const stabilityIndex = nextStability(state.stabilityIndex, stabilitySample(drift.magnitude, levelIdx, rolledBack));

  // Stable snapshot: when the anchor is established, then on stable cycles every ≥ 25 cycles.
  let snapshot: StableSnapshot | null = null;
  if (anchor !== null && !rolledBack) {
    const stable = drift.level === "D0_noise" && levelIdx === LOW && system === "baseline";
    if (state.anchor === null || (stable && isSnapshotDue(lastStable, cycle))) {
      snapshot = takeSnapshot(cycle, finalStrengths, anchor, energy, stabilityIndex);
      lastStable = snapshot;
    }
  }

  // 7–8. Memory layers, fed by the cycle record.
  const stressLevel = STRESS_LEVELS[levelIdx] as EngineState["stressLevel"];
  let memory = state.memory;
  let selfModel = state.selfModel;
  let record: CycleRecord | null = null;
  if (config.memory || config.selfModel || config.cycleRecord) {
    record = {
      cycle,
      mode: observation.mode,
      signalStrength: signal,
      confidence,
      stressBefore: state.stressLevel,
      stressAfter: stressLevel,
      systemBefore: prevSystem,
      systemAfter: system,
      energyBefore: state.energy,
      energyAfter: energy,
      energySpent: spent,
      driftLevel: drift.level,
      driftMagnitude: drift.magnitude,
      modeStrengths: finalStrengths,
      spike: levelIdx >= HIGH && prevLevelIdx < HIGH,
      stressEntered,
      stressExited,
      calmInput: calm,
      rolledBack,
    };
    if (config.memory) memory = episodicMemoryLayer.update(memory, record);
    if (config.selfModel) selfModel = selfModelLayer.update(selfModel, record);
  }

  const next: EngineState = {
    cycleCount: cycle,
    modeStrengths: finalStrengths,
    energy,
    stressLevel,
    systemState: system,
    calmStreak,
    adaptiveStreak,
    settledStreak,
    modeGains: gains,
    recoveryWindow,
    anchor,
    warmupProgress,
    drift,
    stabilityIndex,
    lastSnapshotCycle: lastStable === null ? null : lastStable.cycle,
    lastStableSnapshot: lastStable,
    memory,
    selfModel,
    profile,
  };
  if (monitor !== undefined) next.driftMonitor = monitor;

  const driftEvent: DriftEvent | null =
    drift.level !== null && drift.level !== "D0_noise"
      ? { cycle, level: drift.level, magnitude: drift.magnitude as number, affectedModes: drift.affectedModes, rolledBack }
      : null;

  return {
    state: next,
    drift,
    contract: contractOf(next, config),
    driftEvent,
    snapshot,
    rolledBack,
    record: config.cycleRecord ? record : null,
  };
}
