// Wire enums <-> engine string unions. The engine knows nothing of protobuf; these tables are
// the only place the two vocabularies meet.
import type {
  Action,
  BehavioralPattern as EngineBehavioralPattern,
  DriftLevel as EngineDriftLevel,
  Grade as EngineGrade,
  Mode as EngineMode,
  RestrictionCause as EngineRestrictionCause,
  RecoveryPath as EngineRecoveryPath,
  RiskStyle as EngineRiskStyle,
  Tempo as EngineTempo,
} from "../engine/index.js";
import { Grade, RecoveryPath, RestrictionCause, RiskStyle, Tempo } from "../../gen/keel/v1/contract_pb.js";
import { BehavioralPattern } from "../../gen/keel/v1/state_pb.js";
import {
  Action as WireAction,
  DriftLevel,
  Mode,
  StressLevel,
  SystemState,
} from "../../gen/keel/v1/modes_pb.js";
import {
  DriftDetector,
  DriftTolerance,
  EnergyPolicy,
  RiskPosture,
  StressTolerance,
} from "../../gen/keel/v1/profile_pb.js";

/** A two-way table between a wire enum and engine strings; UNSPECIFIED (0) has no engine value. */
export class EnumTable<W extends number, E extends string> {
  private readonly toEngineMap = new Map<number, E>();
  private readonly toWireMap = new Map<string, W>();

  constructor(pairs: [W, E][]) {
    for (const [w, e] of pairs) {
      this.toEngineMap.set(w, e);
      this.toWireMap.set(e, w);
    }
  }

  /** Undefined for UNSPECIFIED and for numbers the schema does not define. */
  toEngine(value: number): E | undefined {
    return this.toEngineMap.get(value);
  }

  toWire(value: E): W {
    const w = this.toWireMap.get(value);
    if (w === undefined) throw new Error(`no wire value for "${value}"`);
    return w;
  }
}

export const modes = new EnumTable<Mode, EngineMode>([
  [Mode.PERCEPTION, "perception"],
  [Mode.EXPLORATION, "exploration"],
  [Mode.ORDER, "order"],
  [Mode.ASSERTION, "assertion"],
  [Mode.CONNECTION, "connection"],
  [Mode.IDENTITY, "identity"],
  [Mode.STRESS_RESPONSE, "stress_response"],
]);

export const actions = new EnumTable<WireAction, Action>([
  [WireAction.EXPLORE, "explore"],
  [WireAction.QUESTION, "question"],
  [WireAction.ELABORATE, "elaborate"],
  [WireAction.SUGGEST, "suggest"],
  [WireAction.EXECUTE, "execute"],
  [WireAction.STABILIZE, "stabilize"],
  [WireAction.CLARIFY, "clarify"],
  [WireAction.DEFER, "defer"],
  [WireAction.CHALLENGE, "challenge"],
  [WireAction.COMFORT, "comfort"],
  [WireAction.WITHDRAW, "withdraw"],
  [WireAction.PIVOT, "pivot"],
  [WireAction.EMOTIONAL_MANIPULATION, "emotional_manipulation"],
  [WireAction.IDENTITY_OVERRIDE, "identity_override"],
]);

export const stressLevels = new EnumTable<StressLevel, "LOW" | "MED" | "HIGH" | "OVER">([
  [StressLevel.LOW, "LOW"],
  [StressLevel.MED, "MED"],
  [StressLevel.HIGH, "HIGH"],
  [StressLevel.OVER, "OVER"],
]);

export const systemStates = new EnumTable<SystemState, "baseline" | "stress" | "growth">([
  [SystemState.BASELINE, "baseline"],
  [SystemState.STRESS, "stress"],
  [SystemState.GROWTH, "growth"],
]);

export const driftLevels = new EnumTable<DriftLevel, EngineDriftLevel>([
  [DriftLevel.D0_NOISE, "D0_noise"],
  [DriftLevel.D1_CONTEXT, "D1_context"],
  [DriftLevel.D2_ADAPTIVE, "D2_adaptive"],
  [DriftLevel.D3_CORRUPT, "D3_corrupt"],
]);

