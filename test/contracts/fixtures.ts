// Contracts, keys and arbitraries shared by the contract tests.
import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { parseSigningKey, type SigningKey } from "../../src/contracts/keys.js";
import {
  defaultPolicy,
  emptyThresholds,
  type BehavioralContract,
  type Invariant,
  type InvariantRule,
} from "../../src/contracts/model.js";
import { normalizeContract } from "../../src/contracts/normalize.js";

export const AGENT = "inst_0123456789abcdef";

export function newSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync("ed25519");
  return parseSigningKey(privateKey.export({ format: "pem", type: "pkcs8" }).toString());
}

/** One invariant of every type. */
export const EVERY_RULE: Record<Exclude<InvariantRule["type"], "sum">, InvariantRule> = {
  ratio: { type: "ratio", dimension: "action", numerator: "write", denominator: "read", comparison: "lt", threshold: 0.3, window: 20 },
  distribution: { type: "distribution", dimension: "target", key: "", comparison: "le", threshold: 0.6, window: 20, minObservations: 10 },
  drift: { type: "drift", distribution: "action", comparison: "lt", threshold: 0.2 },
  semantic: { type: "semantic", term: "research", comparison: "gt", threshold: 0.85 },
  temporal: { type: "temporal", startHour: 8, endHour: 18 },
  rate: { type: "rate", action: "send", windowSeconds: 60, baseline: 5, comparison: "le", threshold: 2 },
  count: { type: "count", dimension: "target", window: 10, comparison: "le", threshold: 5 },
};

export function invariant(id: string, rule: InvariantRule, response: Invariant["response"] = "record"): Invariant {
  return { id, description: `rule ${id}`, response, rule };
}

/** A valid, normalized contract with every field populated. */
export function sampleContract(overrides: Partial<BehavioralContract> = {}): BehavioralContract {
  return normalizeContract({
    contractId: "c-1",
    version: 1,
    agentId: AGENT,
    createdAtMs: 1_790_000_000_000,
    certificateId: "nmc-42",
    archetype: "customer-experience",
    expectedActionDistribution: { read: 0.55, write: 0.2, send: 0.12, query: 0.08, escalate: 0.05 },
    expectedTargetDistribution: { customer: 0.5, order: 0.25, product: 0.15, communication: 0.1 },
    expectedOutcomeDistribution: { allow: 0.92, modify: 0.04, escalate: 0.03, deny: 0.01 },
    authorizedScope: { actions: ["clarify", "question", "suggest"], operations: ["read", "send"], targets: ["customer/", "order"] },
    initialTrust: 0.6,
    trustFloor: 0.2,
    trustCeiling: 0.9,
    invariants: Object.entries(EVERY_RULE).map(([type, rule]) => invariant(`inv-${type}`, rule)),
    semanticAnchors: [
      { term: "research", expectedActionDistribution: { read: 0.9, query: 0.1 }, expectedTargetDistribution: { search: 0.7, reviews: 0.3 }, tolerance: 0.15 },
    ],
    driftThresholds: { ...emptyThresholds(), action: 0.3, overall: 0.4 },
    policy: { ...defaultPolicy(), window: 30, minObservations: 10, onScope: "restrict" },
    signature: "",
    signer: "",
    ...overrides,
  });
}

// Arbitraries: structurally complete contracts with arbitrary values (sealing does not need them
// to be valid), and deep shuffles of key order.

const key = fc.stringMatching(/^[a-z][a-z0-9_./-]{0,11}$/);
const unit = fc.double({ min: 0, max: 1, noNaN: true });
const distribution = fc.dictionary(key, unit, { maxKeys: 5 });

const rule: fc.Arbitrary<InvariantRule> = fc.oneof(
  ...Object.values(EVERY_RULE).map((r) =>
    fc.record({ threshold: unit, window: fc.integer({ min: 1, max: 500 }) }).map(({ threshold, window }) =>
      "threshold" in r ? ({ ...r, threshold, ...("window" in r ? { window } : {}) } as InvariantRule) : { ...r },
    ),
  ),
);

