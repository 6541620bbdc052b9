// IdentityProfile and Instance between the wire and the engine.
import { create } from "@bufbuild/protobuf";
import { wireTimestamp } from "./timestamps.js";
import { defaultProfile, MODES, type IdentityProfile } from "../engine/index.js";
import type { InstanceRecord } from "../store/types.js";
import { InstanceSchema, type Instance } from "../../gen/keel/v1/instance_pb.js";
import {
  IdentityProfileSchema,
  ModeStrengthsSchema,
  type IdentityProfile as WireProfile,
  type ModeStrengths,
} from "../../gen/keel/v1/profile_pb.js";
import { driftDetectors, driftLevels, driftTolerances, energyPolicies, modes, riskPostures, stressTolerances } from "./enums.js";
import { invalidArgument } from "./errors.js";
import { enumValue, optionalEnum, unitInterval } from "./validate.js";

type StrengthField = Exclude<keyof ModeStrengths, "$typeName" | "$unknown">;

/**
 * ModeStrengths' fields in field-number order, read from the descriptor; the proto and the
 * engine's MODES must name the same modes in the same order, checked once at load.
 */
const STRENGTH_FIELDS = [...ModeStrengthsSchema.fields]
  .sort((a, b) => a.number - b.number)
  .map((f) => f.localName as StrengthField);
STRENGTH_FIELDS.forEach((field, i) => {
  const mode = MODES[i];
  if (mode === undefined || field !== mode.replace(/_(.)/g, (_, c: string) => c.toUpperCase())) {
    throw new Error(`keel.v1.ModeStrengths field ${field} does not match the engine's mode ${String(mode)}`);
  }
});

/** Validates a wire profile; unset fields take the default profile's values. */
export function profileFromWire(field: string, wire: WireProfile): IdentityProfile {
  const base = defaultProfile();
  const modeList = (name: string, values: number[]) =>
    [...new Set(values.map((v, i) => enumValue(`${field}.${name}[${i}]`, v, "Mode", (x) => modes.toEngine(x))))];
  const coreModes = modeList("core_modes", wire.coreModes);
  const suppressedModes = modeList("suppressed_modes", wire.suppressedModes);
  const both = coreModes.find((m) => suppressedModes.includes(m));
  if (both) throw invalidArgument(`${field}.suppressed_modes`, `must not contain core mode ${both.toUpperCase()}`);
  const restrictsAt = optionalEnum(`${field}.drift_restricts_at`, wire.driftRestrictsAt, "DriftLevel", (v) => driftLevels.toEngine(v), null);
  if (restrictsAt === "D0_noise") throw invalidArgument(`${field}.drift_restricts_at`, "must be D1_CONTEXT, D2_ADAPTIVE or D3_CORRUPT (D0 is no drift)");
  const profile: IdentityProfile = {
    coreModes,
    suppressedModes,
    riskPosture: optionalEnum(`${field}.risk_posture`, wire.riskPosture, "RiskPosture", (v) => riskPostures.toEngine(v), base.riskPosture),
    energyPolicy: optionalEnum(`${field}.energy_policy`, wire.energyPolicy, "EnergyPolicy", (v) => energyPolicies.toEngine(v), base.energyPolicy),
    stressTolerance: optionalEnum(`${field}.stress_tolerance`, wire.stressTolerance, "StressTolerance", (v) => stressTolerances.toEngine(v), base.stressTolerance),
    driftTolerance: optionalEnum(`${field}.drift_tolerance`, wire.driftTolerance, "DriftTolerance", (v) => driftTolerances.toEngine(v), base.driftTolerance),
    initialModeStrengths: wire.initialModeStrengths
      ? STRENGTH_FIELDS.map((k, i) => unitInterval(`${field}.initial_mode_strengths.${MODES[i]}`, wire.initialModeStrengths![k]))
      : base.initialModeStrengths,
    initialEnergy:
      wire.initialEnergy === undefined ? base.initialEnergy : unitInterval(`${field}.initial_energy`, wire.initialEnergy),
  };
  // Only when chosen: profiles without the choice keep the shape (and the anchor detector) they always had.
  if (wire.driftDetector !== 0) profile.driftDetector = enumValue(`${field}.drift_detector`, wire.driftDetector, "DriftDetector", (v) => driftDetectors.toEngine(v));
  if (restrictsAt !== null) profile.driftRestrictsAt = restrictsAt;
  return profile;
}

export function profileToWire(p: IdentityProfile): WireProfile {
  const strengths: Record<string, number> = {};
  STRENGTH_FIELDS.forEach((k, i) => (strengths[k] = p.initialModeStrengths[i] ?? 0));
  return create(IdentityProfileSchema, {
    coreModes: p.coreModes.map((m) => modes.toWire(m)),
    suppressedModes: p.suppressedModes.map((m) => modes.toWire(m)),
    riskPosture: riskPostures.toWire(p.riskPosture),
    energyPolicy: energyPolicies.toWire(p.energyPolicy),
    stressTolerance: stressTolerances.toWire(p.stressTolerance),
    driftTolerance: driftTolerances.toWire(p.driftTolerance),
    initialModeStrengths: create(ModeStrengthsSchema, strengths),
    initialEnergy: p.initialEnergy,
    driftDetector: p.driftDetector === undefined ? 0 : driftDetectors.toWire(p.driftDetector),
    driftRestrictsAt: p.driftRestrictsAt == null ? 0 : driftLevels.toWire(p.driftRestrictsAt),
  });
}

export function instanceToWire(r: InstanceRecord): Instance {
  return create(InstanceSchema, {
    id: r.id,
    name: r.name,
    description: r.description,
    profile: profileToWire(r.profile),
    labels: r.labels,
    createTime: wireTimestamp(r.createdAtMs),
    updateTime: wireTimestamp(r.updatedAtMs),
  });
}
