// Enforcement of an agent's active contract on one cycle: a pure step from the previous
// enforcement state, the cycle's observation and the engine's contract to the next state and the
// contract the agent receives.
import { DRIFT_LEVELS, FORBIDDEN_ACTIONS, RISKY_ACTIONS, STANDARD_ACTIONS, withCauses, type Action, type DriftLevel, type ExecutionContract, type RestrictionCause } from "../engine/index.js";
import { outOfScope, type CompiledContract } from "./compile.js";
import { addCount } from "./counts.js";
import { measureDrift } from "./drift.js";
import { DRIFT_DISTRIBUTIONS, type ViolationResponse } from "./model.js";
import type { DriftScores, Enforcement, EnforcementState, Violation, ViolationKind, WindowEntry } from "./state.js";
import { inTargetScope, tagKey } from "./tags.js";
import { clampTrust, nextTrust } from "./trust.js";
import { jsonCopy } from "./json-copy.js";
import { advanceRate } from "./rate-monitor.js";
import type { ShadowSection } from "./shadow.js";
import { advanceSum, emptySum, type SumState } from "./sum-monitor.js";
import { advanceMonitors, rebuildMonitors } from "./window-monitors.js";

/**
 * The engine's contract with how the declared contract shaped it, and the versions it was
 * computed with (set by the service; absent on contracts built outside it).
 */
export type EnforcedContract = ExecutionContract & {
  enforcement?: Enforcement;
  /** SHA-256 (hex) of the engine's code and constants. */
  engineVersionHash?: string;
  /** SHA-256 (hex) of the enforced contract version's canonical bytes. */
  contractVersionHash?: string;
  /** Set when the agent failed closed (fail-closed.ts): why it got only the safe actions. */
  failClosed?: string;
  /** The shadow contract version's would-be enforcement on this cycle (shadow.ts); changes nothing else. */
  shadow?: ShadowSection;
};

/** The restriction cause of a restricting violation of each kind. */
const CAUSE_OF_KIND: Readonly<Record<ViolationKind, RestrictionCause>> = {
  scope: "contract_scope",
  drift: "drift",
  anchor: "drift",
  invariant: "invariant",
};

/** What enforcement reads from an observation. */
export interface ObservedCycle {
  action: string | null;
  target: string | null;
  outcome: string | null;
  observedAtMs: number;
  context: Readonly<Record<string, string>>;
  /** The number the action carried (SUM invariants); null or absent when none. */
  amount?: number | null;
}

/** Observations name their semantic term in this context key. */
export const TERM_CONTEXT_KEY = "term";

const NO_DRIFT: DriftScores = { action: null, target: null, temporal: null, outcome: null, semantic: null, overall: null };

/** Pure: `previous` is left as it was (the step runs on a copy, with the JSON semantics the stores keep). */
export function enforceCycle(
  compiled: CompiledContract,
  previous: EnforcementState | undefined,
  observation: ObservedCycle,
  engineContract: ExecutionContract,
): { state: EnforcementState; contract: EnforcedContract } {
  return advanceEnforcement(compiled, previous && jsonCopy(previous), observation, engineContract);
}

/**
 * The enforcement step in place: `state` (owned by the caller, never shared) becomes the next
 * state. Constant work per monitor, no copy: what replay and the service's batches run
 * (BatchEnforcer keeps a failed step from leaving a half-advanced state).
 */
