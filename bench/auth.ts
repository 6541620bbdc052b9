// What the API-key gate adds to a call (tracker issue 8; target <= 5 us at the median), in
// process, without the network:
//   core         - AuthGate.authorizeValue (parse the header, find the key in the cache, SHA-256
//                  and constant-time compare, scope check) + one cycle-quota take
//   interceptor  - the same through the connect interceptor (context value, cost of the request,
//                  the async hop), minus the anonymous interceptor it replaces
//   session frame - the per-frame re-check and charge of an open session
// Each sample times a run of calls and divides, so the timer's own cost does not count; the
// median and p99 are over samples.
import { create } from "@bufbuild/protobuf";
import { createContextValues, type Interceptor, type UnaryRequest, type UnaryResponse } from "@connectrpc/connect";
import { EngineService, ProcessRequestSchema, ProcessResponseSchema } from "../gen/keel/v1/engine_service_pb.js";
import { anonymousInterceptor } from "../src/auth/anonymous.js";
import { newKeyRecord } from "../src/auth/api-key.js";
import { Authenticator, type Credential } from "../src/auth/authenticator.js";
import { AuthGate, gateInterceptor } from "../src/auth/gate.js";
import { QuotaBook } from "../src/auth/quota.js";
import { createLogger } from "../src/logger.js";
import { toConnectError } from "../src/rpc/errors.js";
import { MemoryKeyStore } from "../src/store/memory-keys.js";
import { emit, scaled } from "./report/emit.js";

const SAMPLES = scaled(4000, 100);
const PER_SAMPLE = 50;
const METHOD = "keel.v1.EngineService/Process";

function stats(perCallNs: number[]): { median: number; p99: number } {
  const sorted = [...perCallNs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p99: at(0.99) };
}

function fmt(ns: number): string {
  if (Number.isNaN(ns)) return "-";
  return ns >= 1000 ? `${(ns / 1000).toFixed(2)} us` : `${ns.toFixed(0)} ns`;
}

async function measure(run: () => unknown | Promise<unknown>, async: boolean): Promise<number[]> {
  const out: number[] = [];
  for (let warm = 0; warm < scaled(2000, 100); warm++) await run();
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = process.hrtime.bigint();
    if (async) for (let i = 0; i < PER_SAMPLE; i++) await run();
    else for (let i = 0; i < PER_SAMPLE; i++) run();
    out.push(Number(process.hrtime.bigint() - t0) / PER_SAMPLE);
  }
  return out;
}

async function main(): Promise<void> {
  const keys = new MemoryKeyStore();
  const { record, token } = newKeyRecord({ name: "bench", tenant: "bench", scope: "engine", createdBy: "bench", createdAtMs: 0 });
  await keys.createKey(record);
  const authenticator = new Authenticator({ keys, operatorTenant: "default", cacheTtlMs: 3_600_000 });
  // A rate so high the bucket never refuses: the take is measured, not a rejection.
  const gate = new AuthGate(authenticator, new QuotaBook({ cyclesPerSecond: 1e12, cyclesBurst: 1e12, sessions: 0 }));
  const header = `Bearer ${token}`;
  await gate.authorizeValue(METHOD, header); // fills the cache

  const core = await measure(() => {
    const credential = gate.authorizeValue(METHOD, header) as Credential;
    gate.chargeCycles(credential, 1);
  }, false);

  const credential = gate.authorizeValue(METHOD, header) as Credential;
  const frame = await measure(() => gate.frame(credential, 1), false);

  // The interceptor on a fake unary Process call whose handler returns at once.
  const response = { stream: false, message: create(ProcessResponseSchema), header: new Headers(), trailer: new Headers() } as unknown as UnaryResponse;
  const handler = async (): Promise<UnaryResponse> => response;
  const request = (): UnaryRequest =>
    ({
      stream: false,
      service: EngineService,
      method: EngineService.method.process,
      requestMethod: "POST",
      url: "http://127.0.0.1/keel.v1.EngineService/Process",
      signal: new AbortController().signal,
      header: new Headers({ authorization: header, "content-type": "application/proto" }),
      contextValues: createContextValues(),
      message: create(ProcessRequestSchema),
    }) as unknown as UnaryRequest;
  const through = (interceptor: Interceptor) => {
    const call = interceptor(handler as never) as (req: UnaryRequest) => Promise<unknown>;
    return () => call(request());
  };
  const withGate = await measure(through(gateInterceptor(gate, createLogger("silent"), (err) => toConnectError(err).code)), true);
  const withAnonymous = await measure(through(anonymousInterceptor("default")), true);

  const c = stats(core);
  const f = stats(frame);
  const g = stats(withGate);
  const a = stats(withAnonymous);
  const rows = [
    ["gate core: authenticate (cached) + authorize + quota take", c],
    ["session frame: re-check (cached) + quota take", f],
    ["gate interceptor, whole unary call path", g],
    ["anonymous interceptor (auth off), for comparison", a],
    // Medians subtract; tails (GC pauses) do not, so no p99 for the difference.
    ["added by the gate over auth off", { median: g.median - a.median, p99: Number.NaN }],
  ] as const;
  console.log(`API-key gate, in process (Node ${process.version}; ${SAMPLES} samples of ${PER_SAMPLE} calls; target <= 5 us median)`);
  for (const [what, s] of rows) console.log(`  ${what.padEnd(60)} median ${fmt(s.median).padStart(9)}   p99 ${fmt(s.p99).padStart(9)}`);
  emit("auth.gate_median_us", c.median / 1000);
  emit("auth.gate_p99_us", c.p99 / 1000);
  emit("auth.frame_median_us", f.median / 1000);
  emit("auth.interceptor_added_median_us", (g.median - a.median) / 1000);
  const verdict = c.median <= 5000 && g.median - a.median <= 5000;
  console.log(`  target: ${verdict ? "met" : "MISSED"}`);
}

await main();
