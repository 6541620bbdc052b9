// What OpenTelemetry tracing costs at unary saturation (issue 14: off costs nothing measurable, on
// at 100 % sampling ≤ 10 %). Keel runs in fresh child processes (tracing is process-wide) with the
// in-process store and auth off. A bare HTTP/2 gRPC client sends pre-encoded Process requests,
// BENCH_CONCURRENCY in flight per server, so that as much of the machine as possible goes to the
// server; each server first serves WARM_CALLS (the JIT compiles the hot paths, the SDK's too), then
// is counted for BENCH_SECONDS. Every call carries a sampled W3C traceparent in both modes, as a mesh
// sends it whatever Keel does; the modes differ only in Keel's configuration: "off" (no OTEL_*
// variables: the SDK is not loaded) and "on" (OTLP/HTTP JSON to a receiver process that drops the
// spans, parentbased_always_on: every call records its RPC, cycle and commit spans).
//
// Each round measures off and on alone, back to back in alternating order (off-on, on-off, …), then
// both side by side at once with equal load, so that other work on the machine hits both alike.
// Costs are computed per round and quoted as the median with min–max over rounds, with the server's
// CPU time per call (the child's process.cpuUsage). Last, tracing's own work per call is timed in
// process (bench/tracing-work.ts): a figure other load barely moves, set beside the off server's CPU
// per call. Run: npx tsx bench/tracing.ts   Knobs: BENCH_ROUNDS (4), BENCH_SECONDS (5),
// BENCH_CONCURRENCY (32), BENCH_SERVER_ROOT (serve another checkout's src/, e.g. main's, to compare).
import { spawn, type ChildProcess } from "node:child_process";
import * as http from "node:http";
import * as http2 from "node:http2";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { create, toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ProcessRequestSchema } from "../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../gen/keel/v1/instance_service_pb.js";
import { Mode } from "../gen/keel/v1/modes_pb.js";
import { emit, scaled } from "./report/emit.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const rounds = Number(process.env.BENCH_ROUNDS ?? scaled(4, 1));
const seconds = Number(process.env.BENCH_SECONDS ?? scaled(5, 1));
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? scaled(32, 4));
const WARM_CALLS = scaled(2000, 50);

type Tracing = "off" | "on";
interface Round {
  callsPerSecond: number;
  cpuMicrosPerCall: number;
}

/** Child mode: serve Keel on a free port, report it and, when asked, its CPU time; run until killed. */
async function serve(): Promise<void> {
  const serverRoot = path.resolve(process.env.BENCH_SERVER_ROOT || root);
  const load = (file: string) => import(pathToFileURL(path.join(serverRoot, file)).href);
  const { startTracing } = await load("src/tracing/tracing.ts");
  await startTracing(process.env);
  const { startApp } = await load("src/app.ts");
  const { loadConfig } = await load("src/config.ts");
  const { createLogger } = await load("src/logger.ts");
  const { MemoryStore } = await load("src/store/memory.ts");
  const config = loadConfig({ KEEL_PORT: "0", KEEL_AUTH: "off", KEEL_QUOTA_CYCLES_PER_SECOND: "0", KEEL_LOG_LEVEL: "silent" });
  const app = await startApp({ config, logger: createLogger("silent"), store: new MemoryStore() });
  process.on("message", () => process.send!(process.cpuUsage()));
  process.send!({ port: app.port });
}

/**
 * Receiver mode: accepts OTLP exports and drops them, as a collector would take them off Keel's
 * hands, in a process of its own (in the client's, it would slow the client in "on" rounds only).
 * Counts the spans (one "spanId" key each) to show that every call's spans were exported.
 */
function receive(): void {
  let spans = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      for (let at = body.indexOf('"spanId"'); at >= 0; at = body.indexOf('"spanId"', at + 8)) spans++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  server.listen(0, "127.0.0.1", () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on("message", () => process.send!({ spans }));
}

async function startReceiver(): Promise<{ child: ChildProcess; port: number; spans: () => Promise<number> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/tracing.ts"], {
    cwd: root,
    env: { ...process.env, BENCH_CHILD: "receiver" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve) => child.once("message", (m: { port: number }) => resolve(m.port)));
  const spans = () => new Promise<number>((resolve) => {
    child.once("message", (m: { spans: number }) => resolve(m.spans));
    child.send("spans");
  });
  return { child, port, spans };
}

