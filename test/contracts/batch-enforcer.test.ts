// The service's batch enforcement: one copy of the stored state per commit, advanced in place; a
// cycle whose step throws leaves the state exactly as it was before that cycle (fail-closed), and
// the stored state the batch started from is never changed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BatchEnforcer } from "../../src/contracts/batch-enforcer.js";
import { compileContract, type CompiledContract } from "../../src/contracts/compile.js";
import { enforceCycle, type ObservedCycle } from "../../src/contracts/enforce.js";
import type { EnforcementState } from "../../src/contracts/state.js";
import { contractOf, defaultProfile, initialState } from "../../src/engine/index.js";
import { invariant, sampleContract } from "./fixtures.js";

const base = compileContract(
  sampleContract({
    invariants: [
      invariant("targets", { type: "count", dimension: "target", window: 5, comparison: "le", threshold: 2 }),
      invariant("spend", { type: "sum", action: "", windowSeconds: 60, comparison: "le", threshold: 10 }),
    ],
  }),
);
const engine = contractOf(initialState(defaultProfile()));

/** The same contract, whose invariants throw on the given cycles (after the monitors advanced). */
function throwingOn(cycles: ReadonlySet<number>): CompiledContract {
  return {
    ...base,
    invariants: base.invariants.map((inv) => ({
      ...inv,
      measure: (ctx) => {
        if (cycles.has(ctx.current.c)) throw new Error(`injected at cycle ${ctx.current.c}`);
        return inv.measure(ctx);
      },
    })),
  };
}

const observation = (i: number): ObservedCycle => ({ action: ["read", "send"][i % 2]!, target: `t${i % 4}/x`, outcome: "ok", observedAtMs: 1_790_000_000_000 + i * 7_000, context: {}, amount: i % 3 });

describe("BatchEnforcer", () => {
  it("leaves the state as it was before a failed cycle, and the starting state untouched", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 40 }), fc.uniqueArray(fc.integer({ min: 1, max: 80 }), { maxLength: 6 }), (warm, n, failing) => {
        let start: EnforcementState | undefined;
        for (let i = 0; i < warm; i++) start = enforceCycle(base, start, observation(i), { ...engine, cycleCount: i + 1 }).state;
        const before = JSON.stringify(start);
        const fails = new Set(failing.map((f) => warm + f));
        const enforcer = new BatchEnforcer(throwingOn(fails), start);
        let expected = start;
        for (let i = warm; i < warm + n; i++) {
          const c = { ...engine, cycleCount: i + 1 };
          if (fails.has(i + 1)) {
            expect(() => enforcer.step(observation(i), c)).toThrow(/injected/);
          } else {
            enforcer.step(observation(i), c);
            expected = enforceCycle(base, expected, observation(i), c).state;
          }
          expect(JSON.stringify(enforcer.state)).toBe(JSON.stringify(expected));
        }
        expect(JSON.stringify(start)).toBe(before);
      }),
      { numRuns: 60 },
    );
  });
});
