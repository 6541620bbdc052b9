// What the SDKs rely on from the server, on every transport: INVALID_ARGUMENT carries
// google.rpc.BadRequest field violations, quota refusals carry Retry-After on Connect's HTTP/1.1
// answer, and deadlines past KEEL_MAX_TIMEOUT_MS are capped rather than refused.
import { Code, ConnectError, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BadRequestSchema } from "../../gen/google/rpc/error_details_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { capTimeoutHeaders, grpcTimeoutMs } from "../../src/server/deadline-cap.js";
import { authInterceptor, clientsFor, clientsOn } from "../support/clients.js";
import { nextFrame, openSession } from "../support/session-stream.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let id: string;

beforeAll(async () => {
  server = await startTestServer({ env: { KEEL_MAX_TIMEOUT_MS: "300" } });
  id = (await clientsFor(server.baseUrl).instances.createInstance({ name: "details" })).instance!.id;
});
afterAll(async () => {
  await server.close();
});

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  const err = await p.then(() => undefined, (e: unknown) => ConnectError.from(e));
  if (!err) throw new Error("the call succeeded");
  return err;
}

const transports: [string, (i: Interceptor[]) => Transport][] = [
  ["gRPC (grpc-js path)", (interceptors) => createGrpcTransport({ baseUrl: server.baseUrl, interceptors })],
  ["Connect h2", (interceptors) => createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "2", interceptors })],
  [
    "Connect JSON h1",
    (interceptors) => createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", useBinaryFormat: false, interceptors }),
  ],
  ["gRPC-Web h1", (interceptors) => createGrpcWebTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", interceptors })],
];

describe.each(transports)("over %s", (_name, transport) => {
  const clients = () => clientsOn(transport(authInterceptor(undefined)));

  it("INVALID_ARGUMENT names the field in a google.rpc.BadRequest violation", async () => {
    const err = await failure(clients().engine.process({ instanceId: id, observation: { mode: Mode.ORDER, signalStrength: 1.5 } }));
    expect(err.code).toBe(Code.InvalidArgument);
    const [details] = err.findDetails(BadRequestSchema);
    expect(details?.fieldViolations.map((v) => v.field)).toEqual(["observation.signal_strength"]);
    expect(details?.fieldViolations[0]!.description).toContain("from 0 to 1");
  });

  it("a batch names the index of the bad observation", async () => {
    const ok = { mode: Mode.ORDER, signalStrength: 0.5 };
    const err = await failure(
      clients().engine.processBatch({ instanceId: id, observations: [ok, { mode: 99 as Mode, signalStrength: 0.5 }] }),
    );
    expect(err.findDetails(BadRequestSchema)[0]?.fieldViolations[0]?.field).toBe("observations[1].mode");
  });

  it("a deadline longer than KEEL_MAX_TIMEOUT_MS is capped, not refused", async () => {
    const res = await clients().engine.getState({ instanceId: id }, { timeoutMs: 61_100 });
    expect(res.state).toBeDefined();
  });
});

describe("session frames", () => {
  it("a bad observation in a batch frame is named by its path in the SessionRequest", async () => {
    const agent = (await clientsFor(server.baseUrl).instances.createInstance({ name: "frames" })).instance!.id;
    const { requests, responses } = openSession(clientsFor(server.baseUrl).engine, agent);
    await nextFrame(responses);
    requests.push({
      frame: {
        case: "batch",
        value: { observations: [{ sequence: 1n, observation: { mode: Mode.ORDER, signalStrength: 2 } }] },
      },
    });
    const err = await failure(nextFrame(responses));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.findDetails(BadRequestSchema)[0]?.fieldViolations[0]?.field).toBe(
      "batch.observations[0].observation.signal_strength",
    );
  });
});

describe("deadline cap", () => {
  it.each([
    ["gRPC (grpc-js path)", () => createGrpcTransport({ baseUrl: server.baseUrl, interceptors: authInterceptor(undefined) })],
    ["Connect h2", () => createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "2", interceptors: authInterceptor(undefined) })],
  ])("a session asking for 60 s over %s ends at the server's 300 ms", async (_name, transport) => {
    const { engine } = clientsOn(transport());
    const started = Date.now();
    const requests = (async function* () {
      yield { frame: { case: "open" as const, value: { instanceId: id } } };
      await new Promise((r) => setTimeout(r, 10_000));
    })();
    const err = await failure(
      (async () => {
        for await (const _ of engine.session(requests, { timeoutMs: 60_000 })) void _;
      })(),
    );
    expect(err.code).toBe(Code.DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("parses grpc-timeout units and rewrites only values over the cap", () => {
    expect(grpcTimeoutMs("61100m")).toBe(61_100);
    expect(grpcTimeoutMs("2S")).toBe(2000);
    expect(grpcTimeoutMs("1H")).toBe(3_600_000);
    expect(grpcTimeoutMs("bogus")).toBeUndefined();
    const headers: Record<string, string> = { "grpc-timeout": "61100m", "connect-timeout-ms": "61100" };
    capTimeoutHeaders(headers, 60_000);
    expect(headers).toEqual({ "grpc-timeout": "60000m", "connect-timeout-ms": "60000" });
    const short: Record<string, string> = { "grpc-timeout": "5S", "connect-timeout-ms": "5000" };
    capTimeoutHeaders(short, 60_000);
    expect(short).toEqual({ "grpc-timeout": "5S", "connect-timeout-ms": "5000" });
  });
});

describe("Retry-After", () => {
  it("Connect over HTTP/1.1 answers a quota refusal with 429 and Retry-After in whole seconds", async () => {
    const key = await server.mintKey({ scope: "engine", cyclesPerSecond: 1 });
    const call = () =>
      fetch(`${server.baseUrl}/keel.v1.EngineService/Process`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key.token}` },
        body: JSON.stringify({ instanceId: id, observation: { mode: "MODE_ORDER", signalStrength: 0.5 } }),
      });
    let res = await call();
    for (let i = 0; i < 5 && res.status === 200; i++) res = await call();
    expect(res.status).toBe(429);
    const seconds = Number(res.headers.get("retry-after"));
    expect(Number.isInteger(seconds) && seconds >= 1).toBe(true);
    expect(((await res.json()) as { code: string }).code).toBe("resource_exhausted");
  });
});
