// The SUM monitor against an oracle that recomputes every total from the full history: they agree
// on every step of every generated sequence (late observations, repeated times, negative and
// fractional amounts, observations without an amount, other actions).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileContract } from "../../src/contracts/compile.js";
import { enforceCycle } from "../../src/contracts/enforce.js";
import type { EnforcementState } from "../../src/contracts/state.js";
import { AMOUNT_SCALE, advanceSum, emptySum, scaledAmount } from "../../src/contracts/sum-monitor.js";
import { defaultProfile, initialState, process } from "../../src/engine/index.js";
import { invariant, sampleContract } from "./fixtures.js";

interface Step {
  dt: number;
  action: string;
  amount: number | null;
}

const step: fc.Arbitrary<Step> = fc.record({
  // Mostly forward in time, sometimes late or at the same time.
  dt: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 90_000 }) }, { weight: 1, arbitrary: fc.integer({ min: -120_000, max: 0 }) }),
  action: fc.constantFrom("refund", "refund", "read"),
  amount: fc.option(
    fc.oneof(fc.integer({ min: -5_000, max: 5_000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => Math.round(x * 1e6) / 1e6)),
    { nil: null },
  ),
});

/** Every total from scratch: matching amounts after (latest time seen - window). */
function oracle(history: { ts: number; action: string; amount: number | null }[], action: string, windowMs: number): number {
  const latest = Math.max(...history.map((h) => h.ts));
  let total = 0;
  for (const h of history) if (h.amount !== null && (action === "" || h.action === action) && h.ts > latest - windowMs) total += scaledAmount(h.amount);
  return total / AMOUNT_SCALE;
}

describe("the SUM monitor", () => {
  it("agrees with the full-history oracle on every step", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 600 }), fc.constantFrom("refund", ""), (steps, windowSeconds, action) => {
        const monitor = emptySum();
        const history: { ts: number; action: string; amount: number | null }[] = [];
        let ts = 1_790_000_000_000;
        for (const s of steps) {
          ts += s.dt;
          history.push({ ts, action: s.action, amount: s.amount });
          const matches = action === "" || s.action === action;
          const total = advanceSum(monitor, ts, matches ? s.amount : null, windowSeconds * 1000);
          expect(total).toBe(oracle(history, action, windowSeconds * 1000));
          expect(monitor.entries.length).toBeLessThanOrEqual(history.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("survives the JSON round trip of a commit between any two cycles", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 2, maxLength: 80 }), (steps) => {
        let monitor = emptySum();
        const history: { ts: number; action: string; amount: number | null }[] = [];
        let ts = 1_790_000_000_000;
        for (const s of steps) {
          ts += s.dt;
          history.push({ ts, action: s.action, amount: s.amount });
          monitor = JSON.parse(JSON.stringify(monitor));
          expect(advanceSum(monitor, ts, s.action === "refund" ? s.amount : null, 60_000)).toBe(oracle(history, "refund", 60_000));
        }
      }),
      { numRuns: 100 },
    );
  });

  it("raises the invariant on exactly the cycle the window's sum crosses the threshold, and clears it when spend leaves the window", () => {
    const compiled = compileContract(
      sampleContract({ semanticAnchors: [], invariants: [invariant("spend", { type: "sum", action: "refund", windowSeconds: 60, comparison: "le", threshold: 100 })] }),
    );
    let engine = initialState(defaultProfile());
    let enforcement: EnforcementState | undefined;
    const t0 = 1_790_000_000_000;
    const amounts: [number, string, number | null][] = [
      [0, "refund", 40],
      [10, "read", 500],
      [20, "refund", 50],
      [30, "refund", 10.5], // 100.5 > 100
      [65, "refund", null], // the 40 at t=0 left the window: 60.5
    ];
    const violating = amounts.map(([s, action, amount]) => {
      const r = process(engine, { mode: "order", signalStrength: 0.5, confidence: 1 }, undefined);
      engine = r.state;
      const step = enforceCycle(compiled, enforcement, { action, target: null, outcome: null, observedAtMs: t0 + s * 1000, context: {}, amount }, r.contract);
      enforcement = JSON.parse(JSON.stringify(step.state));
      return step.contract.enforcement!.violations.find((v) => v.name === "invariant/spend")?.value ?? null;
    });
    expect(violating).toEqual([null, null, null, 100.5, null]);
  });
});
