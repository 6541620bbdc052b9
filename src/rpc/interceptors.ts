// Cross-cutting concerns of every call: a request id, one structured log line per call (and per
// stream end) naming the tenant and key, gRPC server metrics, error mapping, and refusing new
// calls while the server drains.
import { randomUUID } from "node:crypto";
import { Code, ConnectError, createContextKey, type Interceptor } from "@connectrpc/connect";
import { principalKey } from "../auth/principal.js";
import type { Logger } from "../logger.js";
import type { MethodKind, MethodSeries } from "../metrics/rpc-metrics.js";
import { tracing, type CallTrace } from "../tracing/tracing.js";
import { callTraceKey } from "./call-trace.js";
import { toConnectError } from "./errors.js";

/** Set when this interceptor has logged a call's failure, so the adapter does not log it again. */
export const failureReported = createContextKey(false, { description: "keel failure reported" });

export interface CallTracker {
  /** True once graceful shutdown began: new calls are refused with UNAVAILABLE. */
  draining: boolean;
  /** Unary calls still running; the drain waits for them. */
  inFlight: number;
}

/** Where a call's metrics go: the series of its method (started, handled, stream messages). */
export interface RpcObserver {
  method(service: string, method: string, kind: MethodKind): MethodSeries;
}

export function callInterceptor(logger: Logger, tracker: CallTracker, observer?: RpcObserver): Interceptor {
  return (next) => (req) => {
    const t = tracing();
    if (!t) return call(next, req, null);
    // The call's server span, child of the caller's traceparent (any transport); handlers find it
    // in the context values and hand it to the service for the cycle and commit spans.
    const { name, attributes } = spanOf(req.method);
    const trace = t.startCall(name, req.header, attributes);
    req.contextValues.set(callTraceKey, trace);
    return call(next, req, trace);
  };

  async function call(next: Parameters<Interceptor>[0], req: Parameters<ReturnType<Interceptor>>[0], trace: CallTrace | null) {
    const requestId = req.header.get("x-request-id") || randomUUID();
    const method = `${req.service.typeName}/${req.method.name}`;
    const series = observer?.method(req.service.typeName, req.method.name, req.method.methodKind);
    series?.started();
    if (tracker.draining) {
      series?.handled(Code[Code.Unavailable], 0);
      trace?.end(Code.Unavailable);
      throw new ConnectError("server is shutting down - retry against another replica", Code.Unavailable);
    }
    const started = performance.now();
    // Probes call health every few seconds; their lines would drown everything else.
    const log = req.service.typeName === "grpc.health.v1.Health" ? logger.debug.bind(logger) : logger.info.bind(logger);
    let ended = false;
    const done = (raw?: unknown): ConnectError | undefined => {
      const err = raw === undefined ? undefined : toConnectError(raw);
      if (!ended) {
        ended = true;
        const fields: Record<string, unknown> = { requestId, method, code: err ? Code[err.code] : "OK", ms: elapsed(started) };
        // Set by the auth gate (inside this interceptor) once the key was accepted.
        const principal = req.contextValues.get(principalKey);
        if (principal) {
          fields.tenant = principal.tenant;
          fields.keyId = principal.keyId;
        }
        const idempotencyKey = req.stream ? undefined : (req.message as { requestId?: unknown }).requestId;
        if (typeof idempotencyKey === "string" && idempotencyKey !== "") fields.idempotencyKey = idempotencyKey;
        series?.handled(err ? Code[err.code]! : "OK", (fields.ms as number) / 1000);
        if (trace) {
          const { traceId, spanId } = trace.span.spanContext();
          fields.traceId = traceId;
          fields.spanId = spanId;
          trace.end(err ? err.code : 0, err?.rawMessage);
        }
        if (err?.code === Code.Internal) {
          logger.error({ ...fields, err: raw }, "rpc failed");
          req.contextValues.set(failureReported, true);
        } else log(err ? { ...fields, error: err.rawMessage } : fields, req.stream ? "stream closed" : "rpc");
      }
      err?.metadata.set("x-request-id", requestId);
      return err;
    };
    if (!req.stream) tracker.inFlight++;
    try {
      const res = await next(req.stream && series ? { ...req, message: counted(req.message, series.received) } : req);
      res.header.set("x-request-id", requestId);
      if (!res.stream) {
        done();
        return res;
      }
      return { ...res, message: logged(res.message, done, series?.sent) };
    } catch (raw) {
      throw done(raw)!;
    } finally {
      if (!req.stream) tracker.inFlight--;
    }
  }
}

type MethodOf = Parameters<ReturnType<Interceptor>>[0]["method"];
const spans = new WeakMap<MethodOf, { name: string; attributes: Readonly<Record<string, string>> }>();

/** A method's span name and attributes, built once (the SDK copies attributes, never keeps ours). */
function spanOf(method: MethodOf): { name: string; attributes: Readonly<Record<string, string>> } {
  let s = spans.get(method);
  if (!s) {
    const service = method.parent.typeName;
    s = { name: `${service}/${method.name}`, attributes: { "rpc.system": "grpc", "rpc.service": service, "rpc.method": method.name } };
    spans.set(method, s);
  }
  return s;
}

/** Passes a response stream through, counting messages and logging once when it ends or fails. */
async function* logged<T>(
  messages: AsyncIterable<T>,
  done: (err?: unknown) => ConnectError | undefined,
  sent?: () => void,
): AsyncIterable<T> {
  let ended = false;
  try {
    if (sent) {
      for await (const m of messages) {
        sent();
        yield m;
      }
    } else {
      yield* messages;
    }
    ended = true;
  } catch (raw) {
    ended = true;
    throw done(raw)!;
  } finally {
    // A consumer that stopped reading early (the client went away) still ends the call, once.
    if (!ended) done(new ConnectError("the client cancelled the stream", Code.Canceled));
  }
  done();
}

/** Passes a request stream through, counting messages. */
async function* counted<T>(messages: AsyncIterable<T>, received: () => void): AsyncIterable<T> {
  for await (const m of messages) {
    received();
    yield m;
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
