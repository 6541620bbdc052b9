// Every use of @grpc/grpc-js, @connectrpc/connect and node:http2 internals, walled in here.
//
// Why they are used at all: one HTTP/2 connection carries gRPC streams (answered by grpc-js, ~4x
// faster per call than connect-node here) next to Connect and gRPC-Web streams (connect-node).
// Neither library has a public API to share a connection, or to run connect's handler pipeline
// under another server, so the gRPC path (grpc-path.ts) relies on:
//   - grpc-js: Server#http2Servers, the private map holding the Http2Server that
//     createConnectionInjector makes, and that server's single "stream" listener;
//   - node:http2: a "request" listener installs exactly one "stream" listener (the compat API);
//   - connect: transformInvokeImplementation and setTrailerStatus, both marked
//     "@private Internal code, does not follow semantic versioning", and the universal
//     handler types connect-adapter.ts works with.
// No other file may import @connectrpc/connect/protocol* (.dependency-cruiser.cjs).
//
// checkLibraryInternals() exercises each of them once at startup, on a throwaway server, and
// fails with the library's name and version instead of breaking calls later. What to re-check
// when upgrading: docs/library-internals.md.
import * as fs from "node:fs";
import type * as http2 from "node:http2";
import { createRequire } from "node:module";
import * as net from "node:net";
import * as path from "node:path";
import { create } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createContextValues,
  createHandlerContext,
  createMethodImplSpec,
  type HandlerContext,
  type Interceptor,
  type MethodImplSpec,
} from "@connectrpc/connect";
import { transformInvokeImplementation } from "@connectrpc/connect/protocol";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import * as grpc from "@grpc/grpc-js";
import { HealthCheckRequestSchema, HealthCheckResponse_ServingStatus, Health } from "../../gen/health/v1/health_pb.js";

export type { UniversalHandler, UniversalServerResponse } from "@connectrpc/connect/protocol";

/** The internals this module uses, replaceable so that the self-check's own test can break them. */
export interface Internals {
  newGrpcServer(): grpc.Server;
  transformInvokeImplementation: typeof transformInvokeImplementation;
  setTrailerStatus: typeof setTrailerStatus;
}

const installed: Internals = {
  newGrpcServer: () => new grpc.Server(),
  transformInvokeImplementation,
  setTrailerStatus,
};

export type StreamListener = (
  this: http2.Http2Server,
  stream: http2.ServerHttp2Stream,
  headers: http2.IncomingHttpHeaders,
  flags: number,
  rawHeaders: string[],
) => void;

/**
 * The Http2Server grpc-js made for `createConnectionInjector`, with its streams split: those
 * `toGrpc` picks go to grpc-js, every other one to `requestListener` (Node's compatibility API,
 * as on a plain http2.Http2Server).
 */
export function injectedHttp2Server(
  server: grpc.Server,
  requestListener: (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void,
  toGrpc: (headers: http2.IncomingHttpHeaders) => boolean,
): http2.Http2Server {
  const h2 = lastInjectorServer(server);
  const grpcListeners = h2.listeners("stream") as StreamListener[];
  if (grpcListeners.length !== 1) throw new Error(`the injector's Http2Server has ${grpcListeners.length} "stream" listeners, not 1`);
  h2.removeAllListeners("stream");
  h2.on("request", requestListener); // Node's compatibility API installs its own "stream" listener
  const compatListeners = h2.listeners("stream") as StreamListener[];
  h2.removeAllListeners("stream");
  if (compatListeners.length !== 1) throw new Error(`node:http2 installed ${compatListeners.length} "stream" listeners for "request", not 1`);
  const grpcStream = grpcListeners[0]!;
  const compatStream = compatListeners[0]!;
  h2.on("stream", function (this: http2.Http2Server, ...[stream, headers, flags, rawHeaders]: Parameters<StreamListener>) {
    (toGrpc(headers) ? grpcStream : compatStream).call(this, stream, headers, flags, rawHeaders);
  });
  return h2;
}

function lastInjectorServer(server: grpc.Server): http2.Http2Server {
  const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(servers instanceof Map)) throw new Error("grpc.Server has no private http2Servers map");
  const last: unknown = [...servers.keys()].at(-1);
  // node:http2 exports no Http2Server class to test against; a net.Server it is.
  if (!(last instanceof net.Server)) throw new Error("createConnectionInjector left no Http2Server in grpc.Server's http2Servers");
  return last as http2.Http2Server;
}

