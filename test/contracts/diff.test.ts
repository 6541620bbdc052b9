// Diff lists exactly the fields that changed between two versions.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffContracts, flatten } from "../../src/contracts/diff.js";
import { contractArb, sampleContract } from "./fixtures.js";

describe("diffContracts", () => {
  it("is empty for identical contracts and lists only the changed leaves otherwise", () => {
    const a = sampleContract();
    expect(diffContracts(a, structuredClone(a))).toEqual([]);
    const b = sampleContract({
      version: 2,
      expectedActionDistribution: { read: 0.6, write: 0.2, send: 0.12, query: 0.08 },
      invariants: a.invariants.map((i) => (i.id === "inv-ratio" ? { ...i, rule: { ...i.rule, threshold: 0.5 } as typeof i.rule } : i)),
    });
    expect(diffContracts(a, b)).toEqual([
      { path: 'expected_action_distribution["escalate"]', old: 0.05, new: undefined },
      { path: 'expected_action_distribution["read"]', old: 0.55, new: 0.6 },
      { path: 'invariants["inv-ratio"].rule.threshold', old: 0.3, new: 0.5 },
      { path: "version", old: 1, new: 2 },
    ]);
  });

  it("lists exactly the leaves changed by any set of single-leaf edits", () => {
    fc.assert(
      fc.property(contractArb, contractArb, fc.array(fc.nat(), { maxLength: 5 }), (a, donor, picks) => {
        // Edit leaves of `a` to values taken from another contract's leaves (or new ones).
        const leavesA = [...flatten(a).entries()];
        const donorValues = [...flatten(donor).values()];
        const edited = new Map(leavesA);
        for (const [n, pick] of picks.entries()) {
          const [path] = leavesA[pick % leavesA.length]!;
          edited.set(path, donorValues[(pick + n) % donorValues.length] ?? `new-${n}`);
        }
        const expected = [...edited].filter(([p, v]) => JSON.stringify(flatten(a).get(p)) !== JSON.stringify(v)).map(([p]) => p).sort();
        const b = rebuild(a, edited);
        expect(diffContracts(a, b).map((c) => c.path)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

/** Sets flattened leaves back into a copy of the contract, following the same path grammar. */
function rebuild(base: ReturnType<typeof sampleContract>, leaves: Map<string, unknown>) {
  const c = structuredClone(base) as unknown as Record<string, unknown>;
  const camel = (s: string) => s.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
  for (const [path, value] of leaves) {
    const parts = path.match(/[a-z_]+|\["(?:[^"\\]|\\.)*"\]/g)!;
    let node: Record<string, unknown> = c;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      if (part.startsWith("[")) {
        const key = JSON.parse(part.slice(1, -1)) as string;
        if (Array.isArray(node)) {
          const found = (node as Record<string, unknown>[]).find((x) => x.id === key || x.term === key)!;
          node = found;
        } else if (last) node[key] = value;
        else node = node[key] as Record<string, unknown>;
      } else {
        const k = camel(part);
        if (k === "authorizedScope" && node[k] === null) node[k] = { actions: [], operations: [], targets: [] };
        if (last) node[k] = value;
        else node = node[k] as Record<string, unknown>;
      }
    });
  }
  return c as unknown as ReturnType<typeof sampleContract>;
}
