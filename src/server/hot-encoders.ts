// The response types whose encoding dominates the server's work (a contract per observation):
// on the grpc-js path they use the compiled encoder, byte-identical to toBinary
// (test/server/encoder.test.ts). Every other type keeps protobuf-es toBinary.
import type { DescMessage } from "@bufbuild/protobuf";
import {
  ProcessBatchRequestSchema,
  ProcessBatchResponseSchema,
  ProcessRequestSchema,
  ProcessResponseSchema,
  SessionRequestSchema,
  SessionResponseSchema,
} from "../../gen/keel/v1/engine_service_pb.js";
import { compileDecoder, type Decoder } from "@keel/protobuf-decode";
import { compileEncoder, type Encoder } from "./encoder.js";

export const HOT_RESPONSE_TYPES: readonly DescMessage[] = [SessionResponseSchema, ProcessResponseSchema, ProcessBatchResponseSchema];

export function hotEncoders(): Map<string, Encoder> {
  const encoders = new Map<string, Encoder>();
  for (const schema of HOT_RESPONSE_TYPES) {
    const encode = compileEncoder(schema);
    if (encode) encoders.set(schema.typeName, encode);
  }
  return encoders;
}

// The request types decoded once per frame or call (a batch frame carries up to 64 observations):
// on the grpc-js path they use the compiled decoder, which yields messages equal to fromBinary's
// and hands anything unusual, malformed input included, to fromBinary (test/server/decoder.test.ts).
export const HOT_REQUEST_TYPES: readonly DescMessage[] = [SessionRequestSchema, ProcessRequestSchema, ProcessBatchRequestSchema];

export function hotDecoders(): Map<string, Decoder> {
  const decoders = new Map<string, Decoder>();
  for (const schema of HOT_REQUEST_TYPES) {
    const decode = compileDecoder(schema);
    if (decode) decoders.set(schema.typeName, decode);
  }
  return decoders;
}