/** The child's CPU time (user + system) so far, in µs. */
function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once("message", (u: NodeJS.CpuUsage) => resolve(u.user + u.system));
    child.send("cpu");
  });
}

/** A unary gRPC call over a bare HTTP/2 session; resolves when it ends with status OK. */
function grpcCall(session: http2.ClientHttp2Session, body: Buffer, traceparent: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ":method": "POST",
      ":path": "/keel.v1.EngineService/Process",
      "content-type": "application/grpc",
      te: "trailers",
      traceparent,
    });
    let status: string | undefined;
    stream.on("response", (h) => (status = h["grpc-status"] as string | undefined));
    stream.on("trailers", (t) => (status = t["grpc-status"] as string | undefined));
    stream.on("data", () => {});
    stream.on("error", reject);
    stream.on("end", () => (status === "0" ? resolve() : reject(new Error(`Process ended with grpc-status ${status}`))));
    stream.end(body);
  });
}

/** A gRPC message frame: uncompressed flag, big-endian length, the message. */
function frame(message: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + message.length);
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

interface Server {
  mode: Tracing;
  child: ChildProcess;
  session: http2.ClientHttp2Session;
  /** One pre-encoded ProcessRequest per agent, one agent per call in flight. */
  bodies: Buffer[];
}

/** Starts Keel in a child process with tracing off or on, and creates its agents. */
async function startServer(mode: Tracing, sinkPort: number): Promise<Server> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), BENCH_CHILD: "1" };
  for (const k of Object.keys(env)) if (k.startsWith("OTEL_")) delete env[k];
  if (mode === "on") Object.assign(env, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}`, OTEL_TRACES_SAMPLER: "parentbased_always_on" });
  const child = spawn(process.execPath, ["--import", "tsx", "bench/tracing.ts"], { cwd: root, env, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m: { port: number }) => resolve(m.port));
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const instances = createClient(InstanceService, createGrpcTransport({ baseUrl }));
  const bodies = await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      const { instance } = await instances.createInstance({ name: `b${i}` });
      const request = create(ProcessRequestSchema, { instanceId: instance!.id, observation: { mode: Mode.ORDER, signalStrength: 0.5 } });
      return frame(toBinary(ProcessRequestSchema, request));
    }),
  );
  return { mode, child, session: http2.connect(baseUrl), bodies };
}

function stopServer(server: Server): void {
  server.session.close();
  server.child.kill("SIGKILL");
}

// A new trace per call: a random prefix and a counter make the id without slowing the client.
const tracePrefix = hex(24);
const parentId = hex(16);
let traces = 0;
const traceparent = () => `00-${tracePrefix}${(traces++ % 0x1_0000_0000).toString(16).padStart(8, "0")}-${parentId}-01`;

/** Closed loop: every agent's call is followed by the next one while `more()`; returns the calls made. */
async function load(server: Server, more: () => boolean): Promise<number> {
  let calls = 0;
  await Promise.all(
    server.bodies.map(async (body) => {
      while (more()) {
        await grpcCall(server.session, body, traceparent());
        calls++;
      }
    }),
  );
  return calls;
}

/**
 * Drives the servers at once: WARM_CALLS per server so that the JIT has compiled the hot paths
 * (the "on" server has the SDK's to compile too), then for BENCH_SECONDS, counted.
 */
async function drive(servers: Server[]): Promise<Round[]> {
  await Promise.all(servers.map((s) => {
    let started = 0;
    return load(s, () => started++ < WARM_CALLS);
  }));
  const cpuBefore = await Promise.all(servers.map((s) => cpuOf(s.child)));
  const startedAt = performance.now();
  const end = Date.now() + seconds * 1000;
  const calls = await Promise.all(servers.map((s) => load(s, () => Date.now() < end)));
  const elapsed = (performance.now() - startedAt) / 1000;
  const cpuAfter = await Promise.all(servers.map((s) => cpuOf(s.child)));
  return servers.map((_, i) => ({ callsPerSecond: calls[i]! / elapsed, cpuMicrosPerCall: (cpuAfter[i]! - cpuBefore[i]!) / calls[i]! }));
}

/** Starts the servers, drives them together, stops them. */
async function round(modes: Tracing[], sinkPort: number): Promise<Record<Tracing, Round>> {
  const servers: Server[] = [];
  try {
    for (const mode of modes) servers.push(await startServer(mode, sinkPort));
    const results = await drive(servers);
    return Object.fromEntries(modes.map((m, i) => [m, results[i]!])) as Record<Tracing, Round>;
  } finally {
    servers.forEach(stopServer);
  }
}

function hex(chars: number): string {
  let s = "";
  for (let i = 0; i < chars; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length / 2;
  const median = s.length % 2 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]! };
};

if (process.env.BENCH_CHILD === "receiver") {
  receive();
} else if (process.env.BENCH_CHILD) {
  await serve();
} else {
  const sink = await startReceiver();
  const sinkPort = sink.port;
  const pairs: Record<Tracing, Round>[] = [];
  const sideBySide: Record<Tracing, Round>[] = [];
  const show = (what: string, mode: Tracing, r: Round) =>
    console.log(`${what} ${mode.padEnd(3)}: ${r.callsPerSecond.toFixed(0)} calls/s, server ${r.cpuMicrosPerCall.toFixed(0)} µs CPU/call`);
  for (let r = 0; r < rounds; r++) {
    // Alone: off then on, or on then off, each with the machine to itself.
    const pair = {} as Record<Tracing, Round>;
    for (const mode of (r % 2 === 0 ? ["off", "on"] : ["on", "off"]) as Tracing[]) {
      pair[mode] = (await round([mode], sinkPort))[mode];
      show(`round ${r + 1} alone       `, mode, pair[mode]);
    }
    pairs.push(pair);
    // Side by side: both at once, equal load, so that other work on the machine hits both alike.
    const both = await round(r % 2 === 0 ? ["off", "on"] : ["on", "off"], sinkPort);
    for (const mode of ["off", "on"] as Tracing[]) show(`round ${r + 1} side by side`, mode, both[mode]);
    sideBySide.push(both);
  }
  const spansReceived = await sink.spans();
  sink.child.kill("SIGKILL");
  const lost = (p: Record<Tracing, Round>) => (1 - p.on.callsPerSecond / p.off.callsPerSecond) * 100;
  const off = stats(pairs.map((p) => p.off.callsPerSecond));
  const on = stats(pairs.map((p) => p.on.callsPerSecond));
  const cost = stats(pairs.map(lost));
  const cpuCost = stats(pairs.map((p) => (p.on.cpuMicrosPerCall / p.off.cpuMicrosPerCall - 1) * 100));
  const sideCost = stats(sideBySide.map(lost));
  const sideCpuCost = stats(sideBySide.map((p) => (p.on.cpuMicrosPerCall / p.off.cpuMicrosPerCall - 1) * 100));
  const cpuOff = stats(pairs.map((p) => p.off.cpuMicrosPerCall));
  const { tracingWorkPerCall } = await import("./tracing-work.js");
  const work = stats(await tracingWorkPerCall(5, scaled(20_000, 500)));
  const fmt = (x: { median: number; min: number; max: number }, d = 0) => `${x.median.toFixed(d)} (${x.min.toFixed(d)} – ${x.max.toFixed(d)})`;
  console.log(`unary Process at saturation, ${concurrency} in flight per server, ${rounds} rounds × ${seconds} s after ${WARM_CALLS} warm-up calls; median (min – max):`);
  console.log(`  alone: tracing off            ${fmt(off)} calls/s`);
  console.log(`  alone: tracing on, 100 %      ${fmt(on)} calls/s  (${spansReceived} spans exported in all)`);
  console.log(`  alone: throughput lost        ${fmt(cost, 1)} %  (per pair)`);
  console.log(`  alone: server CPU/call added  ${fmt(cpuCost, 1)} %`);
  console.log(`  side by side: throughput lost ${fmt(sideCost, 1)} %`);
  console.log(`  side by side: CPU/call added  ${fmt(sideCpuCost, 1)} %`);
  console.log(`  in process: tracing's own work ${fmt(work, 1)} µs CPU per call = ${((work.median / cpuOff.median) * 100).toFixed(1)} % of the off server's ${cpuOff.median.toFixed(0)} µs`);
  emit("tracing.off_calls_per_second", off.median);
  emit("tracing.on_calls_per_second", on.median);
  emit("tracing.on_cost_percent", cost.median);
  emit("tracing.side_by_side_cost_percent", sideCost.median);
  emit("tracing.work_us_per_call", work.median);
}
