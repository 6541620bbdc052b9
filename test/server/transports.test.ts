// Acceptance of the foundation: one port answers grpc-js, Connect's gRPC, gRPC-Web and Connect
// transports, and curl JSON over HTTP/1.1, with the same Create -> Process -> GetContract flow.
// The API key travels as `authorization: Bearer <key>` on each of them, and each refuses a call
// without it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Code, ConnectError, createClient, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineService } from "../../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../../gen/keel/v1/instance_service_pb.js";
import { Action, Mode, StressLevel } from "../../gen/keel/v1/modes_pb.js";
import { TEST_API_KEY } from "../support/api-key.js";
import { authInterceptor } from "../support/clients.js";
import { grpcClients, unary } from "../support/grpc-js.js";
import { startTestServer, type TestServer } from "../support/server.js";

const run = promisify(execFile);
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const transports: [string, (interceptors: Interceptor[]) => Transport][] = [
  ["connect gRPC (h2c)", (interceptors) => createGrpcTransport({ baseUrl: server.baseUrl, interceptors })],
  ["connect gRPC-Web (h2c)", (interceptors) => createGrpcWebTransport({ baseUrl: server.baseUrl, httpVersion: "2", interceptors })],
  ["connect gRPC-Web (HTTP/1.1)", (interceptors) => createGrpcWebTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", interceptors })],
  ["Connect (h2c)", (interceptors) => createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "2", interceptors })],
  [
    "Connect JSON (HTTP/1.1)",
    (interceptors) => createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", useBinaryFormat: false, interceptors }),
  ],
];

describe.each(transports)("%s", (_name, transport) => {
  it("refuses a call without an API key with UNAUTHENTICATED", async () => {
    const instances = createClient(InstanceService, transport([]));
    const err = await instances.listInstances({}).then(() => undefined, (e: unknown) => ConnectError.from(e));
    expect(err?.code).toBe(Code.Unauthenticated);
  });

  it("creates an agent, processes an observation and reads the same contract back", async () => {
    const t = transport(authInterceptor(TEST_API_KEY));
    const instances = createClient(InstanceService, t);
    const engine = createClient(EngineService, t);
    const { instance } = await instances.createInstance({ name: "Aria", description: "Customer service bot" });
    expect(instance?.id).toMatch(/^inst_[0-9a-f]{16}$/);
    const { outcome } = await engine.process({
      instanceId: instance!.id,
      observation: { mode: Mode.EXPLORATION, signalStrength: 0.7 },
    });
    const contract = outcome!.contract!;
    expect(contract.cycleCount).toBe(1n);
    expect(contract.forbiddenActions).toEqual(expect.arrayContaining([Action.EMOTIONAL_MANIPULATION, Action.IDENTITY_OVERRIDE]));
    expect(contract.allowedActions).not.toContain(Action.EMOTIONAL_MANIPULATION);
    expect(contract.currentStressLevel).toBe(StressLevel.LOW);
    const read = await engine.getContract({ instanceId: instance!.id });
    expect(read.contract).toEqual(contract);
  });
});

describe("@grpc/grpc-js client", () => {
  it("is refused without an API key", async () => {
    const c = grpcClients(server.address, undefined, { apiKey: null });
    try {
      await expect(unary(c.instances, "ListInstances", {})).rejects.toMatchObject({ code: 16 }); // UNAUTHENTICATED
    } finally {
      c.close();
    }
  });

  it("runs the same flow over classic gRPC", async () => {
    const c = grpcClients(server.address);
    try {
      const created = await unary(c.instances, "CreateInstance", { name: "Aria" });
      const id = created.instance.id as string;
      const processed = await unary(c.engine, "Process", {
        instance_id: id,
        observation: { mode: "MODE_EXPLORATION", signal_strength: 0.7 },
      });
      expect(processed.outcome.contract.cycle_count).toBe("1");
      expect(processed.outcome.contract.forbidden_actions).toContain("ACTION_IDENTITY_OVERRIDE");
      const read = await unary(c.engine, "GetContract", { instance_id: id });
      expect(read.contract).toEqual(processed.outcome.contract);
    } finally {
      c.close();
    }
  });
});

describe("curl over HTTP/1.1", () => {
  async function curl(path: string, body: unknown, apiKey: string | null = TEST_API_KEY): Promise<{ status: number; json: any }> {
    const { stdout } = await run("curl", [
      "--silent", "--http1.1", "--max-time", "5",
      "-H", "content-type: application/json",
      ...(apiKey === null ? [] : ["-H", `authorization: Bearer ${apiKey}`]),
      "-d", JSON.stringify(body),
      "-w", "\n%{http_code}",
      `${server.baseUrl}${path}`,
    ]);
    const cut = stdout.lastIndexOf("\n");
    return { status: Number(stdout.slice(cut + 1)), json: JSON.parse(stdout.slice(0, cut)) };
  }

  it("answers a call without a key with 401 unauthenticated, saying what to send", async () => {
    const res = await curl("/keel.v1.InstanceService/ListInstances", {}, null);
    expect(res.status).toBe(401);
    expect(res.json.code).toBe("unauthenticated");
    expect(res.json.message).toContain("authorization Bearer");
  });

  it("runs the same flow with plain JSON", async () => {
    const created = await curl("/keel.v1.InstanceService/CreateInstance", { name: "Aria" });
    expect(created.status).toBe(200);
    const id = created.json.instance.id;
    const processed = await curl("/keel.v1.EngineService/Process", {
      instanceId: id,
      observation: { mode: "MODE_EXPLORATION", signalStrength: 0.7 },
    });
    expect(processed.status).toBe(200);
    expect(processed.json.outcome.contract.cycleCount).toBe("1");
    const read = await curl("/keel.v1.EngineService/GetContract", { instanceId: id });
    expect(read.json.contract).toEqual(processed.json.outcome.contract);
  });

  it("answers bad input with invalid_argument naming the field", async () => {
    const created = await curl("/keel.v1.InstanceService/CreateInstance", { name: "x" });
    const bad = await curl("/keel.v1.EngineService/Process", {
      instanceId: created.json.instance.id,
      observation: { mode: "MODE_EXPLORATION", signalStrength: 1.5 },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe("invalid_argument");
    expect(bad.json.message).toContain("observation.signal_strength");
  });
});
