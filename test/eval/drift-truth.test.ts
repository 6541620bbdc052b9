import { describe, expect, it } from "vitest";
import type { Observation } from "../../src/engine/index.js";
import { ALARM_GAP, DRIFT_SCENARIOS, REGIMES, alarmStarts, matchEvents, prf, sumMatches } from "../../bench/eval/drift-truth.js";
import { flags } from "./helpers.js";

const spec = (id: string) => {
  const s = DRIFT_SCENARIOS.find((d) => d.id === id);
  if (s === undefined) throw new Error(id);
  return s;
};

describe("alarm episodes", () => {
  it("a new alarm needs at least ALARM_GAP quiet turns before it", () => {
    expect(ALARM_GAP).toBe(10);
    const a = new Array<boolean>(60).fill(false);
    for (const t of [3, 4, 5, 15, 26, 40]) a[t] = true;
    // 5 → 15: 9 quiet turns, same alarm; 15 → 26: 10 quiet, new; 26 → 40: 13 quiet, new
    expect(alarmStarts(a)).toEqual([3, 26, 40]);
    expect(alarmStarts(flags("...."))).toEqual([]);
  });
});

describe("event matching", () => {
  const events = [
    { onset: 100, end: 200 },
    { onset: 300, end: 400 },
  ];

  it("first alarm inside a span is a TP, later ones are repeats, alarms outside are FPs", () => {
    expect(matchEvents([50, 120, 150, 250, 310], events)).toEqual({ tp: 2, fp: 2, fn: 0, delays: [20, 10] });
  });

  it("an alarm raised before the onset does not detect the event even if it lasts into it", () => {
    expect(matchEvents([90], events)).toEqual({ tp: 0, fp: 1, fn: 2, delays: [] });
  });

  it("span ends are exclusive", () => {
    expect(matchEvents([200, 399], events)).toEqual({ tp: 1, fp: 1, fn: 1, delays: [99] });
  });

  it("precision, recall and F1 on known counts; undefined ratios are null; F1 0 without TP", () => {
    const p = prf({ tp: 4, fp: 1, fn: 0 });
    expect(p.precision).toBeCloseTo(0.8, 12);
    expect(p.recall).toBe(1);
    expect(p.f1).toBeCloseTo(8 / 9, 12);
    expect(prf({ tp: 0, fp: 0, fn: 0 })).toMatchObject({ precision: null, recall: null, f1: 0 });
    expect(prf({ tp: 0, fp: 3, fn: 2 })).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    expect(sumMatches([matchEvents([120], events), matchEvents([5], [])])).toEqual({ tp: 1, fp: 1, fn: 1, delays: [20] });
  });

  it("an always-on alarm cannot score: one alarm at turn 0 is an FP and every event is missed", () => {
    for (const s of DRIFT_SCENARIOS) {
      const always = alarmStarts(new Array<boolean>(s.turns).fill(true));
      const m = matchEvents(always, s.events);
      expect(m.tp).toBe(0);
      expect(m.fn).toBe(s.events.length);
    }
  });
});

describe("labelled scenarios", () => {
  const inRange = (o: Observation, regime: readonly (readonly [number, number])[], t: number) => {
    const r = regime[t % 6] as readonly [number, number];
    return o.signalStrength >= r[0] - 1e-12 && o.signalStrength <= r[1] + 1e-12;
  };

  it("the five core scenarios the issue names are there, with their events", () => {
    const core = DRIFT_SCENARIOS.filter((d) => d.core).map((d) => [d.id, d.events.length]);
    expect(core).toEqual([
      ["steady", 0],
      ["single_shift", 1],
      ["multi_shift", 2],
      ["gradual", 1],
      ["transient_burst", 0],
    ]);
  });

  it("streams follow their labelled regimes", () => {
    const single = spec("single_shift").build(9);
    single.forEach((o, t) => expect(inRange(o, t < 200 ? REGIMES.base : REGIMES.bold, t)).toBe(true));
    const multi = spec("multi_shift").build(9);
    multi.forEach((o, t) => expect(inRange(o, t >= 100 && t < 300 ? REGIMES.bold : t >= 500 ? REGIMES.warm : REGIMES.base, t)).toBe(true));
    const gradual = spec("gradual").build(9);
    gradual.slice(0, 150).forEach((o, t) => expect(inRange(o, REGIMES.base, t)).toBe(true));
    gradual.slice(450).forEach((o, i) => expect(inRange(o, REGIMES.bold, 450 + i)).toBe(true));
  });

  it("the transient burst differs from steady only on its 10 burst turns; the crisis only on its 40", () => {
    const steady = spec("steady").build(4);
    const burst = spec("transient_burst").build(4);
    const crisis = spec("stress_crisis").build(4);
    const diff = (a: Observation[]) => a.flatMap((o, t) => (JSON.stringify(o) === JSON.stringify(steady[t]) ? [] : [t]));
    expect(diff(burst)).toEqual(Array.from({ length: 10 }, (_, i) => 200 + i));
    expect(burst.slice(200, 210).every((o) => o.mode === "exploration" && o.signalStrength >= 0.9)).toBe(true);
    expect(diff(crisis)).toEqual(Array.from({ length: 40 }, (_, i) => 200 + i));
  });

  it("streams are reproducible from the seed", () => {
    for (const s of DRIFT_SCENARIOS) {
      expect(s.build(3)).toEqual(s.build(3));
      expect(s.build(3)).toHaveLength(s.turns);
    }
  });
});
