// The response types whose encoding dominates the server's work (a contract per observation):
// on the grpc-js path they use the compiled encoder, byte-identical to toBinary
// (test/server/encoder.test.ts). Every other type keeps protobuf-es toBinary.
import type { DescMessage } from "@bufbuild/protobuf";
import { ProcessBatchResponseSchema, ProcessResponseSchema, SessionResponseSchema } from "../../gen/keel/v1/engine_service_pb.js";
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
