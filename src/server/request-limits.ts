// Bounds on what a connection may hold without doing anything useful (issue 15, "lower" items):
//
// - An HTTP/2 connection with no open stream for idleMs gets GOAWAY and is closed (gRPC's
//   max_connection_idle); a connection carrying a session stream is never idle.
// - A request (HTTP/1.1 headers + body, or an HTTP/2 request body other than a session's stream)
//   must arrive within requestMs; a slowloris client is disconnected instead of holding a socket.
// - When an answer is complete before its request body was read (a request over the size limit,
//   answered at once), the stream is reset with NO_ERROR (RFC 9113 §8.1) so the client stops
//   sending. Left unread, those bodies filled the connection's memory: after a few oversized calls
//   every new stream on the connection got RST_STREAM ENHANCE_YOUR_CALM (issue 15 #2).
import type * as http from "node:http";
import * as http2 from "node:http2";
import type { Handler } from "./listener.js";

export interface RequestLimits {
  /** An HTTP/2 connection with no open stream this long is closed. */
  idleMs: number;
  /** A request's headers and (non-streaming) body must arrive within this time. */
  requestMs: number;
}

/**
 * HTTP/2: closes connections that carry no stream for idleMs, and resets request streams whose
 * body has not fully arrived within requestMs, except on `isStream` paths (sessions), whose
 * request is a long-lived stream of frames bounded by the session's own open-frame timeout.
 */
export function limitHttp2(server: http2.Http2Server, limits: RequestLimits, isStream: (path: string) => boolean): void {
  server.on("session", (session: http2.ServerHttp2Session) => {
    let open = 0;
    let idle: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (limits.idleMs <= 0) return;
      clearTimeout(idle);
      idle = setTimeout(() => session.close(), limits.idleMs);
      idle.unref();
    };
    session.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
      open++;
      clearTimeout(idle);
      let slow: NodeJS.Timeout | undefined;
      if (limits.requestMs > 0 && !isStream(String(headers[":path"] ?? "").split("?", 2)[0] ?? "")) {
        slow = setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), limits.requestMs);
        slow.unref();
        stream.once("end", () => clearTimeout(slow));
      }
      stream.once("close", () => {
        clearTimeout(slow);
        if (--open === 0 && !session.closed && !session.destroyed) arm();
      });
    });
    session.once("close", () => clearTimeout(idle));
    arm();
  });
}

/** HTTP/1.1: Node's own headers and request timeouts, tightened, and idle keep-alive bounded. */
export function limitHttp1(server: http.Server, limits: RequestLimits): void {
  if (limits.requestMs > 0) {
    server.headersTimeout = limits.requestMs;
    server.requestTimeout = limits.requestMs;
  }
  if (limits.idleMs > 0) server.keepAliveTimeout = Math.min(limits.idleMs, 5_000);
}

/**
 * Wraps the HTTP handler so that an HTTP/2 request body the handler stops reading early (connect
 * answers a request over the size limit at once and then destroys the request) is drained, not
 * destroyed: data a destroyed stream leaves unread is never handed back to the connection's flow
 * control window, so a few oversized requests used to leave the whole connection unable to carry
 * another byte (issue 15 #2). Draining is bounded: after maxDrainBytes, or when the answer is
 * complete, the stream is reset with NO_ERROR (RFC 9113 §8.1: "stop sending, no error") and, if
 * data was still left unread, the connection is closed gracefully with GOAWAY so the client
 * reconnects instead of inheriting a shrunken window.
 */
/** How long the rest of an abandoned body may take to arrive. */
const DRAIN_GRACE_MS = 2_000;

export function drainRequestBodies(handler: Handler, maxDrainBytes: number): Handler {
  return (req, res) => {
    if ("stream" in req) {
      const stream = req.stream;
      let drained = 0;
      const finish = (): void => {
        if (stream.closed || stream.destroyed) return;
        stream.close(http2.constants.NGHTTP2_NO_ERROR);
        if (!req.readableEnded) stream.session?.close();
      };
      let draining = false;
      const drain = (): void => {
        if (draining) return;
        draining = true;
        // An abandoned async iterator leaves a 'readable' listener, which keeps resume() from flowing.
        req.removeAllListeners("readable");
        req.on("data", (chunk: Buffer) => {
          drained += chunk.length;
          if (drained > maxDrainBytes) finish();
        });
        req.resume();
      };
      // Http2ServerRequest.destroy() would destroy the stream with its body unread.
      req.destroy = function (this: typeof req): typeof req {
        if (!req.readableEnded) drain();
        return this;
      };
      // Once the answer is complete, the rest of the body is read and thrown away; whatever is
      // still in flight then gets a moment to arrive before the stream is reset.
      const end = res.end.bind(res) as (...args: unknown[]) => unknown;
      res.end = ((...args: unknown[]) => {
        const r = end(...args);
        if (!req.readableEnded) {
          drain();
          setTimeout(finish, DRAIN_GRACE_MS).unref();
        }
        return r;
      }) as typeof res.end;
    }
    handler(req, res);
  };
}
