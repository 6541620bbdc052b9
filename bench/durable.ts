// Acknowledged durable cycles per second through the service shell (engine + MongoDB store), the
// number tracker issue 4 targets: many agents, each processing observations and awaiting every
// durable acknowledgement, one observation per commit and in batches, group commit on and off.
// Run: npx tsx bench/durable.ts (FerretDB is started for it, or the server in MONGODB_URI).
import { randomBytes } from "node:crypto";
import { DEFAULT_CONFIG, defaultProfile, type Mode } from "../src/engine/index.js";
import { AgentService, type ObservationInput } from "../src/service/agent-service.js";
import { connectMongoStore } from "../src/store/mongo/index.js";
import { startMongoServer, type MongoServer } from "../test/support/mongo-server.js";
import { emit, scaled } from "./report/emit.js";

const AGENTS = Number(process.env.BENCH_AGENTS ?? scaled(200, 10));
const TENANT = "bench";
const MODES: Mode[] = ["perception", "exploration", "order", "assertion", "connection", "identity"];

function observation(i: number): ObservationInput {
  return {
    mode: MODES[i % MODES.length]!,
    signalStrength: 0.4 + (i % 5) * 0.1,
    confidence: 1,
    context: {},
    observedAtMs: Date.now(),
    action: null,
    target: null,
    outcome: null,
  };
}

async function run(server: MongoServer, groupCommit: boolean, batch: number, rounds: number): Promise<void> {
  const store = await connectMongoStore({ uri: server.uri, dbName: server.database("durable"), groupCommit });
  const agents = new AgentService({
    store,
    engineConfig: DEFAULT_CONFIG,
    now: Date.now,
    newId: () => `inst_${randomBytes(8).toString("hex")}`,
  });
  try {
    const ids = await Promise.all(
      Array.from({ length: AGENTS }, async (_, i) =>
        (await agents.createInstance(TENANT, { name: `a${i}`, description: "", profile: defaultProfile(), labels: {} })).id,
      ),
    );
    const started = performance.now();
    await Promise.all(
      ids.map(async (id) => {
        for (let r = 0; r < rounds; r++) {
          await agents.process(TENANT, id, Array.from({ length: batch }, (_, k) => observation(r * batch + k)));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cycles = AGENTS * rounds * batch;
    const check = await agents.getState(TENANT, ids[0]!);
    if (check.state.cycleCount !== rounds * batch) throw new Error("lost cycles");
    emit(`durable.group_${groupCommit ? "on" : "off"}_${batch}_cycles_per_second`, cycles / seconds);
    console.log(
      `group commit ${groupCommit ? "on " : "off"}, ${String(batch).padStart(2)} per commit: ` +
        `${Math.round(cycles / seconds).toLocaleString("en-US").padStart(7)} durable cycles/s ` +
        `(${cycles} cycles by ${AGENTS} agents in ${seconds.toFixed(2)} s)`,
    );
  } finally {
    await store.close();
  }
}

const server = await startMongoServer();
try {
  console.log(`server: ${server.controlled ? "FerretDB v1.24 (SQLite), started by the benchmark" : "MONGODB_URI"}`);
  await run(server, true, 1, scaled(50, 2));
  await run(server, false, 1, scaled(5, 2));
  await run(server, true, 16, scaled(12, 2));
  await run(server, false, 16, scaled(4, 2));
} finally {
  await server.dispose();
}
