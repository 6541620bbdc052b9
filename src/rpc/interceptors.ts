// Cross-cutting concerns of every call: a request id, one structured log line, error mapping,
// and refusing new calls while the server drains.
import { randomUUID } from "node:crypto";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "../logger.js";
import { toConnectError } from "./errors.js";

export interface CallTracker {
  /** True once graceful shutdown began: new calls are refused with UNAVAILABLE. */
  draining: boolean;
  inFlight: number;
}

export function callInterceptor(logger: Logger, tracker: CallTracker): Interceptor {
  return (next) => async (req) => {
    const requestId = req.header.get("x-request-id") || randomUUID();
    const method = `${req.service.typeName}/${req.method.name}`;
    if (tracker.draining) {
      throw new ConnectError("server is shutting down - retry against another replica", Code.Unavailable);
    }
    const started = performance.now();
    tracker.inFlight++;
    try {
      const res = await next(req);
      res.header.set("x-request-id", requestId);
      if (!req.stream) logger.info({ requestId, method, code: "ok", ms: elapsed(started) }, "rpc");
      else logger.info({ requestId, method }, "stream opened");
      return res;
    } catch (raw) {
      const err = toConnectError(raw);
      const code = Code[err.code];
      if (err.code === Code.Internal) logger.error({ requestId, method, err: raw }, "rpc failed");
      else logger.info({ requestId, method, code, ms: elapsed(started), msg: err.rawMessage }, "rpc");
      err.metadata.set("x-request-id", requestId);
      throw err;
    } finally {
      tracker.inFlight--;
    }
  };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
