// Shadow (log-only) evaluation of a contract version: each cycle the shadow version runs through
// the same enforcement step, with the same observation and engine contract, as the enforced one
// would, in its own state; what it would have removed from this cycle's answer is reported and
// counted by rule, and nothing else changes. Pure.
import type { Action, ActionRestriction, ExecutionContract } from "../engine/index.js";
import { outOfScope, type CompiledContract } from "./compile.js";
import { enforceCycle, type EnforcedContract, type ObservedCycle } from "./enforce.js";
import type { Enforcement, EnforcementState } from "./state.js";

/** The would-be enforcement of the shadow version on one cycle (ExecutionContract.shadow). */
export interface ShadowSection {
  contractId: string;
  contractVersion: number;
  contractVersionHash: string;
  /** The shadow version's own report; null when it could not be evaluated. */
  enforcement: Enforcement | null;
  /** What the answer would allow under the shadow version, alphabetical. */
  allowedActions: Action[];
  /** Allowed now, removed by the shadow version: alphabetical, with the shadow's causes. */
  wouldBlock: ActionRestriction[];
  /** The rules behind wouldBlock, sorted. */
  wouldBlockRules: string[];
  /** Why the shadow version could not be evaluated; empty when it was. */
  error: string;
}

export interface RuleCount {
  violated: number;
  wouldBlock: number;
}

/** The would-block report of one shadow version, counted since it was first evaluated. */
export interface ShadowCounts {
  contractId: string;
  contractVersion: number;
  cycles: number;
  firstCycle: number;
  wouldBlockCycles: number;
  errorCycles: number;
  rules: Record<string, RuleCount>;
  actions: Record<string, number>;
}

/** What shadow evaluation keeps between cycles (StoredState.rollout.shadow). */
export interface ShadowState {
  /** The shadow version's own enforcement state: trust, window and violations as if enforced. */
  enforcement: EnforcementState;
  counts: ShadowCounts;
}

/** Rule names for removals that are not a violation. */
export const SCOPE_RULE = "scope/actions";
export const ENGINE_DRIFT_RULE = "engine_drift";

/**
 * One cycle of the shadow version. A shadow version evaluated for the first time (or one that
 * replaced another) starts from the enforced state before this cycle, so it sees the same
 * observed history a newly enforced version would. `answer` is what the agent actually receives.
 * Never throws: an error is reported in the section and counted, and the shadow state stays.
 */
export function shadowCycle(
  compiled: CompiledContract,
  previous: ShadowState | null | undefined,
  enforcedBefore: EnforcementState | undefined,
  observation: ObservedCycle,
  engineContract: ExecutionContract,
  answer: ExecutionContract,
): { state: ShadowState | null; section: ShadowSection } {
  const c = compiled.contract;
  const continuing = previous != null && previous.counts.contractId === c.contractId && previous.counts.contractVersion === c.version;
  const counts: ShadowCounts = continuing ? structuredClone(previous.counts) : emptyCounts(compiled, engineContract.cycleCount);
  counts.cycles++;
  let result: { state: EnforcementState; contract: EnforcedContract };
  try {
    result = enforceCycle(compiled, continuing ? previous.enforcement : enforcedBefore, observation, engineContract);
  } catch (err) {
    counts.errorCycles++;
    const section: ShadowSection = {
      contractId: c.contractId,
      contractVersion: c.version,
      contractVersionHash: compiled.versionHash,
      enforcement: null,
      allowedActions: [],
      wouldBlock: [],
      wouldBlockRules: [],
      error: err instanceof Error ? err.message : String(err),
    };
    return { state: continuing ? { enforcement: previous.enforcement, counts } : null, section };
  }
  const shadow = result.contract;
  const kept = new Set(shadow.allowedActions);
  const blocked = answer.allowedActions.filter((a) => !kept.has(a));
  const byAction = new Map(shadow.restrictions.map((r) => [r.action, r]));
  const wouldBlock = blocked.map((a) => byAction.get(a) ?? { action: a, causes: [], detail: "" }).sort(byActionName);
  const rules = blocked.length > 0 ? rulesBehind(compiled, shadow, blocked) : [];

  const enforcement = shadow.enforcement as Enforcement;
  for (const v of enforcement.violations) ruleCount(counts, v.name).violated++;
  for (const rule of rules) ruleCount(counts, rule).wouldBlock++;
  for (const a of blocked) counts.actions[a] = (counts.actions[a] ?? 0) + 1;
  if (blocked.length > 0) counts.wouldBlockCycles++;
  const section: ShadowSection = {
    contractId: c.contractId,
    contractVersion: c.version,
    contractVersionHash: compiled.versionHash,
    enforcement,
    allowedActions: shadow.allowedActions,
    wouldBlock,
    wouldBlockRules: rules,
    error: "",
  };
  return { state: { enforcement: result.state, counts }, section };
}

/** Which of the shadow's rules remove at least one of `blocked` (mirrors enforce.ts `shaped`). */
function rulesBehind(compiled: CompiledContract, shadow: EnforcedContract, blocked: readonly Action[]): string[] {
  const rules = new Set<string>();
  const scoped = new Set(outOfScope(compiled));
  const byDrift = new Set(shadow.driftRestrictedActions);
  for (const a of blocked) {
    if (scoped.has(a)) rules.add(SCOPE_RULE);
    else if (shadow.enforcement?.restricted && !compiled.restrictedActions.has(a)) {
      for (const v of shadow.enforcement.violations) if (v.restricting) rules.add(v.name);
    } else if (byDrift.has(a)) rules.add(ENGINE_DRIFT_RULE);
  }
  return [...rules].sort();
}

function emptyCounts(compiled: CompiledContract, cycle: number): ShadowCounts {
  const c = compiled.contract;
  return { contractId: c.contractId, contractVersion: c.version, cycles: 0, firstCycle: cycle, wouldBlockCycles: 0, errorCycles: 0, rules: {}, actions: {} };
}

function ruleCount(counts: ShadowCounts, rule: string): RuleCount {
  if (!Object.hasOwn(counts.rules, rule)) counts.rules[rule] = { violated: 0, wouldBlock: 0 };
  return counts.rules[rule] as RuleCount;
}

function byActionName(a: ActionRestriction, b: ActionRestriction): number {
  return a.action < b.action ? -1 : a.action > b.action ? 1 : 0;
}
