// HTTP/2 gRPC (application/grpc, application/grpc+proto) served by @grpc/grpc-js instead of
// connect-node: connect-node's per-call plumbing (web Headers, abort signals, async-iterable
// pipelines, envelope transforms) capped unary Process at ~1.3 k calls/s on two cores, where a
// grpc-js server answers ~5 k (bench/sessions.ts, README "Performance"). Connect, gRPC-Web and
// gRPC with JSON keep connect-node, on the same connection: streams are dispatched by content type.
//
// Behaviour is connect-node's, because the same code runs: every call gets a connect
// HandlerContext (createHandlerContext) and goes through connect's own invoke functions with the
// same interceptor list the connect-node adapter uses (logging, metrics, drain, auth), into the
// same ServiceImpl handlers. Only the framing layer differs. The internals of grpc-js, connect and
// node:http2 this needs are used through library-internals.ts, which checks them at startup.
import * as http2 from "node:http2";
import { create, fromBinary, toBinary, type DescMessage, type DescMethod, type Message } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createContextValues,
  createHandlerContext,
  createMethodImplSpec,
  createServiceImplSpec,
  type ConnectRouter,
  type ContextValues,
  type HandlerContext,
  type Interceptor,
  type MethodImplSpec,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { toConnectError } from "../rpc/errors.js";
import { malformedMessage } from "./connect-adapter.js";
import { sessionTeardown as teardown } from "../paced-queue.js";
import { grpcErrorTrailer, injectedHttp2Server, invokeStreaming } from "./library-internals.js";

/** A faster, byte-identical replacement for toBinary for one message type. */
export type MessageEncoder = (message: unknown) => Uint8Array;
/** A faster replacement for fromBinary for one message type: equal messages, same failures. */
export type MessageDecoder = (bytes: Uint8Array) => unknown;

export interface GrpcPathOptions {
  routes: (router: ConnectRouter) => void;
  /** The same list the connect-node adapter runs: one per-call gate for both paths. */
  interceptors: Interceptor[];
  readMaxBytes: number;
  writeMaxBytes: number;
  maxTimeoutMs: number;
  maxSessionMemoryMb: number;
  /** Encoders by output message type name; toBinary for the rest. */
  encoders?: ReadonlyMap<string, MessageEncoder>;
  /** Decoders by input message type name; fromBinary for the rest. */
  decoders?: ReadonlyMap<string, MessageDecoder>;
}

export interface GrpcPath {
  /**
   * The HTTP/2 server that owns every HTTP/2 connection: gRPC streams go to grpc-js, every other
   * stream to `request` listeners (Node's compatibility API), as on a plain http2.Http2Server.
   */
  readonly http2: http2.Http2Server;
  shutdown(): void;
}

/** Content types grpc-js handles; everything else on HTTP/2 stays with connect-node. */
export function isGrpcProto(contentType: string | undefined): boolean {
  if (contentType === undefined || !contentType.startsWith("application/grpc")) return false;
  const rest = contentType.slice("application/grpc".length);
  return rest === "" || rest === "+proto" || rest.startsWith(";") || rest.startsWith("+proto;");
}

export function createGrpcPath(
  options: GrpcPathOptions,
  // connect-node's handler type, which Node's request listener satisfies at run time.
  requestListener: (req: never, res: never) => void,
): GrpcPath {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": options.readMaxBytes,
    "grpc.max_send_message_length": options.writeMaxBytes,
    "grpc-node.max_session_memory": options.maxSessionMemoryMb,
  });
  for (const spec of collectSpecs(options.routes)) register(server, spec, options);
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  // grpc-js answers every stream on its server; split them by content type instead.
  const h2 = injectedHttp2Server(
    server,
    requestListener as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void,
    (headers) => isGrpcProto(headers["content-type"]),
  );

  return {
    http2: h2,
    shutdown() {
      injector.destroy();
      server.forceShutdown();
    },
  };
}

/** Records what `routes` registers, as connect's router would, without serving it. */
export function collectSpecs(routes: (router: ConnectRouter) => void): MethodImplSpec[] {
  const specs: MethodImplSpec[] = [];
  const recorder = {
    handlers: [],
    service(desc, impl) {
      specs.push(...(Object.values(createServiceImplSpec(desc, impl).methods) as MethodImplSpec[]));
      return recorder;
    },
    rpc(method, impl) {
      specs.push(createMethodImplSpec(method, impl) as MethodImplSpec);
      return recorder;
    },
  } as ConnectRouter;
  routes(recorder);
  return specs;
}

