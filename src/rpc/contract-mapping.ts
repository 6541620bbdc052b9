// BehavioralContract between the wire and the model. From the wire, every problem is collected
// (never thrown one at a time) so a rejected Put names them all; defaults are applied here, so
// the model is always complete.
import { create, fromJson, type JsonValue as ProtoJson, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampMs, ValueSchema } from "@bufbuild/protobuf/wkt";
import { inRange, wireTimestamp } from "./timestamps.js";
import type { Action, DriftLevel } from "../engine/index.js";
import type { FieldChange } from "../contracts/diff.js";
import {
  DEFAULTS,
  type BehavioralContract,
  type Comparison,
  type ContractDraft,
  type Dimension,
  type DriftDistribution,
  type EnforcementPolicy,
  type Invariant,
  type InvariantRule,
  type ViolationResponse,
} from "../contracts/model.js";
import type { Enforcement, ViolationKind } from "../contracts/state.js";
import type { Verification } from "../contracts/seal.js";
import {
  BehavioralContractSchema,
  Comparison as WireComparison,
  ContractEnforcementSchema,
  Dimension as WireDimension,
  DriftDistribution as WireDriftDistribution,
  ViolationKind as WireViolationKind,
  ViolationResponse as WireResponse,
  type BehavioralContract as WireContract,
  type ContractEnforcement as WireEnforcement,
  InvariantSchema,
  type Invariant as WireInvariant,
} from "../../gen/keel/v1/behavioral_contract_pb.js";
import { FieldChangeSchema, SealStatus, type FieldChange as WireFieldChange } from "../../gen/keel/v1/contract_service_pb.js";
import { actions, driftLevels, EnumTable } from "./enums.js";

const comparisons = new EnumTable<WireComparison, Comparison>([
  [WireComparison.LESS, "lt"],
  [WireComparison.LESS_OR_EQUAL, "le"],
  [WireComparison.GREATER, "gt"],
  [WireComparison.GREATER_OR_EQUAL, "ge"],
]);
const dimensions = new EnumTable<WireDimension, Dimension>([
  [WireDimension.ACTION, "action"],
  [WireDimension.TARGET, "target"],
  [WireDimension.OUTCOME, "outcome"],
]);
const driftDistributions = new EnumTable<WireDriftDistribution, DriftDistribution>([
  [WireDriftDistribution.ACTION, "action"],
  [WireDriftDistribution.TARGET, "target"],
  [WireDriftDistribution.TEMPORAL, "temporal"],
  [WireDriftDistribution.OUTCOME, "outcome"],
  [WireDriftDistribution.SEMANTIC, "semantic"],
  [WireDriftDistribution.OVERALL, "overall"],
]);
const responses = new EnumTable<WireResponse, ViolationResponse>([
  [WireResponse.RECORD, "record"],
  [WireResponse.RESTRICT, "restrict"],
]);
const violationKinds = new EnumTable<WireViolationKind, ViolationKind>([
  [WireViolationKind.SCOPE, "scope"],
  [WireViolationKind.DRIFT, "drift"],
  [WireViolationKind.ANCHOR, "anchor"],
  [WireViolationKind.INVARIANT, "invariant"],
]);
export const sealStatuses = {
  valid: SealStatus.VALID,
  unsealed: SealStatus.UNSEALED,
  unknown_signer: SealStatus.UNKNOWN_SIGNER,
  malformed: SealStatus.MALFORMED,
  invalid: SealStatus.INVALID,
} as const satisfies Record<Verification["status"], SealStatus>;

