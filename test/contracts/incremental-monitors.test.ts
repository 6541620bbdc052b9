// The incremental monitors (count, ratio, distribution, rate, temporal, sum, drift and anchored
// terms) against an oracle that recomputes every invariant and every drift score from the full
// history of the agent's observations, on every cycle of property-generated streams: late and
// repeated times, missing tags, random windows and thresholds, and the enforcement state
// persisted as JSON between random cycles (sometimes without its monitors, as a state written
// before they existed is read).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileContract, type CompiledContract } from "../../src/contracts/compile.js";
import { jensenShannon, type Counts } from "../../src/contracts/counts.js";
import { advanceEnforcement, enforceCycle, type ObservedCycle } from "../../src/contracts/enforce.js";
import { defaultPolicy, emptyThresholds, type Comparison, type Dimension, type Invariant, type InvariantRule } from "../../src/contracts/model.js";
import type { EnforcementState } from "../../src/contracts/state.js";
import { AMOUNT_SCALE, scaledAmount } from "../../src/contracts/sum-monitor.js";
import { contractOf, defaultProfile, initialState } from "../../src/engine/index.js";
import { invariant, sampleContract } from "./fixtures.js";

interface Obs {
  dt: number;
  action: string | null;
  target: string | null;
  outcome: string | null;
  term: string | null;
  amount: number | null;
  /** Persist the state as JSON after this cycle; "bare" also drops its monitors. */
  persist: "no" | "json" | "bare";
}

const obs: fc.Arbitrary<Obs> = fc.record({
  // Mostly forward, sometimes at the same time or late; spans several hours (the temporal rules).
  // Whole minutes often, so times land exactly on window edges.
  dt: fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 1_800_000 }) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 30 }).map((m) => m * 60_000) },
    { weight: 1, arbitrary: fc.integer({ min: -2_000_000, max: 0 }) },
    { weight: 1, arbitrary: fc.integer({ min: -30, max: 0 }).map((m) => m * 60_000) },
  ),
  action: fc.constantFrom("read", "Read", "write", "send", "__proto__", null),
  target: fc.constantFrom("customer/1", "order/2", "inbox", "toString", null),
  outcome: fc.constantFrom("ok", "fail", null),
  term: fc.constantFrom("research", "other", null),
  amount: fc.option(fc.integer({ min: -500, max: 500 }).map((x) => x / 4), { nil: null }),
  persist: fc.constantFrom<Obs["persist"]>("no", "no", "no", "json", "bare"),
});

const dimension = fc.constantFrom<Dimension>("action", "target", "outcome");
const comparison = fc.constantFrom<Comparison>("lt", "le", "gt", "ge");
const span = fc.integer({ min: 1, max: 40 });
const seconds = fc.oneof(fc.integer({ min: 1, max: 7200 }), fc.constantFrom(60, 300, 600, 3600));
const tag = fc.constantFrom("read", "write", "send", "customer", "order", "ok", "fail", "__proto__");

const ruleArb: fc.Arbitrary<InvariantRule> = fc.oneof(
  fc.record({ type: fc.constant("count" as const), dimension, window: span, comparison, threshold: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ type: fc.constant("ratio" as const), dimension, numerator: tag, denominator: tag, comparison, threshold: fc.constantFrom(0, 0.5, 1, 2), window: span }),
  fc.record({
    type: fc.constant("distribution" as const),
    dimension,
    key: fc.constantFrom("", "read", "customer", "ok"),
    comparison,
    threshold: fc.constantFrom(0.25, 0.5, 0.75),
    window: span,
  }).chain((r) => fc.integer({ min: 1, max: r.window }).map((minObservations) => ({ ...r, minObservations }))),
  fc.record({
    type: fc.constant("rate" as const),
    action: fc.constantFrom("", "read", "send"),
    windowSeconds: seconds,
    baseline: fc.integer({ min: 1, max: 4 }),
    comparison,
    threshold: fc.constantFrom(0.5, 1, 2),
  }),
  fc.record({ type: fc.constant("sum" as const), action: fc.constantFrom("", "read"), windowSeconds: seconds, comparison, threshold: fc.integer({ min: -50, max: 50 }) }),
  fc.record({ type: fc.constant("temporal" as const), startHour: fc.integer({ min: 0, max: 23 }), endHour: fc.integer({ min: 0, max: 23 }) }),
  fc.record({ type: fc.constant("semantic" as const), term: fc.constant("research"), comparison, threshold: fc.constantFrom(0.5, 0.8) }),
);