export function advanceEnforcement(
  compiled: CompiledContract,
  owned: EnforcementState | undefined,
  observation: ObservedCycle,
  engineContract: ExecutionContract,
): { state: EnforcementState; contract: EnforcedContract } {
  const c = compiled.contract;
  const state = fitted(compiled, owned);
  const monitors = state.monitors!;
  const entry = entryOf(compiled, observation, engineContract.cycleCount);
  state.window.push(entry);
  advanceMonitors(compiled.monitors, monitors, state.window);
  evictBeyond(compiled.capacity, state);
  const action = entry.a;
  updateRates(compiled, state, entry, action);
  const sums = updateSums(compiled, state, entry.ts, action, observation.amount ?? null);

  const { scores, terms } = measureDrift(compiled.drift, monitors);
  const found: Omit<Violation, "sinceCycle">[] = [];
  const add = (name: string, kind: ViolationKind, response: ViolationResponse, value: number | null, threshold: number | null, detail: string) =>
    found.push({ name, kind, value, threshold, restricting: response === "restrict", detail });

  if (compiled.operations && entry.a !== null && !compiled.operations.has(entry.a)) {
    add("scope/operation", "scope", c.policy.onScope, null, null, `operation "${entry.a}" is not in the authorized scope`);
  }
  if (compiled.targetPrefixes && observation.target !== null && !inTargetScope(compiled.targetPrefixes, observation.target)) {
    add("scope/target", "scope", c.policy.onScope, null, null, `target "${observation.target}" is not in the authorized scope`);
  }
  for (const d of DRIFT_DISTRIBUTIONS) {
    const limit = c.driftThresholds[d];
    const score = scores[d];
    if (limit !== null && score !== null && score > limit) {
      add(`drift/${d}`, "drift", c.policy.onDrift, score, limit, `${d} drift ${round(score)} exceeds ${limit}`);
    }
  }
  for (const anchor of c.semanticAnchors) {
    const drift = terms.get(anchor.term) ?? null;
    if (drift !== null && drift > anchor.tolerance) {
      add(`anchor/${anchor.term}`, "anchor", c.policy.onDrift, drift, anchor.tolerance, `semantic drift of ${anchor.term} ${round(drift)} exceeds its tolerance ${anchor.tolerance}`);
    }
  }
  const ctx = { current: entry, monitors, drift: scores, terms, rates: state.rates, sums };
  for (const check of compiled.invariants) {
    const value = check.measure(ctx);
    if (value !== null && !check.holds(value)) add(`invariant/${check.id}`, "invariant", check.response, value, check.threshold, check.describe(value));
  }

  const cycle = engineContract.cycleCount;
  const active: Record<string, number> = {};
  let started = 0;
  const violations = found
    .map((v) => {
      const since = Object.hasOwn(state.active, v.name) ? (state.active[v.name] as number) : cycle;
      if (since === cycle) started++;
      active[v.name] = since;
      return { ...v, sinceCycle: since };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  state.active = active;
  state.trust = nextTrust(state.trust, started, violations.length, c.trustFloor, c.trustCeiling);
  const enforcement: Enforcement = {
    contractId: c.contractId,
    contractVersion: c.version,
    violations,
    trust: state.trust,
    drift: scores,
    restricted: violations.some((v) => v.restricting),
  };
  state.last = enforcement;
  return { state, contract: shaped(compiled, engineContract, enforcement) };
}

/**
 * The contract without processing (GetContract, session open, reset): scope applied, and the
 * latest cycle's violations while they were found under this same contract version.
 */
export function standing(compiled: CompiledContract, state: EnforcementState | undefined, engineContract: ExecutionContract): EnforcedContract {
  const c = compiled.contract;
  const current = state !== undefined && state.contractId === c.contractId && state.version === c.version;
  const enforcement: Enforcement =
    current && state.last
      ? state.last
      : {
          contractId: c.contractId,
          contractVersion: c.version,
          violations: [],
          trust: state ? clampTrust(state.trust, c.trustFloor, c.trustCeiling) : c.initialTrust,
          drift: NO_DRIFT,
          restricted: false,
        };
  return shaped(compiled, engineContract, enforcement);
}

const RISKY: ReadonlySet<Action> = new Set(RISKY_ACTIONS);

function driftRemoves(at: DriftLevel | undefined, level: DriftLevel | null): boolean {
  return at !== undefined && level !== null && DRIFT_LEVELS.indexOf(level) >= DRIFT_LEVELS.indexOf(at);
}

/**
 * Allowed: the engine's, within scope, within the restricted actions while restricted, and without
 * the risky ones while drift is at or above the contract's engine_drift_restricts_at. Each removed
 * action gets the cause of what removed it: the scope, the kind of every restricting violation
 * (scope, drift, invariant), or engine drift, named in the detail.
 */
function shaped(compiled: CompiledContract, contract: ExecutionContract, enforcement: Enforcement): EnforcedContract {
  const lists = shapedLists(compiled, contract, enforcement);
  return {
    ...contract,
    ...lists,
    enforcement,
    contractVersionHash: compiled.versionHash,
  };
}

/** The action lists a contract version makes of the engine's (what shaped() returns besides the report). */
type ShapedLists = Pick<EnforcedContract, "allowedActions" | "driftRestrictedActions" | "forbiddenActions" | "restrictions">;

/**
 * The lists depend only on the engine's lists (shared, frozen arrays the engine memoises by
 * mask), its drift level and the restricting violations: computed once per combination and
 * frozen, not every cycle. A combination the engine built afresh (its own drift causes) is
 * computed, not remembered.
 */
const shapedCache = new WeakMap<CompiledContract, WeakMap<object, WeakMap<object, Map<string, ShapedLists>>>>();
const MAX_SHAPES = 256;

function shapedLists(compiled: CompiledContract, contract: ExecutionContract, enforcement: Enforcement): ShapedLists {
  if (!Object.isFrozen(contract.restrictions) || !Object.isFrozen(contract.allowedActions) || !Object.isFrozen(contract.driftRestrictedActions) || !Object.isFrozen(contract.forbiddenActions)) {
    return computeLists(compiled, contract, enforcement);
  }
  let byRestrictions = shapedCache.get(compiled);
  if (!byRestrictions) shapedCache.set(compiled, (byRestrictions = new WeakMap()));
  let byAllowed = byRestrictions.get(contract.restrictions);
  if (!byAllowed) byRestrictions.set(contract.restrictions, (byAllowed = new WeakMap()));
  let byRest = byAllowed.get(contract.allowedActions);
  if (!byRest) byAllowed.set(contract.allowedActions, (byRest = new Map()));
  let key = `${contract.driftLevel}|${contract.driftRestrictedActions.join(",")}|${contract.forbiddenActions.length}`;
  if (enforcement.restricted) for (const v of enforcement.violations) if (v.restricting) key += `|${v.kind}:${v.name}`;
  let lists = byRest.get(key);
  if (!lists) {
    lists = computeLists(compiled, contract, enforcement);
    Object.freeze(lists.allowedActions);
    Object.freeze(lists.driftRestrictedActions);
    Object.freeze(lists.forbiddenActions);
    Object.freeze(lists.restrictions);
    if (byRest.size < MAX_SHAPES) byRest.set(key, lists);
  }
  return lists;
}

function computeLists(compiled: CompiledContract, contract: ExecutionContract, enforcement: Enforcement): ShapedLists {
  const scoped = new Set<Action>(outOfScope(compiled));
  const removed = new Set<Action>(scoped);
  let restrictions = withCauses(contract.restrictions, scoped, "contract_scope", "outside the contract's authorized_scope.actions");
  if (enforcement.restricted) {
    const restricting = new Set<Action>();
    for (const a of STANDARD_ACTIONS) if (!compiled.restrictedActions.has(a)) restricting.add(a);
    for (const a of restricting) removed.add(a);
    for (const v of enforcement.violations) {
      if (v.restricting) restrictions = withCauses(restrictions, restricting, CAUSE_OF_KIND[v.kind], `restricted while ${v.name} holds`);
    }
  }
  // Engine drift acting where the contract asks: the risky actions go, and drift is named for those it took.
  const byDrift = driftRemoves(compiled.contract.policy.engineDriftRestrictsAt, contract.driftLevel)
    ? contract.allowedActions.filter((a) => RISKY.has(a) && !removed.has(a))
    : [];
  for (const a of byDrift) removed.add(a);
  restrictions = withCauses(restrictions, new Set(byDrift), "drift", `drift ${contract.driftLevel} at or above the contract's engine_drift_restricts_at`);
  const forbidden = new Set<Action>([...FORBIDDEN_ACTIONS, ...contract.forbiddenActions, ...removed]);
  return {
    allowedActions: contract.allowedActions.filter((a) => !removed.has(a)),
    driftRestrictedActions: byDrift.length === 0 ? contract.driftRestrictedActions : [...contract.driftRestrictedActions, ...byDrift].sort(),
    forbiddenActions: [...forbidden].sort(),
    restrictions,
  };
}

function fresh(compiled: CompiledContract): EnforcementState {
  const c = compiled.contract;
  const state: EnforcementState = {
    contractId: c.contractId,
    version: c.version,
    window: [],
    baseline: { action: {}, target: {}, outcome: {}, hour: {} },
    rates: {},
    trust: c.initialTrust,
    active: {},
    last: null,
  };
  state.monitors = rebuildMonitors(compiled.monitors, state);
  return state;
}

/**
 * The owned state fitted to this contract version (in place): observed history stays (it is
 * fact), trust is clamped into the new bounds, rate and sum monitors are kept only for rules that
 * still exist, and the window monitors are rebuilt for the version's rules.
 */
function fitted(compiled: CompiledContract, state: EnforcementState | undefined): EnforcementState {
  if (!state) return fresh(compiled);
  const c = compiled.contract;
  if (state.contractId === c.contractId && state.version === c.version) {
    if (!state.monitors) state.monitors = rebuildMonitors(compiled.monitors, state);
    return state;
  }
  state.contractId = c.contractId;
  state.version = c.version;
  state.trust = clampTrust(state.trust, c.trustFloor, c.trustCeiling);
  const rates: Record<string, number[]> = {};
  for (const rule of compiled.rates) if (Object.hasOwn(state.rates, rule.id)) rates[rule.id] = state.rates[rule.id] as number[];
  state.rates = rates;
  if (state.sums) {
    const sums: Record<string, SumState> = {};
    for (const rule of compiled.sums) if (Object.hasOwn(state.sums, rule.id)) sums[rule.id] = state.sums[rule.id] as SumState;
    state.sums = sums;
  }
  evictBeyond(compiled.capacity, state);
  state.monitors = rebuildMonitors(compiled.monitors, state);
  return state;
}

function entryOf(compiled: CompiledContract, o: ObservedCycle, cycle: number): WindowEntry {
  const term = Object.hasOwn(o.context, TERM_CONTEXT_KEY) ? (o.context[TERM_CONTEXT_KEY] as string) : null;
  return {
    c: cycle,
    a: o.action === null ? null : tagKey(o.action),
    t: o.target === null ? null : compiled.categorize(o.target),
    o: o.outcome === null ? null : tagKey(o.outcome),
    h: utcHour(o.observedAtMs),
    ts: o.observedAtMs,
    s: term,
  };
}

/** Cycles leaving the window join the baseline counts (what rebuilds the monitors' older part). */
function evictBeyond(capacity: number, state: EnforcementState): void {
  const w = state.window;
  const b = state.baseline;
  while (w.length > capacity) {
    const e = w.shift()!;
    if (e.a !== null) addCount(b.action, e.a);
    if (e.t !== null) addCount(b.target, e.t);
    if (e.o !== null) addCount(b.outcome, e.o);
    addCount(b.hour, String(e.h));
  }
}

/** Advances every RATE monitor (rate-monitor.ts). */
function updateRates(compiled: CompiledContract, state: EnforcementState, entry: WindowEntry, action: string | null): void {
  for (const rule of compiled.rates) {
    const times = Object.hasOwn(state.rates, rule.id) ? (state.rates[rule.id] as number[]) : (state.rates[rule.id] = []);
    advanceRate(times, entry.ts, rule.action === "" || rule.action === action, rule.windowMs, rule.keep);
  }
}

/** Advances every SUM monitor (constant amortised work each, no window rescan). */
function updateSums(compiled: CompiledContract, state: EnforcementState, ts: number, action: string | null, amount: number | null): Readonly<Record<string, SumState>> {
  if (compiled.sums.length === 0) return NO_SUMS;
  const monitors = state.sums ?? (state.sums = {});
  for (const rule of compiled.sums) {
    const monitor = Object.hasOwn(monitors, rule.id) ? (monitors[rule.id] as SumState) : (monitors[rule.id] = emptySum());
    const matches = rule.action === "" || rule.action === action;
    advanceSum(monitor, ts, matches ? amount : null, rule.windowMs);
  }
  return monitors;
}

const NO_SUMS: Readonly<Record<string, SumState>> = Object.freeze({});

const HOUR_MS = 3_600_000;

/** getUTCHours without a Date per cycle (the same for every time a Date can hold). */
function utcHour(ms: number): number {
  const t = Math.trunc(ms);
  if (!(Math.abs(t) <= 8.64e15)) return new Date(ms).getUTCHours();
  const h = Math.floor(t / HOUR_MS) % 24;
  return h < 0 ? h + 24 : h + 0; // + 0: never -0
}

function round(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
