// Session soak (issue 15): SESSIONS sessions opened, held and dropped at once, ROUNDS times, against
// Keel in its own process (as deployed: src/main.ts, in-process store). Measured on the server:
// the worst event-loop stall while the sessions drop (prom-client's nodejs_eventloop_lag_max_seconds,
// reset at each scrape) and RSS per held session; on a well-behaved client: GetState every 10 ms
// throughout from its own process (bench/soak-probe.ts), its p99 per phase. Client and server share
// a 2-core machine with ~8 engineers' work, so absolute numbers are noisy.
//   npx tsx bench/soak.ts [sessions=10000] [rounds=3]
import { spawn } from "node:child_process";
import * as http2 from "node:http2";
import { create, toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { EngineService, SessionRequestSchema } from "../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../gen/keel/v1/instance_service_pb.js";
import { Mode } from "../gen/keel/v1/modes_pb.js";
import { bearer } from "../test/support/api-key.js";
import { authInterceptor } from "../test/support/clients.js";
import { startKeelProcess } from "../test/support/process.js";
import { envelope } from "../test/support/raw-http2.js";

const SESSIONS = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const CONNECTIONS = 20;
// SOAK_CPU_PROF=<dir>: the server writes a V8 CPU profile of each drop there (bench/cpu-profile-on-signal.mjs).
const profileDir = process.env.SOAK_CPU_PROF;
const profile: Record<string, string> = profileDir ? { NODE_OPTIONS: `--import ${new URL("./cpu-profile-on-signal.mjs", import.meta.url).pathname}`, CPU_PROF_DIR: profileDir } : {};
const keel = await startKeelProcess({ KEEL_LOG_LEVEL: "warn", KEEL_QUOTA_SESSIONS: "0", KEEL_QUOTA_CYCLES_PER_SECOND: "0", ...profile });
const baseUrl = `http://${keel.address}`;
const transport = createGrpcTransport({ baseUrl, interceptors: authInterceptor(keel.apiKey) });
const engine = createClient(EngineService, transport);
const instances = createClient(InstanceService, transport);

/** Scrapes /metrics once; each scrape also resets the server's event-loop lag histogram. */
async function metrics(): Promise<(name: string) => number> {
  // A kept-alive connection the server is closing can reset a scrape: try again on a new one.
  let text = "";
  for (let attempt = 1; ; attempt++) {
    try {
      text = await (await fetch(`${baseUrl}/metrics`)).text();
      break;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
  return (name) => {
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(" ")[1]) : Number.NaN;
  };
}
const metric = async (name: string): Promise<number> => (await metrics())(name);

console.log(`creating ${SESSIONS} agents...`);
const ids: string[] = [];
for (let i = 0; i < SESSIONS; i += 200) {
  const batch = await Promise.all(Array.from({ length: Math.min(200, SESSIONS - i) }, (_, k) => instances.createInstance({ name: `soak-${i + k}` })));
  ids.push(...batch.map((r) => r.instance!.id));
}
const probeId = (await instances.createInstance({ name: "probe" })).instance!.id;
await engine.process({ instanceId: probeId, observation: { mode: Mode.ORDER, signalStrength: 0.5 } });

// The well-behaved client (bench/soak-probe.ts, its own process): latencies tagged with the phase
// they started in.
let phase = "idle";
const phases: [number, string][] = [[Date.now(), phase]];
const setPhase = (name: string): void => void phases.push([Date.now(), (phase = name)]);
const probeChild = spawn(process.execPath, ["--import", "tsx", new URL("./soak-probe.ts", import.meta.url).pathname, baseUrl, keel.apiKey, probeId], { stdio: ["pipe", "pipe", "inherit"] });
let probeOut = "";
probeChild.stdout!.on("data", (d: Buffer) => (probeOut += d.toString()));
const probeExited = new Promise((r) => probeChild.once("exit", r));

const auth = { authorization: bearer(keel.apiKey) };
const rows: { open: number; rssPerSession: number; dropStallMs: number; dropMs: number }[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const rss0 = await metric("process_resident_memory_bytes");
  setPhase("open");
  const t0 = performance.now();
  const conns = Array.from({ length: CONNECTIONS }, () => {
    const c = http2.connect(baseUrl);
    c.on("error", () => undefined);
    return c;
  });
  let opened = 0;
  await Promise.all(
    ids.map(
      (id, i) =>
        new Promise<void>((resolve) => {
          const s = conns[i % CONNECTIONS]!.request({ ":method": "POST", ":path": "/keel.v1.EngineService/Session", "content-type": "application/grpc", te: "trailers", ...auth });
          s.on("error", () => undefined);
          s.once("data", () => {
            opened++;
            resolve();
          });
          s.once("close", () => resolve());
          s.write(envelope(toBinary(SessionRequestSchema, create(SessionRequestSchema, { frame: { case: "open", value: { instanceId: id } } }))));
        }),
    ),
  );
  const openMs = performance.now() - t0;
  setPhase("held");
  await new Promise((r) => setTimeout(r, 2000));
  const rss1 = await metric("process_resident_memory_bytes");
  await metric("nodejs_eventloop_lag_max_seconds"); // resets the server's lag histogram
  if (profileDir) keel.child.kill("SIGUSR2");
  setPhase("drop");
  const t1 = performance.now();
  for (const c of conns) c.destroy();
  // Wait until the server has let go of every session, keeping the worst stall of every scrape.
  let stall = 0;
  for (;;) {
    const m = await metrics();
    stall = Math.max(stall, m("nodejs_eventloop_lag_max_seconds") * 1000);
    if (m("keel_open_sessions") === 0 || performance.now() - t1 > 30_000) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const dropMs = performance.now() - t1;
  await new Promise((r) => setTimeout(r, 200));
  stall = Math.max(stall, (await metric("nodejs_eventloop_lag_max_seconds")) * 1000);
  if (profileDir) keel.child.kill("SIGUSR2");
  setPhase("after");
  await new Promise((r) => setTimeout(r, 1000));
  rows.push({ open: opened, rssPerSession: (rss1 - rss0) / Math.max(1, opened), dropStallMs: stall, dropMs });
  console.log(`round ${round}: opened ${opened}/${SESSIONS} in ${(openMs / 1000).toFixed(1)} s; RSS +${((rss1 - rss0) / 2 ** 20).toFixed(1)} MiB (${((rss1 - rss0) / Math.max(1, opened) / 1024).toFixed(1)} KiB/session); drop: server released all in ${dropMs.toFixed(0)} ms, worst event-loop stall ${stall.toFixed(1)} ms`);
}
probeChild.stdin!.end();
await probeExited;
const latencies = new Map<string, number[]>();
for (const line of probeOut.trim().split("\n")) {
  const [at, ms] = line.split(" ").map(Number) as [number, number];
  const name = phases.findLast(([t]) => t <= at)?.[1] ?? "idle";
  (latencies.get(name) ?? latencies.set(name, []).get(name)!).push(ms);
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const range = (xs: number[], f = (x: number) => x.toFixed(1)) => `${f(med(xs))} (${f(Math.min(...xs))}-${f(Math.max(...xs))})`;
const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
console.log(`\nsoak: ${SESSIONS} sessions x ${ROUNDS} rounds over ${CONNECTIONS} connections; median (min-max) over rounds; shared 2-core machine`);
console.log(`  worst event-loop stall while ${SESSIONS} sessions drop: ${range(rows.map((r) => r.dropStallMs))} ms (target <= 50)`);
console.log(`  time for the server to release them all: ${range(rows.map((r) => r.dropMs), (x) => x.toFixed(0))} ms`);
console.log(`  RSS per held session: ${range(rows.map((r) => r.rssPerSession / 1024))} KiB`);
for (const [name, xs] of latencies) console.log(`  well-behaved client (${name}): ${xs.length} calls, p50 ${p(xs, 0.5).toFixed(2)} ms, p99 ${p(xs, 0.99).toFixed(2)} ms, max ${Math.max(...xs).toFixed(1)} ms`);
keel.child.kill("SIGTERM");
await keel.exited;
