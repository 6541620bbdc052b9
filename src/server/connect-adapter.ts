// connect-node's adapter (connectNodeAdapter, the same ~40 lines) with two corrections made on the
// universal response, where connect's own machinery answers outside any interceptor:
//
// - A request body that is not valid protobuf is the client's mistake, but connect's binary
//   serialization reports it as INTERNAL "parse binary" (issue 15 #4). Those answers become
//   INVALID_ARGUMENT, on Connect (application/proto), gRPC-Web and gRPC alike. (Streams map it in
//   toConnectError, since the handler reads the request stream itself.)
// - A response connect cannot serialize (e.g. a Timestamp JSON cannot spell) was answered 500 and
//   never logged (issue 15 #1). Every INTERNAL or UNKNOWN answer the call interceptor did not already
//   report is now logged at error level with the method.
import { Code, ConnectError, createConnectRouter, createContextValues, type ConnectRouter } from "@connectrpc/connect";
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
  type ConnectNodeAdapterOptions,
} from "@connectrpc/connect-node";
import type { UniversalHandler, UniversalServerResponse } from "./library-internals.js";
import type { Logger } from "../logger.js";
import { failureReported } from "../rpc/interceptors.js";
import type { Handler } from "./listener.js";

const PARSE_BINARY = "parse binary";

/** Connect's "parse binary" INTERNAL for a request message, as the client mistake it is. */
export function isRequestParseFailure(err: ConnectError): boolean {
  return err.code === Code.Internal && err.rawMessage.startsWith(PARSE_BINARY);
}

export function malformedMessage(typeName: string, detail: string): string {
  return `the request is not a valid ${typeName} protobuf message - ${detail.replace(/^parse binary: /, "").replace(/[:,;]/g, " ")}`;
}

export function keelConnectAdapter(
  options: ConnectNodeAdapterOptions & { routes: (router: ConnectRouter) => void; logger: Logger },
): Handler {
  const router = createConnectRouter({ ...options, acceptCompression: options.acceptCompression ?? [compressionGzip, compressionBrotli] });
  options.routes(router);
  const paths = new Map<string, UniversalHandler>();
  for (const h of router.handlers) paths.set(h.requestPath, h);
  const { logger } = options;
  return (req, res) => {
    const uHandler = paths.get((req.url ?? "").split("?", 2)[0] ?? "");
    if (!uHandler) {
      res.writeHead(404);
      res.end();
      return;
    }
    const values = createContextValues();
    const method = `${uHandler.service.typeName}/${uHandler.method.name}`;
    const report = (code: Code, message: string): void => {
      if (!values.get(failureReported)) logger.error({ method, code: Code[code], error: message }, "rpc failed outside its handler");
    };
    const uReq = universalRequestFromNodeRequest(req as never, res as never, undefined, values);
    uHandler(uReq)
      .then((uRes) => corrected(uRes, uHandler.method.input.typeName, report))
      .then((uRes) => universalResponseToNodeResponse(uRes, res as never))
      .catch((reason: unknown) => {
        if (ConnectError.from(reason).code === Code.Aborted) return;
        logger.error({ method, err: reason }, "rpc handler failed");
      });
  };
}

type Report = (code: Code, message: string) => void;

async function corrected(uRes: UniversalServerResponse, inputType: string, report: Report): Promise<UniversalServerResponse> {
  const contentType = headerOf(uRes.header, "content-type");
  if (uRes.status !== 200 && contentType.startsWith("application/json") && uRes.body) {
    return connectUnaryError(uRes, inputType, report);
  }
  if (!uRes.body || !(Symbol.asyncIterator in Object(uRes.body))) return uRes;
  const body = uRes.body as AsyncIterable<Uint8Array>;
  if (contentType.startsWith("application/grpc-web")) return { ...uRes, body: grpcWebTrailers(body, inputType, report) };
  if (contentType.startsWith("application/grpc") && uRes.trailer) {
    return { ...uRes, body: grpcTrailers(body, uRes.trailer, inputType, report) };
  }
  return uRes;
}

function headerOf(header: UniversalServerResponse["header"], name: string): string {
  if (!header) return "";
  if (header instanceof Headers) return header.get(name) ?? "";
  const v = (header as Record<string, string | string[]>)[name];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

/** Connect unary: the error is a JSON body with an HTTP status. */
async function connectUnaryError(uRes: UniversalServerResponse, inputType: string, report: Report): Promise<UniversalServerResponse> {
  const chunks: Uint8Array[] = [];
  for await (const c of uRes.body as AsyncIterable<Uint8Array>) chunks.push(c);
  const bytes = Buffer.concat(chunks);
  let error: { code?: string; message?: string };
  try {
    error = JSON.parse(bytes.toString("utf8")) as typeof error;
  } catch {
    return { ...uRes, body: single(bytes) };
  }
  const message = error.message ?? "";
  if (error.code === "internal" && message.startsWith(PARSE_BINARY)) {
    const fixed = Buffer.from(JSON.stringify({ ...error, code: "invalid_argument", message: malformedMessage(inputType, message) }));
    const header = new Headers(uRes.header as ConstructorParameters<typeof Headers>[0]);
    header.set("content-length", String(fixed.byteLength));
    return { ...uRes, status: 400, header, body: single(fixed) };
  }
  if (error.code === "internal" || error.code === "unknown") report(error.code === "internal" ? Code.Internal : Code.Unknown, message);
  return { ...uRes, body: single(bytes) };
}

async function* single(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** gRPC over connect-node: the status goes out in trailers, written after the body. */
async function* grpcTrailers(body: AsyncIterable<Uint8Array>, trailer: Headers, inputType: string, report: Report): AsyncIterable<Uint8Array> {
  yield* body;
  correctTrailer(trailer, inputType, report);
}

function correctTrailer(trailer: Headers, inputType: string, report: Report): void {
  const status = Number(trailer.get("grpc-status") ?? "0");
  if (status !== Code.Internal && status !== Code.Unknown) return;
  const message = decodeURIComponent(trailer.get("grpc-message") ?? "");
  if (status === Code.Internal && message.startsWith(PARSE_BINARY)) {
    trailer.set("grpc-status", String(Code.InvalidArgument));
    trailer.set("grpc-message", encodeURIComponent(malformedMessage(inputType, message)));
  } else report(status, message);
}

/** gRPC-Web: the status is a trailer frame (flag 0x80) at the end of the body. */
async function* grpcWebTrailers(body: AsyncIterable<Uint8Array>, inputType: string, report: Report): AsyncIterable<Uint8Array> {
  for await (const chunk of body) {
    if (chunk.byteLength < 5 || (chunk[0]! & 0x80) === 0 || 5 + Buffer.from(chunk).readUInt32BE(1) !== chunk.byteLength) {
      yield chunk;
      continue;
    }
    const text = Buffer.from(chunk.subarray(5)).toString("utf8");
    const trailer = new Headers();
    for (const line of text.split("\r\n")) {
      const at = line.indexOf(":");
      if (at > 0) trailer.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
    }
    const before = trailer.get("grpc-status");
    correctTrailer(trailer, inputType, report);
    if (trailer.get("grpc-status") === before) {
      yield chunk;
      continue;
    }
    let out = "";
    trailer.forEach((value, key) => (out += `${key}: ${value}\r\n`));
    const data = Buffer.from(out, "utf8");
    const frame = Buffer.alloc(5 + data.byteLength);
    frame[0] = chunk[0]!;
    frame.writeUInt32BE(data.byteLength, 1);
    data.copy(frame, 5);
    yield frame;
  }
}
