// The behavioral contract as plain, JSON-clean data: every field always present (null where a
// value is optional), so the canonical form, the diff and the stores all see one shape.
// The wire form is proto/keel/v1/behavioral_contract.proto; src/rpc/contract-mapping.ts converts.
import type { Action, DriftLevel, StandardAction } from "../engine/index.js";

/** Expected share per key; keys are lowercase, values sum to 1 (or the map is empty). */
export type Distribution = Record<string, number>;

/** Which observation tag a rule reads. */
export type Dimension = "action" | "target" | "outcome";
export type DriftDistribution = "action" | "target" | "temporal" | "outcome" | "semantic" | "overall";
/** An invariant holds while `value <comparison> threshold`. */
export type Comparison = "lt" | "le" | "gt" | "ge";
export type ViolationResponse = "record" | "restrict";

export const DIMENSIONS: readonly Dimension[] = ["action", "target", "outcome"];
export const DRIFT_DISTRIBUTIONS: readonly DriftDistribution[] = ["action", "target", "temporal", "outcome", "semantic", "overall"];
export const COMPARISONS: readonly Comparison[] = ["lt", "le", "gt", "ge"];

export interface RatioRule {
  type: "ratio";
  dimension: Dimension;
  numerator: string;
  denominator: string;
  comparison: Comparison;
  threshold: number;
  window: number;
}

export interface DistributionRule {
  type: "distribution";
  dimension: Dimension;
  /** Empty: the largest share of any key. */
  key: string;
  comparison: Comparison;
  threshold: number;
  window: number;
  minObservations: number;
}

export interface DriftRule {
  type: "drift";
  distribution: DriftDistribution;
  comparison: Comparison;
  threshold: number;
}

export interface SemanticRule {
  type: "semantic";
  term: string;
  comparison: Comparison;
  threshold: number;
}

export interface TemporalRule {
  type: "temporal";
  /** UTC hours, [start, end), wrapping past midnight when start > end. */
  startHour: number;
  endHour: number;
}

export interface RateRule {
  type: "rate";
  /** Empty: every observation. */
  action: string;
  windowSeconds: number;
  /** Expected observations per window. */
  baseline: number;
  comparison: Comparison;
  threshold: number;
}

/** Sum of the amounts of matching observations within the last windowSeconds (6 decimals). */
export interface SumRule {
  type: "sum";
  /** Empty: every observation. */
  action: string;
  windowSeconds: number;
  comparison: Comparison;
  threshold: number;
}

export interface CountRule {
  type: "count";
  dimension: Dimension;
  window: number;
  comparison: Comparison;
  threshold: number;
}

export type InvariantRule = RatioRule | DistributionRule | DriftRule | SemanticRule | TemporalRule | RateRule | CountRule | SumRule;
export type InvariantType = InvariantRule["type"];
export const INVARIANT_TYPES: readonly InvariantType[] = ["ratio", "distribution", "drift", "semantic", "temporal", "rate", "count", "sum"];

export interface Invariant {
  id: string;
  description: string;
  response: ViolationResponse;
  rule: InvariantRule;
}

export interface SemanticAnchor {
  term: string;
  expectedActionDistribution: Distribution;
  expectedTargetDistribution: Distribution;
  tolerance: number;
}

/** An empty list leaves that dimension unrestricted. Lists are sorted and free of duplicates. */
export interface AuthorizedScope {
  /** Engine actions; never the two always-forbidden ones. */
  actions: Action[];
  /** Observation action strings. */
  operations: string[];
  /** Lowercase target prefixes. */
  targets: string[];
}

export type DriftThresholds = Record<DriftDistribution, number | null>;

export interface EnforcementPolicy {
  window: number;
  minObservations: number;
  priorWeight: number;
  onInvariant: ViolationResponse;
  onDrift: ViolationResponse;
  onScope: ViolationResponse;
  /** Sorted; never empty once defaults are applied. */
  restrictedActions: Action[];
  /**
   * Engine drift at or above this level removes the risky actions. Absent when unset, so
   * contracts sealed before it existed keep their canonical bytes.
   */
  engineDriftRestrictsAt?: DriftLevel;
}

export interface BehavioralContract {
  contractId: string;
  version: number;
  agentId: string;
  createdAtMs: number;
  certificateId: string;
  archetype: string;
  expectedActionDistribution: Distribution;
  expectedTargetDistribution: Distribution;
  expectedOutcomeDistribution: Distribution;
  /** null: unrestricted. */
  authorizedScope: AuthorizedScope | null;
  initialTrust: number;
  trustFloor: number;
  trustCeiling: number;
  invariants: Invariant[];
  semanticAnchors: SemanticAnchor[];
  driftThresholds: DriftThresholds;
  policy: EnforcementPolicy;
  /** Lowercase hex; "" when unsealed. */
  signature: string;
  /** Key id; "" when unsealed. */
  signer: string;
}

/** A contract as submitted: createdAtMs is null when the server is to assign it. */
export type ContractDraft = Omit<BehavioralContract, "createdAtMs"> & { createdAtMs: number | null };

export const DEFAULTS = {
  archetype: "general",
  initialTrust: 0.5,
  trustFloor: 0,
  trustCeiling: 1,
  window: 50,
  minObservations: 20,
  priorWeight: 50,
  response: "record" as ViolationResponse,
  restrictedActions: ["clarify", "defer", "stabilize", "withdraw"] as StandardAction[],
} as const;

export const LIMITS = {
  /** A distribution sums to 1 within this. */
  sumTolerance: 1e-6,
  maxWindow: 500,
  maxPriorWeight: 10_000,
  maxKeys: 64,
  maxKeyLength: 128,
  maxInvariants: 64,
  maxAnchors: 32,
  maxScopeEntries: 64,
  maxDescription: 1000,
  maxRateWindowSeconds: 7 * 24 * 3600,
  /** baseline × threshold of a rate rule: bounds the timestamps kept per rule. */
  maxRateLimit: 500,
  maxVersion: 2_147_483_647,
} as const;

export function emptyThresholds(): DriftThresholds {
  return { action: null, target: null, temporal: null, outcome: null, semantic: null, overall: null };
}

export function defaultPolicy(): EnforcementPolicy {
  return {
    window: DEFAULTS.window,
    minObservations: DEFAULTS.minObservations,
    priorWeight: DEFAULTS.priorWeight,
    onInvariant: DEFAULTS.response,
    onDrift: DEFAULTS.response,
    onScope: DEFAULTS.response,
    restrictedActions: [...DEFAULTS.restrictedActions],
  };
}
