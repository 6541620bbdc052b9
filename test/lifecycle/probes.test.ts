// Probes a platform can wire to Kubernetes without restarting healthy pods: liveness ("" and
// "liveness", GET /livez) answers SERVING through a MongoDB outage; readiness ("readiness", each
// Keel service, GET /readyz) follows the store, and on shutdown goes NOT_SERVING for
// KEEL_DRAIN_DELAY_MS while connections are still accepted and calls still served.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectMongoStore } from "../../src/store/mongo/index.js";
import { grpcClients, unary } from "../support/grpc-js.js";
import { externalServer, startMongoServer, type MongoServer } from "../support/mongo-server.js";
import { startTestServer, type TestServer } from "../support/server.js";

const READINESS_NAMES = ["readiness", "keel.v1.EngineService", "keel.v1.InstanceService"];
const LIVENESS_NAMES = ["", "liveness"];

async function grpcStatus(address: string, service: string): Promise<string> {
  const clients = grpcClients(address, undefined, { apiKey: null });
  try {
    return (await unary(clients.health, "Check", { service }, 2000)).status as string;
  } finally {
    clients.close();
  }
}

async function httpStatus(baseUrl: string, path: "/livez" | "/readyz"): Promise<number> {
  return (await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(2000) })).status;
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(externalServer)("probes through a MongoDB outage", () => {
  let mongo: MongoServer;
  let server: TestServer;
  beforeAll(async () => {
    mongo = await startMongoServer();
    const store = await connectMongoStore({
      uri: mongo.uri,
      dbName: mongo.database("probes"),
      serverSelectionTimeoutMS: 1000,
      connectTimeoutMS: 1000,
      heartbeatFrequencyMS: 500,
    });
    server = await startTestServer({ store });
  });
  afterAll(async () => {
    await server?.close();
    await mongo?.dispose();
  });

  it("keeps liveness SERVING while readiness follows the database down and up again", async () => {
    for (const name of [...LIVENESS_NAMES, ...READINESS_NAMES]) expect(await grpcStatus(server.address, name), name).toBe("SERVING");
    expect(await httpStatus(server.baseUrl, "/livez")).toBe(200);
    expect(await httpStatus(server.baseUrl, "/readyz")).toBe(200);

    await mongo.stop();
    await until("readiness NOT_SERVING", async () => (await grpcStatus(server.address, "readiness")) === "NOT_SERVING");
    for (const name of READINESS_NAMES) expect(await grpcStatus(server.address, name), name).toBe("NOT_SERVING");
    for (const name of LIVENESS_NAMES) expect(await grpcStatus(server.address, name), name).toBe("SERVING");
    expect(await httpStatus(server.baseUrl, "/readyz")).toBe(503);
    expect(await httpStatus(server.baseUrl, "/livez")).toBe(200);

    await mongo.restart();
    await until("readiness SERVING again", async () => (await httpStatus(server.baseUrl, "/readyz")) === 200, 30_000);
    for (const name of [...LIVENESS_NAMES, ...READINESS_NAMES]) expect(await grpcStatus(server.address, name), name).toBe("SERVING");
  });
});

describe("KEEL_DRAIN_DELAY_MS", () => {
  it("reports NOT_SERVING on readiness while new connections and calls are still served, then drains", async () => {
    const delayMs = 1500;
    const server = await startTestServer({ env: { KEEL_DRAIN_DELAY_MS: String(delayMs) } });
    const startedAt = Date.now();
    const stopped = server.app.shutdown();
    try {
      expect(await httpStatus(server.baseUrl, "/readyz")).toBe(503);
      expect(await grpcStatus(server.address, "readiness")).toBe("NOT_SERVING");
      expect(await grpcStatus(server.address, "liveness")).toBe("SERVING");
      expect(await httpStatus(server.baseUrl, "/livez")).toBe(200);
      // A new connection, a write on it: still served during the delay.
      const clients = grpcClients(server.address);
      try {
        const created = await unary(clients.instances, "CreateInstance", { name: "during the drain delay" });
        expect(created.instance.id).toMatch(/^inst_/);
      } finally {
        clients.close();
      }
      expect(Date.now() - startedAt).toBeLessThan(delayMs);
    } finally {
      await stopped;
    }
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(delayMs);
    await expect(fetch(`${server.baseUrl}/livez`, { signal: AbortSignal.timeout(1000) })).rejects.toThrow();
  });
});