function register(server: grpc.Server, spec: MethodImplSpec, options: GrpcPathOptions): void {
  const method = spec.method;
  const path = `/${method.parent.typeName}/${method.name}`;
  const input = method.input;
  const encode = options.encoders?.get(method.output.typeName) ?? reflectiveEncoder(method.output);
  const serialize = (message: unknown): Buffer => {
    const bytes = encode(message);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
  const decode: (bytes: Buffer) => unknown = options.decoders?.get(input.typeName) ?? ((bytes) => fromBinary(input, bytes));
  // grpc-js answers a throwing deserializer with INTERNAL "Error deserializing request"; an
  // undecodable message is the client's mistake, so it travels to the handler as a value that
  // ends the call with INVALID_ARGUMENT (issue 15 #4).
  const deserialize = (bytes: Buffer): unknown => {
    try {
      return decode(bytes);
    } catch (e) {
      return new Malformed(input.typeName, e instanceof Error ? e.message : String(e));
    }
  };
  const gate = options.interceptors;
  switch (method.methodKind) {
    case "unary": {
      const unary = spec as MethodImplSpec & { kind: "unary" };
      server.register(
        path,
        (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
          if (call.request instanceof Malformed) return callback(grpcStatus(call.request.error(), new Headers()));
          const timeout = callTimeout(call, options.maxTimeoutMs);
          const ctx = new UnaryContext(method, `http://${call.getHost()}${path}`, timeout, metadataToHeaders(call.metadata));
          const onCancel = (): void => ctx.abort(CANCELED);
          call.once("cancelled", onCancel);
          invokeUnary(unary, ctx, call.request as Message, gate).then(
            (message) => {
              call.off("cancelled", onCancel);
              sendHeader(call, ctx.responseHeader);
              callback(null, message, trailerMetadata(ctx.responseTrailer));
              ctx.abort(FINISHED);
            },
            (raw: unknown) => {
              call.off("cancelled", onCancel);
              sendHeader(call, ctx.responseHeader);
              callback(grpcStatus(toConnectError(raw), ctx.responseTrailer));
              ctx.abort(raw);
            },
          );
        },
        serialize,
        deserialize,
        "unary",
      );
      return;
    }
    case "server_streaming":
      server.register(
        path,
        (call: grpc.ServerWritableStream<unknown, unknown>) => {
          runStream(call, spec, method, path, options, wellFormed(singleton(call.request)));
        },
        serialize,
        deserialize,
        "serverStream",
      );
      return;
    case "bidi_streaming":
    case "client_streaming":
      server.register(
        path,
        (call: grpc.ServerDuplexStream<unknown, unknown> | grpc.ServerReadableStream<unknown, unknown>) => {
          runStream(call as grpc.ServerDuplexStream<unknown, unknown>, spec, method, path, options, wellFormed(requestsOf(call)));
        },
        serialize,
        deserialize,
        method.methodKind === "bidi_streaming" ? "bidi" : "clientStream",
      );
      return;
  }
}

function reflectiveEncoder(schema: DescMessage): MessageEncoder {
  return (message) => toBinary(schema, message as never);
}

type AnyStreamCall = grpc.ServerDuplexStream<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>;

/** Streams: connect's invoke transform, written with the writable side's backpressure. */
function runStream(
  call: AnyStreamCall,
  spec: MethodImplSpec,
  method: DescMethod,
  path: string,
  options: GrpcPathOptions,
  requests: AsyncIterable<unknown>,
): void {
  const ctx = handlerContext(call, method, path, options.maxTimeoutMs);
  // A stream's end is paced: a closed connection cancels all its streams at once.
  const onCancel = (): void => teardown.push(() => ctx.abort(CANCELED));
  call.once("cancelled", onCancel);
  const responses = invokeStreaming(spec, ctx, options.interceptors)(requests as AsyncIterable<never>)[Symbol.asyncIterator]();
  void (async () => {
    let headerSent = false;
    try {
      for (;;) {
        const r = await responses.next();
        if (!headerSent) {
          headerSent = true;
          sendHeader(call, ctx.responseHeader);
        }
        if (r.done) break;
        if (call.cancelled) break;
        if (!call.write(r.value)) await drained(call);
      }
      call.end(trailerMetadata(ctx.responseTrailer));
      ctx.abort(FINISHED);
    } catch (raw) {
      ctx.abort(raw);
      if (!headerSent) sendHeader(call, ctx.responseHeader);
      call.emit("error", grpcStatus(toConnectError(raw), ctx.responseTrailer));
    } finally {
      call.off("cancelled", onCancel);
    }
  })();
}

function drained(call: AnyStreamCall): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.off("drain", done);
      call.off("cancelled", done);
      call.off("close", done);
      resolve();
    };
    call.on("drain", done);
    call.on("cancelled", done);
    call.on("close", done);
  });
}

