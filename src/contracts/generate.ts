// A contract from an archetype prior. Known archetypes get the prior's distributions and drift
// thresholds at the "high" alert band; unknown ones get empty distributions and no thresholds
// (no baseline yet: it is learned from observations).
import { defaultPolicy, emptyThresholds, DEFAULTS, type BehavioralContract } from "./model.js";
import { priorFor } from "./priors.js";

/** Generated thresholds for action, target, outcome and overall drift. */
export const GENERATED_THRESHOLD = 0.4;

export interface GenerateInput {
  contractId: string;
  version: number;
  agentId: string;
  createdAtMs: number;
  archetype: string;
  certificateId: string;
}

export function generateContract(input: GenerateInput): { contract: BehavioralContract; prior: string | null } {
  const archetype = input.archetype || DEFAULTS.archetype;
  const prior = priorFor(archetype);
  const thresholds = emptyThresholds();
  if (prior) {
    for (const d of ["action", "target", "outcome", "overall"] as const) thresholds[d] = GENERATED_THRESHOLD;
  }
  const contract: BehavioralContract = {
    contractId: input.contractId,
    version: input.version,
    agentId: input.agentId,
    createdAtMs: input.createdAtMs,
    certificateId: input.certificateId,
    archetype,
    expectedActionDistribution: prior ? { ...prior.actions } : {},
    expectedTargetDistribution: prior ? { ...prior.targets } : {},
    expectedOutcomeDistribution: prior ? { ...prior.outcomes } : {},
    authorizedScope: null,
    initialTrust: DEFAULTS.initialTrust,
    trustFloor: DEFAULTS.trustFloor,
    trustCeiling: DEFAULTS.trustCeiling,
    invariants: [],
    semanticAnchors: [],
    driftThresholds: thresholds,
    policy: defaultPolicy(),
    signature: "",
    signer: "",
  };
  return { contract, prior: prior?.name ?? null };
}
