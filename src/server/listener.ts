// One cleartext port for HTTP/2 (gRPC, gRPC-Web, Connect, bidi streams) and HTTP/1.1 (Connect
// unary JSON, gRPC-Web, curl). Node's http2 server cannot accept HTTP/1.1 in cleartext, so we
// peek at the first bytes of each connection: HTTP/2 with prior knowledge always starts with the
// "PRI * HTTP/2.0" preface, which no HTTP/1.1 method can.
import * as http from "node:http";
import * as http2 from "node:http2";
import * as net from "node:net";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
/** A client that sends nothing for this long is disconnected before protocol selection. */
const SNIFF_TIMEOUT_MS = 10_000;

export interface DualProtocolServer {
  readonly net: net.Server;
  readonly http2: http2.Http2Server;
  readonly http1: http.Server;
}

export type Handler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

/**
 * `options.http2` takes every HTTP/2 connection when given (the gRPC path's server, which hands
 * non-gRPC streams to `handler`); otherwise a plain Node HTTP/2 server serves them with `handler`.
 */
export function createDualProtocolServer(
  handler: Handler,
  options: { maxSessionMemoryMb: number; http2?: http2.Http2Server },
): DualProtocolServer {
  const h2 = options.http2 ?? http2.createServer({ maxSessionMemory: options.maxSessionMemoryMb }, handler);
  const h1 = http.createServer(handler as http.RequestListener);
  const server = net.createServer((socket) => {
    // Nagle's algorithm would hold small gRPC frames back for tens of milliseconds.
    socket.setNoDelay(true);
    route(socket, h1, h2);
  });
  return { net: server, http2: h2, http1: h1 };
}

function route(socket: net.Socket, h1: http.Server, h2: http2.Http2Server): void {
  let seen = Buffer.alloc(0);
  socket.setTimeout(SNIFF_TIMEOUT_MS, () => socket.destroy());
  const onData = (chunk: Buffer): void => {
    seen = Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, PREFACE.length);
    const isH2Prefix = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
    if (isH2Prefix && seen.length < PREFACE.length) return; // undecided: wait for more bytes
    socket.off("data", onData);
    socket.pause();
    socket.setTimeout(0);
    // Both servers read data already buffered on the socket before taking it over.
    socket.unshift(seen);
    (isH2Prefix ? h2 : h1).emit("connection", socket);
    if (!isH2Prefix) socket.resume();
  };
  socket.on("data", onData);
  socket.on("error", () => socket.destroy());
}
