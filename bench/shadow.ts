// Shadow mode benchmark (a benchmark, not a test).
//
//   npx tsx bench/shadow.ts [cycles]      (default 20,000 per run, 5 runs)
//
// What a shadow contract version costs per cycle:
// 1. the pure step: enforceCycle of the enforced version alone, against enforceCycle plus
//    shadowCycle of a shadow version (scope, a restricting count invariant, drift thresholds), over
//    the same stream;
// 2. end to end: AgentService.process on the in-process store, 64 observations per commit (engine,
//    enforcement, chaining, commit), for an agent with an enforced version and for one with an
//    enforced and a shadow version.
// Prints the median and min-max over RUNS runs. The machine is shared: figures move with its load.
import { compileContract } from "../src/contracts/compile.js";
import { enforceCycle } from "../src/contracts/enforce.js";
import { keyring } from "../src/contracts/keys.js";
import { shadowCycle, type ShadowState } from "../src/contracts/shadow.js";
import type { EnforcementState } from "../src/contracts/state.js";
import { DEFAULT_CONFIG, defaultProfile, initialState, process as step, type Observation } from "../src/engine/index.js";
import { AgentService, type ObservationInput } from "../src/service/agent-service.js";
import { ContractRegistry } from "../src/service/contract-registry.js";
import { MemoryStore } from "../src/store/memory.js";
import { invariant, sampleContract } from "../test/contracts/fixtures.js";
import { chaotic, gradualShift, steady, stressSpike } from "../test/engine/scenarios.js";

const CYCLES = Number(process.argv[2] ?? 20_000);
const RUNS = Number(process.env.SHADOW_BENCH_RUNS ?? 5);
const BATCH = 64;
const TENANT = "bench";
const T0 = 1_790_000_000_000;
const stream: readonly Observation[] = [...steady(300, 11), ...gradualShift(300, 12), ...chaotic(300, 13), ...stressSpike(300, 100, 150, 14)];

function input(i: number): ObservationInput {
  return {
    ...stream[i % stream.length]!,
    context: {},
    observedAtMs: T0 + i * 1000,
    action: ["read", "send", "write"][i % 3]!,
    target: i % 7 === 0 ? "payments/9" : "customer/1",
    outcome: i % 11 === 0 ? "deny" : "allow",
  };
}

const enforcedDraft = (agentId: string) => sampleContract({ agentId, contractId: "enforced", invariants: [], semanticAnchors: [], authorizedScope: null });
const shadowDraft = (agentId: string) =>
  sampleContract({
    agentId,
    contractId: "shadow",
    semanticAnchors: [],
    invariants: [invariant("few-targets", { type: "count", dimension: "target", window: 5, comparison: "le", threshold: 1 }, "restrict")],
    authorizedScope: { actions: ["clarify", "defer", "question", "stabilize", "withdraw"], operations: ["read", "send"], targets: [] },
  });

/** µs per cycle of the pure steps, without and with the shadow step. */
function pureStep(): { alone: number; withShadow: number } {
  const enforced = compileContract(enforcedDraft("inst_0000000000000001"));
  const shadow = compileContract({ ...shadowDraft("inst_0000000000000001"), version: 2 });
  const contracts = [];
  let state = initialState(defaultProfile());
  for (let i = 0; i < CYCLES; i++) {
    const r = step(state, input(i), DEFAULT_CONFIG);
    state = r.state;
    contracts.push(r.contract);
  }
  let e: EnforcementState | undefined;
  let started = performance.now();
  for (let i = 0; i < CYCLES; i++) e = enforceCycle(enforced, e, input(i), contracts[i]!).state;
  const alone = ((performance.now() - started) * 1000) / CYCLES;
  e = undefined;
  let s: ShadowState | null = null;
  started = performance.now();
  for (let i = 0; i < CYCLES; i++) {
    const before = e;
    const r = enforceCycle(enforced, e, input(i), contracts[i]!);
    e = r.state;
    s = shadowCycle(shadow, s, before, input(i), contracts[i]!, r.contract).state;
  }
  const withShadow = ((performance.now() - started) * 1000) / CYCLES;
  return { alone, withShadow };
}

/** µs per cycle through the service and the in-process store. */
async function endToEnd(withShadow: boolean): Promise<number> {
  const store = new MemoryStore();
  let clock = T0;
  const now = () => (clock += 7);
  let n = 0;
  const registry = new ContractRegistry({ store, keys: keyring(null, []), now, newContractId: () => `c-${++n}` });
  const agents = new AgentService({ store, contracts: registry, engineConfig: DEFAULT_CONFIG, now, newId: () => "inst_0000000000000001" });
  const { id } = await agents.createInstance(TENANT, { name: "bench", description: "", profile: defaultProfile(), labels: {} });
  await registry.put(TENANT, { ...enforcedDraft(id), version: 0 }, [], false);
  if (withShadow) await registry.put(TENANT, { ...shadowDraft(id), version: 0 }, [], false, "shadow");
  const started = performance.now();
  for (let i = 0; i < CYCLES; i += BATCH) {
    await agents.process(TENANT, id, Array.from({ length: Math.min(BATCH, CYCLES - i) }, (_, j) => input(i + j)));
  }
  return ((performance.now() - started) * 1000) / CYCLES;
}

function summary(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor(s.length / 2)]!.toFixed(2)} µs (min ${s[0]!.toFixed(2)}, max ${s.at(-1)!.toFixed(2)})`;
}

const pure: { alone: number[]; withShadow: number[]; extra: number[] } = { alone: [], withShadow: [], extra: [] };
const service: { alone: number[]; withShadow: number[]; extra: number[] } = { alone: [], withShadow: [], extra: [] };
for (let run = 0; run < RUNS; run++) {
  const p = pureStep();
  pure.alone.push(p.alone);
  pure.withShadow.push(p.withShadow);
  pure.extra.push(p.withShadow - p.alone);
  const a = await endToEnd(false);
  const b = await endToEnd(true);
  service.alone.push(a);
  service.withShadow.push(b);
  service.extra.push(b - a);
}
console.log(`shadow mode, ${CYCLES} cycles per run, ${RUNS} runs: median (min, max) per cycle`);
console.log(`  pure enforcement step            ${summary(pure.alone)}`);
console.log(`  pure enforcement + shadow step   ${summary(pure.withShadow)}`);
console.log(`  shadow step's extra cost         ${summary(pure.extra)}`);
console.log(`  service, enforced only           ${summary(service.alone)}`);
console.log(`  service, enforced + shadow       ${summary(service.withShadow)}`);
console.log(`  shadow's extra cost end to end   ${summary(service.extra)}`);
