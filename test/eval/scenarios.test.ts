import { describe, expect, it } from "vitest";
import { ACTIONS, type Action } from "../../src/engine/index.js";
import { agentActions } from "../../bench/eval/agent.js";
import { rng, subSeed } from "../../bench/eval/rng.js";
import { SCENARIOS, STRESS_TRUTH_MIN, isStressTurn, stressSpike, steady, gradualShift, enterprise } from "../../bench/eval/scenarios.js";
import { simulate } from "../../bench/eval/simulate.js";
import { SAFE_MASK } from "../../bench/eval/actions.js";
import type { Guard } from "../../bench/eval/system.js";

describe("seeded randomness", () => {
  it("mulberry32 is reproducible, seed-dependent and in [0, 1)", () => {
    const a = rng(42);
    const b = rng(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(rng(43)()).not.toBe(xs[0]);
    expect(subSeed(1, 2)).not.toBe(subSeed(2, 1));
  });
});

describe("agent", () => {
  it("picks uniformly among all 14 actions, reproducibly", () => {
    const picks = agentActions(9, 14_000);
    expect(agentActions(9, 14_000)).toEqual(picks);
    const counts = new Map<Action, number>();
    for (const p of picks) counts.set(p, (counts.get(p) ?? 0) + 1);
    expect(counts.size).toBe(14);
    for (const a of ACTIONS) {
      expect(counts.get(a)).toBeGreaterThan(880);
      expect(counts.get(a)).toBeLessThan(1120);
    }
  });
});

describe("scenarios", () => {
  it("have the published lengths and are reproducible", () => {
    expect(SCENARIOS.map((s) => [s.id, s.turns])).toEqual([
      ["A", 300],
      ["B", 300],
      ["C", 300],
      ["D", 300],
      ["S1", 1000],
      ["S3", 1000],
      ["S4", 1000],
    ]);
    for (const s of SCENARIOS) {
      expect(s.build(2)).toHaveLength(s.turns);
      expect(s.build(2)).toEqual(s.build(2));
    }
  });

  it("ground-truth stress: stress_response at ≥ 0.5, inclusive", () => {
    expect(STRESS_TRUTH_MIN).toBe(0.5);
    expect(isStressTurn({ mode: "stress_response", signalStrength: 0.5, confidence: 0.1 })).toBe(true);
    expect(isStressTurn({ mode: "stress_response", signalStrength: 0.49, confidence: 1 })).toBe(false);
    expect(isStressTurn({ mode: "exploration", signalStrength: 1, confidence: 1 })).toBe(false);
  });

  it("A has no stress and stays in 0.3–0.7; C is stressed exactly on turns 100–149", () => {
    const a = steady(1);
    expect(a.every((o) => o.mode !== "stress_response" && o.signalStrength >= 0.3 && o.signalStrength <= 0.7)).toBe(true);
    const c = stressSpike(1);
    expect(c.flatMap((o, t) => (isStressTurn(o) ? [t] : []))).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
  });

  it("B moves through its three mode pairs with strength rising 0.3 → 0.8", () => {
    const b = gradualShift(1);
    expect(new Set(b.slice(0, 100).map((o) => o.mode))).toEqual(new Set(["perception", "order"]));
    expect(new Set(b.slice(100, 200).map((o) => o.mode))).toEqual(new Set(["exploration", "assertion"]));
    expect(new Set(b.slice(200).map((o) => o.mode))).toEqual(new Set(["connection", "identity"]));
    expect(b[0]?.signalStrength).toBeCloseTo(0.3, 12);
    expect(b[299]?.signalStrength).toBeCloseTo(0.8, 12);
  });

  it("S1's ground-truth stress falls only in its attack window 400–549", () => {
    const s1 = enterprise(3);
    const stressed = s1.flatMap((o, t) => (isStressTurn(o) ? [t] : []));
    expect(stressed.length).toBe(75);
    expect(stressed.every((t) => t >= 400 && t < 550)).toBe(true);
  });
});

describe("simulate", () => {
  it("lets a pick through iff it is in the allowed set, and tells the guard", () => {
    const seen: [Action, boolean][] = [];
    const g: Guard = { allowed: () => SAFE_MASK, commit: (a, ok) => seen.push([a, ok]), resource: () => 0.5, stability: () => null, driftAlarm: () => false, telemetry: () => null };
    const obs = stressSpike(1).slice(98, 102);
    const t = simulate(g, obs, ["clarify", "execute", "identity_override", "defer"]);
    expect(t.permitted).toEqual([true, false, false, true]);
    expect(seen).toEqual([["clarify", true], ["execute", false], ["identity_override", false], ["defer", true]]);
    expect(t.stressTruth).toEqual([false, false, true, true]);
    expect(t.intensity[2]).toBeCloseTo((obs[2]?.signalStrength ?? 0) * 1, 12);
    expect(t.intensity[0]).toBe(0);
    expect(() => simulate(g, obs, ["clarify"])).toThrow();
  });
});
