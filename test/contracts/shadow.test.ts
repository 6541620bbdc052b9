// Shadow mode through the service on the in-process store: a version put as SHADOW is evaluated
// every cycle beside the enforced one and changes nothing else (property test), its would-block
// counts add up, promotion is one audited call, and VerifyHistory verifies across it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BehavioralContract } from "../../src/contracts/model.js";
import type { EnforcedContract } from "../../src/contracts/enforce.js";
import { compileContract } from "../../src/contracts/compile.js";
import { FailClosedPolicy } from "../../src/contracts/fail-closed.js";
import { keyring } from "../../src/contracts/keys.js";
import { shadowCycle } from "../../src/contracts/shadow.js";
import { DEFAULT_CONFIG, defaultProfile, initialState, MODES, process as processCycle } from "../../src/engine/index.js";
import { AgentService } from "../../src/service/agent-service.js";
import { ContractRegistry } from "../../src/service/contract-registry.js";
import type { ObservationInput } from "../../src/service/agent-service.js";
import { PreconditionError } from "../../src/service/errors.js";
import { MemoryStore } from "../../src/store/memory.js";
import type { RecordedOutcome } from "../../src/store/types.js";
import { services, TENANT } from "../audit/history-builder.js";
import { adversarial } from "../engine/scenarios.js";
import { AGENT, invariant, newSigningKey, sampleContract } from "./fixtures.js";

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Enforced: a loose contract. */
function loose(agentId: string): BehavioralContract {
  return sampleContract({ agentId, contractId: "loose", invariants: [], semanticAnchors: [], authorizedScope: null, policy: { ...sampleContract().policy, onScope: "record" } });
}

/** Shadow: a strict one — a narrow scope, and a restricting invariant that breaks easily. */
function strict(agentId: string, contractId = "strict", threshold = 1): BehavioralContract {
  return sampleContract({
    agentId,
    contractId,
    semanticAnchors: [],
    invariants: [invariant("few-targets", { type: "count", dimension: "target", window: 5, comparison: "le", threshold }, "restrict")],
    authorizedScope: { actions: ["clarify", "defer", "question", "stabilize", "withdraw"], operations: ["read", "send"], targets: [] },
  });
}

const draft = (c: BehavioralContract) => ({ ...c, version: 0 });

const observationArb: fc.Arbitrary<ObservationInput> = fc
  .record({
    mode: fc.constantFrom(...MODES),
    signalStrength: fc.double({ min: 0, max: 1, noNaN: true }),
    action: fc.option(fc.constantFrom("read", "send", "delete", "write"), { nil: null }),
    target: fc.option(fc.constantFrom("customer/1", "order/2", "payments/3", "search/x"), { nil: null }),
    outcome: fc.option(fc.constantFrom("allow", "deny"), { nil: null }),
    dt: fc.integer({ min: 0, max: 3_600_000 }),
  })
  .map((o) => ({ mode: o.mode, signalStrength: o.signalStrength, confidence: 0.9, context: {}, observedAtMs: T0 + o.dt, action: o.action, target: o.target, outcome: o.outcome }));

async function agent(s: ReturnType<typeof services>): Promise<string> {
  return (await s.agents.createInstance(TENANT, { name: "shadowed", description: "", profile: defaultProfile(), labels: {} })).id;
}

function withoutShadow(o: RecordedOutcome): unknown {
  const { shadow: _shadow, ...rest } = o.contract as EnforcedContract;
  return { ...o, contract: rest };
}