export const contractArb: fc.Arbitrary<BehavioralContract> = fc
  .record({
    contractId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,20}$/),
    version: fc.integer({ min: 1, max: 1000 }),
    createdAtMs: fc.integer({ min: 0, max: 4_000_000_000_000 }),
    certificateId: fc.string({ maxLength: 10 }),
    archetype: fc.constantFrom("general", "sales-agent", "customer-experience"),
    expectedActionDistribution: distribution,
    expectedTargetDistribution: distribution,
    expectedOutcomeDistribution: distribution,
    scope: fc.option(
      fc.record({
        actions: fc.uniqueArray(fc.constantFrom("explore", "question", "clarify", "defer", "pivot" as const), { maxLength: 4 }),
        operations: fc.uniqueArray(key, { maxLength: 3 }),
        targets: fc.uniqueArray(key, { maxLength: 3 }),
      }),
    ),
    trust: fc.tuple(unit, unit, unit).map((t) => [...t].sort()),
    invariants: fc.uniqueArray(fc.tuple(key, rule), { maxLength: 4, selector: ([id]) => id }),
    anchors: fc.uniqueArray(fc.record({ term: key, a: distribution, t: distribution, tolerance: unit }), { maxLength: 3, selector: (a) => a.term }),
    thresholds: fc.record({ action: fc.option(unit), target: fc.option(unit), temporal: fc.option(unit), outcome: fc.option(unit), semantic: fc.option(unit), overall: fc.option(unit) }),
    window: fc.integer({ min: 1, max: 500 }),
  })
  .map((r) =>
    normalizeContract({
      contractId: r.contractId,
      version: r.version,
      agentId: AGENT,
      createdAtMs: r.createdAtMs,
      certificateId: r.certificateId,
      archetype: r.archetype,
      expectedActionDistribution: r.expectedActionDistribution,
      expectedTargetDistribution: r.expectedTargetDistribution,
      expectedOutcomeDistribution: r.expectedOutcomeDistribution,
      authorizedScope: r.scope,
      initialTrust: r.trust[1]!,
      trustFloor: r.trust[0]!,
      trustCeiling: r.trust[2]!,
      invariants: r.invariants.map(([id, ru]) => invariant(id, ru)),
      semanticAnchors: r.anchors.map((a) => ({ term: a.term, expectedActionDistribution: a.a, expectedTargetDistribution: a.t, tolerance: a.tolerance })),
      driftThresholds: r.thresholds,
      policy: { ...defaultPolicy(), window: r.window },
      signature: "",
      signer: "",
    }),
  );

/** The same value with every object's keys inserted in a shuffled order. */
export function shuffledKeys<T>(value: T, random: () => number): T {
  if (Array.isArray(value)) return value.map((v) => shuffledKeys(v, random)) as T;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) Object.defineProperty(out, k, { value: shuffledKeys(v, random), enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return value;
}

/** Every leaf of a JSON value, by path of keys and indexes. */
export function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.length === 0 ? [path] : value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    return entries.length === 0 ? [path] : entries.flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return [path];
}

/** A copy with the leaf at `path` changed to a different value of a plausible kind. */
export function withLeafChanged<T>(value: T, path: readonly (string | number)[]): T {
  const copy = structuredClone(value) as unknown;
  const change = (v: unknown): unknown => {
    if (typeof v === "number") return v + 1;
    if (typeof v === "string") return `${v}x`;
    if (typeof v === "boolean") return !v;
    if (v === null) return 0;
    if (Array.isArray(v)) return ["added"];
    return { added: 1 };
  };
  if (path.length === 0) return change(copy) as T;
  let parent = copy as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  parent[last] = change(parent[last]);
  return copy as T;
}
