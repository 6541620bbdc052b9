// A contract version compiled once into what enforcement runs every cycle: scope sets, the
// target categorizer, drift configuration and invariant checks.
import { createHash } from "node:crypto";
import { STANDARD_ACTIONS, type Action } from "../engine/index.js";
import { canonicalBytes } from "./canonical.js";
import type { SealStatus } from "./seal.js";
import type { DriftConfig } from "./drift.js";
import { compileInvariant, type CompiledInvariant } from "./invariants.js";
import { LIMITS, type BehavioralContract, type RateRule } from "./model.js";
import { priorFor } from "./priors.js";
import { categorizer } from "./tags.js";
import type { MonitorSpec, SpanSpec } from "./window-monitors.js";

export interface CompiledRate {
  id: string;
  /** Empty: every observation. */
  action: string;
  windowMs: number;
  /** Timestamps kept: one more than the limit decides a violation exactly. */
  keep: number;
}

export interface CompiledContract {
  contract: BehavioralContract;
  /** SHA-256 (hex) of the version's canonical bytes: names exactly what was enforced. */
  versionHash: string;
  /** The seal checked against the server's trusted keys (set by the registry, which holds them). */
  seal?: SealStatus;
  /** Cycles of history the window keeps. */
  capacity: number;
  categorize: (target: string) => string;
  /** null: unrestricted. */
  scopeActions: ReadonlySet<Action> | null;
  operations: ReadonlySet<string> | null;
  targetPrefixes: readonly string[] | null;
  restrictedActions: ReadonlySet<Action>;
  drift: DriftConfig;
  invariants: readonly CompiledInvariant[];
  rates: readonly CompiledRate[];
  sums: readonly CompiledSum[];
  /** The incremental window monitors enforcement keeps for this version (drift, anchored terms, spans). */
  monitors: MonitorSpec;
}

export interface CompiledSum {
  id: string;
  /** Empty: every observation. */
  action: string;
  windowMs: number;
}

export function compileContract(contract: BehavioralContract): CompiledContract {
  const scope = contract.authorizedScope;
  const invariants = contract.invariants.map(compileInvariant);
  const prior = priorFor(contract.archetype);
  const categories = [
    ...Object.keys(contract.expectedTargetDistribution),
    ...contract.semanticAnchors.flatMap((a) => Object.keys(a.expectedTargetDistribution)),
    ...contract.invariants.flatMap((inv) => {
      const r = inv.rule;
      if (r.type === "ratio" && r.dimension === "target") return [r.numerator, r.denominator];
      if (r.type === "distribution" && r.dimension === "target" && r.key) return [r.key];
      return [];
    }),
  ];
  const rates = contract.invariants.flatMap((inv): CompiledRate[] =>
    inv.rule.type === "rate" ? [rateOf(inv.id, inv.rule)] : [],
  );
  const sums = contract.invariants.flatMap((inv): CompiledSum[] =>
    inv.rule.type === "sum" ? [{ id: inv.id, action: inv.rule.action, windowMs: inv.rule.windowSeconds * 1000 }] : [],
  );
  const capacity = Math.min(
    LIMITS.maxWindow,
    Math.max(contract.policy.window, ...invariants.map((i) => i.window)),
  );
  return {
    contract,
    versionHash: contractVersionHash(contract),
    capacity,
    categorize: categorizer(categories),
    scopeActions: scope && scope.actions.length > 0 ? new Set(scope.actions) : null,
    operations: scope && scope.operations.length > 0 ? new Set(scope.operations) : null,
    targetPrefixes: scope && scope.targets.length > 0 ? scope.targets : null,
    restrictedActions: new Set(contract.policy.restrictedActions),
    drift: {
      window: contract.policy.window,
      minObservations: contract.policy.minObservations,
      priorWeight: contract.policy.priorWeight,
      expected: {
        action: contract.expectedActionDistribution,
        target: contract.expectedTargetDistribution,
        outcome: contract.expectedOutcomeDistribution,
      },
      anchors: contract.semanticAnchors,
      weights: { ...(prior?.driftWeights ?? { action: 1, target: 1, temporal: 1, outcome: 1 }), semantic: 1 },
    },
    invariants,
    rates,
    sums,
    monitors: { window: contract.policy.window, terms: [...new Set(contract.semanticAnchors.map((a) => a.term))], spans: spansOf(invariants) },
  };
}

/** One span monitor per (dimension, window), shared by the rules that read it. */
function spansOf(invariants: readonly CompiledInvariant[]): SpanSpec[] {
  const spans = new Map<string, SpanSpec>();
  for (const inv of invariants) {
    const s = inv.span;
    if (!s) continue;
    const known = spans.get(s.key);
    if (known) known.freq ||= s.freq;
    else spans.set(s.key, { ...s });
  }
  return [...spans.values()];
}

/** SHA-256 (hex) of the bytes a seal signs: the same content always has the same hash, sealed or not. */
export function contractVersionHash(contract: BehavioralContract): string {
  return createHash("sha256").update(canonicalBytes(contract)).digest("hex");
}

function rateOf(id: string, rule: RateRule): CompiledRate {
  return { id, action: rule.action, windowMs: rule.windowSeconds * 1000, keep: Math.floor(rule.baseline * rule.threshold) + 1 };
}

/** Every standard action the scope leaves out (none when unrestricted). */
export function outOfScope(compiled: CompiledContract): Action[] {
  const scope = compiled.scopeActions;
  return scope ? STANDARD_ACTIONS.filter((a) => !scope.has(a)) : [];
}