/** A contract from the wire, with the problems only the wire form can have (enum values). */
export function contractFromWire(w: WireContract): { contract: ContractDraft; problems: string[] } {
  const problems: string[] = [];
  const enumOf = <E>(field: string, value: number, table: { toEngine(v: number): E | undefined }, fallback: E, optional = false): E => {
    if (value === 0 && optional) return fallback;
    const mapped = table.toEngine(value);
    if (mapped === undefined) problems.push(value === 0 ? `${field} is required` : `${field} ${value} is not a known value`);
    return mapped ?? fallback;
  };
  const actionList = (field: string, list: number[]): Action[] =>
    list.map((a, i) => enumOf(`${field}[${i}]`, a, actions, "clarify" as Action));

  const policyWire = w.policy;
  const window = policyWire?.window || DEFAULTS.window;
  const onInvariant = enumOf("policy.on_invariant", policyWire?.onInvariant ?? 0, responses, DEFAULTS.response, true);
  const restricted = policyWire ? actionList("policy.restricted_actions", policyWire.restrictedActions) : [];
  const policy: EnforcementPolicy = {
    window,
    minObservations: policyWire?.minObservations || Math.min(DEFAULTS.minObservations, window),
    priorWeight: policyWire?.priorWeight ?? DEFAULTS.priorWeight,
    onInvariant,
    onDrift: enumOf("policy.on_drift", policyWire?.onDrift ?? 0, responses, DEFAULTS.response, true),
    onScope: enumOf("policy.on_scope", policyWire?.onScope ?? 0, responses, DEFAULTS.response, true),
    restrictedActions: restricted.length > 0 ? restricted : [...DEFAULTS.restrictedActions],
  };
  if (policyWire && policyWire.engineDriftRestrictsAt !== 0) {
    policy.engineDriftRestrictsAt = enumOf("policy.engine_drift_restricts_at", policyWire.engineDriftRestrictsAt, driftLevels, "D1_context" as DriftLevel);
  }

  let createdAtMs: number | null = null;
  if (w.createdAt) {
    if (!inRange(w.createdAt)) problems.push("created_at must lie from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z");
    else if (w.createdAt.nanos % 1_000_000 !== 0) problems.push("created_at must be in whole milliseconds");
    createdAtMs = Math.floor(timestampMs(w.createdAt));
  }
  const t = w.driftThresholds;
  const scope = w.authorizedScope;
  const contract: ContractDraft = {
    contractId: w.contractId,
    version: w.version,
    agentId: w.agentId,
    createdAtMs,
    certificateId: w.certificateId,
    archetype: w.archetype || DEFAULTS.archetype,
    expectedActionDistribution: { ...w.expectedActionDistribution },
    expectedTargetDistribution: { ...w.expectedTargetDistribution },
    expectedOutcomeDistribution: { ...w.expectedOutcomeDistribution },
    authorizedScope: scope
      ? { actions: actionList("authorized_scope.actions", scope.actions), operations: [...scope.operations], targets: [...scope.targets] }
      : null,
    initialTrust: w.initialTrust ?? DEFAULTS.initialTrust,
    trustFloor: w.trustFloor ?? DEFAULTS.trustFloor,
    trustCeiling: w.trustCeiling ?? DEFAULTS.trustCeiling,
    invariants: w.invariants.map((inv, i) => invariantFromWire(`invariants[${i}]`, inv, policy, problems, enumOf)),
    semanticAnchors: w.semanticAnchors.map((a) => ({
      term: a.term,
      expectedActionDistribution: { ...a.expectedActionDistribution },
      expectedTargetDistribution: { ...a.expectedTargetDistribution },
      tolerance: a.tolerance,
    })),
    driftThresholds: {
      action: t?.action ?? null,
      target: t?.target ?? null,
      temporal: t?.temporal ?? null,
      outcome: t?.outcome ?? null,
      semantic: t?.semantic ?? null,
      overall: t?.overall ?? null,
    },
    policy,
    signature: w.signature,
    signer: w.signer,
  };
  return { contract, problems };
}

type EnumOf = <E>(field: string, value: number, table: { toEngine(v: number): E | undefined }, fallback: E, optional?: boolean) => E;