/** A copy of a numeric rule that every non-null value violates, so its value is always reported. */
function reporting(rule: InvariantRule): InvariantRule | null {
  if (rule.type === "temporal" || rule.type === "rate") return null; // rate: the threshold sets how many times are kept
  return { ...rule, comparison: "lt", threshold: -1e12 } as InvariantRule;
}

interface Seen {
  ts: number;
  a: string | null;
  t: string | null;
  o: string | null;
  h: number;
  s: string | null;
  amount: number | null;
}

function compare(v: number, c: Comparison, t: number): boolean {
  return c === "lt" ? v < t : c === "le" ? v <= t : c === "gt" ? v > t : v >= t;
}

function tagOf(e: Seen, d: Dimension): string | null {
  return d === "action" ? e.a : d === "target" ? e.t : e.o;
}

function countTags(entries: readonly Seen[], tag: (e: Seen) => string | null): Counts {
  const counts: Counts = {};
  for (const e of entries) {
    const k = tag(e);
    if (k !== null) Object.defineProperty(counts, k, { value: (Object.hasOwn(counts, k) ? counts[k]! : 0) + 1, enumerable: true, writable: true, configurable: true });
  }
  return counts;
}

function sumOf(c: Counts): number {
  return Object.values(c).reduce((a, b) => a + b, 0);
}

/** The JSD between two count maps, the prior (shares × weight) added to the first. */
function jsd(prior: Record<string, number>, weight: number, older: Counts, recent: Counts): number | null {
  const base: Counts = {};
  const add = (k: string, v: number) =>
    Object.defineProperty(base, k, { value: (Object.hasOwn(base, k) ? base[k]! : 0) + v, enumerable: true, writable: true, configurable: true });
  if (weight > 0) for (const [k, v] of Object.entries(prior)) if (v > 0) add(k, v * weight);
  for (const [k, v] of Object.entries(older)) add(k, v);
  if (sumOf(base) <= 0 || sumOf(recent) <= 0) return null;
  return jensenShannon(base, recent);
}

/** Every invariant's value recomputed from the full history, the current cycle last; null: nothing to measure. */
function oracleValue(rule: InvariantRule, history: readonly Seen[], drift: { terms: Map<string, number | null> }): number | null {
  const current = history[history.length - 1]!;
  switch (rule.type) {
    case "count":
    case "ratio":
    case "distribution": {
      const last = history.slice(Math.max(0, history.length - rule.window));
      const counts = countTags(last, (e) => tagOf(e, rule.dimension));
      if (rule.type === "count") return Object.keys(counts).length;
      if (rule.type === "ratio") {
        const num = counts[rule.numerator] !== undefined && Object.hasOwn(counts, rule.numerator) ? counts[rule.numerator]! : 0;
        const den = rule.denominator === rule.numerator || !Object.hasOwn(counts, rule.denominator) ? 0 : counts[rule.denominator]!;
        return den === 0 ? null : num / den;
      }
      const n = sumOf(counts);
      if (n < rule.minObservations) return null;
      return rule.key ? (Object.hasOwn(counts, rule.key) ? counts[rule.key]! : 0) / n : Math.max(...Object.values(counts)) / n;
    }
    case "rate": {
      // A matching time is still counted while it is after (every later cycle's time - window);
      // at most baseline × threshold + 1 of them (the newest).
      const keep = Math.floor(rule.baseline * rule.threshold) + 1;
      let kept = 0;
      for (let i = 0; i < history.length; i++) {
        const e = history[i]!;
        if (rule.action !== "" && e.a !== rule.action) continue;
        let alive = true;
        for (let m = i + 1; m < history.length && alive; m++) alive = e.ts > history[m]!.ts - rule.windowSeconds * 1000;
        if (alive) kept++;
      }
      return Math.min(kept, keep) / rule.baseline;
    }
    case "sum": {
      const latest = Math.max(...history.map((e) => e.ts));
      let total = 0;
      for (const e of history) {
        if (e.amount !== null && (rule.action === "" || e.a === rule.action) && e.ts > latest - rule.windowSeconds * 1000) total += scaledAmount(e.amount);
      }
      return total / AMOUNT_SCALE;
    }
    case "temporal":
      return current.h;
    case "semantic": {
      const d = drift.terms.get(rule.term);
      return d === undefined || d === null ? null : 1 - d;
    }
    case "drift":
      throw new Error("not generated");
  }
}