/** A request message that did not decode: what the handler is told instead of the message. */
class Malformed {
  constructor(
    readonly typeName: string,
    readonly detail: string,
  ) {}

  error(): ConnectError {
    return new ConnectError(malformedMessage(this.typeName, this.detail), Code.InvalidArgument);
  }
}

/** Ends a request stream with INVALID_ARGUMENT at its first undecodable frame. */
async function* wellFormed(requests: AsyncIterable<unknown>): AsyncIterable<unknown> {
  for await (const r of requests) {
    if (r instanceof Malformed) throw r.error();
    yield r;
  }
}

async function* singleton<T>(value: T): AsyncIterable<T> {
  yield value;
}

/** The request side of a call, without destroying the call when the handler stops reading. */
function requestsOf(call: grpc.ServerDuplexStream<unknown, unknown> | grpc.ServerReadableStream<unknown, unknown>): AsyncIterable<unknown> {
  return {
    [Symbol.asyncIterator]: () => call.iterator({ destroyOnReturn: false }),
  };
}

/** Reasons for ending a call's signal: the client went away, or the call is over. */
const CANCELED = new ConnectError("the client cancelled the call", Code.Canceled);
const FINISHED = new ConnectError("the call finished", Code.Canceled);

/**
 * The call's timeout from the deadline grpc-js parsed out of grpc-timeout, capped at
 * maxTimeoutMs as on the connect-node path (src/server/deadline-cap.ts).
 */
function callTimeout(call: { getDeadline(): grpc.Deadline }, maxTimeoutMs: number): number | undefined {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  if (!Number.isFinite(at)) return undefined;
  return Math.min(maxTimeoutMs, Math.max(0, at - Date.now()));
}

/** A connect HandlerContext for a streaming call, made as connect-node makes it. */
function handlerContext(
  call: { metadata: grpc.Metadata; getDeadline(): grpc.Deadline; getHost(): string },
  method: DescMethod,
  path: string,
  maxTimeoutMs: number,
): ReturnType<typeof createHandlerContext> {
  const timeoutMs = callTimeout(call, maxTimeoutMs);
  return createHandlerContext({
    service: method.parent,
    method,
    protocolName: "grpc",
    requestMethod: "POST",
    url: `http://${call.getHost()}${path}`,
    timeoutMs,
    requestHeader: metadataToHeaders(call.metadata),
    responseHeader: { "content-type": "application/grpc+proto" },
    responseTrailer: { "grpc-status": "0" },
    contextValues: createContextValues(),
  });
}

/**
 * The HandlerContext of a unary call: what createHandlerContext makes, except that its abort
 * signal (two AbortControllers, a deadline timer and linked listeners in connect) is only made
 * when someone reads `signal`. Unary handlers rarely do, and the signal machinery was ~5% of a
 * unary call's server time. Read after the call was cancelled or its deadline passed, the signal
 * is already aborted with the same reason connect would give.
 */
class UnaryContext implements HandlerContext {
  readonly service;
  readonly requestMethod = "POST";
  readonly protocolName = "grpc";
  readonly responseHeader = new Headers({ "content-type": "application/grpc+proto" });
  readonly responseTrailer = new Headers({ "grpc-status": "0" });
  readonly values: ContextValues = createContextValues();
  readonly #deadline: number | undefined;
  #controller: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reason: unknown;
  #aborted = false;

  constructor(
    readonly method: DescMethod,
    readonly url: string,
    timeoutMs: number | undefined,
    readonly requestHeader: Headers,
  ) {
    this.service = method.parent;
    this.#deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
  }

