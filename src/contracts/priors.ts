// The ten archetype priors ("behavioral DNA") and the archetype-name map, as data. Outcome keys
// are governance verdicts; target keys are category prefixes. Values from the published priors
// (reference/nomotic-notes.md §3).
import type { Distribution } from "./model.js";

export interface ArchetypePrior {
  name: string;
  actions: Distribution;
  targets: Distribution;
  outcomes: Distribution;
  /** Relative weight of each distribution in the overall drift (semantic weighs 1). */
  driftWeights: { action: number; target: number; temporal: number; outcome: number };
}

const outcomes = (allow: number, modify: number, escalate: number, deny: number): Distribution => ({ allow, modify, escalate, deny });
const weights = (action: number, target: number, temporal: number, outcome: number) => ({ action, target, temporal, outcome });

export const PRIORS: readonly ArchetypePrior[] = Object.freeze<ArchetypePrior[]>([
  {
    name: "customer-experience",
    actions: { read: 0.55, write: 0.2, send: 0.12, query: 0.08, escalate: 0.05 },
    targets: { customer: 0.5, order: 0.25, product: 0.15, communication: 0.1 },
    outcomes: outcomes(0.92, 0.04, 0.03, 0.01),
    driftWeights: weights(1.2, 1.0, 0.8, 1.5),
  },
  {
    name: "operations-coordinator",
    actions: { query: 0.3, write: 0.25, send: 0.2, read: 0.15, create: 0.1 },
    targets: { workflow: 0.3, agent: 0.25, status: 0.2, report: 0.15, config: 0.1 },
    outcomes: outcomes(0.95, 0.03, 0.01, 0.01),
    driftWeights: weights(1.0, 1.3, 1.0, 1.0),
  },
  {
    name: "financial-analyst",
    actions: { read: 0.45, query: 0.3, write: 0.15, escalate: 0.07, send: 0.03 },
    targets: { financial: 0.4, market: 0.25, report: 0.2, compliance: 0.1, client: 0.05 },
    outcomes: outcomes(0.88, 0.05, 0.05, 0.02),
    driftWeights: weights(1.5, 1.5, 1.2, 1.3),
  },
  {
    name: "data-processor",
    actions: { read: 0.4, write: 0.35, query: 0.15, create: 0.08, delete: 0.02 },
    targets: { data: 0.5, storage: 0.25, pipeline: 0.15, cache: 0.1 },
    outcomes: outcomes(0.97, 0.01, 0.01, 0.01),
    driftWeights: weights(1.0, 1.2, 0.5, 1.5),
  },
  {
    name: "content-creator",
    actions: { create: 0.35, write: 0.25, read: 0.2, query: 0.15, send: 0.05 },
    targets: { content: 0.4, media: 0.2, template: 0.15, brand: 0.15, publish: 0.1 },
    outcomes: outcomes(0.9, 0.06, 0.02, 0.02),
    driftWeights: weights(0.8, 1.0, 0.6, 1.0),
  },
  {
    name: "security-monitor",
    actions: { read: 0.5, query: 0.3, escalate: 0.1, write: 0.08, send: 0.02 },
    targets: { logs: 0.35, network: 0.25, auth: 0.2, incident: 0.15, config: 0.05 },
    outcomes: outcomes(0.96, 0.01, 0.02, 0.01),
    driftWeights: weights(1.3, 1.5, 0.8, 1.2),
  },
  {
    name: "research-analyst",
    actions: { read: 0.4, query: 0.35, write: 0.12, create: 0.08, send: 0.05 },
    targets: { research: 0.3, external: 0.25, data: 0.2, document: 0.15, reference: 0.1 },
    outcomes: outcomes(0.93, 0.03, 0.02, 0.02),
    driftWeights: weights(0.8, 0.8, 0.6, 1.0),
  },
  {
    name: "sales-agent",
    actions: { read: 0.3, send: 0.25, write: 0.2, query: 0.15, create: 0.1 },
    targets: { prospect: 0.3, client: 0.25, product: 0.2, communication: 0.15, crm: 0.1 },
    outcomes: outcomes(0.93, 0.03, 0.02, 0.02),
    driftWeights: weights(1.0, 1.2, 0.8, 1.0),
  },
  {
    name: "executive-assistant",
    actions: { read: 0.3, write: 0.25, send: 0.2, create: 0.15, query: 0.1 },
    targets: { calendar: 0.3, communication: 0.25, document: 0.2, travel: 0.15, contact: 0.1 },
    outcomes: outcomes(0.95, 0.02, 0.02, 0.01),
    driftWeights: weights(0.8, 1.0, 1.0, 1.0),
  },
  {
    name: "healthcare-agent",
    actions: { read: 0.4, query: 0.25, write: 0.15, escalate: 0.12, send: 0.08 },
    targets: { patient: 0.35, clinical: 0.25, schedule: 0.2, pharmacy: 0.1, insurance: 0.1 },
    outcomes: outcomes(0.87, 0.05, 0.06, 0.02),
    driftWeights: weights(1.3, 1.5, 0.8, 1.5),
  },
]);

/** Archetype names that map onto a prior (directly or to the nearest); "general-purpose" maps to none. */
export const ARCHETYPE_PRIORS: Readonly<Record<string, string | null>> = Object.freeze({
  "customer-experience": "customer-experience",
  "data-processing": "data-processor",
  "security-monitoring": "security-monitor",
  "content-generation": "content-creator",
  "clinical-support": "healthcare-agent",
  "research-assistant": "research-analyst",
  "sales-assistant": "sales-agent",
  analytics: "research-analyst",
  "financial-transactions": "financial-analyst",
  underwriting: "financial-analyst",
  "system-administration": "operations-coordinator",
  "workflow-orchestration": "operations-coordinator",
  "supply-chain": "operations-coordinator",
  "content-moderation": "security-monitor",
  "compliance-audit": "security-monitor",
  "general-purpose": null,
});

/** A prior's own name first, then the archetype map; null for unknown archetypes. */
export function priorFor(archetype: string): ArchetypePrior | null {
  const direct = PRIORS.find((p) => p.name === archetype);
  if (direct) return direct;
  const mapped = ARCHETYPE_PRIORS[archetype];
  return (mapped && PRIORS.find((p) => p.name === mapped)) || null;
}