function invariantFromWire(field: string, w: WireInvariant, policy: EnforcementPolicy, problems: string[], enumOf: EnumOf): Invariant {
  const rule = ruleFromWire(field, w, policy, problems, enumOf);
  return {
    id: w.id,
    description: w.description,
    response: enumOf(`${field}.response`, w.response, responses, policy.onInvariant, true),
    rule,
  };
}

function ruleFromWire(field: string, w: WireInvariant, policy: EnforcementPolicy, problems: string[], enumOf: EnumOf): InvariantRule {
  const r = w.rule;
  const f = `${field}.${r.case ?? "rule"}`;
  const cmp = (v: number) => enumOf(`${f}.comparison`, v, comparisons, "le" as Comparison);
  const dim = (v: number) => enumOf(`${f}.dimension`, v, dimensions, "action" as Dimension);
  switch (r.case) {
    case "ratio":
      return {
        type: "ratio",
        dimension: dim(r.value.dimension),
        numerator: r.value.numerator,
        denominator: r.value.denominator,
        comparison: cmp(r.value.comparison),
        threshold: r.value.threshold,
        window: r.value.window || policy.window,
      };
    case "distribution": {
      const window = r.value.window || policy.window;
      return {
        type: "distribution",
        dimension: dim(r.value.dimension),
        key: r.value.key,
        comparison: cmp(r.value.comparison),
        threshold: r.value.threshold,
        window,
        minObservations: r.value.minObservations || window,
      };
    }
    case "drift":
      return {
        type: "drift",
        distribution: enumOf(`${f}.distribution`, r.value.distribution, driftDistributions, "overall" as DriftDistribution),
        comparison: cmp(r.value.comparison),
        threshold: r.value.threshold,
      };
    case "semantic":
      return { type: "semantic", term: r.value.term, comparison: cmp(r.value.comparison), threshold: r.value.threshold };
    case "temporal":
      return { type: "temporal", startHour: r.value.startHour, endHour: r.value.endHour };
    case "rate":
      return {
        type: "rate",
        action: r.value.action,
        windowSeconds: r.value.windowSeconds,
        baseline: r.value.baseline,
        comparison: cmp(r.value.comparison),
        threshold: r.value.threshold,
      };
    case "count":
      return { type: "count", dimension: dim(r.value.dimension), window: r.value.window || policy.window, comparison: cmp(r.value.comparison), threshold: r.value.threshold };
    case "sum":
      return { type: "sum", action: r.value.action, windowSeconds: r.value.windowSeconds, comparison: cmp(r.value.comparison), threshold: r.value.threshold };
    default:
      problems.push(`${field} must set one rule - ratio distribution drift semantic temporal rate count or sum`);
      return { type: "temporal", startHour: 0, endHour: 1 };
  }
}

export function contractToWire(c: BehavioralContract): WireContract {
  const t = c.driftThresholds;
  const orUndefined = (x: number | null) => (x === null ? undefined : x);
  return create(BehavioralContractSchema, {
    contractId: c.contractId,
    version: c.version,
    agentId: c.agentId,
    createdAt: wireTimestamp(c.createdAtMs),
    certificateId: c.certificateId,
    archetype: c.archetype,
    expectedActionDistribution: c.expectedActionDistribution,
    expectedTargetDistribution: c.expectedTargetDistribution,
    expectedOutcomeDistribution: c.expectedOutcomeDistribution,
    authorizedScope: c.authorizedScope
      ? {
          actions: c.authorizedScope.actions.map((a) => actions.toWire(a)),
          operations: c.authorizedScope.operations,
          targets: c.authorizedScope.targets,
        }
      : undefined,
    initialTrust: c.initialTrust,
    trustFloor: c.trustFloor,
    trustCeiling: c.trustCeiling,
    invariants: c.invariants.map((inv) => ({
      id: inv.id,
      description: inv.description,
      response: responses.toWire(inv.response),
      rule: ruleToWire(inv.rule),
    })),
    semanticAnchors: c.semanticAnchors,
    driftThresholds: {
      action: orUndefined(t.action),
      target: orUndefined(t.target),
      temporal: orUndefined(t.temporal),
      outcome: orUndefined(t.outcome),
      semantic: orUndefined(t.semantic),
      overall: orUndefined(t.overall),
    },
    policy: {
      window: c.policy.window,
      minObservations: c.policy.minObservations,
      priorWeight: c.policy.priorWeight,
      onInvariant: responses.toWire(c.policy.onInvariant),
      onDrift: responses.toWire(c.policy.onDrift),
      onScope: responses.toWire(c.policy.onScope),
      restrictedActions: c.policy.restrictedActions.map((a) => actions.toWire(a)),
      engineDriftRestrictsAt: c.policy.engineDriftRestrictsAt === undefined ? 0 : driftLevels.toWire(c.policy.engineDriftRestrictsAt),
    },
    signature: c.signature,
    signer: c.signer,
  });
}