  readonly timeoutMs = (): number | undefined => (this.#deadline === undefined ? undefined : this.#deadline - Date.now());

  get signal(): AbortSignal {
    if (!this.#controller) {
      const controller = new AbortController();
      this.#controller = controller;
      if (this.#aborted) controller.abort(this.#reason);
      else if (this.#deadline !== undefined) {
        const left = this.#deadline - Date.now();
        if (left <= 0) this.abort(TIMED_OUT());
        else this.#timer = setTimeout(() => this.abort(TIMED_OUT()), left);
      }
    }
    return this.#controller.signal;
  }

  abort(reason?: unknown): void {
    if (this.#aborted) return;
    // connect's deadline fires on its own timer even when nobody listens; so does this one.
    if (reason !== FINISHED && this.#deadline !== undefined && this.#deadline <= Date.now()) reason = TIMED_OUT();
    this.#aborted = true;
    this.#reason = reason;
    clearTimeout(this.#timer);
    this.#controller?.abort(reason);
  }
}

const TIMED_OUT = (): ConnectError => new ConnectError("the operation timed out", Code.DeadlineExceeded);

/**
 * connect's invokeUnaryImplementation (same interceptor chain, same request and response
 * objects), with `signal` passed on lazily so that reading it stays the handler's choice.
 */
async function invokeUnary(
  spec: MethodImplSpec & { kind: "unary" },
  ctx: UnaryContext,
  input: Message,
  interceptors: Interceptor[],
): Promise<Message> {
  const method = spec.method;
  const output = method.output;
  let next = async (req: UnaryRequest): Promise<UnaryResponse> => {
    const handlerCtx: HandlerContext = {
      method,
      service: req.service,
      requestMethod: ctx.requestMethod,
      protocolName: ctx.protocolName,
      url: ctx.url,
      timeoutMs: ctx.timeoutMs,
      requestHeader: req.header,
      responseHeader: ctx.responseHeader,
      responseTrailer: ctx.responseTrailer,
      values: req.contextValues,
      get signal() {
        return req.signal;
      },
    };
    const result = await spec.impl(req.message as never, handlerCtx);
    return {
      stream: false,
      method,
      service: method.parent,
      message: create(output, result as never),
      header: ctx.responseHeader,
      trailer: ctx.responseTrailer,
    } as UnaryResponse;
  };
  for (let i = interceptors.length - 1; i >= 0; i--) next = interceptors[i]!(next as never) as typeof next;
  const res = await next({
    stream: false,
    method,
    service: method.parent,
    requestMethod: ctx.requestMethod,
    url: ctx.url,
    header: ctx.requestHeader,
    contextValues: ctx.values,
    message: input,
    get signal() {
      return ctx.signal;
    },
  } as UnaryRequest);
  copyHeaders(res.header, ctx.responseHeader);
  copyHeaders(res.trailer, ctx.responseTrailer);
  return res.message as Message;
}

/** As connect does: an interceptor may answer with headers of its own. */
function copyHeaders(from: Headers, to: Headers): void {
  if (from === to) return;
  for (const key of [...to.keys()]) to.delete(key);
  from.forEach((value, key) => to.set(key, value));
}

function metadataToHeaders(md: grpc.Metadata): Headers {
  const h = new Headers();
  const map = md.getMap();
  for (const key in map) {
    const value = map[key]!;
    h.set(key, typeof value === "string" ? value : value.toString("base64"));
  }
  return h;
}

/** Headers and trailers the transport writes itself are not copied into metadata. */
const RESERVED = new Set(["content-type", "grpc-status", "grpc-message", "grpc-encoding", "grpc-accept-encoding", "te"]);

function toMetadata(h: Headers): grpc.Metadata | undefined {
  let md: grpc.Metadata | undefined;
  h.forEach((value, key) => {
    if (RESERVED.has(key)) return;
    md ??= new grpc.Metadata();
    if (key.endsWith("-bin")) {
      for (const part of value.split(/,\s*/)) md.add(key, Buffer.from(part, "base64"));
    } else md.add(key, value);
  });
  return md;
}

function sendHeader(call: { sendMetadata(md: grpc.Metadata): void }, header: Headers): void {
  const md = toMetadata(header);
  if (md) call.sendMetadata(md);
}

function trailerMetadata(trailer: Headers): grpc.Metadata {
  return toMetadata(trailer) ?? new grpc.Metadata();
}

/** connect's gRPC trailers for an error (metadata, status details), as a grpc-js status. */
function grpcStatus(err: ConnectError, trailer: Headers): grpc.StatusObject {
  const t = grpcErrorTrailer(new Headers(trailer), err);
  return { code: err.code as number, details: err.rawMessage, metadata: trailerMetadata(t) };
}
