// Tracing end to end: a real OTLP/HTTP receiver started here decodes what the SDK exports. A call
// carrying a W3C traceparent (Connect, gRPC via grpc-js, gRPC-Web, and a session stream) yields a
// server span in the caller's trace, with the engine cycle and store commit spans under it (a Reset:
// its commit), and the call's log line names the same trace and span. A caller that did not sample
// gets nothing recorded, but its trace id is still logged.
import * as http from "node:http";
import * as grpc from "@grpc/grpc-js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createGrpcWebTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResetTarget, type SessionRequest, type SessionRequestSchema } from "../../gen/keel/v1/engine_service_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { createLogger } from "../../src/logger.js";
import { startTracing, stopTracing, tracing } from "../../src/tracing/tracing.js";
import { authInterceptor, clientsFor, clientsOn } from "../support/clients.js";
import { grpcClients } from "../support/grpc-js.js";
import { Pushable } from "../support/pushable.js";
import { startTestServer, type TestServer } from "../support/server.js";

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

const spans: OtlpSpan[] = [];
const lines: string[] = [];
let receiver: http.Server;
let server: TestServer;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      expect(req.url).toBe("/v1/traces");
      const decoded = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const rs of decoded.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as { port: number };
  const on = await startTracing({
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_SERVICE_NAME: "keel-test",
  });
  expect(on).toBe(true);
  const logger = createLogger("info", { write: (chunk: string) => void lines.push(chunk.trimEnd()) });
  server = await startTestServer({ logger });
});
afterAll(async () => {
  await server?.close();
  await stopTracing();
  receiver?.close();
});

/** A traceparent of a new trace, as an upstream service would send it (sampled unless told). */
function newParent(sampled = true): { traceId: string; parentId: string; header: string } {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join("");
  const traceId = hex(32);
  const parentId = hex(16);
  return { traceId, parentId, header: `00-${traceId}-${parentId}-${sampled ? "01" : "00"}` };
}

async function spansOf(traceId: string, atLeast: number): Promise<OtlpSpan[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    await tracing()!.flush();
    const found = spans.filter((s) => s.traceId === traceId);
    if (found.length >= atLeast || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : undefined);
};

/** The RPC span of `method` in the trace, child of the caller's span, with the cycle and commit spans below it. */
function expectCallTree(found: OtlpSpan[], parentId: string, method: string, cycles: number) {
  const rpc = found.find((s) => s.name === method);
  expect(rpc, `${method} span`).toBeDefined();
  expect(rpc!.parentSpanId).toBe(parentId);
  expect(rpc!.kind).toBe(2); // SERVER
  expect(attr(rpc!, "rpc.system")).toBe("grpc");
  const cycleSpans = found.filter((s) => s.name === "keel.engine.cycle" && s.parentSpanId === rpc!.spanId);
  expect(cycleSpans).toHaveLength(cycles);
  const commit = found.find((s) => s.name === "keel.store.commit" && s.parentSpanId === rpc!.spanId);
  expect(commit).toBeDefined();
  expect(attr(commit!, "keel.batch_size")).toBe(cycles);
  return rpc!;
}