describe("shadow evaluation changes nothing", () => {
  it("gives identical contracts, state, enforcement and drift with and without a shadow version (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(observationArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        async (batches, enforced, threshold) => {
          // Two servers, each with one agent: the same id, so the same contract bytes and hashes.
          const s = services(new MemoryStore());
          const t = services(new MemoryStore());
          const plain = await agent(s);
          const shadowed = await agent(t);
          expect(shadowed).toBe(plain);
          if (enforced) {
            await s.registry.put(TENANT, draft(loose(plain)), [], false);
            await t.registry.put(TENANT, draft(loose(shadowed)), [], false);
          }
          await t.registry.put(TENANT, draft(strict(shadowed, "strict", threshold)), [], false, "shadow");
          for (const batch of batches) {
            const a = await s.agents.process(TENANT, plain, batch);
            const b = await t.agents.process(TENANT, shadowed, batch);
            expect(b.every((o) => (o.contract as EnforcedContract).shadow?.contractVersion === (enforced ? 2 : 1))).toBe(true);
            expect(b.map(withoutShadow)).toEqual(a.map(withoutShadow));
            for (const o of b) {
              const sh = (o.contract as EnforcedContract).shadow!;
              // What it would block is allowed now and not allowed under the shadow version.
              for (const r of sh.wouldBlock) {
                expect(o.contract.allowedActions).toContain(r.action);
                expect(sh.allowedActions).not.toContain(r.action);
              }
            }
          }
          const [x, y] = await Promise.all([s.agents.getState(TENANT, plain), t.agents.getState(TENANT, shadowed)]);
          expect(y.state).toEqual(x.state);
          expect(y.enforcement).toEqual(x.enforcement);
          expect(await t.agents.getContract(TENANT, shadowed)).toEqual(await s.agents.getContract(TENANT, plain));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("the would-block report", () => {
  it("counts, by rule and action, exactly what the cycles' shadow sections say", async () => {
    const s = services(new MemoryStore());
    const id = await agent(s);
    await s.registry.put(TENANT, draft(loose(id)), [], false);
    await s.registry.put(TENANT, draft(strict(id)), [], false, "shadow");
    const batch = fc.sample(observationArb, { numRuns: 120, seed: 7 });
    const outcomes: RecordedOutcome[] = [];
    for (let i = 0; i < batch.length; i += 10) outcomes.push(...(await s.agents.process(TENANT, id, batch.slice(i, i + 10))));
    const sections = outcomes.map((o) => (o.contract as EnforcedContract).shadow!);

    const { shadow, enforcedVersion, counts } = await s.registry.shadowReport(TENANT, id);
    expect(shadow.version).toBe(2);
    expect(enforcedVersion).toBe(1);
    expect(counts.cycles).toBe(120);
    expect(counts.firstCycle).toBe(outcomes[0]!.contract.cycleCount);
    expect(counts.wouldBlockCycles).toBe(sections.filter((x) => x.wouldBlock.length > 0).length);
    expect(counts.wouldBlockCycles).toBeGreaterThan(0);
    const rules: Record<string, { violated: number; wouldBlock: number }> = {};
    const actions: Record<string, number> = {};
    for (const x of sections) {
      for (const v of x.enforcement!.violations) (rules[v.name] ??= { violated: 0, wouldBlock: 0 }).violated++;
      for (const r of x.wouldBlockRules) (rules[r] ??= { violated: 0, wouldBlock: 0 }).wouldBlock++;
      for (const r of x.wouldBlock) actions[r.action] = (actions[r.action] ?? 0) + 1;
    }
    expect(counts.rules).toEqual(rules);
    expect(counts.actions).toEqual(actions);
    expect(Object.keys(rules)).toContain("scope/actions");
  });

  it("is FAILED_PRECONDITION without a shadow version, and starts over for a new one", async () => {
    const s = services(new MemoryStore());
    const id = await agent(s);
    await s.registry.put(TENANT, draft(loose(id)), [], false);
    await expect(s.registry.shadowReport(TENANT, id)).rejects.toBeInstanceOf(PreconditionError);
    await s.registry.put(TENANT, draft(strict(id)), [], false, "shadow");
    await s.agents.process(TENANT, id, fc.sample(observationArb, { numRuns: 5, seed: 1 }));
    expect((await s.registry.shadowReport(TENANT, id)).counts.cycles).toBe(5);
    await s.registry.put(TENANT, draft(strict(id, "stricter", 0)), [], false, "shadow");
    const fresh = await s.registry.shadowReport(TENANT, id);
    expect(fresh).toMatchObject({ enforcedVersion: 1, counts: { contractId: "stricter", contractVersion: 3, cycles: 0 } });
    await s.agents.process(TENANT, id, fc.sample(observationArb, { numRuns: 3, seed: 2 }));
    expect((await s.registry.shadowReport(TENANT, id)).counts).toMatchObject({ contractVersion: 3, cycles: 3 });
  });
});

describe("rollout and promotion", () => {
  it("keeps the enforced version while shadows come and go; promotion enforces the shadow from the next cycle", async () => {
    const s = services(new MemoryStore());
    const id = await agent(s);
    const obs = fc.sample(observationArb, { numRuns: 20, seed: 3 });
    await s.registry.put(TENANT, draft(loose(id)), [], false); // v1 enforced
    await s.registry.put(TENANT, draft(strict(id)), [], false, "shadow"); // v2 shadow
    await s.registry.put(TENANT, draft(strict(id, "strict-b")), [], false, "shadow"); // v3 supersedes v2
    let rollout = await s.registry.rolloutOf(TENANT, id);
    expect([rollout.enforced?.version, rollout.shadow?.version]).toEqual([1, 3]);
    expect((await s.registry.active(TENANT, id)).version).toBe(1);

    const before = await s.agents.process(TENANT, id, obs.slice(0, 5));
    expect(before.map((o) => [(o.contract as EnforcedContract).enforcement?.contractVersion, (o.contract as EnforcedContract).shadow?.contractVersion])).toEqual(
      Array(5).fill([1, 3]),
    );

    await expect(s.agents.promote(TENANT, id, 2)).rejects.toThrow(/version 2 is not the shadow version .* is 3/);
    const promoted = await s.agents.promote(TENANT, id, 3);
    expect(promoted.contract.version).toBe(3);
    expect(promoted.promotion).toMatchObject({ version: 3, previous: 1, contractId: "strict-b" });
    expect(promoted.promotion.hash).toMatch(/^[0-9a-f]{64}$/);
    rollout = await s.registry.rolloutOf(TENANT, id);
    expect([rollout.enforced?.version, rollout.shadow]).toEqual([3, null]);
    await expect(s.agents.promote(TENANT, id, 0)).rejects.toThrow(PreconditionError);
    await expect(s.registry.shadowReport(TENANT, id)).rejects.toBeInstanceOf(PreconditionError);

    const after = await s.agents.process(TENANT, id, obs.slice(5, 8));
    expect(after.map((o) => (o.contract as EnforcedContract).enforcement?.contractVersion)).toEqual([3, 3, 3]);
    expect(after.every((o) => (o.contract as EnforcedContract).shadow === undefined)).toBe(true);

    // A later shadow is evaluated against the promoted version; an ENFORCE put supersedes it.
    await s.registry.put(TENANT, draft(loose(id)), [], false, "shadow"); // v4
    rollout = await s.registry.rolloutOf(TENANT, id);
    expect([rollout.enforced?.version, rollout.shadow?.version]).toEqual([3, 4]);
    const next = await s.agents.process(TENANT, id, obs.slice(8, 9));
    expect((next[0]!.contract as EnforcedContract).enforcement?.contractVersion).toBe(3);
    await s.registry.put(TENANT, draft(strict(id, "final")), [], false); // v5 enforce
    rollout = await s.registry.rolloutOf(TENANT, id);
    expect([rollout.enforced?.version, rollout.shadow]).toEqual([5, null]);
  });

  it("evaluates a shadow version on an agent with no enforced contract, and a reset keeps the promotion", async () => {
    const s = services(new MemoryStore());
    const id = await agent(s);
    await expect(s.agents.promote(TENANT, id, 0)).rejects.toThrow(/no shadow contract version/);
    await s.registry.put(TENANT, draft(strict(id)), [], false, "shadow");
    expect((await s.registry.rolloutOf(TENANT, id)).enforced).toBeNull();
    await expect(s.registry.active(TENANT, id)).rejects.toThrow(/not found/);
    const [o] = await s.agents.process(TENANT, id, fc.sample(observationArb, { numRuns: 1, seed: 4 }));
    expect((o!.contract as EnforcedContract).enforcement).toBeUndefined();
    expect((o!.contract as EnforcedContract).shadow?.contractVersion).toBe(1);
    expect((await s.agents.promote(TENANT, id, 1)).promotion.previous).toBe(0);
    await s.agents.reset(TENANT, id, "initial");
    expect((await s.registry.rolloutOf(TENANT, id)).enforced?.version).toBe(1);
    expect((await s.agents.getContract(TENANT, id)) as EnforcedContract).toMatchObject({ enforcement: { contractVersion: 1 } });
  });
});

describe("VerifyHistory across shadow evaluation, a D3 rollback, resets and a promotion", () => {
  async function history() {
    const store = new MemoryStore();
    const s = services(store);
    const id = await agent(s);
    // The adversarial stream rolls the agent back (D3) at cycle 136, while v2 is in shadow.
    const tags = fc.sample(observationArb, { numRuns: 200, seed: 11 });
    const obs = adversarial().map((o, i) => ({ ...tags[i]!, ...o, observedAtMs: T0 + i * 1000 }));
    const run = async (from: number, to: number, batch: number) => {
      for (let i = from; i < to; i += batch) await s.agents.process(TENANT, id, obs.slice(i, Math.min(i + batch, to)));
    };
    await s.registry.put(TENANT, draft(loose(id)), [], false);
    await run(0, 10, 5);
    await s.registry.put(TENANT, draft(strict(id)), [], false, "shadow");
    await run(10, 140, 16);
    await s.registry.put(TENANT, draft(strict(id, "strict-b", 2)), [], false, "shadow");
    await run(140, 155, 1);
    await s.agents.reset(TENANT, id, "last_snapshot");
    await s.agents.promote(TENANT, id, 0);
    await run(155, 170, 5);
    await s.registry.put(TENANT, draft(loose(id)), [], false, "shadow");
    await run(170, 180, 5);
    await s.agents.reset(TENANT, id, "initial");
    await run(180, 200, 10);
    return { store, s, id };
  }

  it("verifies, with the promotion chained as a link of its own", async () => {
    const { store, s, id } = await history();
    const log = await store.readLog(TENANT, id, 0, 1e9);
    const promotion = log.find((c) => c.audit?.promotion)!;
    expect(promotion.history).toEqual([]);
    expect(promotion.audit!.promotion).toMatchObject({ version: 3, previous: 1 });
    expect(promotion.audit!.head).toBe(promotion.audit!.promotion!.hash);
    const rolledBack = log.flatMap((c) => c.history).filter((h) => h.result.rolledBack);
    expect(rolledBack.length).toBeGreaterThan(0);
    expect(rolledBack.every((h) => (h.result.contract as EnforcedContract).shadow?.contractVersion === 2)).toBe(true);
    const r = await s.agents.verifyHistory(TENANT, id);
    expect(r.difference).toBeNull();
    expect(r).toMatchObject({ cycles: 200, resets: 2, commits: log.length });
  });

  it("names a changed shadow section, and a changed promotion", async () => {
    const { store, s, id } = await history();
    const log = await store.readLog(TENANT, id, 0, 1e9);
    const view = (edit: (l: typeof log) => void) => {
      const copy = structuredClone(log);
      edit(copy);
      return services(
        new Proxy(store, {
          get(target, prop) {
            if (prop === "readLog") return async (_t: string, _i: string, after: number, limit: number) => copy.filter((c) => c.revision > after).slice(0, limit);
            const value = Reflect.get(target, prop, target);
            return typeof value === "function" ? value.bind(target) : value;
          },
        }),
      ).agents.verifyHistory(TENANT, id);
    };
    const shadowed = log.findIndex((c) => c.history.some((h) => (h.result.contract as EnforcedContract).shadow?.wouldBlock.length));
    const seq = log[shadowed]!.history.findIndex((h) => (h.result.contract as EnforcedContract).shadow?.wouldBlock.length);
    const r1 = await view((l) => {
      (l[shadowed]!.history[seq]!.result.contract as EnforcedContract).shadow!.wouldBlock = [];
    });
    expect(r1.difference).toMatchObject({ revision: log[shadowed]!.revision, seq, field: "outcome.contract.shadow.wouldBlock" });

    const p = log.findIndex((c) => c.audit?.promotion);
    const r2 = await view((l) => {
      l[p]!.audit!.promotion!.previous = 2;
    });
    expect(r2.difference).toMatchObject({ revision: log[p]!.revision, field: "hash" });
    expect(r2.difference!.message).toMatch(/promotion/);
    expect((await s.agents.verifyHistory(TENANT, id)).difference).toBeNull();
  });
});

describe("shadow mode and fail-closed", () => {
  function governed() {
    const store = new MemoryStore();
    const key = newSigningKey();
    let n = 0;
    const now = () => T0;
    const registry = new ContractRegistry({ store, keys: keyring(key, []), now, newContractId: () => `c-${++n}`, activeRefreshMs: 0 });
    const agents = new AgentService({
      store,
      contracts: registry,
      engineConfig: DEFAULT_CONFIG,
      now,
      newId: () => `inst_${(++n).toString(16).padStart(16, "0")}`,
      failClosed: FailClosedPolicy.parse("*"),
    });
    return { agents, registry };
  }

  it("a shadow version never governs: an agent with only a shadow version fails closed, and the shadow is still evaluated", async () => {
    const { agents, registry } = governed();
    const id = (await agents.createInstance(TENANT, { name: "g", description: "", profile: defaultProfile(), labels: {} })).id;
    await registry.put(TENANT, draft(loose(id)), [], true, "shadow");
    const [o] = await agents.process(TENANT, id, fc.sample(observationArb, { numRuns: 1, seed: 5 }));
    const c = o!.contract as EnforcedContract;
    expect(c.failClosed).toBe("the agent has no active contract");
    expect(c.shadow?.contractVersion).toBe(1);
    expect(c.shadow?.allowedActions.length).toBeGreaterThanOrEqual(c.allowedActions.length);
  });

  it("refuses to promote an unsealed shadow version of an agent that fails closed, and promotes a sealed one", async () => {
    const { agents, registry } = governed();
    const id = (await agents.createInstance(TENANT, { name: "g", description: "", profile: defaultProfile(), labels: {} })).id;
    await registry.put(TENANT, draft(loose(id)), [], true);
    await registry.put(TENANT, draft(strict(id)), [], false, "shadow");
    await expect(agents.promote(TENANT, id, 0)).rejects.toThrow(/does not verify .* fails closed/);
    expect((await registry.rolloutOf(TENANT, id)).enforced?.version).toBe(1);
    await registry.put(TENANT, draft(strict(id)), [], true, "shadow");
    expect((await agents.promote(TENANT, id, 3)).contract.version).toBe(3);
    const [o] = await agents.process(TENANT, id, fc.sample(observationArb, { numRuns: 1, seed: 6 }));
    expect((o!.contract as EnforcedContract).failClosed).toBeUndefined();
    expect((o!.contract as EnforcedContract).enforcement?.contractVersion).toBe(3);
  });
});

describe("shadowCycle", () => {
  it("reports and counts an evaluation error without throwing, and keeps the shadow state", () => {
    const compiled = compileContract(strict(AGENT));
    const broken = { ...compiled, invariants: [{ ...compiled.invariants[0]!, measure: () => { throw new Error("boom"); } }] };
    const engine = processCycle(initialState(defaultProfile()), fc.sample(observationArb, { numRuns: 1, seed: 8 })[0]!, DEFAULT_CONFIG).contract;
    const first = shadowCycle(compiled, null, undefined, fc.sample(observationArb, { numRuns: 1, seed: 8 })[0]!, engine, engine);
    const failed = shadowCycle(broken, first.state, undefined, fc.sample(observationArb, { numRuns: 1, seed: 9 })[0]!, engine, engine);
    expect(failed.section).toMatchObject({ error: "boom", enforcement: null, wouldBlock: [] });
    expect(failed.state!.enforcement).toEqual(first.state!.enforcement);
    expect(failed.state!.counts).toMatchObject({ cycles: 2, errorCycles: 1 });
  });
});