const EXPECTED = {
  action: { read: 0.6, write: 0.3, send: 0.1 },
  target: { customer: 0.7, order: 0.3 },
  outcome: { ok: 0.9, fail: 0.1 },
};
const ANCHOR = { term: "research", expectedActionDistribution: { read: 0.8, send: 0.2 }, expectedTargetDistribution: { customer: 1 }, tolerance: 0.2 };

/** The drift scores and anchored-term drift recomputed from the full history. */
function oracleDrift(compiled: CompiledContract, history: readonly Seen[]) {
  const { window, minObservations: min, priorWeight } = compiled.contract.policy;
  const recent = history.slice(Math.max(0, history.length - window));
  const older = history.slice(0, Math.max(0, history.length - window));
  const score = (d: Dimension) => {
    const r = countTags(recent, (e) => tagOf(e, d));
    return sumOf(r) < min ? null : jsd(EXPECTED[d], priorWeight, countTags(older, (e) => tagOf(e, d)), r);
  };
  const hour = (e: Seen) => String(e.h);
  const rh = countTags(recent, hour);
  const temporal = sumOf(rh) < min ? null : jsd({}, 0, countTags(older, hour), rh);
  const under = recent.filter((e) => e.s === ANCHOR.term);
  let term: number | null = null;
  if (under.length >= min) {
    const parts: [number, number][] = [];
    const ra = countTags(under, (e) => e.a);
    const rt = countTags(under, (e) => e.t);
    if (sumOf(ra) > 0) parts.push([0.6, jsd(ANCHOR.expectedActionDistribution, 1, {}, ra)!]);
    if (sumOf(rt) > 0) parts.push([0.4, jsd(ANCHOR.expectedTargetDistribution, 1, {}, rt)!]);
    if (parts.length > 0) term = parts.reduce((s, [w, d]) => s + w * d, 0) / parts.reduce((s, [w]) => s + w, 0);
  }
  return { scores: { action: score("action"), target: score("target"), temporal, outcome: score("outcome"), semantic: term }, terms: new Map([[ANCHOR.term, term]]) };
}

function close(actual: number | null | undefined, expected: number | null): void {
  if (expected === null) expect(actual ?? null).toBeNull();
  else expect(actual).toBeCloseTo(expected, 9);
}

