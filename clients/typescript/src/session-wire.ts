// The session stream with a lean codec for its hot frames. Connect encodes and decodes every
// message with protobuf-es toBinary/fromBinary, whose reflection cost most of a batched session's
// client CPU. So the stream is declared to Connect with stand-in request and response types whose
// four frames are plain bytes (same field numbers, same wire type: the bytes on the wire are
// unchanged), and each frame's message is coded here: observation and batch frames by a hand
// encoder (request-encode.ts), outcome and batch answers by a decoder compiled for their types
// (@keel/protobuf-decode, shared with the server), the rare open, opened and heartbeat frames by protobuf-es.
import { create, createFileRegistry, fromBinary, toBinary, type DescMessage, type DescMethod } from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
} from "@bufbuild/protobuf/wkt";
import { createClient, type Transport } from "@connectrpc/connect";
import { compileDecoder } from "@keel/protobuf-decode";
import { encodeBatch, encodeSequenced } from "./request-encode.js";
import {
  BatchOutcomeSchema,
  EngineService,
  HeartbeatSchema,
  SequencedOutcomeSchema,
  SessionOpenedSchema,
  SessionOpenSchema,
  type SessionRequest,
  type SessionResponse,
} from "./gen/keel/v1/engine_service_pb.js";
import type { SessionCall } from "./session.js";

/** keel.v1.SessionRequest and SessionResponse with each frame's message left as bytes. */
const [RawSessionRequest, RawSessionResponse]: DescMessage[] = (() => {
  const raw = (name: string, frames: string[]) => ({
    name,
    field: frames.map((frame, i) => ({
      name: frame,
      jsonName: frame,
      number: i + 1,
      type: FieldDescriptorProto_Type.BYTES,
      label: FieldDescriptorProto_Label.OPTIONAL,
      oneofIndex: 0,
    })),
    oneofDecl: [{ name: "frame" }],
  });
  const file = create(FileDescriptorProtoSchema, {
    name: "keel/sdk/raw_session.proto",
    package: "keel.sdk",
    syntax: "proto3",
    messageType: [
      raw("RawSessionRequest", ["open", "observation", "batch", "heartbeat"]),
      raw("RawSessionResponse", ["opened", "outcome", "batch", "heartbeat"]),
    ],
  });
  const registry = createFileRegistry(file, () => undefined);
  return [registry.getMessage("keel.sdk.RawSessionRequest")!, registry.getMessage("keel.sdk.RawSessionResponse")!];
})();

/** A request frame as RawSessionRequest: observation and batch frames by the hand encoder. */
function encodeFrame(req: SessionRequest): RawFrame {
  const f = req.frame;
  switch (f.case) {
    case "observation":
      return { frame: { case: "observation", value: encodeSequenced(f.value) } };
    case "batch":
      return { frame: { case: "batch", value: encodeBatch(f.value) } };
    case "open":
      return { frame: { case: "open", value: toBinary(SessionOpenSchema, f.value) } };
    case "heartbeat":
      return { frame: { case: "heartbeat", value: toBinary(HeartbeatSchema, f.value) } };
    default:
      return { frame: { case: undefined } };
  }
}

type RawFrame = { frame: { case: string | undefined; value?: Uint8Array } };

const decodeOutcome = compileDecoder(SequencedOutcomeSchema) ?? ((b: Uint8Array) => fromBinary(SequencedOutcomeSchema, b));
const decodeBatch = compileDecoder(BatchOutcomeSchema) ?? ((b: Uint8Array) => fromBinary(BatchOutcomeSchema, b));

/** One raw frame as the SessionResponse fromBinary would have made. */
export function decodeFrame(raw: RawFrame): SessionResponse {
  const { case: kind, value } = raw.frame;
  const bytes = value ?? new Uint8Array(0);
  let frame: SessionResponse["frame"];
  switch (kind) {
    case "outcome":
      frame = { case: "outcome", value: decodeOutcome(bytes) as never };
      break;
    case "batch":
      frame = { case: "batch", value: decodeBatch(bytes) as never };
      break;
    case "opened":
      frame = { case: "opened", value: fromBinary(SessionOpenedSchema, bytes) };
      break;
    case "heartbeat":
      frame = { case: "heartbeat", value: fromBinary(HeartbeatSchema, bytes) };
      break;
    default:
      frame = { case: undefined };
  }
  return { $typeName: "keel.v1.SessionResponse", frame };
}

/** EngineService.Session over `transport`, answers decoded by decodeFrame. */
export function leanSessionCall(transport: Transport): SessionCall {
  const real = EngineService.method.session;
  const method = { ...real, input: RawSessionRequest, output: RawSessionResponse } as DescMethod;
  const service = { ...EngineService, methods: [method], method: { session: method } } as unknown as typeof EngineService;
  const client = createClient(service, transport);
  return (requests: AsyncIterable<SessionRequest>, options: { signal: AbortSignal }) =>
    decoded(client.session(encoded(requests) as AsyncIterable<SessionRequest>, options));
}

async function* encoded(requests: AsyncIterable<SessionRequest>): AsyncIterable<RawFrame> {
  for await (const req of requests) yield encodeFrame(req);
}

async function* decoded(responses: AsyncIterable<unknown>): AsyncIterable<SessionResponse> {
  for await (const raw of responses) yield decodeFrame(raw as RawFrame);
}

