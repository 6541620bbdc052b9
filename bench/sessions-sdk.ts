// The TypeScript SDK's session against Keel in its own process (in-process store, auth on,
// quotas off), client and server sharing the machine's two cores. Several rounds each:
// - contracts/s through one SDK session, sendBatch frames of 64, 32 frames in flight, and the
//   client's CPU time per contract (what the SDK costs, less sensitive to the machine's load);
//   the same frames pipelined through a bare generated Connect stub (protobuf-es codec); and the
//   server's CPU per contract (client and server share two cores: the server's cost caps every
//   client, bench/sessions.ts' wire-level client shows that ceiling);
// - lock-step latency (one observation, wait for its outcome) through the SDK, and through a bare
//   generated Connect client on the same transport, so the SDK's own cost shows as the difference.
// Prints medians with min–max (the machine is shared and noisy) and figures for bench:report.
import { readFileSync } from "node:fs";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { createKeelClient, type KeelClient, type ObservationInput } from "@keel/client";
import { EngineService, type SessionRequest, type SessionResponse } from "../gen/keel/v1/engine_service_pb.js";
import { Mode } from "../gen/keel/v1/modes_pb.js";
import { startKeelProcess } from "../test/support/process.js";
import { Pushable } from "../test/support/pushable.js";
import { emit, scaled } from "./report/emit.js";

const ROUNDS = scaled(5, 1);
// BENCH_SDK_OBSERVATIONS shortens a round when the machine is too busy for full ones.
const PER_ROUND = Number(process.env.BENCH_SDK_OBSERVATIONS) || scaled(60_000, 640);
const LOCKSTEP = scaled(3_000, 50);
const WINDOW = 32;
const MODES = ["perception", "exploration", "order", "assertion", "connection", "identity"] as const;
const obs = (i: number): ObservationInput => ({ mode: MODES[i % 6]!, signalStrength: 0.5 });

const keel = await startKeelProcess({ KEEL_LOG_LEVEL: "warn", KEEL_QUOTA_CYCLES_PER_SECOND: "0", KEEL_QUOTA_SESSIONS: "0" });
const sdk: KeelClient = createKeelClient({ baseUrl: keel.address, apiKey: keel.apiKey });

/** Client CPU per contract (µs) of each batched round: robust to the shared machine's load. */
const cpuPerContract: number[] = [];
/** The server process's CPU per contract (µs) in each SDK batched round. */
const serverCpuPerContract: number[] = [];

/** User + system CPU of the server process so far, in µs (/proc/<pid>/stat, 10 ms ticks). */
function serverCpuUs(): number {
  const stat = readFileSync(`/proc/${keel.child.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

const authorization = `Bearer ${keel.apiKey}`;
const bareEngine = createClient(
  EngineService,
  createGrpcTransport({
    baseUrl: `http://${keel.address}`,
    interceptors: [(next) => (req) => (req.header.set("authorization", authorization), next(req))],
  }),
);

/** A session stream on the bare generated stub, opened: push frames, read answers. */
async function bareSession(): Promise<{ requests: Pushable<SessionRequest>; responses: AsyncIterator<SessionResponse> }> {
  const agent = await sdk.instances.create({ name: "bench" });
  const requests = new Pushable<SessionRequest>();
  requests.push({ frame: { case: "open", value: { instanceId: agent.id } } } as SessionRequest);
  const responses = bareEngine.session(requests)[Symbol.asyncIterator]();
  await responses.next();
  return { requests, responses };
}

