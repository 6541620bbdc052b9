// Validation of a complete contract (defaults applied). Returns every problem, each naming its
// field by proto path, so a rejected Put can list them all. Messages avoid ":" "," ";", which
// gRPC clients show percent-encoded.
import { FORBIDDEN_ACTIONS, STANDARD_ACTIONS, type Action } from "../engine/index.js";
import { KEY_ID_PATTERN } from "./keys.js";
import {
  COMPARISONS,
  DIMENSIONS,
  DRIFT_DISTRIBUTIONS,
  INVARIANT_TYPES,
  LIMITS,
  type BehavioralContract,
  type Distribution,
  type Invariant,
  type SemanticAnchor,
} from "./model.js";

const CONTRACT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const AGENT_ID_PATTERN = /^inst_[0-9a-f]{16}$/;
export const ARCHETYPE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Invariant ids and anchor terms. */
const NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
/** Distribution keys, operations and target prefixes: no whitespace, uppercase or control characters. */
const KEY_PATTERN = /^[^\s\p{Lu}\p{Lt}\p{C}]{1,128}$/u;

type Problems = string[];

const isUnit = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x >= 0 && x <= 1;
const isInt = (x: unknown, min: number, max: number): x is number =>
  typeof x === "number" && Number.isInteger(x) && x >= min && x <= max;
const show = (s: string): string => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

export function validateContract(c: BehavioralContract): Problems {
  const p: Problems = [];
  if (!CONTRACT_ID_PATTERN.test(c.contractId)) p.push("contract_id must be 1 to 64 of A-Z a-z 0-9 _ - starting with a letter or digit");
  if (!isInt(c.version, 1, LIMITS.maxVersion)) p.push(`version must be an integer from 1 to ${LIMITS.maxVersion} (got ${c.version})`);
  if (!AGENT_ID_PATTERN.test(c.agentId)) p.push(`agent_id must be "inst_" followed by 16 lowercase hex digits (got ${show(c.agentId)})`);
  if (!isInt(c.createdAtMs, 0, 253402300799999)) p.push("created_at must be a timestamp from 1970 to 9999 in whole milliseconds");
  if ([...c.certificateId].length > 128 || /\p{C}/u.test(c.certificateId)) p.push("certificate_id must be at most 128 printable characters");
  if (!ARCHETYPE_PATTERN.test(c.archetype)) p.push(`archetype must be 1 to 64 of a-z 0-9 _ - (got ${show(c.archetype)})`);
  distribution(p, "expected_action_distribution", c.expectedActionDistribution);
  distribution(p, "expected_target_distribution", c.expectedTargetDistribution);
  distribution(p, "expected_outcome_distribution", c.expectedOutcomeDistribution);
  if (c.authorizedScope) {
    actionList(p, "authorized_scope.actions", c.authorizedScope.actions);
    keyList(p, "authorized_scope.operations", c.authorizedScope.operations);
    keyList(p, "authorized_scope.targets", c.authorizedScope.targets);
  }
  trust(p, c);
  const terms = anchors(p, c.semanticAnchors);
  invariants(p, c.invariants, terms);
  for (const d of DRIFT_DISTRIBUTIONS) {
    const t = c.driftThresholds[d];
    if (t !== null && !isUnit(t)) p.push(`drift_thresholds.${d} must be from 0 to 1 (got ${t})`);
  }
  policy(p, c);
  seal(p, c);
  return p;
}

function distribution(p: Problems, field: string, d: Distribution): void {
  const entries = Object.entries(d);
  if (entries.length > LIMITS.maxKeys) p.push(`${field} must have at most ${LIMITS.maxKeys} keys (got ${entries.length})`);
  let sum = 0;
  let valuesOk = true;
  for (const [k, v] of entries) {
    if (!KEY_PATTERN.test(k)) p.push(`${field} key ${show(k)} must be 1 to 128 characters without whitespace or uppercase`);
    if (!isUnit(v)) {
      p.push(`${field}[${show(k)}] must be from 0 to 1 (got ${v})`);
      valuesOk = false;
    } else sum += v;
  }
  if (entries.length > 0 && valuesOk && Math.abs(sum - 1) > LIMITS.sumTolerance) {
    p.push(`${field} sums to ${sum} - must sum to 1 within ${LIMITS.sumTolerance} (or be empty)`);
  }
}

function actionList(p: Problems, field: string, actions: readonly Action[]): void {
  if (actions.length > LIMITS.maxScopeEntries) p.push(`${field} must have at most ${LIMITS.maxScopeEntries} entries`);
  if (new Set(actions).size !== actions.length) p.push(`${field} must not repeat an action`);
  for (const a of actions) {
    if ((FORBIDDEN_ACTIONS as readonly string[]).includes(a)) p.push(`${field} must not contain ${a.toUpperCase()} - it is always forbidden`);
    else if (!(STANDARD_ACTIONS as readonly string[]).includes(a)) p.push(`${field} contains unknown action ${show(a)}`);
  }
}