describe("OpenTelemetry tracing over OTLP/HTTP", () => {
  it("continues the caller's trace on Connect and logs the trace and span ids", async () => {
    const parent = newParent();
    const { instances, engine } = clientsFor(server.baseUrl, { apiKey: server.apiKey });
    const id = (await instances.createInstance({ name: "traced" })).instance!.id;
    const o = { mode: Mode.ORDER, signalStrength: 0.5 };
    await engine.processBatch({ instanceId: id, observations: [o, o, o], requestId: "traced-1" }, { headers: { traceparent: parent.header } });
    const rpc = expectCallTree(await spansOf(parent.traceId, 5), parent.parentId, "keel.v1.EngineService/ProcessBatch", 3);
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.idempotencyKey === "traced-1");
    expect(line).toMatchObject({ traceId: parent.traceId, spanId: rpc.spanId });
  });

  it("traces a Reset and its commit in the caller's trace", async () => {
    const parent = newParent();
    const { instances, engine } = clientsFor(server.baseUrl, { apiKey: server.apiKey });
    const id = (await instances.createInstance({ name: "traced-reset" })).instance!.id;
    await engine.reset({ instanceId: id, target: ResetTarget.INITIAL }, { headers: { traceparent: parent.header } });
    const found = await spansOf(parent.traceId, 2);
    const rpc = found.find((s) => s.name === "keel.v1.EngineService/Reset");
    expect(rpc?.parentSpanId).toBe(parent.parentId);
    const commit = found.find((s) => s.name === "keel.store.commit");
    expect(commit?.parentSpanId).toBe(rpc!.spanId);
    expect(attr(commit!, "keel.batch_size")).toBe(0);
  });

  it("records nothing for a caller that did not sample, and still logs its trace id", async () => {
    const unsampled = newParent(false);
    const sampled = newParent();
    const { instances, engine } = clientsFor(server.baseUrl, { apiKey: server.apiKey });
    const id = (await instances.createInstance({ name: "unsampled" })).instance!.id;
    const o = { mode: Mode.ORDER, signalStrength: 0.5 };
    await engine.processBatch({ instanceId: id, observations: [o], requestId: "unsampled-1" }, { headers: { traceparent: unsampled.header } });
    // A sampled call after it: once its spans are in, the unsampled call's would be too.
    await engine.process({ instanceId: id, observation: o }, { headers: { traceparent: sampled.header } });
    expect(await spansOf(sampled.traceId, 3)).toHaveLength(3);
    expect(spans.filter((s) => s.traceId === unsampled.traceId)).toEqual([]);
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.idempotencyKey === "unsampled-1");
    expect(line).toMatchObject({ traceId: unsampled.traceId });
  });

  it("continues it on gRPC (grpc-js client) and on gRPC-Web", async () => {
    const { instances } = clientsFor(server.baseUrl, { apiKey: server.apiKey });
    const id = (await instances.createInstance({ name: "traced-grpc" })).instance!.id;

    const grpcParent = newParent();
    const clients = grpcClients(server.address, undefined, { apiKey: server.apiKey });
    try {
      await new Promise((resolve, reject) => {
        const md = new grpc.Metadata();
        md.set("traceparent", grpcParent.header);
        (clients.engine as unknown as { Process: (r: unknown, m: grpc.Metadata, cb: (e: unknown, r: unknown) => void) => void }).Process(
          { instance_id: id, observation: { mode: "MODE_ORDER", signal_strength: 0.5 } },
          md,
          (err, res) => (err ? reject(err) : resolve(res)),
        );
      });
    } finally {
      clients.close();
    }
    expectCallTree(await spansOf(grpcParent.traceId, 3), grpcParent.parentId, "keel.v1.EngineService/Process", 1);

    const webParent = newParent();
    const web = clientsOn(createGrpcWebTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", interceptors: authInterceptor(server.apiKey) }));
    await web.engine.process({ instanceId: id, observation: { mode: Mode.ORDER, signalStrength: 0.5 } }, { headers: { traceparent: webParent.header } });
    expectCallTree(await spansOf(webParent.traceId, 3), webParent.parentId, "keel.v1.EngineService/Process", 1);
  });

  it("puts a session's cycles and commits under the session's span", async () => {
    const parent = newParent();
    const { instances, engine } = clientsFor(server.baseUrl, { apiKey: server.apiKey });
    const id = (await instances.createInstance({ name: "traced-session" })).instance!.id;
    const requests = new Pushable<MessageInitShape<typeof SessionRequestSchema>>();
    requests.push({ frame: { case: "open", value: { instanceId: id } } });
    const responses = engine.session(requests as AsyncIterable<SessionRequest>, { headers: { traceparent: parent.header } })[Symbol.asyncIterator]();
    await responses.next();
    requests.push({ frame: { case: "observation", value: { sequence: 1n, observation: { mode: Mode.ORDER, signalStrength: 0.5 } } } });
    await responses.next();
    requests.end();
    while (!(await responses.next()).done);
    expectCallTree(await spansOf(parent.traceId, 3), parent.parentId, "keel.v1.EngineService/Session", 1);
  });
});