/** The SDK's batched round on the bare stub: frames of 64, WINDOW in flight; contracts/s. */
async function bareBatched(total: number): Promise<number> {
  const { requests, responses } = await bareSession();
  let sequence = 0n;
  const frame = (n: number): SessionRequest =>
    ({
      frame: {
        case: "batch",
        value: {
          observations: Array.from({ length: n }, (_, i) => ({
            sequence: ++sequence,
            observation: { mode: Mode.PERCEPTION + ((Number(sequence) + i) % 6), signalStrength: 0.5 },
          })),
        },
      },
    }) as SessionRequest;
  const started = performance.now();
  let sent = 0;
  let answered = 0;
  let energy = 0;
  for (let i = 0; i < WINDOW && sent < total; i++, sent += Math.min(64, total - sent)) requests.push(frame(Math.min(64, total - sent)));
  while (answered < total) {
    const res = await responses.next();
    if (res.done || res.value.frame.case !== "batch") throw new Error("bare stream ended early");
    const outs = res.value.frame.value.outcomes;
    answered += outs.length;
    energy += outs[outs.length - 1]!.outcome!.contract!.energyLevel;
    if (sent < total) {
      const n = Math.min(64, total - sent);
      requests.push(frame(n));
      sent += n;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  requests.end();
  if (!Number.isFinite(energy)) throw new Error("no contracts");
  return total / seconds;
}

/** One session, `total` observations in frames of 64 with WINDOW frames in flight; contracts/s. */
async function batched(total: number): Promise<number> {
  const agent = await sdk.instances.create({ name: "bench" });
  const session = await sdk.engine.session(agent.id);
  let sent = 0;
  let answered = 0;
  let energy = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const server = serverCpuUs();
  await new Promise<void>((resolve, reject) => {
    const send = (): void => {
      if (sent >= total) return;
      const batch = Array.from({ length: Math.min(64, total - sent) }, () => obs(sent++));
      session.sendBatch(batch).then((outs) => {
        answered += outs.length;
        energy += outs[outs.length - 1]!.contract.energyLevel; // read what a caller reads
        if (answered >= total) resolve();
        else send();
      }, reject);
    };
    for (let i = 0; i < WINDOW; i++) send();
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  cpuPerContract.push((used.user + used.system) / total);
  serverCpuPerContract.push((serverCpuUs() - server) / total);
  await session.close();
  if (!Number.isFinite(energy)) throw new Error("no contracts");
  return total / seconds;
}

async function lockStepSdk(count: number): Promise<number> {
  const agent = await sdk.instances.create({ name: "bench" });
  const session = await sdk.engine.session(agent.id);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await session.send(obs(i));
    if (i >= count / 10) samples.push(performance.now() - t);
  }
  await session.close();
  return median(samples);
}

async function lockStepBare(count: number): Promise<number> {
  const { requests, responses } = await bareSession();
  const samples: number[] = [];
  for (let i = 1; i <= count; i++) {
    const t = performance.now();
    requests.push({
      frame: { case: "observation", value: { sequence: BigInt(i), observation: { mode: Mode.ORDER, signalStrength: 0.5 } } },
    } as SessionRequest);
    await responses.next();
    if (i > count / 10) samples.push(performance.now() - t);
  }
  requests.end();
  return median(samples);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
const spread = (xs: number[], digits: number, unit: string): string =>
  `median ${median(xs).toFixed(digits)} ${unit} (min ${Math.min(...xs).toFixed(digits)}, max ${Math.max(...xs).toFixed(digits)}, ${xs.length} rounds)`;

try {
  await batched(PER_ROUND / 4); // warm-up: V8 optimises both sides
  await bareBatched(PER_ROUND / 4);
  cpuPerContract.length = 0;
  serverCpuPerContract.length = 0;
  const rates: number[] = [];
  const bareRates: number[] = [];
  const sdkP50: number[] = [];
  const bareP50: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Taking turns at going first, so a drifting load favours neither.
    if (r % 2 === 0) {
      rates.push(await batched(PER_ROUND));
      bareRates.push(await bareBatched(PER_ROUND));
    } else {
      bareRates.push(await bareBatched(PER_ROUND));
      rates.push(await batched(PER_ROUND));
    }
    // Interleaved, so both see the same machine load.
    sdkP50.push(await lockStepSdk(LOCKSTEP));
    bareP50.push(await lockStepBare(LOCKSTEP));
  }
  console.log(`SDK session, batches of 64, ${WINDOW} in flight: ${spread(rates, 0, "contracts/s")}`);
  console.log(`bare Connect stub, same frames:   ${spread(bareRates, 0, "contracts/s")}`);
  console.log(`client CPU per contract (batched):  ${spread(cpuPerContract, 2, "µs")}`);
  console.log(`server CPU per contract (batched):  ${spread(serverCpuPerContract, 2, "µs")}`);
  console.log(`lock-step p50 through the SDK:    ${spread(sdkP50, 3, "ms")}`);
  console.log(`lock-step p50, bare Connect stub: ${spread(bareP50, 3, "ms")}`);
  emit("sessions_sdk.batched_contracts_per_second", median(rates));
  emit("sessions_sdk.bare_batched_contracts_per_second", median(bareRates));
  emit("sessions_sdk.client_cpu_us_per_contract", median(cpuPerContract));
  emit("sessions_sdk.server_cpu_us_per_contract", median(serverCpuPerContract));
  emit("sessions_sdk.lockstep_p50_ms", median(sdkP50));
  emit("sessions_sdk.bare_lockstep_p50_ms", median(bareP50));
  emit("sessions_sdk.lockstep_added_ms", median(sdkP50.map((v, i) => v - bareP50[i]!)));
} finally {
  sdk.close();
  keel.child.kill("SIGTERM");
  await keel.exited;
}
