// The randomized drift evaluation (issue 16): both detectors, at each drift
// tolerance, on the frozen test agents; the chosen setting also on the
// training agents (the only ones tuning looked at); and both detectors on the
// drift ground truth of drift-truth.ts.

import {
  DEFAULT_CONFIG,
  defaultProfile,
  initialState,
  process,
  type DriftDetector,
  type DriftTolerance,
  type IdentityProfile,
} from "../../src/engine/index.js";
import { DRIFT_SCENARIOS, alarmStarts, matchEvents, prf, sumMatches, type Prf } from "./drift-truth.js";
import { SPLIT } from "./drift-random.js";
import { scoreSet, splitAgents, type SetScore } from "./drift-random-run.js";
import { subSeed } from "./rng.js";

export const DETECTORS: readonly DriftDetector[] = ["anchor", "sequential"];
export const TOLERANCES: readonly DriftTolerance[] = ["strict", "normal", "permissive"];

export function detectorProfile(detector: DriftDetector, tolerance: DriftTolerance = "normal"): IdentityProfile {
  return { ...defaultProfile(), driftDetector: detector, driftTolerance: tolerance };
}

export interface TruthScore {
  core: Prf;
  all: Prf;
}

/** The drift ground truth (same seeds and streams as experiment.ts) with a given profile. */
export function driftTruth(profile: IdentityProfile, seeds: readonly number[]): TruthScore {
  const runs = DRIFT_SCENARIOS.map((spec, di) =>
    seeds.map((seed) => {
      let state = initialState(profile);
      const alarms = spec.build(subSeed(seed, 300 + di)).map((o) => {
        const r = process(state, o, DEFAULT_CONFIG);
        state = r.state;
        return r.driftEvent !== null;
      });
      return { core: spec.core, match: matchEvents(alarmStarts(alarms), spec.events) };
    }),
  ).flat();
  return { core: prf(sumMatches(runs.filter((r) => r.core).map((r) => r.match))), all: prf(sumMatches(runs.map((r) => r.match))) };
}

export interface RandomDriftResults {
  /** Test agents, per detector and tolerance. */
  test: Record<DriftDetector, Record<DriftTolerance, SetScore>>;
  /** Training agents, normal tolerance. */
  train: Record<DriftDetector, SetScore>;
  truth: Record<DriftDetector, TruthScore>;
  agents: { train: number; test: number; testCycles: number };
}

export function evaluateRandomDrift(seeds: readonly number[], tick: (label: string) => void = () => {}): RandomDriftResults {
  const testAgents = splitAgents(SPLIT.test);
  const trainAgents = splitAgents(SPLIT.train);
  const test = {} as RandomDriftResults["test"];
  const train = {} as RandomDriftResults["train"];
  const truth = {} as RandomDriftResults["truth"];
  for (const d of DETECTORS) {
    test[d] = {} as Record<DriftTolerance, SetScore>;
    for (const t of TOLERANCES) {
      test[d][t] = scoreSet(testAgents, detectorProfile(d, t));
      tick(`random drift ${d} ${t}`);
    }
    train[d] = scoreSet(trainAgents, detectorProfile(d));
    truth[d] = driftTruth(detectorProfile(d), seeds);
    tick(`random drift ${d} train + truth`);
  }
  return {
    test,
    train,
    truth,
    agents: { train: trainAgents.length, test: testAgents.length, testCycles: testAgents.reduce((a, x) => a + x.cycles, 0) },
  };
}

