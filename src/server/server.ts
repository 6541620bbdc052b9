// Assembles the routes and serves them on one port; owns graceful shutdown.
import type * as http2 from "node:http2";
import type * as net from "node:net";
import { Code, ConnectError, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "../logger.js";
import { METRICS_PATH, type KeelMetrics } from "../metrics/metrics.js";
import { anonymousInterceptor } from "../auth/anonymous.js";
import { callInterceptor, type CallTracker } from "../rpc/interceptors.js";
import { keelConnectAdapter } from "./connect-adapter.js";
import { capTimeoutHeaders } from "./deadline-cap.js";
import { checkLibraryInternals } from "./library-internals.js";
import { collectSpecs, createGrpcPath, type MessageDecoder, type MessageEncoder } from "./grpc-path.js";
import { drainRequestBodies, limitHttp1, limitHttp2, type RequestLimits } from "./request-limits.js";
import { hotDecoders, hotEncoders } from "./hot-encoders.js";
import { limitConnection, type ConnectionLimits } from "./connection-limits.js";
import { createDualProtocolServer, type Handler, type TlsMaterial } from "./listener.js";

export interface ServerOptions {
  host: string;
  port: number;
  logger: Logger;
  routes: (router: ConnectRouter) => void;
  maxMessageBytes: number;
  maxTimeoutMs: number;
  /** Aborted when draining begins; streaming handlers end with the abort reason. */
  drain: AbortController;
  /** Served at GET /metrics and fed by every call; no /metrics route when absent. */
  metrics?: KeelMetrics;
  /** HTTP/2 and HTTP/1.1 over TLS (ALPN) instead of cleartext; mTLS when clientCa is set. */
  tls?: TlsMaterial | null;
  /**
   * Puts a Principal into every call's context: the API-key gate (src/auth/gate.ts), or with auth
   * off the operator tenant's anonymous admin (the default). Runs after the call interceptor, so
   * refused calls are logged and counted, on the connect-node and the grpc-js path alike.
   */
  auth?: Interceptor;
  /**
   * Which server answers HTTP/2 gRPC (application/grpc, +proto): "grpc-js" (default) or
   * "connect" (connect-node, as every other protocol is). KEEL_GRPC_SERVER sets it.
   */
  grpcServer?: "grpc-js" | "connect";
  /** Idle connections and slow requests (KEEL_IDLE_TIMEOUT_MS, KEEL_REQUEST_TIMEOUT_MS). */
  limits?: RequestLimits;
  /** Encoders for response types on the grpc-js path, by type name; hotEncoders() by default. */
  encoders?: ReadonlyMap<string, MessageEncoder>;
  /** Decoders for request types on the grpc-js path, by type name; hotDecoders() by default. */
  decoders?: ReadonlyMap<string, MessageDecoder>;
  /** Answers GET /livez and /readyz (200 or 503) on the shared port; no such routes when absent. */
  probes?: Probes;
  /** HTTP/2 connection lifetimes and keepalive; none when absent. */
  connections?: ConnectionLimits;
}

export interface Probes {
  live(): boolean;
  ready(): boolean;
}

export interface RunningServer {
  readonly port: number;
  /**
   * Graceful drain: stop accepting connections, refuse new calls, end open streams with
   * UNAVAILABLE, let in-flight unary calls finish for up to graceMs, then close every connection.
   */
  shutdown(graceMs: number): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const tracker: CallTracker = { draining: false, inFlight: 0 };
  // The per-call gate of every call on every path (logging, metrics, drain, then auth):
  // the connect-node adapter and the grpc-js path run this same list.
  const interceptors = [
    callInterceptor(options.logger, tracker, options.metrics),
    options.auth ?? anonymousInterceptor("default"),
  ];
  const readMaxBytes = options.maxMessageBytes;
  const handler = keelConnectAdapter({
    routes: options.routes,
    logger: options.logger,
    interceptors,
    readMaxBytes,
    writeMaxBytes: WRITE_MAX_BYTES,
    // Longer deadlines are capped before connect-node sees them (capTimeoutHeaders below).
    // Compressed requests are accepted, but responses go out uncompressed: gzip runs on the
    // thread pool, and waiting for it stalls a session's strictly ordered answers (measured:
    // a batched session idled half its time). Contracts are small; CPU is the scarce resource.
    compressMinBytes: Number.MAX_SAFE_INTEGER,
  });
  const { metrics, probes, maxTimeoutMs } = options;
  // /metrics, /livez and /readyz share the port with everything else; they are matched before the
  // RPC router, on HTTP/1.1 and HTTP/2 alike, and are as open as health is.
  const httpHandler: Handler = drainRequestBodies(
    (req, res) => {
      const path = (req.url ?? "").split("?")[0];
      if (metrics && path === METRICS_PATH) void metrics.serve(req, res);
      else if (probes && (path === "/livez" || path === "/readyz")) probe(res, path === "/livez" ? probes.live() : probes.ready());
      else {
        capTimeoutHeaders(req.headers, maxTimeoutMs);
        handler(req, res);
      }
    },
    // Bodies up to this are read to their end so the connection stays whole; beyond, GOAWAY.
    16 * readMaxBytes,
  );
  const onGrpcJs = (options.grpcServer ?? "grpc-js") === "grpc-js";
  // Fails here, naming the library and version, if an upgrade removed an internal the path needs.
  if (onGrpcJs) await checkLibraryInternals();
  const grpcPath = onGrpcJs
    ? createGrpcPath(
        {
          routes: options.routes,
          interceptors,
          readMaxBytes,
          writeMaxBytes: WRITE_MAX_BYTES,
          maxTimeoutMs: options.maxTimeoutMs,
          maxSessionMemoryMb: MAX_SESSION_MEMORY_MB,
          encoders: options.encoders ?? hotEncoders(),
          decoders: options.decoders ?? hotDecoders(),
        },
        httpHandler,
      )
    : undefined;
  const servers = createDualProtocolServer(httpHandler, {
    maxSessionMemoryMb: MAX_SESSION_MEMORY_MB,
    tls: options.tls ?? null,
    ...(grpcPath ? { http2: grpcPath.http2 } : {}),
  });

  const limits = options.limits ?? DEFAULT_LIMITS;
  const streamPaths = new Set(
    collectSpecs(options.routes)
      .filter((spec) => spec.method.methodKind !== "unary")
      .map((spec) => `/${spec.method.parent.typeName}/${spec.method.name}`),
  );
  limitHttp2(servers.http2, limits, (path) => streamPaths.has(path));
  limitHttp1(servers.http1, limits);

  const sessions = new Set<http2.ServerHttp2Session>();
  servers.http2.on("session", (s) => {
    sessions.add(s);
    s.once("close", () => sessions.delete(s));
    if (options.connections) limitConnection(s, options.connections);
  });
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  };
  // Under TLS, "connection" gives the raw TCP socket and "secureConnection" the TLS socket
  // wrapping it; both are tracked so shutdown can cut handshakes and open connections alike.
  servers.net.on("connection", track);
  servers.net.on("secureConnection", track);

  await new Promise<void>((resolve, reject) => {
    servers.net.once("error", reject);
    servers.net.listen(options.port, options.host, () => {
      servers.net.off("error", reject);
      resolve();
    });
  });
  const address = servers.net.address() as net.AddressInfo;

  return {
    port: address.port,
    async shutdown(graceMs) {
      tracker.draining = true;
      const closed = new Promise<void>((resolve) => servers.net.close(() => resolve()));
      options.drain.abort(new ConnectError("server is shutting down - reconnect to resume", Code.Unavailable));
      const deadline = Date.now() + graceMs;
      while (tracker.inFlight > 0 && Date.now() < deadline) await sleep(10);
      for (const s of sessions) s.close();
      servers.http1.closeIdleConnections();
      // Give closing sessions a moment to flush trailers, then cut whatever remains.
      await Promise.race([closed, sleep(Math.max(0, Math.min(1000, deadline - Date.now())))]);
      for (const s of sockets) s.destroy();
      await closed;
      grpcPath?.shutdown();
    },
  };
}

function probe(res: Parameters<Handler>[1], ok: boolean): void {
  const body = ok ? "ok\n" : "not ready\n";
  (res as import("node:http").ServerResponse).writeHead(ok ? 200 : 503, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(body);
}

// grpc-js clients refuse messages over 4 MiB by default; fail on our side first.
const WRITE_MAX_BYTES = 4 * 1024 * 1024;
const MAX_SESSION_MEMORY_MB = 64;
const DEFAULT_LIMITS: RequestLimits = { idleMs: 30_000, requestMs: 30_000 };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
