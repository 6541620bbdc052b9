// Cold head load on MongoDB (issue 15): how long a restarted replica takes to load one agent's
// head (loadState on a fresh store: nothing cached), as the database grows to 1, 1,000 and 100,000
// agents holding CYCLES cycles in all. Runs against FerretDB (SQLite) built by the test support,
// or MONGODB_URI. Documents are clones of a real agent's documents (instance, states checkpoint,
// cycles) under new ids, bulk-inserted, so seeding is fast and the shapes are the store's own.
// Each step loads SAMPLE random agents plus the heaviest one, each on a fresh connection's cold
// cache. Shared 2-core machine: numbers are noisy.
//   npx tsx bench/cold-load.ts [cycles=1000000] [agent steps=1,1000,100000] [sample=15]
import { MongoClient } from "mongodb";
import { defaultProfile, DEFAULT_CONFIG } from "../src/engine/index.js";
import { AgentService } from "../src/service/agent-service.js";
import { agentDocId, collections, cycleId, type CycleDoc, type InstanceDoc, type StateDoc } from "../src/store/mongo/documents.js";
import { connectMongoStore } from "../src/store/mongo/index.js";
import { startMongoServer } from "../test/support/mongo-server.js";

const CYCLES = Number(process.argv[2] ?? 1_000_000);
const STEPS = (process.argv[3] ?? "1,1000,100000").split(",").map(Number);
const SAMPLE = Number(process.argv[4] ?? 15);
const TENANT = "default";
const server = await startMongoServer();
const dbName = server.database("coldload");

// One real agent with a few cycles: the template every clone copies.
const seedStore = await connectMongoStore({ uri: server.uri, dbName, checkpointEvery: 64 });
let n = 0;
const agents = new AgentService({ store: seedStore, engineConfig: DEFAULT_CONFIG, now: () => 1_700_000_000_000 + n++, newId: () => "inst_0000000000000000" });
const { id: templateId } = await agents.createInstance(TENANT, { name: "template", description: "", profile: defaultProfile(), labels: {} });
for (let i = 0; i < 3; i++) {
  await agents.process(TENANT, templateId, [{ mode: "order", signalStrength: 0.5, confidence: 1, context: {}, observedAtMs: 0, action: null, target: null, outcome: null }]);
}
await seedStore.close();

const client = await new MongoClient(server.uri).connect();
const db = client.db(dbName);
const instanceTpl = (await db.collection<InstanceDoc>(collections.instances).findOne({ _id: agentDocId(TENANT, templateId) }))!;
const stateTpl = (await db.collection<StateDoc>(collections.states).findOne({ _id: agentDocId(TENANT, templateId) }))!;
const cycleTpl = (await db.collection<CycleDoc>(collections.cycles).findOne({ _id: cycleId(TENANT, templateId, 1) }))!;
await db.collection(collections.instances).deleteMany({});
await db.collection(collections.states).deleteMany({});
await db.collection(collections.cycles).deleteMany({});
for (const c of [collections.drift, collections.snapshots]) await db.collection(c).deleteMany({});

const idOf = (i: number) => `inst_${i.toString(16).padStart(16, "0")}`;
/** Inserts agents [from, to) each with `cycles` cycles and a checkpoint `lag` revisions behind. */
async function seedAgents(from: number, to: number, cyclesEach: (i: number) => number, lag: number): Promise<number> {
  let inserted = 0;
  let instances: InstanceDoc[] = [];
  let states: StateDoc[] = [];
  let cycles: CycleDoc[] = [];
  const flush = async (force: boolean) => {
    if (instances.length >= 1000 || force) {
      if (instances.length) await db.collection<InstanceDoc>(collections.instances).insertMany(instances, { ordered: false });
      if (states.length) await db.collection<StateDoc>(collections.states).insertMany(states, { ordered: false });
      instances = [];
      states = [];
    }
    if (cycles.length >= 2000 || (force && cycles.length)) {
      await db.collection<CycleDoc>(collections.cycles).insertMany(cycles, { ordered: false });
      inserted += cycles.length;
      cycles = [];
    }
  };
  for (let i = from; i < to; i++) {
    const id = idOf(i);
    const c = cyclesEach(i);
    const _id = agentDocId(TENANT, id);
    instances.push({ ...instanceTpl, _id, instanceId: id });
    const checkpoint = Math.max(0, c - lag);
    states.push({ ...stateTpl, _id, instanceId: id, revision: checkpoint });
    for (let r = 1; r <= c; r++) {
      cycles.push({ ...cycleTpl, _id: cycleId(TENANT, id, r), instanceId: id, revision: r });
      if (cycles.length >= 2000) await flush(false);
    }
    await flush(false);
  }
  await flush(true);
  return inserted;
}

