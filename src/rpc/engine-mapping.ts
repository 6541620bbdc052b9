// Engine results, states and records to the wire. Engine values are plain data; this file is
// the only place that knows both shapes.
import { create } from "@bufbuild/protobuf";
import { wireTimestamp } from "./timestamps.js";
import type {
  DriftResult,
  EngineState,
  MemoryContext,
  ModeVector,
  SelfModelContext,
  StableSnapshot,
} from "../engine/index.js";
import type { EnforcedContract } from "../contracts/enforce.js";
import type { DriftEventRecord, HistoryEntry, RecordedOutcome, SnapshotRecord } from "../store/types.js";
import { type ExecutionContract as WireContract } from "../../gen/keel/v1/contract_pb.js";
import { DriftEventSchema, SnapshotSchema, type DriftEvent, type Snapshot } from "../../gen/keel/v1/drift_pb.js";
import {
  HistoryEntrySchema,
  type CycleOutcome as WireOutcome,
  type HistoryEntry as WireHistoryEntry,
} from "../../gen/keel/v1/engine_service_pb.js";
import { DriftLevel } from "../../gen/keel/v1/modes_pb.js";
import { type ModeStrengths } from "../../gen/keel/v1/profile_pb.js";
import {
  EngineStateSchema,
  StableSnapshotSchema,
  type DriftResult as WireDrift,
  type EngineState as WireState,
  type MemoryContext as WireMemoryContext,
  type SelfModelContext as WireSelfModelContext,
  type StableSnapshot as WireSnapshot,
} from "../../gen/keel/v1/state_pb.js";
import { enforcementToWire } from "./contract-mapping.js";
import { shadowToWire } from "./shadow-mapping.js";
import { profileToWire } from "./profile-mapping.js";
import {
  actions,
  behavioralPatterns,
  driftLevels,
  grades,
  modes,
  recoveryPaths,
  restrictionCauses,
  riskStyles,
  stressLevels,
  systemStates,
  tempos,
} from "./enums.js";

const modeList = (list: readonly Parameters<typeof modes.toWire>[0][]) => list.map((m) => modes.toWire(m));
const optionalCount = (n: number | null): bigint | undefined => (n === null ? undefined : BigInt(n));
const orUndefined = <T>(x: T | null): T | undefined => (x === null ? undefined : x);

// The hot mappers (a contract per observation) build messages as typed literals instead of
// through create(): the generated types make every field of the message required here, so the
// literal is the same message create() would make (test/rpc/engine-mapping.test.ts compares
// them), at a fraction of the cost of create()'s reflective zeroing and initialisation.

function vector(v: ModeVector): ModeStrengths {
  return {
    $typeName: "keel.v1.ModeStrengths",
    perception: v[0] ?? 0,
    exploration: v[1] ?? 0,
    order: v[2] ?? 0,
    assertion: v[3] ?? 0,
    connection: v[4] ?? 0,
    identity: v[5] ?? 0,
    stressResponse: v[6] ?? 0,
  };
}

