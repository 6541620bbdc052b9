// Mesh probes and tooling: grpc.health.v1 and server reflection, through a classic gRPC client.
// Both stay open with authentication on: these clients send no API key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bidi, grpcClients, unary, type GrpcClients } from "../support/grpc-js.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let clients: GrpcClients;

beforeAll(async () => {
  server = await startTestServer();
  clients = grpcClients(server.address, undefined, { apiKey: null });
});
afterAll(async () => {
  clients.close();
  await server.close();
});

describe("grpc.health.v1.Health", () => {
  it("reports the server and each Keel service SERVING", async () => {
    for (const service of ["", "liveness", "readiness", "keel.v1.InstanceService", "keel.v1.EngineService", "keel.v1.ContractService", "keel.v1.KeyService"]) {
      const res = await unary(clients.health, "Check", { service });
      expect(res.status, service).toBe("SERVING");
    }
  });

  it("answers NOT_FOUND for a service it does not serve", async () => {
    await expect(unary(clients.health, "Check", { service: "acme.Nope" })).rejects.toMatchObject({ code: 5 });
  });

  it("streams the status on Watch and follows changes", async () => {
    const call = (clients.health as unknown as { Watch(req: unknown): NodeJS.EventEmitter & { cancel(): void } }).Watch({
      service: "readiness",
    });
    const statuses: string[] = [];
    const seen = new Promise<void>((resolve) => {
      call.on("data", (msg: { status: string }) => {
        statuses.push(msg.status);
        if (statuses.length === 1) server.app.health.setStoreHealthy(false);
        if (statuses.length === 2) resolve();
      });
    });
    call.on("error", () => {});
    await seen;
    call.cancel();
    server.app.health.setStoreHealthy(true);
    expect(statuses).toEqual(["SERVING", "NOT_SERVING"]);
  });
});

describe("server reflection", () => {
  function ask(request: Record<string, unknown>): Promise<any> {
    return new Promise((resolve, reject) => {
      const call = bidi(clients.reflection, "ServerReflectionInfo");
      call.on("data", (msg) => {
        resolve(msg);
        call.end();
      });
      call.on("error", reject);
      call.write(request);
    });
  }

  it("lists every Keel service plus health and reflection", async () => {
    const res = await ask({ list_services: "" });
    const names = res.list_services_response.service.map((s: { name: string }) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "keel.v1.InstanceService",
        "keel.v1.EngineService",
        "keel.v1.ContractService",
        "keel.v1.KeyService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
      ]),
    );
  });

  it("returns the file declaring a method, with its imports", async () => {
    const res = await ask({ file_containing_symbol: "keel.v1.EngineService.Process" });
    const files = res.file_descriptor_response.file_descriptor_proto as Buffer[];
    expect(files.length).toBeGreaterThan(1);
    expect(files[0]!.toString("latin1")).toContain("keel/v1/engine_service.proto");
  });

  it.each([
    ["google.rpc.RetryInfo", "google/rpc/error_details.proto"],
    ["google.rpc.BadRequest", "google/rpc/error_details.proto"],
    ["google.rpc.Status", "google/rpc/status.proto"],
  ])("serves the error-detail type %s, so grpcurl can decode status details", async (symbol, file) => {
    const res = await ask({ file_containing_symbol: symbol });
    const files = res.file_descriptor_response.file_descriptor_proto as Buffer[];
    expect(files[0]!.toString("latin1")).toContain(file);
  });

  it("answers NOT_FOUND in-band for an unknown symbol", async () => {
    const res = await ask({ file_containing_symbol: "acme.Nope" });
    expect(res.error_response.error_code).toBe(5);
  });
});
