// The series a Prometheus/Grafana setup for gRPC services already expects, by their ecosystem names
// (go-grpc-prometheus): grpc_type, grpc_service, grpc_method, grpc_code with gRPC's code names;
// per-message counters on streams; keel_build_info; in-flight gauges. And per-call log lines with
// level names, tenant, key id and request ids.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SessionRequest, type SessionRequestSchema } from "../../gen/keel/v1/engine_service_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { createLogger } from "../../src/logger.js";
import { clientsFor } from "../support/clients.js";
import { Pushable } from "../support/pushable.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
const lines: string[] = [];

beforeAll(async () => {
  // The production logger's format, written to memory.
  const logger = createLogger("info", { write: (chunk: string) => void lines.push(chunk.trimEnd()) });
  server = await startTestServer({ logger });
});
afterAll(async () => {
  await server.close();
});

async function scrape(): Promise<string> {
  return (await fetch(`${server.baseUrl}/metrics`)).text();
}

function value(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("gRPC server metrics by the ecosystem's names", () => {
  it("counts unary calls started and handled with gRPC code names, and stream messages both ways", async () => {
    const { instances, engine } = clientsFor(server.baseUrl, { apiKey: server.apiKey });
    const id = (await instances.createInstance({ name: "names" })).instance!.id;
    await engine.getState({ instanceId: "inst_0000000000000000" }).catch(() => {});

    const requests = new Pushable<MessageInitShape<typeof SessionRequestSchema>>();
    requests.push({ frame: { case: "open", value: { instanceId: id } } });
    const responses = engine.session(requests as AsyncIterable<SessionRequest>)[Symbol.asyncIterator]();
    await responses.next();
    for (let s = 1; s <= 3; s++) {
      requests.push({ frame: { case: "observation", value: { sequence: BigInt(s), observation: { mode: Mode.ORDER, signalStrength: 0.5 } } } });
      await responses.next();
    }
    const during = await scrape();
    expect(value(during, "keel_rpc_in_flight", { grpc_type: "bidi_stream" })).toBe(1);
    requests.end();
    while (!(await responses.next()).done);

    const text = await scrape();
    const create = { grpc_type: "unary", grpc_service: "keel.v1.InstanceService", grpc_method: "CreateInstance" };
    expect(value(text, "grpc_server_started_total", create)).toBe(1);
    expect(value(text, "grpc_server_handled_total", { ...create, grpc_code: "OK" })).toBe(1);
    expect(value(text, "grpc_server_handling_seconds_count", { ...create, grpc_code: "OK" })).toBe(1);
    const getState = { grpc_type: "unary", grpc_service: "keel.v1.EngineService", grpc_method: "GetState" };
    expect(value(text, "grpc_server_handled_total", { ...getState, grpc_code: "NotFound" })).toBe(1);

    const session = { grpc_type: "bidi_stream", grpc_service: "keel.v1.EngineService", grpc_method: "Session" };
    expect(value(text, "grpc_server_started_total", session)).toBe(1);
    expect(value(text, "grpc_server_handled_total", { ...session, grpc_code: "OK" })).toBe(1);
    expect(value(text, "grpc_server_msg_received_total", session)).toBe(4); // open + 3 observations
    expect(value(text, "grpc_server_msg_sent_total", session)).toBe(4); // opened + 3 outcomes
    expect(value(text, "keel_rpc_in_flight", { grpc_type: "bidi_stream" })).toBe(0);

    expect(text).toMatch(/^keel_build_info\{version="0\.1\.0",revision="[^"]+",node_version="v\d+\.\d+\.\d+",grpc_server="[^"]+",store="memory"\} 1$/m);
    // The domain series keep their names; the old per-RPC series are gone.
    expect(text).toContain("# TYPE keel_cycles_total counter");
    expect(text).not.toContain("keel_rpc_requests_total");
  });
});

describe("per-call log lines", () => {
  it("name the level, the tenant, the key id and the request ids", async () => {
    const { instances, engine } = clientsFor(server.baseUrl, { apiKey: server.apiKey });
    const id = (await instances.createInstance({ name: "logs" })).instance!.id;
    await engine.process({ instanceId: id, observation: { mode: Mode.ORDER, signalStrength: 0.5 }, requestId: "log-req-1" });
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.idempotencyKey === "log-req-1");
    expect(line).toMatchObject({ level: "info", msg: "rpc", method: "keel.v1.EngineService/Process", code: "OK", tenant: "default" });
    expect(line!.keyId).toMatch(/^keel_[0-9a-f]{16}$/);
    expect(line!.requestId).toEqual(expect.any(String));
  });
});