/** The engine's contract, with how a declared behavioral contract shaped it when it did. */
export function contractToWire(instanceId: string, c: EnforcedContract): WireContract {
  const locks = c.hardLocks;
  const style = c.decisionStyle;
  const recovery = c.recoveryProfile;
  return {
    $typeName: "keel.v1.ExecutionContract",
    instanceId,
    allowedActions: c.allowedActions.map((a) => actions.toWire(a)),
    forbiddenActions: c.forbiddenActions.map((a) => actions.toWire(a)),
    decisionStyle: {
      $typeName: "keel.v1.DecisionStyle",
      tempo: tempos.toWire(style.tempo),
      risk: riskStyles.toWire(style.risk),
      expressiveness: grades.toWire(style.expressiveness),
      commitmentThreshold: grades.toWire(style.commitmentThreshold),
    },
    currentStressLevel: stressLevels.toWire(c.currentStressLevel),
    currentSystemState: systemStates.toWire(c.currentSystemState),
    energyLevel: c.energyLevel,
    stabilityIndex: c.stabilityIndex,
    dominantModes: modeList(c.dominantModes),
    suppressedModes: modeList(c.suppressedModes),
    recoveryProfile: {
      $typeName: "keel.v1.RecoveryProfile",
      preferredPath: recoveryPaths.toWire(recovery.preferredPath),
      supportRequired: recovery.supportRequired,
      cooldownRequired: recovery.cooldownRequired,
    },
    hardLocks: {
      $typeName: "keel.v1.HardLocks",
      optionSetMax: orUndefined(locks.optionSetMax),
      noveltyRate: orUndefined(locks.noveltyRate),
      noiseFilterMin: orUndefined(locks.noiseFilterMin),
      execStrictnessMin: orUndefined(locks.execStrictnessMin),
      goalResistanceMin: orUndefined(locks.goalResistanceMin),
      pivotThresholdMin: orUndefined(locks.pivotThresholdMin),
    },
    driftLevel: c.driftLevel === null ? DriftLevel.UNSPECIFIED : driftLevels.toWire(c.driftLevel),
    driftMagnitude: orUndefined(c.driftMagnitude),
    cycleCount: BigInt(c.cycleCount),
    controlVector: vector(c.controlVector),
    compositeModes: modeList(c.compositeModes),
    memoryContext: c.memoryContext ? memoryToWire(c.memoryContext) : undefined,
    selfModelContext: c.selfModelContext ? selfModelToWire(c.selfModelContext) : undefined,
    enforcement: c.enforcement ? enforcementToWire(c.enforcement) : undefined,
    restrictions: c.restrictions.map((r) => ({
      $typeName: "keel.v1.ActionRestriction",
      action: actions.toWire(r.action),
      causes: r.causes.map((cause) => restrictionCauses.toWire(cause)),
      detail: r.detail,
    })),
    engineVersionHash: c.engineVersionHash ?? "",
    contractVersionHash: c.contractVersionHash ?? "",
    shadow: c.shadow ? shadowToWire(c.shadow) : undefined,
  };
}

function memoryToWire(m: MemoryContext): WireMemoryContext {
  return {
    $typeName: "keel.v1.MemoryContext",
    stressSpikeCount: m.stressSpikeCount,
    avgSpikeInterval: orUndefined(m.avgSpikeInterval),
    currentStressStreak: m.currentStressStreak,
    maxStressStreak: m.maxStressStreak,
    d1Recent: m.d1Recent,
    d2Recent: m.d2Recent,
    turnsSinceLastD2: optionalCount(m.turnsSinceLastD2),
    energyTrend: m.energyTrend,
    energyMinObserved: m.energyMinObserved,
    dominantMode: modes.toWire(m.dominantMode),
    dominantModeStreak: m.dominantModeStreak,
    modeSwitchesRecent: m.modeSwitchesRecent,
    behavioralPattern: behavioralPatterns.toWire(m.behavioralPattern),
    recoveriesCompleted: m.recoveriesCompleted,
  };
}

function selfModelToWire(s: SelfModelContext): WireSelfModelContext {
  return {
    $typeName: "keel.v1.SelfModelContext",
    stressResilience: s.stressResilience,
    traitStability: s.traitStability,
    energyEfficiency: s.energyEfficiency,
    completedEpisodes: s.completedEpisodes,
  };
}

function driftToWire(d: DriftResult): WireDrift {
  return {
    $typeName: "keel.v1.DriftResult",
    level: d.level === null ? DriftLevel.UNSPECIFIED : driftLevels.toWire(d.level),
    magnitude: orUndefined(d.magnitude),
    affectedModes: modeList(d.affectedModes),
    d0Threshold: d.d0Threshold,
  };
}

function stableSnapshotToWire(s: StableSnapshot): WireSnapshot {
  return create(StableSnapshotSchema, {
    cycle: BigInt(s.cycle),
    modeStrengths: vector(s.modeStrengths),
    anchor: vector(s.anchor),
    energy: s.energy,
    stabilityIndex: s.stabilityIndex,
  });
}

