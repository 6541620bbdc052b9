// Identity profiles: the default agent and the 12 persona presets.

import type {
  DriftTolerance,
  EnergyPolicy,
  IdentityProfile,
  Mode,
  ModeVector,
  Persona,
  RiskPosture,
  StressTolerance,
} from "./types.js";

/**
 * The default agent: every behavioural mode at 0.5 (the value every published
 * example uses), no stress, full energy. All 12 actions are allowed and six
 * active modes cost 0.12 < 0.20 recovery, so a fresh agent reads energy 1.00
 * until it enters STRESS (tutorial trace).
 */
export function defaultProfile(): IdentityProfile {
  return {
    coreModes: [],
    suppressedModes: [],
    riskPosture: "moderate",
    energyPolicy: "balanced",
    stressTolerance: "normal",
    driftTolerance: "normal",
    initialModeStrengths: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0],
    initialEnergy: 1,
  };
}

function persona(
  id: string,
  name: string,
  dominantModes: Mode[],
  initialModeStrengths: ModeVector,
  riskPosture: RiskPosture,
  energyPolicy: EnergyPolicy,
  stressTolerance: StressTolerance,
  driftTolerance: DriftTolerance,
  suppressedModes: Mode[],
): Persona {
  // Presets are shared: freeze them all the way down.
  const profile: IdentityProfile = Object.freeze({
    coreModes: Object.freeze([...dominantModes]) as Mode[],
    suppressedModes: Object.freeze(suppressedModes) as Mode[],
    riskPosture,
    energyPolicy,
    stressTolerance,
    driftTolerance,
    initialModeStrengths: Object.freeze(initialModeStrengths) as ModeVector,
    initialEnergy: 1,
  });
  return Object.freeze({ id, name, dominantModes: Object.freeze(dominantModes) as Mode[], profile });
}

/**
 * The 12 personas of the notes §3.5. Published: ids and "two dominant modes
 * each"; the pairs and numbers are Keel's. Explorer, Guardian and Diplomat use
 * the strengths of the real baseline contracts (notes §5.9); Leader uses the
 * Commander's. Core modes are the persona's two dominant modes.
 */
export const PERSONAS: readonly Persona[] = Object.freeze([
  persona("persona_analytical", "Analytical", ["perception", "order"], [0.7, 0.3, 0.6, 0.3, 0.2, 0.4, 0], "bounded", "conservative", "normal", "strict", ["connection"]),
  persona("persona_creative", "Creative", ["exploration", "connection"], [0.4, 0.7, 0.2, 0.3, 0.6, 0.3, 0], "seeking", "aggressive", "normal", "permissive", ["order"]),
  persona("persona_leader", "Leader", ["order", "assertion"], [0.4, 0.2, 0.6, 0.7, 0.2, 0.4, 0], "bounded", "balanced", "resilient", "normal", []),
  persona("persona_supporter", "Supporter", ["order", "connection"], [0.4, 0.2, 0.6, 0.2, 0.7, 0.4, 0], "moderate", "conservative", "normal", "normal", ["assertion"]),
  persona("persona_explorer", "Explorer", ["perception", "exploration"], [0.6, 0.7, 0.1, 0.2, 0.2, 0.4, 0], "seeking", "aggressive", "normal", "permissive", []),
  persona("persona_guardian", "Guardian", ["order", "identity"], [0.4, 0.1, 0.7, 0.3, 0.2, 0.6, 0], "averse", "conservative", "resilient", "strict", ["exploration"]),
  persona("persona_philosopher", "Philosopher", ["exploration", "identity"], [0.5, 0.6, 0.3, 0.2, 0.3, 0.7, 0], "moderate", "conservative", "normal", "normal", []),
  persona("persona_performer", "Performer", ["assertion", "connection"], [0.4, 0.3, 0.2, 0.7, 0.6, 0.3, 0], "seeking", "aggressive", "fragile", "permissive", []),
  persona("persona_scholar", "Scholar", ["perception", "identity"], [0.7, 0.4, 0.4, 0.2, 0.2, 0.6, 0], "moderate", "conservative", "normal", "strict", []),
  persona("persona_diplomat", "Diplomat", ["perception", "connection"], [0.6, 0.2, 0.3, 0.2, 0.7, 0.4, 0], "moderate", "balanced", "normal", "normal", ["assertion"]),
  persona("persona_pioneer", "Pioneer", ["exploration", "assertion"], [0.4, 0.7, 0.2, 0.6, 0.2, 0.3, 0], "seeking", "aggressive", "resilient", "permissive", []),
  persona("persona_catalyst", "Catalyst", ["assertion", "identity"], [0.4, 0.4, 0.2, 0.7, 0.3, 0.6, 0], "bounded", "balanced", "normal", "normal", []),
]);

export function personaById(id: string): Persona | null {
  return PERSONAS.find((p) => p.id === id) ?? null;
}
