// Per-field difference between two contract versions. A contract flattens to leaves named by
// proto field path; map entries, invariants (by id) and anchors (by term) are addressed by key, so
// a change shows as exactly the leaves that differ.
import { canonicalJson } from "./canonical.js";
import type { BehavioralContract, Distribution, Invariant, SemanticAnchor } from "./model.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface FieldChange {
  path: string;
  /** undefined: the field does not exist in that version. */
  old: JsonValue | undefined;
  new: JsonValue | undefined;
}

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const key = (k: string): string => `[${JSON.stringify(k)}]`;

export function flatten(c: BehavioralContract): Map<string, JsonValue> {
  const leaves = new Map<string, JsonValue>();
  const put = (path: string, value: JsonValue) => leaves.set(path, value);
  const object = (prefix: string, o: object) => {
    for (const [k, v] of Object.entries(o)) put(`${prefix}.${snake(k)}`, v as JsonValue);
  };
  const distribution = (prefix: string, d: Distribution) => {
    for (const [k, v] of Object.entries(d)) put(`${prefix}${key(k)}`, v);
  };
  for (const field of ["contractId", "version", "agentId", "createdAtMs", "certificateId", "archetype", "initialTrust", "trustFloor", "trustCeiling", "signature", "signer"] as const) {
    put(snake(field), c[field]);
  }
  distribution("expected_action_distribution", c.expectedActionDistribution);
  distribution("expected_target_distribution", c.expectedTargetDistribution);
  distribution("expected_outcome_distribution", c.expectedOutcomeDistribution);
  // An unrestricted scope reads as empty lists, which mean the same.
  object("authorized_scope", c.authorizedScope ?? { actions: [], operations: [], targets: [] });
  object("drift_thresholds", c.driftThresholds);
  object("policy", c.policy);
  for (const inv of c.invariants) invariant(`invariants${key(inv.id)}`, inv, put, object);
  for (const a of c.semanticAnchors) anchor(`semantic_anchors${key(a.term)}`, a, put, distribution);
  return leaves;
}

function invariant(prefix: string, inv: Invariant, put: (p: string, v: JsonValue) => void, object: (p: string, o: object) => void): void {
  put(`${prefix}.description`, inv.description);
  put(`${prefix}.response`, inv.response);
  object(`${prefix}.rule`, inv.rule);
}

function anchor(prefix: string, a: SemanticAnchor, put: (p: string, v: JsonValue) => void, distribution: (p: string, d: Distribution) => void): void {
  put(`${prefix}.tolerance`, a.tolerance);
  distribution(`${prefix}.expected_action_distribution`, a.expectedActionDistribution);
  distribution(`${prefix}.expected_target_distribution`, a.expectedTargetDistribution);
}

/** The leaves that differ, ordered by path. */
export function diffContracts(a: BehavioralContract, b: BehavioralContract): FieldChange[] {
  const left = flatten(a);
  const right = flatten(b);
  const changes: FieldChange[] = [];
  for (const path of new Set([...left.keys(), ...right.keys()])) {
    const old = left.get(path);
    const now = right.get(path);
    const same = old !== undefined && now !== undefined && canonicalJson(old) === canonicalJson(now);
    if (!same) changes.push({ path, old, new: now });
  }
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}
