// An agent history with everything verification must replay: batches and single cycles, a D3
// rollback (the adversarial scenario rolls back at cycle 136), contract changes, a reset to the
// last snapshot and a reset to the initial state. Shared by the in-process and FerretDB tests.
import { keyring } from "../../src/contracts/keys.js";
import { DEFAULT_CONFIG, defaultProfile, type Observation } from "../../src/engine/index.js";
import { AgentService, type ObservationInput } from "../../src/service/agent-service.js";
import { ContractRegistry } from "../../src/service/contract-registry.js";
import type { Store } from "../../src/store/types.js";
import { invariant, sampleContract } from "../contracts/fixtures.js";
import { adversarial } from "../engine/scenarios.js";

export const TENANT = "audit";
const T0 = 1_790_000_000_000;

export function services(store: Store): { agents: AgentService; registry: ContractRegistry } {
  let ids = 0;
  let contracts = 0;
  let clock = T0;
  const now = () => (clock += 7);
  const registry = new ContractRegistry({ store, keys: keyring(null, []), now, newContractId: () => `c-${++contracts}`, activeRefreshMs: 0 });
  const agents = new AgentService({
    store,
    contracts: registry,
    engineConfig: DEFAULT_CONFIG,
    now,
    newId: () => `inst_${(++ids).toString(16).padStart(16, "0")}`,
  });
  return { agents, registry };
}

function tagged(o: Observation, i: number): ObservationInput {
  return {
    ...o,
    context: i % 5 === 0 ? { term: "research" } : {},
    observedAtMs: T0 + i * 1000,
    action: ["read", "send", "delete"][i % 3]!,
    target: i % 7 === 0 ? "payments/9" : "customer/1",
    outcome: i % 11 === 0 ? "deny" : "allow",
  };
}

/** A contract that restricts on scope and on a count invariant, so enforcement changes answers. */
function contractDraft(agentId: string, trust: number) {
  return {
    ...sampleContract({
      agentId,
      contractId: "",
      initialTrust: trust,
      semanticAnchors: [],
      invariants: [invariant("few-targets", { type: "count", dimension: "target", window: 5, comparison: "le", threshold: 1 }, "restrict")],
      authorizedScope: { actions: ["clarify", "defer", "execute", "question", "stabilize", "withdraw"], operations: ["read", "send"], targets: [] },
    }),
    version: 0,
  };
}

/** Builds the history; returns the agent id and how many cycles and resets it has. */
export async function buildHistory(agents: AgentService, registry: ContractRegistry): Promise<{ id: string; cycles: number; resets: number }> {
  const { id } = await agents.createInstance(TENANT, { name: "audited", description: "", profile: defaultProfile(), labels: {} });
  const observations = adversarial().map(tagged);
  let i = 0;
  const run = async (n: number, batch: number) => {
    for (const end = i + n; i < end; ) {
      const next = observations.slice(i, Math.min(i + batch, end));
      i += next.length;
      await agents.process(TENANT, id, next);
    }
  };
  await run(60, 1);
  await registry.put(TENANT, contractDraft(id, 0.6), [], false);
  await run(100, 16); // the D3 rollback falls in here
  await agents.reset(TENANT, id, "last_snapshot");
  await registry.put(TENANT, contractDraft(id, 0.8), [], false);
  await run(60, 4);
  await agents.reset(TENANT, id, "initial");
  await run(80, 8);
  return { id, cycles: 300, resets: 2 };
}
