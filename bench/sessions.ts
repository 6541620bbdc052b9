// Transport benchmark (tracker issue 7): Keel runs as its own process with the in-process store;
// this process is the client. Prints messages/s and contracts/s over one and many sessions,
// unbatched and batched; lock-step latency; and unary Process throughput and p99 measured by
// ghz (a Go load generator, so the client does not dominate the CPU).
//
// Session phases run twice over: with the connect-node client, which decodes every contract
// with protobuf-es (what a TypeScript client pays), and with a wire-level grpc-js client that
// counts the outcomes in each answer without decoding them, as a load generator would; both
// share the two cores with the server, so the second shows more of what the server can do.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { create, toBinary } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  EngineService,
  SessionRequestSchema,
  type SessionRequest,
  type SessionResponse,
} from "../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../gen/keel/v1/instance_service_pb.js";
import { Mode } from "../gen/keel/v1/modes_pb.js";
import { startKeelProcess, type KeelProcess } from "../test/support/process.js";
import { Pushable } from "../test/support/pushable.js";
import { emit, scaled, smoke } from "./report/emit.js";
import { ghzBinary } from "./ghz.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MODES = [Mode.PERCEPTION, Mode.EXPLORATION, Mode.ORDER, Mode.ASSERTION, Mode.CONNECTION, Mode.IDENTITY];
type Frame = MessageInitShape<typeof SessionRequestSchema>;

// Each phase gets a fresh server: the in-process store keeps every cycle's history in memory,
// and a heap grown by one phase would slow the next with garbage collection.
let keel: KeelProcess;
let engine: Client<typeof EngineService>;
let instances: Client<typeof InstanceService>;

async function freshServer(): Promise<void> {
  // A smoke run only checks that every phase runs and prints its figure: one server will do.
  if (keel && smoke) return;
  if (keel) {
    keel.child.kill("SIGTERM");
    await keel.exited;
  }
  // Auth stays on (its cost is part of every call); quotas are lifted so they do not cap the run.
  keel = await startKeelProcess({ KEEL_LOG_LEVEL: "warn", KEEL_QUOTA_CYCLES_PER_SECOND: "0", KEEL_QUOTA_SESSIONS: "0" });
  const authorization = `Bearer ${keel.apiKey}`;
  const transport = createGrpcTransport({
    baseUrl: `http://${keel.address}`,
    interceptors: [(next) => (req) => (req.header.set("authorization", authorization), next(req))],
  });
  engine = createClient(EngineService, transport);
  instances = createClient(InstanceService, transport);
}

const newAgent = async () => (await instances.createInstance({ name: "bench" })).instance!.id;
const observation = (seq: number) => ({ sequence: BigInt(seq), observation: { mode: MODES[seq % 6]!, signalStrength: 0.5 } });

/** One session pushing `total` observations in frames of `batch`; resolves with contracts answered. */
async function drive(client: Client<typeof EngineService>, total: number, batch: number): Promise<{ messages: number; contracts: number }> {
  const id = await newAgent();
  const requests = new Pushable<Frame>();
  requests.push({ frame: { case: "open", value: { instanceId: id } } });
  const responses = client.session(requests as AsyncIterable<SessionRequest>)[Symbol.asyncIterator]();
  await responses.next();
  let seq = 0;
  let messages = 0;
  const window = 32; // frames in flight: bounded, like a real client
  const send = () => {
    if (seq >= total) return;
    if (batch === 1) requests.push({ frame: { case: "observation", value: observation(++seq) } });
    else {
      const items = Array.from({ length: Math.min(batch, total - seq) }, () => observation(++seq));
      requests.push({ frame: { case: "batch", value: { observations: items } } });
    }
  };
  for (let i = 0; i < window; i++) send();
  let contracts = 0;
  while (contracts < total) {
    const r = (await responses.next()).value as SessionResponse;
    messages++;
    contracts += r.frame.case === "batch" ? r.frame.value.outcomes.length : 1;
    send();
  }
  requests.end();
  return { messages, contracts };
}