export function stateToWire(s: EngineState): WireState {
  const m = s.memory;
  const sm = s.selfModel;
  return create(EngineStateSchema, {
    cycleCount: BigInt(s.cycleCount),
    modeStrengths: vector(s.modeStrengths),
    energy: s.energy,
    stressLevel: stressLevels.toWire(s.stressLevel),
    systemState: systemStates.toWire(s.systemState),
    calmStreak: s.calmStreak,
    adaptiveStreak: s.adaptiveStreak,
    settledStreak: s.settledStreak,
    modeGains: vector(s.modeGains),
    recoveryWindow: s.recoveryWindow,
    anchor: s.anchor ? vector(s.anchor) : undefined,
    warmupProgress: s.warmupProgress,
    drift: driftToWire(s.drift),
    stabilityIndex: s.stabilityIndex,
    lastSnapshotCycle: optionalCount(s.lastSnapshotCycle),
    lastStableSnapshot: s.lastStableSnapshot ? stableSnapshotToWire(s.lastStableSnapshot) : undefined,
    memory: {
      context: memoryToWire(m),
      lastSpikeCycle: optionalCount(m.lastSpikeCycle),
      lastInputMode: m.lastInputMode === null ? 0 : modes.toWire(m.lastInputMode),
      dominantSwitchesRecent: m.dominantSwitchesRecent,
    },
    selfModel: {
      context: selfModelToWire(sm),
      episodeStartCycle: optionalCount(sm.episodeStartCycle),
      windowActivity: sm.windowActivity,
      windowSpent: sm.windowSpent,
      windowCycles: sm.windowCycles,
    },
    profile: profileToWire(s.profile),
  });
}

export function outcomeToWire(instanceId: string, r: RecordedOutcome): WireOutcome {
  const e = r.driftEvent;
  return {
    $typeName: "keel.v1.CycleOutcome",
    contract: contractToWire(instanceId, r.contract),
    drift: driftToWire(r.drift),
    driftEvent: e
      ? {
          $typeName: "keel.v1.DriftEvent",
          instanceId,
          cycle: BigInt(e.cycle),
          level: driftLevels.toWire(e.level),
          magnitude: e.magnitude,
          affectedModes: modeList(e.affectedModes),
          rolledBack: e.rolledBack,
          createTime: undefined,
          revision: BigInt(r.revision),
        }
      : undefined,
    rolledBack: r.rolledBack,
    revision: BigInt(r.revision),
  };
}

export function driftEventToWire(rec: DriftEventRecord): DriftEvent {
  const e = rec.event;
  return create(DriftEventSchema, {
    instanceId: rec.instanceId,
    cycle: BigInt(e.cycle),
    level: driftLevels.toWire(e.level),
    magnitude: e.magnitude,
    affectedModes: modeList(e.affectedModes),
    rolledBack: e.rolledBack,
    createTime: wireTimestamp(rec.createdAtMs),
    revision: BigInt(rec.revision),
  });
}

export function snapshotToWire(rec: SnapshotRecord): Snapshot {
  return create(SnapshotSchema, {
    instanceId: rec.instanceId,
    cycle: BigInt(rec.snapshot.cycle),
    revision: BigInt(rec.revision),
    createTime: wireTimestamp(rec.createdAtMs),
    snapshot: stableSnapshotToWire(rec.snapshot),
  });
}

export function historyEntryToWire(h: HistoryEntry): WireHistoryEntry {
  return create(HistoryEntrySchema, {
    cycle: BigInt(h.cycle),
    revision: BigInt(h.revision),
    observation: {
      mode: modes.toWire(h.mode as Parameters<typeof modes.toWire>[0]),
      signalStrength: h.signalStrength,
      confidence: h.confidence,
      context: h.context,
      timestamp: wireTimestamp(h.observedAtMs),
      action: orUndefined(h.action),
      target: orUndefined(h.target),
      outcome: orUndefined(h.outcome),
      amount: h.amount ?? undefined,
    },
    processTime: wireTimestamp(h.processedAtMs),
    hash: h.hash ?? "",
  });
}
