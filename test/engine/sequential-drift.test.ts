// The sequential drift detector (profile.driftDetector = "sequential") and drift acting on the
// action set (profile.driftRestrictsAt).

import { describe, expect, it } from "vitest";
import {
  RISKY_ACTIONS,
  defaultProfile,
  initialState,
  restoreSnapshot,
  type CycleResult,
  type IdentityProfile,
  type Mode,
  type Observation,
} from "../../src/engine/index.js";
import { SEQUENTIAL } from "../../src/engine/constants.js";
import { rng, between } from "../support/rng.js";
import { runAll } from "./helpers.js";

const sequential = (extra: Partial<IdentityProfile> = {}): IdentityProfile => ({ ...defaultProfile(), driftDetector: "sequential", ...extra });

/** A seeded agent: modes drawn by weight, each at its intensity ± noise. */
function agent(seed: number, n: number, weights: number[], intensity: number[], noise = 0.05): Observation[] {
  const r = rng(seed);
  const modes: Mode[] = ["perception", "exploration", "order", "assertion", "connection", "identity"];
  return Array.from({ length: n }, () => {
    let u = r() * weights.reduce((a, b) => a + b, 0);
    let m = 0;
    while (m < 5 && (u -= weights[m] as number) >= 0) m++;
    const s = Math.min(1, Math.max(0, (intensity[m] as number) + noise * (between(r, -1, 1) + between(r, -1, 1))));
    return { mode: modes[m] as Mode, signalStrength: s, confidence: 0.9 };
  });
}

const W = [0.4, 0.3, 0.2, 0.05, 0.05, 0];
const I = [0.6, 0.4, 0.7, 0.5, 0.3, 0.5];
const alarmed = (r: CycleResult) => r.contract.driftLevel !== null && r.contract.driftLevel !== "D0_noise";
const firstAlarm = (rs: readonly CycleResult[], from = 0) => rs.findIndex((r, t) => t >= from && alarmed(r));