describe("incremental invariant monitors", () => {
  it("agree with the full-history oracle on every cycle, across JSON persistence and rebuilt monitors", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(ruleArb, { minLength: 1, maxLength: 8, selector: (r) => JSON.stringify(r) }),
        fc.array(obs, { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 50 }),
        (rules, stream, window, priorWeight) => {
          const invariants: Invariant[] = [];
          rules.forEach((rule, i) => {
            invariants.push(invariant(`r${i}`, rule));
            const copy = reporting(rule);
            if (copy) invariants.push(invariant(`v${i}`, copy));
          });
          const compiled = compileContract(
            sampleContract({
              expectedActionDistribution: EXPECTED.action,
              expectedTargetDistribution: EXPECTED.target,
              expectedOutcomeDistribution: EXPECTED.outcome,
              authorizedScope: null,
              semanticAnchors: [ANCHOR],
              driftThresholds: emptyThresholds(),
              invariants,
              policy: { ...defaultPolicy(), window, minObservations: Math.max(1, Math.ceil(window / 2)), priorWeight },
            }),
          );
          const engine = contractOf(initialState(defaultProfile()));
          const history: Seen[] = [];
          let state: EnforcementState | undefined;
          let ts = 1_790_000_000_000;
          stream.forEach((o, i) => {
            ts += o.dt;
            const observed: ObservedCycle = { action: o.action, target: o.target, outcome: o.outcome, observedAtMs: ts, context: o.term ? { term: o.term } : {}, amount: o.amount };
            history.push({
              ts,
              a: o.action?.toLowerCase() ?? null,
              t: o.target === null ? null : compiled.categorize(o.target),
              o: o.outcome,
              h: new Date(ts).getUTCHours(),
              s: o.term,
              amount: o.amount,
            });
            const step = advanceEnforcement(compiled, state, observed, { ...engine, cycleCount: i + 1 });
            const e = step.contract.enforcement!;
            const drift = oracleDrift(compiled, history);
            for (const d of ["action", "target", "temporal", "outcome", "semantic"] as const) close(e.drift[d], drift.scores[d]);
            const reported = new Map(e.violations.map((v) => [v.name, v]));
            for (const inv of invariants) {
              const value = oracleValue(inv.rule, history, drift);
              const r = inv.rule;
              const holds = value === null || (r.type === "temporal" ? inHours(value, r.startHour, r.endHour) : compare(value, r.comparison, r.threshold));
              const v = reported.get(`invariant/${inv.id}`);
              if (holds) expect(v, `${inv.id} ${JSON.stringify(r)} holds at cycle ${i + 1}`).toBeUndefined();
              else {
                expect(v, `${inv.id} ${JSON.stringify(r)} is violated at cycle ${i + 1}`).toBeDefined();
                close(v!.value, value);
              }
            }
            state = step.state;
            if (o.persist !== "no") {
              state = JSON.parse(JSON.stringify(state)) as EnforcementState;
              if (o.persist === "bare") delete state.monitors;
            }
          });
        },
      ),
      { numRuns: 250 },
    );
  });

  it("leave the previous state untouched through enforceCycle, and a rebuilt state equals the incremental one", () => {
    fc.assert(
      fc.property(fc.array(obs, { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 20 }), (stream, window) => {
        const compiled = compileContract(
          sampleContract({
            semanticAnchors: [ANCHOR],
            invariants: [
              invariant("c", { type: "count", dimension: "target", window: 25, comparison: "le", threshold: 2 }),
              invariant("d", { type: "distribution", dimension: "action", key: "", comparison: "le", threshold: 0.5, window: 7, minObservations: 3 }),
            ],
            policy: { ...defaultPolicy(), window, minObservations: 1 },
          }),
        );
        const engine = contractOf(initialState(defaultProfile()));
        let state: EnforcementState | undefined;
        let ts = 1_790_000_000_000;
        stream.forEach((o, i) => {
          ts += o.dt;
          const before = JSON.stringify(state);
          const next = enforceCycle(compiled, state, { action: o.action, target: o.target, outcome: o.outcome, observedAtMs: ts, context: o.term ? { term: o.term } : {}, amount: o.amount }, { ...engine, cycleCount: i + 1 });
          expect(JSON.stringify(state)).toBe(before);
          state = next.state;
          const rebuilt = advanceEnforcement(compiled, { ...structuredClone(state), monitors: undefined }, { action: null, target: null, outcome: null, observedAtMs: ts, context: {} }, { ...engine, cycleCount: i + 2 });
          const incremental = advanceEnforcement(compiled, structuredClone(state), { action: null, target: null, outcome: null, observedAtMs: ts, context: {} }, { ...engine, cycleCount: i + 2 });
          expect(normalized(rebuilt.state)).toEqual(normalized(incremental.state));
        });
      }),
      { numRuns: 150 },
    );
  });
});

/**
 * Key order aside (counts that went to zero and back are re-inserted last), and drift scores to 12
 * digits: the divergence sums over keys in their insertion order, so a rebuilt monitor can differ
 * from the incremental one in the last bit. (Service and replay never differ: both rebuild at the
 * same cycles and JSON keeps key order.)
 */
function normalized(state: EnforcementState): unknown {
  return JSON.parse(
    JSON.stringify(state, (_k, v: unknown) =>
      typeof v === "number" ? Number(v.toPrecision(12)) : v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
    ),
  );
}

function inHours(hour: number, start: number, end: number): boolean {
  return start < end ? hour >= start && hour < end : hour >= start || hour < end;
}