/** Outcomes in one encoded SessionResponse, read from the wire without decoding them. */
function countOutcomes(bytes: Buffer): number {
  let count = 0;
  let p = 0;
  const varint = (): number => {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
    }
  };
  while (p < bytes.length) {
    const tag = varint();
    const len = (tag & 7) === 2 ? varint() : 0;
    if (tag >>> 3 === 2) count++; // outcome
    else if (tag >>> 3 === 3) {
      // batch: count its repeated outcomes (field 1)
      const end = p + len;
      while (p < end) {
        const inner = varint();
        const innerLen = varint();
        if (inner >>> 3 === 1) count++;
        p += innerLen;
      }
      continue;
    }
    p += len;
  }
  return count;
}

function keyMetadata(): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set("authorization", `Bearer ${keel.apiKey}`);
  return metadata;
}

/** The same session as drive(), from a grpc-js client that does not decode the contracts. */
async function driveWire(total: number, batch: number): Promise<{ messages: number; contracts: number }> {
  const id = await newAgent();
  const client = new grpc.Client(keel.address, grpc.credentials.createInsecure());
  const call = client.makeBidiStreamRequest(
    "/keel.v1.EngineService/Session",
    (frame: Frame) => Buffer.from(toBinary(SessionRequestSchema, create(SessionRequestSchema, frame))),
    (bytes: Buffer) => bytes,
    keyMetadata(),
  );
  const answers: Buffer[] = [];
  let wake: (() => void) | undefined;
  let failed: unknown;
  call.on("data", (b: Buffer) => {
    answers.push(b);
    wake?.();
  });
  call.on("error", (e) => {
    failed = e;
    wake?.();
  });
  const next = async (): Promise<Buffer> => {
    while (answers.length === 0) {
      if (failed) throw failed;
      await new Promise<void>((r) => (wake = r));
    }
    return answers.shift()!;
  };
  call.write({ frame: { case: "open", value: { instanceId: id } } } as Frame);
  await next();
  let seq = 0;
  let messages = 0;
  const send = () => {
    if (seq >= total) return;
    if (batch === 1) call.write({ frame: { case: "observation", value: observation(++seq) } } as Frame);
    else {
      const items = Array.from({ length: Math.min(batch, total - seq) }, () => observation(++seq));
      call.write({ frame: { case: "batch", value: { observations: items } } } as Frame);
    }
  };
  for (let i = 0; i < 32; i++) send();
  let contracts = 0;
  while (contracts < total) {
    contracts += countOutcomes(await next());
    messages++;
    send();
  }
  call.end();
  client.close();
  return { messages, contracts };
}

/** Runs sessions in parallel; `figure` names the contracts/s for the report (none for warm-ups). */
async function throughput(label: string, figure: string | null, sessions: number, perSession: number, batch: number, wire = false): Promise<void> {
  const started = performance.now();
  const run = () => (wire ? driveWire(perSession, batch) : drive(engine, perSession, batch));
  const results = await Promise.all(Array.from({ length: sessions }, run));
  const seconds = (performance.now() - started) / 1000;
  const messages = results.reduce((a, r) => a + r.messages, 0);
  const contracts = results.reduce((a, r) => a + r.contracts, 0);
  if (figure) emit(figure, contracts / seconds);
  console.log(
    `${label.padEnd(34)} ${fmt(messages / seconds)} messages/s  ${fmt(contracts / seconds)} contracts/s`,
  );
}

async function lockStep(count: number, warmUp: number): Promise<void> {
  const id = await newAgent();
  const requests = new Pushable<Frame>();
  requests.push({ frame: { case: "open", value: { instanceId: id } } });
  const responses = engine.session(requests as AsyncIterable<SessionRequest>)[Symbol.asyncIterator]();
  await responses.next();
  const samples: number[] = [];
  for (let s = 1; s <= warmUp + count; s++) {
    const t = performance.now();
    requests.push({ frame: { case: "observation", value: observation(s) } });
    await responses.next();
    if (s > warmUp) samples.push(performance.now() - t); // after warm-up: V8 has optimised the path
  }
  requests.end();
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
  emit("sessions.lockstep_p50_ms", q(0.5));
  emit("sessions.lockstep_p90_ms", q(0.9));
  emit("sessions.lockstep_p99_ms", q(0.99));
  console.log(`${"lock-step latency".padEnd(34)} p50 ${q(0.5).toFixed(3)} ms  p90 ${q(0.9).toFixed(3)} ms  p99 ${q(0.99).toFixed(3)} ms  (${samples.length} samples)`);
}