/** connect's streaming invoke pipeline (interceptors, then the handler), as connect-node runs it. */
export function invokeStreaming(
  spec: MethodImplSpec,
  ctx: HandlerContext,
  interceptors: Interceptor[],
  internals: Internals = installed,
): (requests: AsyncIterable<never>) => AsyncIterable<unknown> {
  return internals.transformInvokeImplementation(spec, ctx, interceptors) as (requests: AsyncIterable<never>) => AsyncIterable<unknown>;
}

/** The gRPC trailers connect writes for an error: status, message, details, error metadata. */
export function grpcErrorTrailer(trailer: Headers, err: ConnectError, internals: Internals = installed): Headers {
  return internals.setTrailerStatus(trailer, err);
}

/**
 * Exercises every internal above once, on throwaway objects. Throws an Error naming the library,
 * its installed version and what changed, so an upgrade that breaks one fails at startup.
 */
export async function checkLibraryInternals(internals: Internals = installed): Promise<void> {
  await probe("@grpc/grpc-js", "Server#http2Servers and the injector's stream listener", () => {
    const server = internals.newGrpcServer();
    const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    try {
      injectedHttp2Server(server, () => {}, () => true);
    } finally {
      injector.destroy();
      server.forceShutdown();
    }
  });
  await probe("@connectrpc/connect", "setTrailerStatus (protocol-grpc)", () => {
    const t = grpcErrorTrailer(new Headers(), new ConnectError("probe", Code.NotFound), internals);
    if (t.get("grpc-status") !== String(Code.NotFound) || t.get("grpc-message") !== "probe") {
      throw new Error(`it wrote grpc-status ${t.get("grpc-status")}, grpc-message ${t.get("grpc-message")}`);
    }
  });
  await probe("@connectrpc/connect", "transformInvokeImplementation (protocol)", async () => {
    const method = Health.method.watch;
    const spec = createMethodImplSpec(method, async function* () {
      yield { status: HealthCheckResponse_ServingStatus.SERVING };
    }) as MethodImplSpec;
    const ctx = createHandlerContext({
      service: Health,
      method,
      protocolName: "grpc",
      requestMethod: "POST",
      url: "http://probe/grpc.health.v1.Health/Watch",
      requestHeader: {},
      contextValues: createContextValues(),
    });
    const seen: unknown[] = [];
    for await (const m of invokeStreaming(spec, ctx, [], internals)(once(create(HealthCheckRequestSchema)) as AsyncIterable<never>)) {
      seen.push(m);
    }
    const answer = seen[0] as { $typeName?: string; status?: number } | undefined;
    if (seen.length !== 1 || answer?.$typeName !== method.output.typeName || answer.status !== HealthCheckResponse_ServingStatus.SERVING) {
      throw new Error(`the handler's one answer came back as ${JSON.stringify(seen, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))}`);
    }
  });
}

async function probe(library: string, what: string, run: () => void | Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    throw new Error(
      `${library} ${installedVersion(library)} no longer has the internal Keel's gRPC path relies on: ${what} - ` +
        `${e instanceof Error ? e.message : String(e)}. Pin the previous version, or set KEEL_GRPC_SERVER=connect ` +
        `to serve gRPC with connect-node; see docs/library-internals.md.`,
      { cause: e },
    );
  }
}

async function* once<T>(value: T): AsyncIterable<T> {
  yield value;
}

/** A package's version from its package.json (which @connectrpc packages do not export). */
export function installedVersion(pkg: string): string {
  try {
    const require = createRequire(import.meta.url);
    let dir = path.dirname(require.resolve(pkg));
    while (path.basename(dir) !== "node_modules" && path.dirname(dir) !== dir) {
      const file = path.join(dir, "package.json");
      if (fs.existsSync(file)) {
        const json = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
        if (json.name === pkg) return json.version ?? "(no version)";
      }
      dir = path.dirname(dir);
    }
  } catch {
    // fall through
  }
  return "(version unknown)";
}
