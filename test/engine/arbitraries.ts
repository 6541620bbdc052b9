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

export function observationsArb(maxLength: number): fc.Arbitrary<Observation[]> {
  return fc.array(observationArb, { minLength: 1, maxLength });
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
