// Raw HTTP/2 calls for tests that must send what no well-behaved client sends (malformed or
// oversized bodies) and read exactly what the server answered, stream by stream, on one connection.
import * as http2 from "node:http2";

export interface RawAnswer {
  status: number;
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  body: Buffer;
  /** RST_STREAM code the stream closed with (0 = NO_ERROR). */
  rstCode: number;
}

export function rawCall(
  session: http2.ClientHttp2Session,
  path: string,
  contentType: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": contentType, te: "trailers", ...headers });
    const answer: RawAnswer = { status: 0, headers: {}, trailers: {}, body: Buffer.alloc(0), rstCode: 0 };
    const chunks: Buffer[] = [];
    stream.on("response", (h) => {
      answer.status = Number(h[":status"]);
      answer.headers = h;
    });
    stream.on("trailers", (t) => (answer.trailers = t));
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("error", () => undefined);
    stream.on("close", () => {
      answer.body = Buffer.concat(chunks);
      answer.rstCode = stream.rstCode ?? 0;
      resolve(answer);
    });
    stream.end(body);
  });
}

/** A gRPC / gRPC-Web / Connect-streaming envelope around one message. */
export function envelope(message: Uint8Array, flags = 0): Buffer {
  const out = Buffer.alloc(5 + message.byteLength);
  out[0] = flags;
  out.writeUInt32BE(message.byteLength, 1);
  out.set(message, 5);
  return out;
}

/** The grpc-status of a gRPC-Web answer: from its headers, else its trailer frame. */
export function grpcWebStatus(answer: RawAnswer): { code: number; message: string } {
  let fields: Record<string, string> = {};
  if (answer.headers["grpc-status"] !== undefined) {
    fields = { "grpc-status": String(answer.headers["grpc-status"]), "grpc-message": String(answer.headers["grpc-message"] ?? "") };
  } else {
    let p = 0;
    while (p + 5 <= answer.body.length) {
      const flags = answer.body[p]!;
      const len = answer.body.readUInt32BE(p + 1);
      if (flags & 0x80) {
        for (const line of answer.body.subarray(p + 5, p + 5 + len).toString("utf8").split("\r\n")) {
          const at = line.indexOf(":");
          if (at > 0) fields[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
        }
      }
      p += 5 + len;
    }
  }
  return { code: Number(fields["grpc-status"] ?? -1), message: decodeURIComponent(fields["grpc-message"] ?? "") };
}

/** The code of a Connect streaming answer's end-of-stream frame (flag 0x02). */
export function connectStreamEnd(answer: RawAnswer): { code: string; message: string } {
  let p = 0;
  while (p + 5 <= answer.body.length) {
    const flags = answer.body[p]!;
    const len = answer.body.readUInt32BE(p + 1);
    if (flags & 0x02) {
      const end = JSON.parse(answer.body.subarray(p + 5, p + 5 + len).toString("utf8")) as { error?: { code: string; message: string } };
      return { code: end.error?.code ?? "ok", message: end.error?.message ?? "" };
    }
    p += 5 + len;
  }
  return { code: "none", message: "" };
}