async function coldLoads(ids: string[]): Promise<{ ms: number[] }> {
  const ms: number[] = [];
  for (const id of ids) {
    const store = await connectMongoStore({ uri: server.uri, dbName, socketTimeoutMS: 600_000 });
    const t0 = performance.now();
    const state = await store.loadState(TENANT, id);
    ms.push(performance.now() - t0);
    if (!state) throw new Error(`agent ${id} did not load`);
    await store.close();
  }
  return { ms };
}

/**
 * How the server answers each read a cold head load issues (src/store/mongo/roll-forward.ts: the
 * instance and the checkpoint by _id, then cycles by _id), from `explain`: MongoDB's plan stages
 * (IDHACK / EXPRESS_IXSCAN / IXSCAN: an index; COLLSCAN: a scan), FerretDB's SQL plan (SQLite
 * "SEARCH ... USING INDEX" or "SCAN"; PostgreSQL "Index Scan" or "Seq Scan") and whether FerretDB
 * pushed the filter down to SQL at all.
 */
async function explainHeadLoad(id: string): Promise<void> {
  const reads: [string, string, object][] = [
    ["instance by _id", collections.instances, { _id: agentDocId(TENANT, id) }],
    ["checkpoint by _id", collections.states, { _id: agentDocId(TENANT, id) }],
    ["cycle by _id", collections.cycles, { _id: cycleId(TENANT, id, 1) }],
  ];
  for (const [what, collection, filter] of reads) {
    const plan = JSON.stringify(await db.command({ explain: { find: collection, filter, limit: 1 }, verbosity: "queryPlanner" }));
    const found = (re: RegExp) => [...plan.matchAll(re)].map((m) => m[1]!);
    const steps = [...found(/"stage":"(\w+)"/g), ...found(/"Node Type":"([^"]+)"/g), ...found(/"Filter":"((?:[^"\\]|\\.)*)"/g).map((f) => f.replace(/\\"/g, '"')), ...found(/detail=([^"]+)"/g)];
    const pushdown = /"(?:filterP|p)ushdown":(true|false)/.exec(plan)?.[1];
    console.log(`  explain ${what}: ${steps.join(" <- ") || plan.slice(0, 200)}${pushdown ? ` (FerretDB pushdown: ${pushdown})` : ""}`);
  }
}

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const f = (x: number) => x.toFixed(1);
let agentsSoFar = 0;
let cyclesSoFar = 0;
const perAgent = 5;
console.log(`cold head load on ${process.env.MONGODB_URI ? "MONGODB_URI" : "FerretDB 1.24 (SQLite)"}; shared 2-core machine`);
for (const [k, target] of STEPS.entries()) {
  const last = k === STEPS.length - 1;
  const t0 = performance.now();
  // Every agent gets a few cycles; agent 0 (the heavy one) gets what the total still lacks at the end.
  cyclesSoFar += await seedAgents(agentsSoFar, target, (i) => (i === 0 ? 130 : perAgent), 3);
  agentsSoFar = target;
  if (last && cyclesSoFar < CYCLES) {
    // The rest of the cycles go to extra agents' histories in chunks, so no agent is absurdly long.
    const extra = Math.ceil((CYCLES - cyclesSoFar) / 1000);
    cyclesSoFar += await seedAgents(target, target + extra, () => 1000, 40);
    agentsSoFar = target + extra;
  }
  const seedS = (performance.now() - t0) / 1000;
  const sample = [idOf(0), ...Array.from({ length: SAMPLE }, (_, i) => idOf(Math.floor(((i + 1) * agentsSoFar) / (SAMPLE + 1))))];
  const { ms } = await coldLoads(sample);
  console.log(
    `  ${agentsSoFar.toLocaleString("en")} agents, ${cyclesSoFar.toLocaleString("en")} cycles (seeded in ${seedS.toFixed(0)} s): cold load median ${f(med(ms))} ms (min ${f(Math.min(...ms))} - max ${f(Math.max(...ms))}) over ${ms.length} agents`,
  );
}
await explainHeadLoad(idOf(0));
await client.close();
await server.dispose();
