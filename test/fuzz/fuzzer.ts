// The edge fuzzer: generated bad inputs against a running Keel, over every transport and every RPC
// (sessions included), checking that each answer's code is one a client's mistake may get (never
// INTERNAL, UNKNOWN or DATA_LOSS), that the server survives, and that the target agents change
// only through requests the server accepted. test/fuzz/fuzz.test.ts runs a short round in CI;
// bench/fuzz.ts runs >= 100,000 inputs and prints the numbers.
//
// Inputs, per round-robin over RPCs and transports:
//   random  - random bytes as the message
//   mutated - a valid encoding of a random message with bytes flipped, cut or duplicated
//   values  - a well-formed message with random (mostly invalid) field values, often aimed at a
//             target agent; on Connect JSON, its JSON (or, when unencodable, broken JSON)
//   auth    - any of the above with a missing, malformed or unknown key
import * as http2 from "node:http2";
import { create, toBinary, toJsonString, type DescMessage, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import fc from "fast-check";
import { ContractService } from "../../gen/keel/v1/contract_service_pb.js";
import { EngineService } from "../../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../../gen/keel/v1/instance_service_pb.js";
import { KeyService } from "../../gen/keel/v1/key_service_pb.js";
import { Health } from "../../gen/health/v1/health_pb.js";
import * as reflection from "../../gen/grpc/reflection/v1/reflection_pb.js";
import { bearer } from "../support/api-key.js";
import { messageInit } from "../support/arbitrary-messages.js";
import { connectStreamEnd, envelope, grpcWebStatus, rawCall, type RawAnswer } from "../support/raw-http2.js";
import { rng, type Rng } from "../support/rng.js";

export const SERVICES: DescService[] = [EngineService, InstanceService, ContractService, KeyService, Health, reflection.ServerReflection];
const TRANSPORTS = ["grpc", "grpc-web", "connect-proto", "connect-json"] as const;
type Transport = (typeof TRANSPORTS)[number];

/** Codes a client's mistake (or the server's legitimate refusal) may get. */
export const ALLOWED = new Set<Code | 0>([
  0,
  Code.Canceled,
  Code.InvalidArgument,
  Code.DeadlineExceeded,
  Code.NotFound,
  Code.AlreadyExists,
  Code.PermissionDenied,
  Code.ResourceExhausted,
  Code.FailedPrecondition,
  Code.Aborted,
  Code.OutOfRange,
  Code.Unimplemented,
  Code.Unauthenticated,
]);
/** Methods that change an agent when accepted. */
const WRITES = new Set(["Process", "ProcessBatch", "Reset", "Session", "DeleteInstance", "UpdateInstance", "PutContract", "GenerateContract"]);

export interface FuzzOptions {
  baseUrl: string;
  apiKey: string;
  targets: string[];
  inputs: number;
  seed: number;
  /** Calls in flight at once. */
  concurrency?: number;
}

export interface FuzzReport {
  inputs: number;
  byCode: Record<string, number>;
  byTransport: Record<string, number>;
  byKind: Record<string, number>;
  /** Answers outside ALLOWED, with what was sent: must stay empty. */
  violations: { method: string; transport: string; kind: string; code: string; message: string }[];
  /** Target agents some accepted write named (their state may change). */
  touched: Set<string>;
  seconds: number;
}

const CODE_BY_NAME: Record<string, number> = {
  ok: 0, canceled: 1, unknown: 2, invalid_argument: 3, deadline_exceeded: 4, not_found: 5, already_exists: 6,
  permission_denied: 7, resource_exhausted: 8, failed_precondition: 9, aborted: 10, out_of_range: 11,
  unimplemented: 12, internal: 13, unavailable: 14, data_loss: 15, unauthenticated: 16,
};

interface Input {
  method: DescMethod;
  transport: Transport;
  kind: string;
  body: Uint8Array;
  json: string | null;
  headers: Record<string, string>;
  target: string | null;
}

export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const methods = SERVICES.flatMap((s) => s.methods).filter((m) => !(m.parent.typeName === "grpc.health.v1.Health" && m.name === "Watch"));
  const r = rng(options.seed);
  const arbitraries = new Map<DescMessage, fc.Arbitrary<Record<string, unknown>>>();
  const report: FuzzReport = { inputs: 0, byCode: {}, byTransport: {}, byKind: {}, violations: [], touched: new Set(), seconds: 0 };
  const started = performance.now();
  let session = http2.connect(options.baseUrl);
  session.on("error", () => undefined);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.inputs) {
      const n = next++;
      const input = makeInput(n, methods, arbitraries, r, options);
      if (session.closed || session.destroyed) {
        session = http2.connect(options.baseUrl);
        session.on("error", () => undefined);
      }
      const { code, message } = await send(session, input);
      report.inputs++;
      const name = code === -1 ? "no-answer" : code === 0 ? "OK" : (Code[code] ?? String(code));
      report.byCode[name] = (report.byCode[name] ?? 0) + 1;
      report.byTransport[input.transport] = (report.byTransport[input.transport] ?? 0) + 1;
      report.byKind[input.kind] = (report.byKind[input.kind] ?? 0) + 1;
      if (!ALLOWED.has(code as Code)) {
        report.violations.push({ method: `${input.method.parent.typeName}/${input.method.name}`, transport: input.transport, kind: input.kind, code: name, message: message.slice(0, 200) });
      }
      if (code === 0 && WRITES.has(input.method.name) && input.target) report.touched.add(input.target);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  session.close();
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

function makeInput(
  n: number,
  methods: DescMethod[],
  arbitraries: Map<DescMessage, fc.Arbitrary<Record<string, unknown>>>,
  r: Rng,
  options: FuzzOptions,
): Input {
  const method = methods[n % methods.length]!;
  const transport = TRANSPORTS[Math.floor(n / methods.length) % TRANSPORTS.length]!;
  const roll = r();
  const kind = roll < 0.25 ? "random" : roll < 0.5 ? "mutated" : "values";
  const init = draw(method.input, arbitraries, r);
  // Aim most inputs at a target agent, so validation runs past "not found".
  // Well-formed values go to the first half of the targets ("open"), broken bytes and bad keys to
  // the second half ("guarded"): a guarded target changing at all would need an accepted write.
  let target: string | null = null;
  if (r() < 0.7) {
    const half = Math.max(1, Math.floor(options.targets.length / 2));
    const pick = kind === "values" ? Math.floor(r() * half) : half + Math.floor(r() * (options.targets.length - half));
    target = options.targets[Math.min(pick, options.targets.length - 1)]!;
    aim(init, target);
  }
  let message: Uint8Array;
  let json: string | null = null;
  try {
    const msg = create(method.input, init as never);
    message = toBinary(method.input, msg);
    if (transport === "connect-json") json = toJsonString(method.input, msg);
  } catch {
    message = new Uint8Array(0);
  }
  if (kind === "random") {
    message = randomBytes(r, Math.floor(r() * 64));
    json = r() < 0.5 ? Buffer.from(message).toString("latin1") : `{"${"x".repeat(Math.floor(r() * 8))}": ${Math.floor(r() * 100)}`;
  } else if (kind === "mutated") {
    message = mutate(r, message);
    if (json !== null) json = mutateText(r, json);
  } else if (json === null && transport === "connect-json") {
    json = "{";
  }
  const headers: Record<string, string> = { authorization: bearer(options.apiKey) };
  const authRoll = r();
  const withAuth = authRoll < 0.08 ? "auth" : kind;
  if (authRoll < 0.03) delete headers.authorization;
  else if (authRoll < 0.06) headers.authorization = `Bearer ${Buffer.from(randomBytes(r, 20)).toString("base64")}`;
  else if (authRoll < 0.08) headers.authorization = bearer(`keel_${Buffer.from(randomBytes(r, 8)).toString("hex")}_${"A".repeat(43)}`);
  return { method, transport, kind: withAuth, body: message, json, headers, target };
}

const pools = new Map<DescMessage, Record<string, unknown>[]>();

/** A random message init of the type; samples come in batches (fast-check's runner is costly). */
function draw(desc: DescMessage, arbitraries: Map<DescMessage, fc.Arbitrary<Record<string, unknown>>>, r: Rng): Record<string, unknown> {
  let pool = pools.get(desc);
  if (!pool || pool.length === 0) {
    let arb = arbitraries.get(desc);
    if (!arb) arbitraries.set(desc, (arb = messageInit(desc)));
    pool = fc.sample(arb, { seed: Math.floor(r() * 2 ** 31), numRuns: 256 });
    pools.set(desc, pool);
  }
  return structuredClone(pool.pop()!);
}

/** Puts the target's id into the message's agent id fields (top level and open frames). */
function aim(init: Record<string, unknown>, target: string): void {
  for (const field of ["instanceId", "agentId"]) if (field in init || Math.random() < 0.5) init[field] = target;
  const frame = init.frame as { case?: string; value?: Record<string, unknown> } | undefined;
  if (frame?.case === "open" && frame.value) frame.value.instanceId = target;
}

function randomBytes(r: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

function mutate(r: Rng, bytes: Uint8Array): Uint8Array {
  const out = Buffer.from(bytes);
  if (out.length === 0) return randomBytes(r, 1 + Math.floor(r() * 8));
  const op = r();
  if (op < 0.4) {
    for (let k = 0; k < 1 + Math.floor(r() * 3); k++) out[Math.floor(r() * out.length)] = Math.floor(r() * 256);
    return out;
  }
  if (op < 0.7) return out.subarray(0, Math.floor(r() * out.length));
  const at = Math.floor(r() * out.length);
  return Buffer.concat([out.subarray(0, at), out.subarray(at, at + 1 + Math.floor(r() * 8)), out.subarray(at)]);
}

function mutateText(r: Rng, text: string): string {
  if (text.length === 0) return "}";
  const at = Math.floor(r() * text.length);
  const junk = ['"', "{", "]", "1e999", "-", "null", ",", "\\u00", "NaN"][Math.floor(r() * 9)]!;
  return text.slice(0, at) + junk + text.slice(at + (r() < 0.5 ? 1 : 0));
}

async function send(session: http2.ClientHttp2Session, input: Input): Promise<{ code: number; message: string }> {
  const path = `/${input.method.parent.typeName}/${input.method.name}`;
  const streaming = input.method.methodKind !== "unary";
  // Streams get one to three frames; a stream is half-closed after them.
  const frames = streaming ? Buffer.concat([envelope(input.body), ...(input.body.length % 3 === 0 ? [envelope(input.body)] : [])]) : envelope(input.body);
  let answer: RawAnswer;
  switch (input.transport) {
    case "grpc":
      answer = await rawCall(session, path, "application/grpc", frames, { ...input.headers, "grpc-timeout": "5S" });
      return grpcAnswer(answer);
    case "grpc-web":
      answer = await rawCall(session, path, "application/grpc-web+proto", frames, { ...input.headers, "grpc-timeout": "5S" });
      return answer.status === 200 ? grpcWebStatus(answer) : httpAnswer(answer);
    case "connect-proto":
      if (streaming) {
        answer = await rawCall(session, path, "application/connect+proto", frames, { ...input.headers, "connect-timeout-ms": "5000" });
        return connectStream(answer);
      }
      answer = await rawCall(session, path, "application/proto", input.body, { ...input.headers, "connect-protocol-version": "1", "connect-timeout-ms": "5000" });
      return httpAnswer(answer);
    case "connect-json": {
      const text = Buffer.from(input.json ?? "{", "utf8");
      if (streaming) {
        answer = await rawCall(session, path, "application/connect+json", envelope(text), { ...input.headers, "connect-timeout-ms": "5000" });
        return connectStream(answer);
      }
      answer = await rawCall(session, path, "application/json", text, { ...input.headers, "connect-protocol-version": "1", "connect-timeout-ms": "5000" });
      return httpAnswer(answer);
    }
  }
}

function grpcAnswer(answer: RawAnswer): { code: number; message: string } {
  const raw = answer.trailers["grpc-status"] ?? answer.headers["grpc-status"];
  if (raw === undefined) return answer.status ? httpAnswer(answer) : { code: -1, message: `no status (rst ${answer.rstCode})` };
  return { code: Number(raw), message: decodeURIComponent(String(answer.trailers["grpc-message"] ?? answer.headers["grpc-message"] ?? "")) };
}

function connectStream(answer: RawAnswer): { code: number; message: string } {
  if (answer.status !== 200) return httpAnswer(answer);
  const end = connectStreamEnd(answer);
  return { code: CODE_BY_NAME[end.code] ?? -1, message: end.message };
}

function httpAnswer(answer: RawAnswer): { code: number; message: string } {
  if (answer.status === 200) return { code: 0, message: "" };
  if (answer.status === 0) return { code: -1, message: `no answer (rst ${answer.rstCode})` };
  try {
    const e = JSON.parse(answer.body.toString("utf8")) as { code?: string; message?: string };
    if (e.code) return { code: CODE_BY_NAME[e.code] ?? -1, message: e.message ?? "" };
  } catch {
    // not a Connect error body
  }
  // Answers before any RPC machinery (415 unsupported media type, 404): HTTP's own refusals.
  const byStatus: Record<number, number> = { 400: 3, 404: 12, 405: 12, 408: 4, 415: 12, 429: 8 };
  return { code: byStatus[answer.status] ?? (answer.status >= 500 ? Code.Internal : Code.InvalidArgument), message: `HTTP ${answer.status}` };
}