describe("selection", () => {
  it("the anchor detector stays the default and keeps its state shape: no monitor, the same trace as an explicit 'anchor'", () => {
    const stream = agent(1, 300, W, I);
    const implicit = runAll(stream, initialState(defaultProfile()));
    const explicit = runAll(stream, initialState({ ...defaultProfile(), driftDetector: "anchor" }));
    expect(implicit.every((r) => r.state.driftMonitor === undefined)).toBe(true);
    expect(implicit.map((r) => r.contract)).toEqual(explicit.map((r) => r.contract));
    expect(JSON.stringify(initialState(defaultProfile()).profile)).not.toContain("driftDetector");
  });

  it("is deterministic: the same stream gives byte-identical states and contracts", () => {
    const stream = [...agent(2, 300, W, I), ...agent(3, 200, [0, 0.1, 0.1, 0.7, 0.1, 0], I)];
    const a = runAll(stream, initialState(sequential()));
    const b = runAll(stream, initialState(sequential()));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe("the sequential detector", () => {
  it("keeps the contract: null through the 20-cycle warm-up, then D0 while it calibrates", () => {
    const rs = runAll(agent(4, SEQUENTIAL.CALIBRATION + 5, W, I), initialState(sequential()));
    rs.slice(0, 20).forEach((r) => expect(r.contract.driftLevel).toBeNull());
    rs.slice(20).forEach((r) => expect(r.contract.driftLevel).toBe("D0_noise"));
  });

  // The steady agents dominated by one mode raised D1 within 44–76 cycles of the warm-up; the
  // rate over many agents is the evaluation's target (test/eval/drift-random-targets.test.ts).
  it("raises nothing in 500 cycles of a steady agent, even one dominated by one mode at high intensity", () => {
    for (const [seed, w, i] of [
      [5, W, I],
      [6, [0.9, 0.05, 0.05, 0, 0, 0], [0.95, 0.4, 0.4, 0.5, 0.5, 0.5]],
    ] as const) {
      const rs = runAll(agent(seed, 500, [...w], [...i]), initialState(sequential()));
      expect(firstAlarm(rs)).toBe(-1);
    }
  });

  it("finds a frequency-only change (a rare mode becomes dominant, intensities unchanged) within 30 cycles", () => {
    const before = agent(7, 250, W, I);
    const after = agent(8, 150, [0.1, 0.1, 0.1, 0.6, 0.05, 0.05], I);
    const rs = runAll([...before, ...after], initialState(sequential()));
    expect(firstAlarm(rs)).toBeGreaterThanOrEqual(250);
    expect(firstAlarm(rs)).toBeLessThan(280);
    expect(rs[firstAlarm(rs)]?.drift.affectedModes).toContain("assertion");
    // The anchor detector does not see it at all: its mode vector does not move.
    const seed = runAll([...before, ...after], initialState(defaultProfile()));
    expect(firstAlarm(seed, 250)).toBe(-1);
  });

  it("ignores a 15-cycle burst of a rare mode and a 40-cycle stress crisis", () => {
    const burst: Observation[] = Array.from({ length: 15 }, () => ({ mode: "identity", signalStrength: 0.95, confidence: 1 }));
    const crisis: Observation[] = Array.from({ length: 40 }, () => ({ mode: "stress_response", signalStrength: 0.9, confidence: 1 }));
    const rs = runAll([...agent(9, 250, W, I), ...burst, ...agent(10, 200, W, I), ...crisis, ...agent(11, 200, W, I)], initialState(sequential()));
    expect(firstAlarm(rs)).toBe(-1);
  });

  it("closes an alarm by adopting the new behaviour, then finds the next change", () => {
    const b = [0.05, 0.05, 0.1, 0.1, 0.3, 0.4];
    const c = [0.5, 0.4, 0.05, 0.05, 0, 0];
    const rs = runAll([...agent(12, 250, W, I), ...agent(13, 250, b, I), ...agent(14, 200, c, I)], initialState(sequential()));
    const first = firstAlarm(rs);
    expect(first).toBeGreaterThanOrEqual(250);
    expect(first).toBeLessThan(275);
    const closed = rs.findIndex((r, t) => t > first && !alarmed(r));
    expect(closed).toBeGreaterThan(first);
    expect(closed).toBeLessThan(500);
    const second = firstAlarm(rs, closed);
    expect(second).toBeGreaterThanOrEqual(500);
    expect(second).toBeLessThan(525);
  });

  it("keeps a fixed-size state: the monitor after 5,000 cycles has the shape it had after 200", () => {
    const stream = agent(15, 5000, W, I);
    const rs = runAll(stream, initialState(sequential()));
    const shape = (x: unknown): unknown =>
      Array.isArray(x) ? x.map(shape) : x !== null && typeof x === "object" ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, shape(v)])) : typeof x;
    const early = rs[199]?.state.driftMonitor;
    const late = rs[4999]?.state.driftMonitor;
    expect(shape({ ...late, preRun: null, suspect: null })).toEqual(shape({ ...early, preRun: null, suspect: null }));
    expect(JSON.stringify(late).length).toBeLessThan(2 * JSON.stringify(early).length);
  });

  it("rolls back at D3 like the anchor detector and drops the open alarm", () => {
    // Everything flips: modes that were strong go to 0, weak ones to 1.
    const flipped = agent(17, 300, [0.2, 0.2, 0.2, 0.2, 0.2, 0], [0, 1, 0, 1, 0, 0.5], 0.01);
    const rs = runAll([...agent(16, 250, [0.2, 0.2, 0.2, 0.2, 0.2, 0], [1, 0, 1, 0, 1, 0.5], 0.01), ...flipped], initialState(sequential()));
    const k = rs.findIndex((r) => r.rolledBack);
    expect(k).toBeGreaterThan(250);
    expect(rs[k]?.contract.driftLevel).toBe("D3_corrupt");
    expect(rs[k]?.state.driftMonitor?.alarmAge).toBe(0);
    expect(rs[k]?.driftEvent?.rolledBack).toBe(true);
  });

  it("an operator's reset to a snapshot drops the open alarm but keeps the learned reference", () => {
    const rs = runAll([...agent(18, 250, W, I), ...agent(19, 40, [0, 0, 0.1, 0.1, 0.4, 0.4], I)], initialState(sequential()));
    const last = rs[rs.length - 1]!.state;
    expect(last.driftMonitor?.alarmAge).toBeGreaterThan(0);
    const reset = restoreSnapshot(last, last.lastStableSnapshot!);
    expect(reset.driftMonitor?.alarmAge).toBe(0);
    expect(reset.driftMonitor?.reference).toEqual(last.driftMonitor?.reference);
  });
});

describe("drift acting on the action set (driftRestrictsAt)", () => {
  const change = [...agent(20, 250, W, I), ...agent(21, 150, [0.05, 0.05, 0.1, 0.1, 0.3, 0.4], [0.6, 0.9, 0.7, 0.9, 0.3, 0.5])];

  it("at or above the chosen level the risky actions go and the contract names them; below it nothing changes", () => {
    const plain = runAll(change, initialState(sequential()));
    const acting = runAll(change, initialState(sequential({ driftRestrictsAt: "D1_context" })));
    let narrowed = 0;
    acting.forEach((r, t) => {
      const p = plain[t] as CycleResult;
      expect(r.contract.driftLevel).toBe(p.contract.driftLevel);
      if (alarmed(r)) {
        expect(r.contract.allowedActions.some((a) => (RISKY_ACTIONS as readonly string[]).includes(a))).toBe(false);
        expect([...r.contract.allowedActions, ...r.contract.driftRestrictedActions].sort()).toEqual([...p.contract.allowedActions].sort());
        if (r.contract.driftRestrictedActions.length > 0) narrowed++;
      } else {
        expect(r.contract.allowedActions).toEqual(p.contract.allowedActions);
        expect(r.contract.driftRestrictedActions).toEqual([]);
      }
    });
    expect(narrowed).toBeGreaterThan(0);
    expect(plain.every((r) => r.contract.driftRestrictedActions.length === 0)).toBe(true);
  });

  it("a higher level acts later: D3 never acts below D3", () => {
    const d3 = runAll(change, initialState(sequential({ driftRestrictsAt: "D3_corrupt" })));
    for (const r of d3) if (r.contract.driftLevel !== "D3_corrupt") expect(r.contract.driftRestrictedActions).toEqual([]);
  });
});
