// One representation per meaning, applied before validation and sealing: set-like lists sorted,
// invariants by id and anchors by term, and a scope that restricts nothing is no scope. Sealing a
// contract that is not normalized is allowed, but Put normalizes first, so seal after this.
import type { BehavioralContract } from "./model.js";

const byString = <T>(key: (x: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

export function normalizeContract(c: BehavioralContract): BehavioralContract {
  const scope = c.authorizedScope;
  const restricts = scope !== null && scope.actions.length + scope.operations.length + scope.targets.length > 0;
  return {
    ...c,
    authorizedScope: restricts
      ? { actions: [...scope.actions].sort(), operations: [...scope.operations].sort(), targets: [...scope.targets].sort() }
      : null,
    invariants: [...c.invariants].sort(byString((i) => i.id)),
    semanticAnchors: [...c.semanticAnchors].sort(byString((a) => a.term)),
    policy: { ...c.policy, restrictedActions: [...c.policy.restrictedActions].sort() },
  };
}
