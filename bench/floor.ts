// The latency floor of this machine for Keel's transport (tracker issue 7): a bare grpc-js server
// with no Keel code behind it, answering every frame or call with a canned ~250-byte message (the
// size of an encoded CycleOutcome), measured with the same clients as bench/sessions.ts.
//
// - lock-step: a connect-node client over HTTP/2 gRPC sends one frame on a bidi stream and waits
//   for its answer before sending the next, as bench/sessions.ts's lock-step phase; p50/p90/p99
//   over 10,000 samples after 2,000 warm-up frames.
// - unary at 1,000 calls/s: ghz (bench/ghz.ts) against the bare
//   server's unary method, open loop, as bench/sessions.ts's unary phase.
//
// Whatever Keel adds sits on top of these numbers; a target below them is not reachable here.
import { execFileSync, spawn } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { EngineService, SessionRequestSchema, type SessionRequest } from "../gen/keel/v1/engine_service_pb.js";
import { Mode } from "../gen/keel/v1/modes_pb.js";
import { Pushable } from "../test/support/pushable.js";
import { emit, scaled } from "./report/emit.js";
import { ghzBinary } from "./ghz.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
type Frame = MessageInitShape<typeof SessionRequestSchema>;

// Canned answers of ~250 bytes: an outcome (SessionResponse field 2, ProcessResponse field 1)
// holding opaque bytes in field 1000, which clients decode as an outcome with an unknown field.
const outcome = Buffer.concat([Buffer.from([0xc2, 0x3e, 240, 0x01]), Buffer.alloc(240, 0x41)]);
const canned = Buffer.concat([Buffer.from([0x12, outcome.length, 0x01]), outcome]);
const cannedUnary = Buffer.concat([Buffer.from([0x0a, outcome.length, 0x01]), outcome]);


function serve(): void {
const server = new grpc.Server();
const raw = (b: Buffer): Buffer => b;
server.register(
  "/keel.v1.EngineService/Session",
  (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
    call.on("data", () => call.write(canned));
    call.on("end", () => call.end());
  },
  raw,
  raw,
  "bidi",
);
server.register(
  "/keel.v1.EngineService/Process",
  (_call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, cannedUnary),
  raw,
  raw,
  "unary",
);
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write(`listening ${port}\n`);
});
}

let address = "";

/** `figures` names p50 and p99 for the report (none for the first, repeated run). */
async function lockStep(count: number, warmUp: number, figures: boolean): Promise<void> {
  const engine = createClient(EngineService, createGrpcTransport({ baseUrl: `http://${address}` }));
  const requests = new Pushable<Frame>();
  const responses = engine.session(requests as AsyncIterable<SessionRequest>)[Symbol.asyncIterator]();
  const samples: number[] = [];
  for (let s = 1; s <= warmUp + count; s++) {
    const t = performance.now();
    requests.push({ frame: { case: "observation", value: { sequence: BigInt(s), observation: { mode: Mode.ORDER, signalStrength: 0.5 } } } });
    await responses.next();
    if (s > warmUp) samples.push(performance.now() - t);
  }
  requests.end();
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
  if (figures) {
    emit("floor.lockstep_p50_ms", q(0.5));
    emit("floor.lockstep_p99_ms", q(0.99));
  }
  console.log(`${"bare lock-step latency".padEnd(34)} p50 ${q(0.5).toFixed(3)} ms  p90 ${q(0.9).toFixed(3)} ms  p99 ${q(0.99).toFixed(3)} ms  (${samples.length} samples)`);
}

function unary(): void {
  const bin = ghzBinary();
  const run = (args: string[]) =>
    JSON.parse(
      execFileSync(
        bin,
        [
          "--insecure",
          "--proto", path.join(root, "proto/keel/v1/engine_service.proto"),
          "--import-paths", path.join(root, "proto"),
          "--call", "keel.v1.EngineService/Process",
          "--format", "json",
          "--data", JSON.stringify({ instance_id: "inst_0123456789abcdef", observation: { mode: "MODE_ORDER", signal_strength: 0.5 } }),
          ...args,
          address,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      ).toString(),
    ) as { rps: number; latencyDistribution: { percentage: number; latency: number }[] | null; errorDistribution?: Record<string, number> };
  run(["--concurrency", "32", "--connections", "4", "--total", String(scaled(10_000, 100))]); // warm-up
  const r = run(["--rps", "1000", "--concurrency", "50", "--connections", "4", "--duration", `${scaled(10, 1)}s`]);
  if (!r.latencyDistribution) throw new Error(`ghz: every call failed: ${JSON.stringify(r.errorDistribution)}`);
  const dist = r.latencyDistribution;
  const ms = (p: number) => (dist.find((d) => d.percentage === p)?.latency ?? NaN) / 1e6;
  const pct = (p: number) => ms(p).toFixed(3);
  emit("floor.unary_1k_p50_ms", ms(50));
  emit("floor.unary_1k_p99_ms", ms(99));
  console.log(`${"bare unary at 1,000 calls/s".padEnd(34)} ${Math.round(r.rps).toLocaleString("en-US").padStart(9)} calls/s  p50 ${pct(50)} ms  p90 ${pct(90)} ms  p99 ${pct(99)} ms`);
}

async function measure(): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--serve"], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    address = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (d: Buffer) => {
        const m = /listening (\d+)/.exec(d.toString());
        if (m) resolve(`127.0.0.1:${m[1]}`);
      });
      child.once("exit", () => reject(new Error("bare server exited")));
    });
    console.log("Bare grpc-js server (canned ~250-byte answers, no Keel code): the floor on this machine\n");
    await lockStep(scaled(10_000, 100), scaled(2_000, 20), false);
    await lockStep(scaled(10_000, 100), scaled(2_000, 20), true);
    unary();
  } finally {
    child.kill("SIGTERM");
  }
}

// The server runs in a process of its own, as Keel does under bench/sessions.ts.
if (process.argv[2] === "--serve") {
  serve();
} else {
  await measure();
}