function ghz(args: string[]): { rps: number; p50: number; p90: number; p99: number; errors: number } {
  const out = execFileSync(
    ghzBinary(),
    [
      "--insecure",
      "--proto", path.join(root, "proto/keel/v1/engine_service.proto"),
      "--import-paths", path.join(root, "proto"),
      "--call", "keel.v1.EngineService/Process",
      "--format", "json",
      "--metadata", JSON.stringify({ authorization: `Bearer ${keel.apiKey}` }),
      ...args,
      keel.address,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  ).toString();
  const r = JSON.parse(out) as { rps: number; latencyDistribution: { percentage: number; latency: number }[]; statusCodeDistribution: Record<string, number> };
  const pct = (p: number) => (r.latencyDistribution.find((d) => d.percentage === p)?.latency ?? NaN) / 1e6;
  const errors = Object.entries(r.statusCodeDistribution).reduce((a, [k, v]) => (k === "OK" ? a : a + v), 0);
  return { rps: r.rps, p50: pct(50), p90: pct(90), p99: pct(99), errors };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US").padStart(9);
}

try {
  console.log("Keel session and unary benchmark (in-process store; client and server share this machine)\n");
  const n = (full: number) => scaled(full, Math.ceil(full / 100));
  await freshServer();
  await throughput("warm-up", null, 4, n(2_000), 1);
  await throughput("1 session, unbatched", "sessions.ts_1_unbatched", 1, n(20_000), 1);
  await freshServer();
  await throughput("1 session, batches of 64", "sessions.ts_1_batched", 1, n(100_000), 64);
  await freshServer();
  await throughput("16 sessions, unbatched", "sessions.ts_16_unbatched", 16, n(2_000), 1);
  await freshServer();
  await throughput("16 sessions, batches of 64", "sessions.ts_16_batched", 16, n(10_000), 64);
  await freshServer();
  await throughput("warm-up (wire-level client)", null, 4, n(2_000), 1, true);
  await throughput("1 session, unbatched (wire)", "sessions.wire_1_unbatched", 1, n(20_000), 1, true);
  await freshServer();
  await throughput("1 session, batches of 64 (wire)", "sessions.wire_1_batched", 1, n(100_000), 64, true);
  await freshServer();
  await throughput("16 sessions, unbatched (wire)", "sessions.wire_16_unbatched", 16, n(2_000), 1, true);
  await freshServer();
  await throughput("16 sessions, batches of 64 (wire)", "sessions.wire_16_batched", 16, n(10_000), 64, true);
  await freshServer();
  await lockStep(n(10_000), n(2_000));
  await freshServer();
  // ghz sends the array's items round robin: calls spread over 64 agents, as real traffic is
  // (calls for one agent are serialised by design).
  const agents = await Promise.all(Array.from({ length: 64 }, newAgent));
  const data = JSON.stringify(agents.map((id) => ({ instance_id: id, observation: { mode: "MODE_ORDER", signal_strength: 0.5 } })));
  // A running server is warm: let V8 optimise the unary path before measuring it.
  ghz(["--data", data, "--concurrency", "32", "--connections", "4", "--total", String(n(10_000))]);
  const sat = ghz(["--data", data, "--concurrency", "32", "--connections", "4", "--total", String(n(30_000))]);
  emit("sessions.unary_saturation", sat.rps);
  console.log(`${"unary Process, saturation".padEnd(34)} ${fmt(sat.rps)} calls/s  p99 ${sat.p99.toFixed(3)} ms  errors ${sat.errors}`);
  const open = ghz(["--data", data, "--rps", "1000", "--concurrency", "50", "--connections", "4", "--duration", scaled(10, 1) + "s"]);
  emit("sessions.unary_1k_p50_ms", open.p50);
  emit("sessions.unary_1k_p90_ms", open.p90);
  emit("sessions.unary_1k_p99_ms", open.p99);
  console.log(`${"unary Process at 1,000 calls/s".padEnd(34)} ${fmt(open.rps)} calls/s  p50 ${open.p50.toFixed(3)} ms  p90 ${open.p90.toFixed(3)} ms  p99 ${open.p99.toFixed(3)} ms  errors ${open.errors}`);
} finally {
  keel!.child.kill("SIGTERM");
  await keel!.exited;
}
