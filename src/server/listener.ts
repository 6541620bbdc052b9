// One port for HTTP/2 (gRPC, gRPC-Web, Connect, bidi streams) and HTTP/1.1 (Connect unary JSON,
// gRPC-Web, curl), in cleartext or over TLS.
//
// Cleartext: Node's http2 server cannot accept HTTP/1.1 in cleartext, so we peek at the first
// bytes of each connection: HTTP/2 with prior knowledge always starts with the
// "PRI * HTTP/2.0" preface, which no HTTP/1.1 method can.
//
// TLS: the client names its protocol in the handshake (ALPN "h2" or "http/1.1"), so no sniffing.
// A tls.Server terminates TLS and hands the decrypted socket to the same two servers, instead
// of http2.createSecureServer({ allowHTTP1 }): that keeps HTTP/1.1 connections on our own
// http.Server, so graceful shutdown (closeIdleConnections) works the same in both modes.
import * as http from "node:http";
import * as http2 from "node:http2";
import * as net from "node:net";
import * as tls from "node:tls";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
/** A client that sends nothing (or never finishes the TLS handshake) for this long is disconnected. */
const SNIFF_TIMEOUT_MS = 10_000;

export interface DualProtocolServer {
  /** The listening server: a tls.Server (also a net.Server) when TLS is on. */
  readonly net: net.Server;
  readonly http2: http2.Http2Server;
  readonly http1: http.Server;
}

/** PEM material, already read and validated (see src/config.ts). */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** CA bundle for client certificates; when set, every client must present one it signed. */
  clientCa: Buffer | null;
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
  options: { maxSessionMemoryMb: number; tls?: TlsMaterial | null; http2?: http2.Http2Server },
): DualProtocolServer {
  const h2 = options.http2 ?? http2.createServer({ maxSessionMemory: options.maxSessionMemoryMb }, handler);
  // Headers and request timeouts are checked every connectionsCheckingInterval (30 s by default),
  // which let slow-header clients live far past headersTimeout.
  const h1 = http.createServer({ connectionsCheckingInterval: 1_000 }, handler as http.RequestListener);
  // h1 never listens itself (connections are handed to it), but Node's http.Server starts
  // tracking connections on "listening"; without that, closeIdleConnections() at shutdown and
  // the headers/request timeouts do nothing.
  h1.emit("listening");
  const material = options.tls;
  if (material) {
    const server = tls.createServer(
      {
        cert: material.cert,
        key: material.key,
        ALPNProtocols: ["h2", "http/1.1"],
        handshakeTimeout: SNIFF_TIMEOUT_MS,
        // Nagle's algorithm would hold small gRPC frames back for tens of milliseconds.
        noDelay: true,
        ...(material.clientCa
          ? { requestCert: true, rejectUnauthorized: true, ca: material.clientCa }
          : {}),
      },
      // No ALPN (false) means HTTP/1.1, as for https clients that do not offer ALPN.
      (socket) => (socket.alpnProtocol === "h2" ? h2 : h1).emit("connection", socket),
    );
    return { net: server, http2: h2, http1: h1 };
  }
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
