// What the request_id check costs per call on the in-process store (docs/idempotency.md; target
// ≤ 5 µs): the same Process calls through AgentService, with and without a request id, the id's
// digest included (as the RPC edge computes it). Alternating rounds, medians with min–max, because
// the machine is shared. Run: npx tsx bench/idempotency.ts   Knobs: BENCH_CALLS (20000), BENCH_ROUNDS (7).
import { create } from "@bufbuild/protobuf";
import { DEFAULT_CONFIG, defaultProfile } from "../src/engine/index.js";
import { observationContent, observationFromWire } from "../src/rpc/observation-mapping.js";
import { writeRequest } from "../src/rpc/write-request.js";
import { AgentService } from "../src/service/agent-service.js";
import { MemoryStore } from "../src/store/memory.js";
import { Mode } from "../gen/keel/v1/modes_pb.js";
import { emit, scaled } from "./report/emit.js";
import { ObservationSchema } from "../gen/keel/v1/observation_pb.js";

const calls = Number(process.env.BENCH_CALLS ?? scaled(20_000, 200));
const rounds = Number(process.env.BENCH_ROUNDS ?? scaled(7, 1));
const tenant = "bench";

let ids = 0;
const service = new AgentService({
  store: new MemoryStore(),
  engineConfig: DEFAULT_CONFIG,
  now: () => Date.now(),
  newId: () => `inst_${(ids++).toString(16).padStart(16, "0")}`,
});

const wire = create(ObservationSchema, { mode: Mode.EXPLORATION, signalStrength: 0.6, context: { task: "bench" }, action: "search" });

/** µs per call of `calls` sequential Process calls on a fresh agent. */
async function run(withId: boolean, round: number): Promise<number> {
  const agent = await service.createInstance(tenant, { name: "bench", description: "", profile: defaultProfile(), labels: {} });
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    const obs = observationFromWire("observation", wire, Date.now());
    const request = withId
      ? writeRequest("Process", `r${round}-${i}`, () => `${agent.id}|${observationContent(obs, wire)}`)
      : writeRequest("Process", "", () => "");
    await service.process(tenant, agent.id, [obs], request);
  }
  return ((performance.now() - started) * 1000) / calls;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]! };
};
const fmt = (x: { median: number; min: number; max: number }) => `${x.median.toFixed(2)} µs (${x.min.toFixed(2)}–${x.max.toFixed(2)})`;

await run(false, -1);
await run(true, -1);
const without: number[] = [];
const withId: number[] = [];
const added: number[] = [];
for (let r = 0; r < rounds; r++) {
  // Alternating which goes first, so drift in the machine's load hits both alike.
  let a: number;
  let b: number;
  if (r % 2 === 0) {
    a = await run(false, r);
    b = await run(true, r);
  } else {
    b = await run(true, r);
    a = await run(false, r);
  }
  without.push(a);
  withId.push(b);
  added.push(b - a);
}
/** µs per call of the check alone: the edge's digest plus the store's lookup (a miss, as for every new id). */
async function checkOnly(round: number): Promise<number> {
  const agent = await service.createInstance(tenant, { name: "bench", description: "", profile: defaultProfile(), labels: {} });
  const store = (service as unknown as { store: MemoryStore }).store;
  const obs = observationFromWire("observation", wire, Date.now());
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    const request = writeRequest("Process", `c${round}-${i}`, () => `${agent.id}|${observationContent(obs, wire)}`)!;
    await store.findRequest(tenant, agent.id, request.id);
  }
  return ((performance.now() - started) * 1000) / calls;
}
const isolated: number[] = [];
for (let r = 0; r < rounds; r++) isolated.push(await checkOnly(r));

console.log(`Process through AgentService on the in-process store, ${calls} calls × ${rounds} rounds (median, min–max):`);
console.log(`  without request_id  ${fmt(stats(without))} per call`);
console.log(`  with request_id     ${fmt(stats(withId))} per call`);
console.log(`  added by the check  ${fmt(stats(added))} per call (paired per round)`);
console.log(`  the check alone     ${fmt(stats(isolated))} per call (digest + lookup of a new id)`);
emit("idempotency.check_us", stats(isolated).median);
emit("idempotency.added_us", stats(added).median);
