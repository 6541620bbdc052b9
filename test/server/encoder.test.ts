// The compiled encoder must produce exactly protobuf-es toBinary's bytes for the response types it
// serves (the gRPC path's hot messages), for any message: random values of every field, edge
// values included (-0, NaN, negative int32 and int64, 64-bit extremes, non-ASCII and long strings,
// empty and unset fields, every oneof case).
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileEncoder } from "../../src/server/encoder.js";
import { messageInit } from "../support/arbitrary-messages.js";
import { HOT_RESPONSE_TYPES } from "../../src/server/hot-encoders.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { SessionResponseSchema } from "../../gen/keel/v1/engine_service_pb.js";
import { clientsFor } from "../support/clients.js";
import { startTestServer } from "../support/server.js";

describe.each(HOT_RESPONSE_TYPES.map((s) => [s.typeName, s] as const))("compiled encoder for %s", (_name, schema) => {
  const encode = compileEncoder(schema, { fallback: false })!;

  it("compiles", () => {
    expect(encode).toBeDefined();
  });

  it("writes exactly toBinary's bytes", () => {
    fc.assert(
      fc.property(messageInit(schema), (init) => {
        const message = create(schema, init as never);
        expect(encode(message)).toEqual(toBinary(schema, message));
      }),
      { numRuns: 400 },
    );
  });

  it("writes unknown fields kept from a decoded message the same way", () => {
    fc.assert(
      fc.property(messageInit(schema), fc.uint8Array({ minLength: 1, maxLength: 40 }), (init, extra) => {
        // Field 1000, length-delimited: unknown to every Keel message.
        const unknown = new Uint8Array([0xc2, 0x3e, extra.length, ...extra]);
        const bytes = new Uint8Array([...toBinary(schema, create(schema, init as never)), ...unknown]);
        const message = fromBinary(schema, bytes);
        expect(encode(message)).toEqual(toBinary(schema, message));
      }),
      { numRuns: 100 },
    );
  });
});

describe("compiled encoder on real session answers", () => {
  it("matches toBinary for every frame of a session", async () => {
    const server = await startTestServer();
    try {
      const { engine, instances } = clientsFor(server.baseUrl);
      const id = (await instances.createInstance({ name: "enc" })).instance!.id;
      const encode = compileEncoder(SessionResponseSchema, { fallback: false })!;
      async function* frames() {
        yield { frame: { case: "open" as const, value: { instanceId: id } } };
        const modes = [Mode.ORDER, Mode.ASSERTION, Mode.IDENTITY, Mode.CONNECTION, Mode.EXPLORATION, Mode.PERCEPTION];
        for (let s = 1; s <= 300; s++) {
          yield { frame: { case: "observation" as const, value: { sequence: BigInt(s), observation: { mode: modes[(s * 7) % 6]!, signalStrength: ((s * 37) % 100) / 100 } } } };
        }
      }
      let n = 0;
      for await (const res of engine.session(frames())) {
        expect(encode(res)).toEqual(toBinary(SessionResponseSchema, res));
        n++;
      }
      expect(n).toBe(301);
    } finally {
      await server.close();
    }
  });
});