function keyList(p: Problems, field: string, keys: readonly string[]): void {
  if (keys.length > LIMITS.maxScopeEntries) p.push(`${field} must have at most ${LIMITS.maxScopeEntries} entries`);
  if (new Set(keys).size !== keys.length) p.push(`${field} must not repeat an entry`);
  for (const k of keys) {
    if (!KEY_PATTERN.test(k)) p.push(`${field} entry ${show(k)} must be 1 to 128 characters without whitespace or uppercase`);
  }
}

function trust(p: Problems, c: BehavioralContract): void {
  const fields = { initial_trust: c.initialTrust, trust_floor: c.trustFloor, trust_ceiling: c.trustCeiling };
  let ok = true;
  for (const [name, v] of Object.entries(fields)) {
    if (!isUnit(v)) {
      p.push(`${name} must be from 0 to 1 (got ${v})`);
      ok = false;
    }
  }
  if (ok && !(c.trustFloor <= c.initialTrust && c.initialTrust <= c.trustCeiling)) {
    p.push(`trust must satisfy trust_floor <= initial_trust <= trust_ceiling (got ${c.trustFloor} then ${c.initialTrust} then ${c.trustCeiling})`);
  }
}

function anchors(p: Problems, list: readonly SemanticAnchor[]): Set<string> {
  const terms = new Set<string>();
  if (list.length > LIMITS.maxAnchors) p.push(`semantic_anchors must have at most ${LIMITS.maxAnchors} entries`);
  list.forEach((a, i) => {
    const f = `semantic_anchors[${i}]`;
    if (!NAME_PATTERN.test(a.term)) p.push(`${f}.term must be 1 to 64 of a-z 0-9 _ . - (got ${show(a.term)})`);
    else if (terms.has(a.term)) p.push(`${f}.term ${show(a.term)} is used by an earlier anchor`);
    terms.add(a.term);
    distribution(p, `${f}.expected_action_distribution`, a.expectedActionDistribution);
    distribution(p, `${f}.expected_target_distribution`, a.expectedTargetDistribution);
    if (Object.keys(a.expectedActionDistribution).length + Object.keys(a.expectedTargetDistribution).length === 0) {
      p.push(`${f} must expect an action or a target distribution`);
    }
    if (!isUnit(a.tolerance)) p.push(`${f}.tolerance must be from 0 to 1 (got ${a.tolerance})`);
  });
  return terms;
}

function invariants(p: Problems, list: readonly Invariant[], terms: ReadonlySet<string>): void {
  if (list.length > LIMITS.maxInvariants) p.push(`invariants must have at most ${LIMITS.maxInvariants} entries`);
  const ids = new Set<string>();
  list.forEach((inv, i) => {
    const f = `invariants[${i}]`;
    if (!NAME_PATTERN.test(inv.id)) p.push(`${f}.id must be 1 to 64 of a-z 0-9 _ . - (got ${show(inv.id)})`);
    else if (ids.has(inv.id)) p.push(`${f}.id ${show(inv.id)} is used by an earlier invariant`);
    ids.add(inv.id);
    if ([...inv.description].length > LIMITS.maxDescription) p.push(`${f}.description must have at most ${LIMITS.maxDescription} characters`);
    if (inv.response !== "record" && inv.response !== "restrict") p.push(`${f}.response must be RECORD or RESTRICT`);
    rule(p, f, inv, terms);
  });
}

