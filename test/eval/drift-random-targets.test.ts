// The targets that are properties of the sequential detector, asserted on the frozen
// test agents (the numbers docs/benchmarks.md reports). Targets the detector does not meet yet
// (F1/precision ≥ 0.92, ≤ 1 false alarm per 10k steady cycles, every ramp before 60%) are
// asserted at the level it reaches, so a regression fails; see docs/benchmarks.md.
import { describe, expect, it } from "vitest";
import { SPLIT } from "../../bench/eval/drift-random.js";
import { scoreSet, splitAgents } from "../../bench/eval/drift-random-run.js";
import { detectorProfile, driftTruth } from "../../bench/eval/drift-random-eval.js";
import { SEEDS } from "../../bench/eval/experiment.js";

const test = scoreSet(splitAgents(SPLIT.test), detectorProfile("sequential"));

describe("sequential detector on the frozen test agents", () => {
  it("finds sudden changes in a median of at most 15 cycles", () => {
    expect(test.sudden.delayMedian).not.toBeNull();
    expect(test.sudden.delayMedian as number).toBeLessThanOrEqual(15);
  });

  it("finds frequency-only drift (recall ≥ 0.9)", () => {
    expect(test.frequency.recall as number).toBeGreaterThanOrEqual(0.9);
  });

  it("does no worse than the anchor detector on the drift ground truth", () => {
    const seq = driftTruth(detectorProfile("sequential"), SEEDS);
    const anchor = driftTruth(detectorProfile("anchor"), SEEDS);
    expect(seq.core.f1).toBeGreaterThanOrEqual(anchor.core.f1);
    expect(seq.core.recall).toBe(1);
  });

  it("holds the levels it reaches where the issue's targets are not met yet", () => {
    expect(test.all.f1).toBeGreaterThanOrEqual(0.87);
    expect(test.all.precision as number).toBeGreaterThanOrEqual(0.86);
    expect(test.all.faRate).toBeLessThanOrEqual(2.5);
    expect(test.byKind.ramp.recall as number).toBeGreaterThanOrEqual(0.85);
    // Bursts and crises are not drift: few alarms on them.
    expect(test.byKind.burst.faRate + test.byKind.crisis.faRate).toBeLessThanOrEqual(3);
  });
});