function ruleToWire(r: InvariantRule): MessageInitShape<typeof InvariantSchema>["rule"] {
  switch (r.type) {
    case "ratio": {
      const { dimension, numerator, denominator, comparison, threshold, window } = r;
      const value = { dimension: dimensions.toWire(dimension), numerator, denominator, comparison: comparisons.toWire(comparison), threshold, window };
      return { case: "ratio", value };
    }
    case "distribution": {
      const { dimension, key, comparison, threshold, window, minObservations } = r;
      const value = { dimension: dimensions.toWire(dimension), key, comparison: comparisons.toWire(comparison), threshold, window, minObservations };
      return { case: "distribution", value };
    }
    case "drift":
      return {
        case: "drift",
        value: { distribution: driftDistributions.toWire(r.distribution), comparison: comparisons.toWire(r.comparison), threshold: r.threshold },
      };
    case "semantic":
      return { case: "semantic", value: { term: r.term, comparison: comparisons.toWire(r.comparison), threshold: r.threshold } };
    case "temporal":
      return { case: "temporal", value: { startHour: r.startHour, endHour: r.endHour } };
    case "rate": {
      const { action, windowSeconds, baseline, comparison, threshold } = r;
      return { case: "rate", value: { action, windowSeconds, baseline, comparison: comparisons.toWire(comparison), threshold } };
    }
    case "count": {
      const { dimension, window, comparison, threshold } = r;
      return { case: "count", value: { dimension: dimensions.toWire(dimension), window, comparison: comparisons.toWire(comparison), threshold } };
    }
    case "sum": {
      const { action, windowSeconds, comparison, threshold } = r;
      return { case: "sum", value: { action, windowSeconds, comparison: comparisons.toWire(comparison), threshold } };
    }
  }
}

export function enforcementToWire(e: Enforcement): WireEnforcement {
  const orUndefined = (x: number | null) => (x === null ? undefined : x);
  return create(ContractEnforcementSchema, {
    contractId: e.contractId,
    contractVersion: e.contractVersion,
    violations: e.violations.map((v) => ({
      name: v.name,
      kind: violationKinds.toWire(v.kind),
      value: orUndefined(v.value),
      threshold: orUndefined(v.threshold),
      sinceCycle: BigInt(v.sinceCycle),
      restricting: v.restricting,
      detail: v.detail,
    })),
    trust: e.trust,
    drift: {
      action: orUndefined(e.drift.action),
      target: orUndefined(e.drift.target),
      temporal: orUndefined(e.drift.temporal),
      outcome: orUndefined(e.drift.outcome),
      semantic: orUndefined(e.drift.semantic),
      overall: orUndefined(e.drift.overall),
    },
    restricted: e.restricted,
  });
}

export function fieldChangeToWire(change: FieldChange): WireFieldChange {
  const value = (v: FieldChange["old"]) => (v === undefined ? undefined : fromJson(ValueSchema, v as ProtoJson));
  return create(FieldChangeSchema, { path: change.path, oldValue: value(change.old), newValue: value(change.new) });
}
