// Durable commit throughput of MongoStore with group commit on and off: many agents, each
// committing cycle after cycle and awaiting every acknowledgement, against FerretDB (or the
// server in MONGODB_URI); one history entry per commit, then 16 (a session batch).
// Run: npx tsx bench/store.ts
// Knobs: BENCH_AGENTS (200), BENCH_CYCLES (50 with group commit), BENCH_CYCLES_OFF (10 without).
import { defaultProfile, initialState } from "../src/engine/index.js";
import { connectMongoStore } from "../src/store/mongo/index.js";
import type { CycleCommit, HistoryEntry, InstanceRecord } from "../src/store/types.js";
import { startMongoServer, type MongoServer } from "../test/support/mongo-server.js";
import { emit, scaled } from "./report/emit.js";

const agents = Number(process.env.BENCH_AGENTS ?? scaled(200, 10));
const cyclesOn = Number(process.env.BENCH_CYCLES ?? scaled(50, 2));
const cyclesOff = Number(process.env.BENCH_CYCLES_OFF ?? scaled(10, 2));

const state = initialState(defaultProfile());
const tenant = "bench";

function instance(id: string): InstanceRecord {
  return { id, tenant, name: id, description: "", profile: defaultProfile(), labels: {}, createdAtMs: 0, updatedAtMs: 0 };
}

function commitOn(instanceId: string, expectedRevision: number, entries: number): CycleCommit {
  const revision = expectedRevision + 1;
  const entry = (seq: number): HistoryEntry => ({
    instanceId,
    revision,
    seq,
    sequence: expectedRevision * entries + seq + 1,
    cycle: revision,
    mode: "EXPLORE",
    signalStrength: 0.6,
    confidence: 0.8,
    context: { task: "bench" },
    action: "search",
    target: null,
    outcome: null,
    observedAtMs: Date.now(),
    processedAtMs: Date.now(),
    result: { revision } as HistoryEntry["result"],
  });
  return {
    tenant,
    instanceId,
    expectedRevision,
    state,
    lastSequence: revision * entries,
    history: Array.from({ length: entries }, (_, seq) => entry(seq)),
    driftEvents: [],
    snapshots: [],
    committedAtMs: Date.now(),
  };
}

async function run(server: MongoServer, groupCommit: boolean, cycles: number, entries: number): Promise<void> {
  const dbName = server.database(`bench_${groupCommit ? "on" : "off"}_${entries}`);
  const store = await connectMongoStore({ uri: server.uri, dbName, groupCommit });
  try {
    const ids = Array.from({ length: agents }, (_, i) => `bench-agent-${i}`);
    await Promise.all(ids.map((id) => store.createInstance(instance(id), state)));
    const before = store.commitStats();
    const started = performance.now();
    await Promise.all(
      ids.map(async (id) => {
        let revision = 0;
        for (let c = 0; c < cycles; c++) revision = (await store.commit(commitOn(id, revision, entries))).revision;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const stats = store.commitStats();
    const commits = stats.commits - before.commits;
    const batches = stats.batches - before.batches;
    const check = await store.loadState(tenant, ids[0] as string);
    if (check?.revision !== cycles) throw new Error(`expected revision ${cycles}, found ${check?.revision}`);
    emit(`store.group_${groupCommit ? "on" : "off"}_${entries}_commits_per_second`, commits / seconds);
    console.log(
      `group commit ${groupCommit ? "on " : "off"}, ${String(entries).padStart(2)} entries per commit: ` +
        `${commits} commits by ${agents} agents in ${seconds.toFixed(2)} s = ` +
        `${Math.round(commits / seconds)} durable commits/s (${batches} batches, ${(commits / batches).toFixed(1)} per batch)`,
    );
  } finally {
    await store.close();
  }
}

const server = await startMongoServer();
try {
  console.log(`server: ${server.controlled ? "FerretDB (SQLite), started by the benchmark" : "MONGODB_URI"}`);
  await run(server, true, cyclesOn, 1);
  await run(server, false, cyclesOff, 1);
  await run(server, true, cyclesOn, 16);
} finally {
  await server.dispose();
}
