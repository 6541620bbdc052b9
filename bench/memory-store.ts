// What the in-process store (MONGODB_URI unset) keeps per stored cycle: agents process
// observations through the service shell, one commit each, and the retained memory (JS heap plus
// ArrayBuffers, after full collections) is divided by the cycles stored. Default 1,000,000 cycles.
// Run: node --expose-gc --import tsx bench/memory-store.ts   (BENCH_STORE_CYCLES=… to change)
import { DEFAULT_CONFIG, defaultProfile, type Mode } from "../src/engine/index.js";
import { AgentService, type ObservationInput } from "../src/service/agent-service.js";
import { MemoryStore } from "../src/store/memory.js";
import { scaled } from "./report/emit.js";

const CYCLES = Number(process.env.BENCH_STORE_CYCLES ?? scaled(1_000_000, 2_000));
const AGENTS = 100;
const TENANT = "bench";
const MODES: Mode[] = ["perception", "exploration", "order", "assertion", "connection", "identity"];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc --import tsx bench/memory-store.ts");

function observation(i: number): ObservationInput {
  return {
    mode: MODES[i % MODES.length]!,
    signalStrength: 0.4 + (i % 5) * 0.1,
    confidence: 1,
    context: { tool: "sql" },
    observedAtMs: 1_765_000_000_000 + i,
    action: i % 3 === 0 ? "query" : null,
    target: i % 3 === 0 ? "orders" : null,
    outcome: null,
  };
}

function retained(): number {
  for (let i = 0; i < 3; i++) gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

let clock = 1_765_000_000_000;
let n = 0;
const store = new MemoryStore();
const agents = new AgentService({ store, engineConfig: DEFAULT_CONFIG, now: () => clock++, newId: () => `inst_${String(n++).padStart(16, "0")}` });
const ids = await Promise.all(
  Array.from({ length: AGENTS }, async (_, i) => (await agents.createInstance(TENANT, { name: `a${i}`, description: "", profile: defaultProfile(), labels: {} })).id),
);
const before = retained();
const started = performance.now();
const perAgent = Math.ceil(CYCLES / AGENTS);
await Promise.all(
  ids.map(async (id) => {
    for (let r = 0; r < perAgent; r++) await agents.process(TENANT, id, [observation(r)]);
  }),
);
const seconds = (performance.now() - started) / 1000;
const stored = perAgent * AGENTS;
const bytes = (retained() - before) / stored;
if ((await agents.getState(TENANT, ids[0]!)).state.cycleCount !== perAgent) throw new Error("lost cycles");
console.log(
  `in-process store: ${Math.round(bytes)} bytes retained per stored cycle (JS heap + ArrayBuffers after gc, ` +
    `${stored.toLocaleString("en-US")} cycles by ${AGENTS} agents, one commit each; ${Math.round(stored / seconds).toLocaleString("en-US")} cycles/s)`,
);
