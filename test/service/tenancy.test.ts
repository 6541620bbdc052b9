// Tenant isolation through the service layer: AgentService and ContractRegistry called as two
// tenants over one store. Another tenant's agent must be indistinguishable from a missing one (the
// same error, word for word), calls naming it must change nothing, and the service's own caches
// (cached heads, active contracts, compiled contracts) and the session registry must never carry
// one tenant's data into another's calls.
import { beforeEach, describe, expect, it } from "vitest";
import { keyring } from "../../src/contracts/keys.js";
import type { BehavioralContract } from "../../src/contracts/model.js";
import { DEFAULT_CONFIG, defaultProfile, type Mode } from "../../src/engine/index.js";
import { SessionRegistry } from "../../src/rpc/session.js";
import { AgentService, type ObservationInput, type SequencedInput } from "../../src/service/agent-service.js";
import { ContractRegistry } from "../../src/service/contract-registry.js";
import { NotFoundError } from "../../src/service/errors.js";
import { MemoryStore } from "../../src/store/memory.js";
import { sampleContract } from "../contracts/fixtures.js";

const A = "tenant-a";
const B = "tenant-b";
const MISSING = "inst_ffffffffffffffff";
const first = { pageSize: 100, pageToken: "" };
const MODES: Mode[] = ["perception", "exploration", "order", "connection"];

function observation(i: number): ObservationInput {
  return {
    mode: MODES[i % MODES.length]!,
    signalStrength: 0.5,
    confidence: 0.9,
    context: {},
    observedAtMs: 1_790_000_000_000 + i * 1000,
    action: "read",
    target: "customer/1",
    outcome: "allow",
  };
}

const sequenced = (from: number, n: number): SequencedInput[] =>
  Array.from({ length: n }, (_, i) => ({ sequence: from + i, observation: observation(from + i) }));

/** A draft of the next version (0: whichever is next) for the agent. */
const draft = (agentId: string, overrides: Partial<BehavioralContract> = {}) => ({
  ...sampleContract({ agentId, contractId: "", ...overrides }),
  version: 0,
});

let store: MemoryStore;
let agents: AgentService;
let registry: ContractRegistry;

beforeEach(useFreshServices);

function useFreshServices(): void {
  let n = 0;
  let contracts = 0;
  store = new MemoryStore();
  registry = new ContractRegistry({ store, keys: keyring(null, []), now: () => 1_790_000_000_000, newContractId: () => `c-${++contracts}` });
  agents = new AgentService({
    store,
    contracts: registry,
    engineConfig: DEFAULT_CONFIG,
    now: () => 1_790_000_000_000,
    newId: () => `inst_${(++n).toString(16).padStart(16, "0")}`,
  });
}

async function newAgent(tenant: string): Promise<string> {
  return (await agents.createInstance(tenant, { name: "agent", description: "", profile: defaultProfile(), labels: {} })).id;
}

async function rejection(call: () => Promise<unknown>): Promise<Error> {
  const err = await call().then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!err) throw new Error("the call succeeded");
  return err;
}

/** Everything a tenant can read of an agent through the services. */
function view(tenant: string, id: string) {
  return Promise.all([
    agents.getInstance(tenant, id),
    agents.getState(tenant, id),
    agents.getContract(tenant, id),
    agents.listHistory(tenant, id, first),
    agents.listDriftEvents(tenant, id, first),
    agents.listSnapshots(tenant, id, first),
    registry.active(tenant, id),
    registry.history(tenant, id, first),
  ]);
}

/** Every service call that names an agent, as `tenant` on agent `id`. */
const calls: Record<string, (tenant: string, id: string) => Promise<unknown>> = {
  getInstance: (t, id) => agents.getInstance(t, id),
  getState: (t, id) => agents.getState(t, id),
  getContract: (t, id) => agents.getContract(t, id),
  sessionStart: (t, id) => agents.sessionStart(t, id),
  process: (t, id) => agents.process(t, id, [observation(9)]),
  // Sequence 1 was processed by the owner: a replay must not answer (or refuse) from its history.
  processSequencedReplay: (t, id) => agents.processSequenced(t, id, sequenced(1, 2)),
  processSequencedNext: (t, id) => agents.processSequenced(t, id, sequenced(4, 1)),
  resetInitial: (t, id) => agents.reset(t, id, "initial"),
  resetSnapshot: (t, id) => agents.reset(t, id, "last_snapshot"),
  updateInstance: (t, id) => agents.updateInstance(t, id, { name: "hijacked", labels: { owner: "b" } }),
  deleteInstance: (t, id) => agents.deleteInstance(t, id),
  listHistory: (t, id) => agents.listHistory(t, id, first),
  listDriftEvents: (t, id) => agents.listDriftEvents(t, id, first),
  listSnapshots: (t, id) => agents.listSnapshots(t, id, first),
  putContract: (t, id) => registry.put(t, draft(id), [], false),
  activeContract: (t, id) => registry.active(t, id),
  contractVersion: (t, id) => registry.version(t, id, 1),
  contractHistory: (t, id) => registry.history(t, id, first),
  diffContracts: (t, id) => registry.diff(t, id, 1, 1),
  verifyStored: (t, id) => registry.verifyStored(t, id, 0),
  generateStored: (t, id) => registry.generate(t, { agentId: id, archetype: "analytics", certificateId: "", store: true, seal: false }),
};

