// fast-check generators for observations, profiles and configs.

import fc from "fast-check";
import {
  type EngineConfig,
  type IdentityProfile,
  MODES,
  type Mode,
  type Observation,
  PERSONAS,
  defaultProfile,
} from "../../src/engine/index.js";
import { between, rng } from "../support/rng.js";

const unitDouble = fc.double({ min: 0, max: 1, noNaN: true });

/** Stress observations are over-represented so every stress level is visited often. */
export const observationArb: fc.Arbitrary<Observation> = fc.record({
  mode: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...MODES) },
    { weight: 2, arbitrary: fc.constant<Mode>("stress_response") },
  ),
  signalStrength: fc.oneof(unitDouble, fc.constantFrom(0, 1, 0.9, 0.95)),
  confidence: fc.oneof(unitDouble, fc.constant(1)),
});

/** Uniformly random sequences: they visit every stress level but almost never drift to D3. */
export function randomObservationsArb(maxLength: number): fc.Arbitrary<Observation[]> {
  return fc.array(observationArb, { minLength: 1, maxLength });
}

const IDENTITY_MODES = MODES.slice(0, 6) as Mode[];

/**
 * A regime shift: a warm-up on some identity modes (the anchor and first snapshot form around
 * them), then a long run that pushes those modes down and the others up, hard, then random
 * turns. Pushed far enough the distance to the anchor reaches D3, so the rollback path runs.
 * Strengths within the phases come from a seeded generator: cheap to draw, shrinks by seed.
 */
export function regimeShiftArb(maxLength: number): fc.Arbitrary<Observation[]> {
  return fc
    .record({
      home: fc.subarray(IDENTITY_MODES, { minLength: 1, maxLength: 3 }),
      warmup: fc.integer({ min: 20, max: 30 }),
      shift: fc.integer({ min: 60, max: 170 }),
      seed: fc.integer(),
      tail: fc.array(observationArb, { maxLength: 20 }),
    })
    .map(({ home, warmup, shift, seed, tail }) => {
      const away = IDENTITY_MODES.filter((m) => !home.includes(m));
      const r = rng(seed);
      const pick = (modes: Mode[]) => modes[Math.floor(r() * modes.length)]!;
      const out: Observation[] = [];
      for (let i = 0; i < warmup; i++) out.push({ mode: pick(home), signalStrength: between(r, 0.8, 1), confidence: between(r, 0.8, 1) });
      for (let i = 0; i < shift; i++) {
        // Alternate: raise a mode the agent was not, lower one it was.
        out.push(
          i % 2 === 0
            ? { mode: pick(away), signalStrength: between(r, 0.8, 1), confidence: between(r, 0.8, 1) }
            : { mode: pick(home), signalStrength: between(r, 0, 0.1), confidence: between(r, 0.8, 1) },
        );
      }
      return [...out, ...tail].slice(0, Math.max(maxLength, warmup + 1));
    });
}

/** Random sequences and regime shifts, so properties also run through D2/D3 drift and rollbacks. */
export function observationsArb(maxLength: number): fc.Arbitrary<Observation[]> {
  return fc.oneof(randomObservationsArb(maxLength), regimeShiftArb(maxLength));
}

const modeSubset = fc.subarray([...MODES.slice(0, 6)] as Mode[]);

const randomProfileArb: fc.Arbitrary<IdentityProfile> = fc.record({
  coreModes: modeSubset,
  suppressedModes: modeSubset,
  riskPosture: fc.constantFrom("seeking", "averse", "moderate", "bounded"),
  energyPolicy: fc.constantFrom("conservative", "balanced", "aggressive"),
  stressTolerance: fc.constantFrom("fragile", "normal", "resilient"),
  driftTolerance: fc.constantFrom("strict", "normal", "permissive"),
  driftDetector: fc.constantFrom("anchor" as const, "sequential" as const),
  initialModeStrengths: fc.array(unitDouble, { minLength: 7, maxLength: 7 }),
  initialEnergy: unitDouble,
});

export const profileArb: fc.Arbitrary<IdentityProfile> = fc.oneof(
  fc.constant(defaultProfile()),
  fc.constantFrom(...PERSONAS.map((p) => p.profile)),
  randomProfileArb,
);

export const configArb: fc.Arbitrary<EngineConfig> = fc.record({
  memory: fc.boolean(),
  memoryFeedback: fc.boolean(),
  selfModel: fc.boolean(),
  identityAdapter: fc.boolean(),
  recoveryNudge: fc.boolean(),
  cycleRecord: fc.boolean(),
});