function rule(p: Problems, f: string, inv: Invariant, terms: ReadonlySet<string>): void {
  const r = inv.rule;
  if (!(INVARIANT_TYPES as readonly string[]).includes(r.type)) {
    p.push(`${f} has unknown type ${show(String(r.type))} - known types are ${INVARIANT_TYPES.join(" ")}`);
    return;
  }
  const g = `${f}.${r.type}`;
  const dimension = (d: unknown) => {
    if (!(DIMENSIONS as readonly unknown[]).includes(d)) p.push(`${g}.dimension must be ACTION TARGET or OUTCOME`);
  };
  const comparison = (c: unknown) => {
    if (!(COMPARISONS as readonly unknown[]).includes(c)) p.push(`${g}.comparison must be LESS LESS_OR_EQUAL GREATER or GREATER_OR_EQUAL`);
  };
  const window = (w: number) => {
    if (!isInt(w, 1, LIMITS.maxWindow)) p.push(`${g}.window must be from 1 to ${LIMITS.maxWindow} (got ${w})`);
  };
  const key = (name: string, k: string, optional = false) => {
    if (optional && k === "") return;
    if (!KEY_PATTERN.test(k)) p.push(`${g}.${name} must be 1 to 128 characters without whitespace or uppercase (got ${show(k)})`);
  };
  const threshold = (t: number, unit: boolean) => {
    if (!(typeof t === "number" && Number.isFinite(t) && t >= 0 && (!unit || t <= 1))) {
      p.push(`${g}.threshold must be ${unit ? "from 0 to 1" : "a finite number of at least 0"} (got ${t})`);
    }
  };
  switch (r.type) {
    case "ratio":
      dimension(r.dimension);
      key("numerator", r.numerator);
      key("denominator", r.denominator);
      if (r.numerator === r.denominator) p.push(`${g}.numerator and denominator must differ`);
      comparison(r.comparison);
      threshold(r.threshold, false);
      window(r.window);
      break;
    case "distribution":
      dimension(r.dimension);
      key("key", r.key, true);
      comparison(r.comparison);
      threshold(r.threshold, true);
      window(r.window);
      if (!isInt(r.minObservations, 1, Math.max(1, r.window))) p.push(`${g}.min_observations must be from 1 to the window (got ${r.minObservations})`);
      break;
    case "drift":
      if (!(DRIFT_DISTRIBUTIONS as readonly unknown[]).includes(r.distribution)) p.push(`${g}.distribution is required`);
      comparison(r.comparison);
      threshold(r.threshold, true);
      break;
    case "semantic":
      if (!terms.has(r.term)) p.push(`${g}.term ${show(r.term)} must be the term of a semantic anchor`);
      comparison(r.comparison);
      threshold(r.threshold, true);
      break;
    case "temporal":
      if (!isInt(r.startHour, 0, 23)) p.push(`${g}.start_hour must be from 0 to 23 (got ${r.startHour})`);
      if (!isInt(r.endHour, 0, 23)) p.push(`${g}.end_hour must be from 0 to 23 (got ${r.endHour})`);
      if (r.startHour === r.endHour) p.push(`${g}.start_hour and end_hour must differ`);
      break;
    case "rate":
      key("action", r.action, true);
      if (!isInt(r.windowSeconds, 1, LIMITS.maxRateWindowSeconds)) p.push(`${g}.window_seconds must be from 1 to ${LIMITS.maxRateWindowSeconds}`);
      if (!(Number.isFinite(r.baseline) && r.baseline > 0)) p.push(`${g}.baseline must be above 0 (got ${r.baseline})`);
      if (r.comparison !== "lt" && r.comparison !== "le") p.push(`${g}.comparison must be LESS or LESS_OR_EQUAL`);
      threshold(r.threshold, false);
      if (r.baseline * r.threshold > LIMITS.maxRateLimit) p.push(`${g}.baseline times threshold must be at most ${LIMITS.maxRateLimit}`);
      break;
    case "count":
      dimension(r.dimension);
      window(r.window);
      comparison(r.comparison);
      threshold(r.threshold, false);
      break;
    case "sum":
      key("action", r.action, true);
      if (!isInt(r.windowSeconds, 1, LIMITS.maxRateWindowSeconds)) p.push(`${g}.window_seconds must be from 1 to ${LIMITS.maxRateWindowSeconds}`);
      comparison(r.comparison);
      if (!Number.isFinite(r.threshold)) p.push(`${g}.threshold must be a finite number (got ${r.threshold})`);
      break;
  }
}

function policy(p: Problems, c: BehavioralContract): void {
  const pol = c.policy;
  if (!isInt(pol.window, 1, LIMITS.maxWindow)) p.push(`policy.window must be from 1 to ${LIMITS.maxWindow} (got ${pol.window})`);
  if (!isInt(pol.minObservations, 1, Math.max(1, pol.window))) p.push(`policy.min_observations must be from 1 to the window (got ${pol.minObservations})`);
  if (!isInt(pol.priorWeight, 0, LIMITS.maxPriorWeight)) p.push(`policy.prior_weight must be from 0 to ${LIMITS.maxPriorWeight} (got ${pol.priorWeight})`);
  for (const [name, v] of [["on_invariant", pol.onInvariant], ["on_drift", pol.onDrift], ["on_scope", pol.onScope]] as const) {
    if (v !== "record" && v !== "restrict") p.push(`policy.${name} must be RECORD or RESTRICT`);
  }
  if (pol.restrictedActions.length === 0) p.push("policy.restricted_actions must not be empty once defaults apply");
  if (pol.engineDriftRestrictsAt !== undefined && !["D1_context", "D2_adaptive", "D3_corrupt"].includes(pol.engineDriftRestrictsAt)) {
    p.push("policy.engine_drift_restricts_at must be D1_CONTEXT, D2_ADAPTIVE or D3_CORRUPT (D0 is no drift)");
  }
  actionList(p, "policy.restricted_actions", pol.restrictedActions);
}

function seal(p: Problems, c: BehavioralContract): void {
  if ((c.signature === "") !== (c.signer === "")) p.push("signature and signer must be set together");
  if (c.signature !== "" && !/^[0-9a-f]{128}$/.test(c.signature)) p.push("signature must be 128 lowercase hex digits");
  if (c.signer !== "" && !KEY_ID_PATTERN.test(c.signer)) p.push("signer must be a key id like ed25519-0123456789abcdef");
}