export const riskPostures = new EnumTable<RiskPosture, "seeking" | "averse" | "moderate" | "bounded">([
  [RiskPosture.SEEKING, "seeking"],
  [RiskPosture.AVERSE, "averse"],
  [RiskPosture.MODERATE, "moderate"],
  [RiskPosture.BOUNDED, "bounded"],
]);

export const energyPolicies = new EnumTable<EnergyPolicy, "conservative" | "balanced" | "aggressive">([
  [EnergyPolicy.CONSERVATIVE, "conservative"],
  [EnergyPolicy.BALANCED, "balanced"],
  [EnergyPolicy.AGGRESSIVE, "aggressive"],
]);

export const stressTolerances = new EnumTable<StressTolerance, "fragile" | "normal" | "resilient">([
  [StressTolerance.FRAGILE, "fragile"],
  [StressTolerance.NORMAL, "normal"],
  [StressTolerance.RESILIENT, "resilient"],
]);

export const driftTolerances = new EnumTable<DriftTolerance, "strict" | "normal" | "permissive">([
  [DriftTolerance.STRICT, "strict"],
  [DriftTolerance.NORMAL, "normal"],
  [DriftTolerance.PERMISSIVE, "permissive"],
]);

export const driftDetectors = new EnumTable<DriftDetector, "anchor" | "sequential">([
  [DriftDetector.ANCHOR, "anchor"],
  [DriftDetector.SEQUENTIAL, "sequential"],
]);

export const tempos = new EnumTable<Tempo, EngineTempo>([
  [Tempo.MEASURED, "measured"],
  [Tempo.DECISIVE, "decisive"],
  [Tempo.EXPLORATORY, "exploratory"],
  [Tempo.OBSERVANT, "observant"],
  [Tempo.DELIBERATE, "deliberate"],
]);

export const riskStyles = new EnumTable<RiskStyle, EngineRiskStyle>([
  [RiskStyle.SEEKING, "seeking"],
  [RiskStyle.MODERATE, "moderate"],
  [RiskStyle.BOUNDED, "bounded"],
  [RiskStyle.CONSERVATIVE, "conservative"],
  [RiskStyle.AVERSE, "averse"],
]);

export const grades = new EnumTable<Grade, EngineGrade>([
  [Grade.LOW, "low"],
  [Grade.MEDIUM, "medium"],
  [Grade.HIGH, "high"],
]);

export const recoveryPaths = new EnumTable<RecoveryPath, EngineRecoveryPath>([
  [RecoveryPath.RAPID, "rapid"],
  [RecoveryPath.OSCILLATING, "oscillating"],
  [RecoveryPath.GRADUAL, "gradual"],
]);

export const behavioralPatterns = new EnumTable<BehavioralPattern, EngineBehavioralPattern>([
  [BehavioralPattern.STABLE, "stable"],
  [BehavioralPattern.SUSTAINED_STRESS, "sustained_stress"],
  [BehavioralPattern.RECURRING_STRESS, "recurring_stress"],
  [BehavioralPattern.ACTIVE_DRIFT, "active_drift"],
  [BehavioralPattern.MODE_LOCKED, "mode_locked"],
  [BehavioralPattern.VOLATILE, "volatile"],
  [BehavioralPattern.ENERGY_DEPLETED, "energy_depleted"],
]);

export const restrictionCauses = new EnumTable<RestrictionCause, EngineRestrictionCause>([
  [RestrictionCause.ALWAYS_FORBIDDEN, "always_forbidden"],
  [RestrictionCause.STRESS, "stress"],
  [RestrictionCause.ENERGY, "energy"],
  [RestrictionCause.HARD_LOCK, "hard_lock"],
  [RestrictionCause.MODE, "mode"],
  [RestrictionCause.DRIFT, "drift"],
  [RestrictionCause.CONTRACT_SCOPE, "contract_scope"],
  [RestrictionCause.INVARIANT, "invariant"],
  [RestrictionCause.FAIL_CLOSED, "fail_closed"],
  [RestrictionCause.RISK_POSTURE, "risk_posture"],
]);