describe("services across tenants", () => {
  it("answer another tenant's agent with the NOT_FOUND of a missing one, word for word, and change nothing", async () => {
    /** A's agent with a contract, processed through the session path so the service caches its head. */
    const owned = async () => {
      const a = await newAgent(A);
      await registry.put(A, draft(a), [], false);
      await agents.processSequenced(A, a, sequenced(1, 3));
      return a;
    };
    for (const [name, call] of Object.entries(calls)) {
      // Each call on a fresh world, so no earlier call can have cleared a cache this one might misuse.
      useFreshServices();
      const a = await owned();
      const before = await view(A, a);
      const other = await rejection(() => call(B, a));
      const missing = await rejection(() => call(A, MISSING));
      expect(other, name).toBeInstanceOf(NotFoundError);
      expect(missing, name).toBeInstanceOf(NotFoundError);
      expect(other.message.replaceAll(a, "<id>"), name).toBe(missing.message.replaceAll(MISSING, "<id>"));
      expect(await view(A, a), name).toEqual(before);
    }

    // And all of them in a row.
    useFreshServices();
    const a = await owned();
    const before = await view(A, a);
    for (const call of Object.values(calls)) await call(B, a).catch(() => {});
    expect(await view(A, a)).toEqual(before);
    expect((await agents.listInstances(B, first)).items).toEqual([]);
    expect((await agents.listInstances(A, first)).items.map((i) => i.id)).toEqual([a]);
    // The owner carries on from where it was, its session sequence included.
    const [next] = await agents.processSequenced(A, a, sequenced(4, 1));
    expect(next).toMatchObject({ sequence: 4, replayed: false, outcome: { revision: 2 } });
    expect((await agents.getState(A, a)).lastSequence).toBe(4);
  });

  it("keep each tenant's agents and contracts to itself", async () => {
    const a = await newAgent(A);
    const b = await newAgent(B);
    await agents.process(A, a, [observation(0), observation(1)]);
    await agents.process(B, b, [observation(0)]);
    expect((await agents.listInstances(A, first)).items.map((i) => [i.id, i.tenant])).toEqual([[a, A]]);
    expect((await agents.listInstances(B, first)).items.map((i) => [i.id, i.tenant])).toEqual([[b, B]]);
    expect((await agents.getState(A, a)).state.cycleCount).toBe(2);
    expect((await agents.getState(B, b)).state.cycleCount).toBe(1);

    // A's put is cached as A's active contract; B's lookups of the same agent id see none.
    await registry.put(A, draft(a, { initialTrust: 0.7 }), [], false);
    expect(await registry.compiledActive(B, a)).toBeNull();
    expect((await registry.compiledActive(A, a))!.contract.initialTrust).toBe(0.7);
    expect(await registry.compiledActive(A, b)).toBeNull();
    await registry.put(B, draft(b), [], false);
    expect((await registry.history(B, b, first)).items.map((c) => c.version)).toEqual([1]);
    expect((await registry.history(A, a, first)).items.map((c) => c.version)).toEqual([1]);
  });

  it("never serve one tenant a contract compiled for another, even with equal agent, contract id and version", async () => {
    // Contract ids and agent ids are client-chosen, so two tenants can store contracts that agree
    // on every key the registry's caches could use, except the tenant.
    const x = "inst_00000000000000aa";
    const same = { agentId: x, contractId: "shared-id", version: 1 };
    await store.contracts.appendContract(A, sampleContract({ ...same, initialTrust: 0.3 }));
    await store.contracts.appendContract(B, sampleContract({ ...same, initialTrust: 0.8 }));
    expect((await registry.compiledActive(A, x))!.contract.initialTrust).toBe(0.3);
    expect((await registry.compiledActive(B, x))!.contract.initialTrust).toBe(0.8);
    expect((await registry.compiledActive(A, x))!.contract.initialTrust).toBe(0.3);
  });
});

describe("SessionRegistry across tenants", () => {
  it("lets a new session take over only its own tenant's session of that agent", () => {
    const sessions = new SessionRegistry();
    const x = "inst_00000000000000aa";
    const a = sessions.claim(A, x);
    const b = sessions.claim(B, x);
    expect(a.signal.aborted).toBe(false);
    expect(sessions.size).toBe(2);
    const a2 = sessions.claim(A, x);
    expect(a.signal.aborted).toBe(true);
    expect(b.signal.aborted).toBe(false);
    sessions.release(A, x, a); // the superseded session's release leaves the new one registered
    sessions.release(B, x, a2); // and a release naming the wrong tenant releases nothing
    expect(sessions.size).toBe(2);
    sessions.release(A, x, a2);
    sessions.release(B, x, b);
    expect(sessions.size).toBe(0);
  });
});
