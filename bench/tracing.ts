// What OpenTelemetry tracing costs at unary saturation (issue 14: off costs nothing measurable, on
// at 100 % sampling ≤ 10 %). Each round runs Keel in a fresh child process (tracing is process-wide)
// with the in-process store and auth off, and drives it with closed-loop connect-node gRPC clients
// (BENCH_CONCURRENCY calls in flight) for BENCH_SECONDS; the throughput of the last 80 % counts.
// Modes alternate round by round: "off" (no OTEL_* variables: the SDK is not loaded) and "on"
// (OTLP/HTTP to a local receiver that accepts and drops the spans, parentbased_always_on sampling,
// every call carrying a sampled traceparent). Medians with min–max: the machine is shared.
// Run: npx tsx bench/tracing.ts   Knobs: BENCH_ROUNDS (5), BENCH_SECONDS (5), BENCH_CONCURRENCY (32).
import { spawn } from "node:child_process";
import * as http from "node:http";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { EngineService } from "../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../gen/keel/v1/instance_service_pb.js";
import { Mode } from "../gen/keel/v1/modes_pb.js";
import { emit, scaled } from "./report/emit.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const rounds = Number(process.env.BENCH_ROUNDS ?? scaled(5, 1));
const seconds = Number(process.env.BENCH_SECONDS ?? scaled(5, 1));
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? scaled(32, 4));

/** Child mode: serve Keel on a free port, print it, run until killed. */
async function serve(): Promise<void> {
  const { startTracing } = await import("../src/tracing/tracing.js");
  await startTracing(process.env);
  const { startApp } = await import("../src/app.js");
  const { loadConfig } = await import("../src/config.js");
  const { createLogger } = await import("../src/logger.js");
  const { MemoryStore } = await import("../src/store/memory.js");
  const config = loadConfig({ KEEL_PORT: "0", KEEL_AUTH: "off", KEEL_QUOTA_CYCLES_PER_SECOND: "0", KEEL_LOG_LEVEL: "silent" });
  const app = await startApp({ config, logger: createLogger("silent"), store: new MemoryStore() });
  process.stdout.write(`PORT ${app.port}\n`);
}

async function round(mode: "off" | "on", sinkPort: number): Promise<number> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), BENCH_CHILD: "1" };
  for (const k of Object.keys(env)) if (k.startsWith("OTEL_")) delete env[k];
  if (mode === "on") Object.assign(env, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}`, OTEL_TRACES_SAMPLER: "parentbased_always_on" });
  const child = spawn(process.execPath, ["--import", "tsx", "bench/tracing.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /PORT (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    });
    const transport = createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` });
    const engine = createClient(EngineService, transport);
    const instances = createClient(InstanceService, transport);
    const ids = await Promise.all(Array.from({ length: concurrency }, (_, i) => instances.createInstance({ name: `b${i}` })));
    const headers = (): Record<string, string> =>
      mode === "on" ? { traceparent: `00-${hex(32)}-${hex(16)}-01` } : {};
    let counted = 0;
    let counting = false;
    const end = Date.now() + seconds * 1000;
    const warm = Date.now() + seconds * 200;
    let startedAt = 0;
    setTimeout(() => {
      counting = true;
      startedAt = performance.now();
    }, warm - Date.now());
    await Promise.all(
      ids.map(async ({ instance }) => {
        while (Date.now() < end) {
          await engine.process({ instanceId: instance!.id, observation: { mode: Mode.ORDER, signalStrength: 0.5 } }, { headers: headers() });
          if (counting) counted++;
        }
      }),
    );
    return counted / ((performance.now() - startedAt) / 1000);
  } finally {
    child.kill("SIGKILL");
  }
}

function hex(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]! };
};

if (process.env.BENCH_CHILD) {
  await serve();
} else {
  // Accepts OTLP exports and drops them, as a collector would take them off Keel's hands.
  let exported = 0;
  const sink = http.createServer((req, res) => {
    req.on("data", () => {});
    req.on("end", () => {
      exported++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  const sinkPort = (sink.address() as { port: number }).port;
  const results = { off: [] as number[], on: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    for (const mode of (r % 2 === 0 ? ["off", "on"] : ["on", "off"]) as ("off" | "on")[]) {
      const rate = await round(mode, sinkPort);
      results[mode].push(rate);
      console.log(`round ${r + 1} ${mode}: ${rate.toFixed(0)} calls/s`);
    }
  }
  sink.close();
  const off = stats(results.off);
  const on = stats(results.on);
  const fmt = (x: { median: number; min: number; max: number }) => `${x.median.toFixed(0)} calls/s (${x.min.toFixed(0)}–${x.max.toFixed(0)})`;
  console.log(`unary Process at saturation, ${concurrency} in flight, ${rounds} rounds × ${seconds} s (median, min–max):`);
  console.log(`  tracing off          ${fmt(off)}`);
  console.log(`  tracing on, 100 %    ${fmt(on)}  (${exported} OTLP export requests received)`);
  const cost = ((off.median - on.median) / off.median) * 100;
  console.log(`  cost of tracing on   ${cost.toFixed(1)} % of the off median`);
  emit("tracing.off_calls_per_second", off.median);
  emit("tracing.on_calls_per_second", on.median);
  emit("tracing.on_cost_percent", cost);
}
