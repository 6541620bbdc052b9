// Cross-cutting concerns of every call: a request id, one structured log line per call (and per
// stream end), error mapping, and refusing new calls while the server drains.
import { randomUUID } from "node:crypto";
import { Code, ConnectError, createContextKey, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "../logger.js";
import { toConnectError } from "./errors.js";

/** Set when this interceptor has logged a call's failure, so the adapter does not log it again. */
export const failureReported = createContextKey(false, { description: "keel failure reported" });

export interface CallTracker {
  /** True once graceful shutdown began: new calls are refused with UNAVAILABLE. */
  draining: boolean;
  /** Unary calls still running; the drain waits for them. */
  inFlight: number;
}

/** Told once per finished call (unary response sent, or stream ended); feeds the RPC metrics. */
export interface RpcObserver {
  rpc(method: string, code: string, seconds: number): void;
}

export function callInterceptor(logger: Logger, tracker: CallTracker, observer?: RpcObserver): Interceptor {
  return (next) => async (req) => {
    const requestId = req.header.get("x-request-id") || randomUUID();
    const method = `${req.service.typeName}/${req.method.name}`;
    if (tracker.draining) {
      observer?.rpc(method, codeLabel(Code.Unavailable), 0);
      throw new ConnectError("server is shutting down - retry against another replica", Code.Unavailable);
    }
    const started = performance.now();
    // Probes call health every few seconds; their lines would drown everything else.
    const log = req.service.typeName === "grpc.health.v1.Health" ? logger.debug.bind(logger) : logger.info.bind(logger);
    const done = (raw?: unknown): ConnectError | undefined => {
      const err = raw === undefined ? undefined : toConnectError(raw);
      const fields = { requestId, method, code: err ? Code[err.code] : "ok", ms: elapsed(started) };
      observer?.rpc(method, err ? codeLabel(err.code) : "ok", fields.ms / 1000);
      if (err?.code === Code.Internal) {
        logger.error({ ...fields, err: raw }, "rpc failed");
        req.contextValues.set(failureReported, true);
      }
      else log(err ? { ...fields, error: err.rawMessage } : fields, req.stream ? "stream closed" : "rpc");
      err?.metadata.set("x-request-id", requestId);
      return err;
    };
    if (!req.stream) tracker.inFlight++;
    try {
      const res = await next(req);
      res.header.set("x-request-id", requestId);
      if (!res.stream) {
        done();
        return res;
      }
      return { ...res, message: logged(res.message, done) };
    } catch (raw) {
      throw done(raw)!;
    } finally {
      if (!req.stream) tracker.inFlight--;
    }
  };
}

/** Passes a response stream through, logging once when it ends or fails. */
async function* logged<T>(messages: AsyncIterable<T>, done: (err?: unknown) => ConnectError | undefined): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (raw) {
    throw done(raw)!;
  }
  done();
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}

/** The Connect protocol's spelling of a code (not_found, invalid_argument), matching "ok". */
function codeLabel(code: Code): string {
  return Code[code]!.replace(/[A-Z]/g, (c, i: number) => (i ? "_" : "") + c.toLowerCase());
}
