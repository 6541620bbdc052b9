// Drift measurement: Jensen-Shannon, a baseline that never contains the window, targets mapped
// onto the contract's categories, and the priors as pseudo-observations.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileContract } from "../../src/contracts/compile.js";
import { addCount, jensenShannon, MAX_COUNT_KEYS } from "../../src/contracts/counts.js";
import { enforceCycle, type ObservedCycle } from "../../src/contracts/enforce.js";
import { defaultPolicy, emptyThresholds } from "../../src/contracts/model.js";
import type { EnforcementState } from "../../src/contracts/state.js";
import { categorizer } from "../../src/contracts/tags.js";
import { contractOf, defaultProfile, initialState } from "../../src/engine/index.js";
import { sampleContract } from "./fixtures.js";

const counts = fc.dictionary(fc.constantFrom("a", "b", "c", "toString", "__proto__"), fc.integer({ min: 1, max: 50 }), { minKeys: 1 });

describe("jensenShannon", () => {
  it("is symmetric, in [0, 1], 0 for one shape and 1 for disjoint support", () => {
    fc.assert(
      fc.property(counts, counts, (p, q) => {
        const d = jensenShannon(p, q);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(1);
        expect(d).toBeCloseTo(jensenShannon(q, p), 12);
      }),
    );
    expect(jensenShannon({ a: 1, b: 3 }, { a: 10, b: 30 })).toBe(0);
    expect(jensenShannon({ a: 1 }, { b: 1 })).toBe(1);
  });

  it("treats keys like toString and __proto__ as plain keys, and bounds distinct keys", () => {
    const c: Record<string, number> = {};
    addCount(c, "toString");
    addCount(c, "__proto__", 2);
    expect(Object.entries(c)).toEqual([["toString", 1], ["__proto__", 2]]);
    for (let i = 0; i < MAX_COUNT_KEYS + 10; i++) addCount(c, `k${i}`);
    expect(Object.keys(c)).toHaveLength(MAX_COUNT_KEYS + 1);
  });
});

describe("categorizer", () => {
  it("maps a target onto the longest category that prefixes it, else its first segment", () => {
    const categorize = categorizer(["order", "orders/archive", "customer"]);
    expect(categorize("Orders/123")).toBe("order");
    expect(categorize("orders/archive/7")).toBe("orders/archive");
    expect(categorize("customers:9")).toBe("customer");
    expect(categorize("payments/1")).toBe("payments");
    expect(categorize("inbox")).toBe("inbox");
  });
});

/** Runs tagged cycles through the enforcement step alone. */
function measure(contract = sampleContract(), cycles: Partial<ObservedCycle>[]) {
  const compiled = compileContract(contract);
  const engine = contractOf(initialState(defaultProfile()));
  let state: EnforcementState | undefined;
  return cycles.map((tags, i) => {
    const step = enforceCycle(compiled, state, { action: null, target: null, outcome: null, observedAtMs: i * 1000, context: {}, ...tags }, { ...engine, cycleCount: i + 1 });
    state = step.state;
    return { state, drift: step.contract.enforcement!.drift };
  });
}

const bare = sampleContract({
  expectedActionDistribution: {},
  expectedTargetDistribution: {},
  expectedOutcomeDistribution: {},
  invariants: [],
  semanticAnchors: [],
  authorizedScope: null,
  driftThresholds: emptyThresholds(),
  policy: { ...defaultPolicy(), window: 10, minObservations: 10 },
});

describe("drift windows", () => {
  it("compares the window with what came before it, never with itself", () => {
    const runs = measure(bare, [...Array(100).fill({ action: "read" }), ...Array(10).fill({ action: "write" })]);
    // A baseline that contained the window would dilute this below 1.
    expect(runs.at(-1)!.drift.action).toBe(1);
    expect(runs[99]!.drift.action).toBe(0);
  });

  it("has no baseline (and so no drift) before anything left the window, without a prior", () => {
    const runs = measure(bare, Array(10).fill({ action: "read" }));
    expect(runs.at(-1)!.drift.action).toBeNull();
  });

  it("uses the expected distribution as a prior, so behaviour matching it shows no drift", () => {
    const contract = { ...bare, expectedActionDistribution: { read: 0.5, write: 0.5 }, expectedTargetDistribution: { order: 1 } };
    const runs = measure(contract, Array.from({ length: 10 }, (_, i) => ({ action: i % 2 ? "write" : "read", target: `orders/${i}` })));
    expect(runs.at(-1)!.drift).toMatchObject({ action: 0, target: 0 });
    expect(runs.at(-1)!.drift.overall).toBe(0);
  });

  it("keeps at most the window capacity and moves older cycles into the baseline counts", () => {
    const runs = measure(bare, Array.from({ length: 25 }, (_, i) => ({ action: i < 5 ? "write" : "read", outcome: "ok" })));
    const { state } = runs.at(-1)!;
    expect(state.window).toHaveLength(10);
    expect(state.baseline.action).toEqual({ write: 5, read: 10 });
    expect(state.baseline.outcome).toEqual({ ok: 15 });
  });
});
