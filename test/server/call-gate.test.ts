// One per-call gate on every path: the auth interceptor given to startServer runs for gRPC on grpc-js and for Connect / gRPC-Web on connect-node alike, can refuse a
// call with its own code, and hands context values to the handlers. Handlers see the call's
// deadline and abort signal the same way on both paths.
import { create } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createClient,
  createContextKey,
  type ConnectRouter,
  type HandlerContext,
  type Interceptor,
} from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Health,
  HealthCheckResponse_ServingStatus as Status,
  HealthCheckResponseSchema,
  type HealthCheckRequest,
} from "../../gen/health/v1/health_pb.js";
import { createLogger } from "../../src/logger.js";
import { startServer, type RunningServer } from "../../src/server/server.js";

const principal = createContextKey<string | undefined>(undefined, { description: "caller" });

/** A stand-in for API-key authentication. */
const auth: Interceptor = (next) => async (req) => {
  const key = req.header.get("x-api-key");
  if (key !== "good") throw new ConnectError("missing or unknown API key", Code.Unauthenticated);
  req.contextValues.set(principal, "tenant-a");
  return next(req);
};

/** What the handler saw, per call. */
const seen: { principal?: string; timeoutMs?: number; aborted?: boolean }[] = [];

function routes(router: ConnectRouter): void {
  router.service(Health, {
    async check(req: HealthCheckRequest, ctx: HandlerContext) {
      seen.push({ principal: ctx.values.get(principal), timeoutMs: ctx.timeoutMs(), aborted: ctx.signal.aborted });
      if (req.service === "slow") {
        // Waits for the deadline to abort the signal.
        await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
        throw ctx.signal.reason;
      }
      return create(HealthCheckResponseSchema, { status: Status.SERVING });
    },
  } as never);
}

describe.each(["grpc-js", "connect"] as const)("grpcServer %s", (grpcServer) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      host: "127.0.0.1",
      port: 0,
      logger: createLogger("silent"),
      routes,
      maxMessageBytes: 1024 * 1024,
      maxTimeoutMs: 60_000,
      drain: new AbortController(),
      auth,
      grpcServer,
    });
  });
  afterAll(async () => {
    await server.shutdown(100);
  });

  const baseUrl = () => `http://127.0.0.1:${server.port}`;
  const transports = [
    ["gRPC", () => createGrpcTransport({ baseUrl: baseUrl() })],
    ["Connect h2", () => createConnectTransport({ baseUrl: baseUrl(), httpVersion: "2" })],
    ["gRPC-Web h1", () => createGrpcWebTransport({ baseUrl: baseUrl(), httpVersion: "1.1" })],
  ] as const;

  it.each(transports)("%s: the gate refuses, admits and hands values to the handler", async (_name, transport) => {
    const health = createClient(Health, transport());
    const refused = await health.check({}).catch((e: unknown) => ConnectError.from(e));
    expect((refused as ConnectError).code).toBe(Code.Unauthenticated);
    seen.length = 0;
    const ok = await health.check({}, { headers: { "x-api-key": "good" }, timeoutMs: 5000 });
    expect(ok.status).toBe(Status.SERVING);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.principal).toBe("tenant-a");
    expect(seen[0]!.aborted).toBe(false);
    expect(seen[0]!.timeoutMs).toBeGreaterThan(4000);
    expect(seen[0]!.timeoutMs).toBeLessThanOrEqual(5000);
  });

  it.each(transports)("%s: the deadline aborts the handler's signal", async (_name, transport) => {
    const health = createClient(Health, transport());
    const err = await health
      .check({ service: "slow" }, { headers: { "x-api-key": "good" }, timeoutMs: 150 })
      .catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.DeadlineExceeded);
  });
});
