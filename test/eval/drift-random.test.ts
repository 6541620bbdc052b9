import { describe, expect, it } from "vitest";
import { DRIFT_KINDS, KINDS, SPLIT, randomAgent, randomAgents } from "../../bench/eval/drift-random.js";
import { RAMP_FRACTION, SUDDEN_WINDOW, detections, scoreAgent, summarise, windowEnd } from "../../bench/eval/drift-match.js";
import { fingerprint } from "./drift-random-fingerprint.js";

const train = randomAgents(SPLIT.train.setSeed, SPLIT.train.agents);
const test = randomAgents(SPLIT.test.setSeed, SPLIT.test.agents);

describe("the randomized drift set is frozen", () => {
  it("generator and split produce exactly the agents that existed before tuning", () => {
    // Fixed in the commit that introduced the set, before any detector was tuned on it.
    expect(fingerprint(train).toString(16)).toBe("2139f46e");
    expect(fingerprint(test).toString(16)).toBe("b5db8fb1");
  });

  it("is deterministic: the same seed gives the same agent", () => {
    expect(randomAgent(12345, "ramp")).toEqual(randomAgent(12345, "ramp"));
    expect(fingerprint(randomAgents(SPLIT.test.setSeed, 16))).toBe(fingerprint(test.slice(0, 16)));
  });

  it("train and test agents share no seed; hundreds of agents, every kind balanced", () => {
    const seeds = new Set(train.map((a) => a.seed));
    expect(test.some((a) => seeds.has(a.seed))).toBe(false);
    for (const set of [train, test]) {
      expect(set.length).toBeGreaterThanOrEqual(400);
      for (const k of KINDS) expect(set.filter((a) => a.kind === k).length).toBe(set.length / KINDS.length);
    }
  });

  it("labels follow the spec: onsets after a 150-cycle baseline, ramps of 50–300, bursts of 1–20, drift only in drift kinds", () => {
    for (const a of [...train, ...test]) {
      expect(a.observations.length).toBe(a.cycles);
      if (!DRIFT_KINDS.includes(a.kind)) expect(a.changes).toEqual([]);
      else expect(a.changes.length).toBeGreaterThanOrEqual(1);
      for (const c of a.changes) {
        expect(c.onset).toBeGreaterThanOrEqual(150);
        expect(windowEnd(c)).toBeLessThan(a.cycles);
        if (c.kind === "ramp") expect(c.ramp).toBeGreaterThanOrEqual(50);
        expect(c.ramp).toBeLessThanOrEqual(300);
      }
      for (const s of a.transients) {
        const n = s.end - s.start;
        if (a.kind === "burst") expect(n >= 1 && n <= 20).toBe(true);
        if (a.kind === "crisis") expect(n >= 10 && n <= 60).toBe(true);
        expect(a.observations.slice(s.start, s.end).every((o) => (o.mode === "stress_response") === (a.kind === "crisis"))).toBe(true);
      }
      expect(a.observations.every((o) => o.signalStrength >= 0 && o.signalStrength <= 1)).toBe(true);
    }
  });
});

describe("matching rule", () => {
  const at = (n: number, on: number[]) => Array.from({ length: n }, (_, t) => on.includes(t));

  it("a detection is a rise to D1+ after the warm-up; holding D1+ is one detection, each re-rise another", () => {
    const alarm = at(100, [5, 6, 30, 31, 32, 40, 41]);
    expect(detections(alarm)).toEqual([30, 40]);
    // An alarm already raised when the warm-up ends counts once, at the first post-warm-up cycle.
    expect(detections(at(30, [19, 20, 21]))).toEqual([20]);
  });

  it("sudden: within 60 cycles of onset; ramp: before 60% of the ramp; late or repeated detections are false alarms", () => {
    expect(SUDDEN_WINDOW).toBe(60);
    expect(RAMP_FRACTION).toBe(0.6);
    const sudden = [{ onset: 200, ramp: 0, kind: "mix" as const }];
    expect(scoreAgent(at(400, [260]), sudden)).toMatchObject({ tp: 1, fa: 0, fn: 0, delays: [60] });
    expect(scoreAgent(at(400, [261]), sudden)).toMatchObject({ tp: 0, fa: 1, fn: 1, delays: [null] });
    expect(scoreAgent(at(400, [100, 210, 230]), sudden)).toMatchObject({ tp: 1, fa: 2, fn: 0, delays: [10] });
    const ramp = [{ onset: 200, ramp: 100, kind: "ramp" as const }];
    expect(scoreAgent(at(400, [260]), ramp)).toMatchObject({ tp: 1, delays: [60] });
    expect(scoreAgent(at(400, [261]), ramp)).toMatchObject({ tp: 0, fa: 1, fn: 1 });
  });

  it("steady cycles exclude the warm-up and the change windows; rates are per 10,000 of them", () => {
    const s = scoreAgent(at(300, [50]), [{ onset: 200, ramp: 0, kind: "mix" }]);
    expect(s.steadyCycles).toBe(300 - 20 - 61);
    const k = summarise([{ score: s, changes: [{ onset: 200, ramp: 0, kind: "mix" }] }]);
    expect(k.faRate).toBeCloseTo((1 / 219) * 10_000, 9);
    expect(k).toMatchObject({ tp: 0, fa: 1, fn: 1, precision: 0, recall: 0, f1: 0 });
  });
});
