// The hand encoder of session frames must write what protobuf-es decodes back to the same
// message, for any observation an SDK caller can build (and any the schema allows).
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ObservationBatchSchema, SequencedObservationSchema } from "../src/gen/keel/v1/engine_service_pb.js";
import { encodeBatch, encodeSequenced } from "../src/request-encode.js";
import { messageInit } from "../../../test/support/arbitrary-messages.js";

describe("request encoder", () => {
  it("a SequencedObservation round-trips through fromBinary, byte for byte as toBinary writes it", () => {
    fc.assert(
      fc.property(messageInit(SequencedObservationSchema), (init) => {
        const message = create(SequencedObservationSchema, init as never);
        const bytes = encodeSequenced(message);
        expect(fromBinary(SequencedObservationSchema, bytes)).toEqual(fromBinary(SequencedObservationSchema, toBinary(SequencedObservationSchema, message)));
        expect(Buffer.from(bytes).equals(Buffer.from(toBinary(SequencedObservationSchema, message)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("an ObservationBatch round-trips too, large strings and many entries included", () => {
    fc.assert(
      fc.property(messageInit(ObservationBatchSchema), fc.string({ minLength: 200, maxLength: 400 }), (init, long) => {
        const message = create(ObservationBatchSchema, init as never);
        message.observations.push(
          create(SequencedObservationSchema, { sequence: 2n ** 53n + 5n, observation: { mode: 3, signalStrength: 0.5, context: { [long]: long }, action: long } }),
        );
        const bytes = encodeBatch(message);
        expect(Buffer.from(bytes).equals(Buffer.from(toBinary(ObservationBatchSchema, message)))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
