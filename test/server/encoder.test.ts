// The compiled encoder must produce exactly protobuf-es toBinary's bytes for the response types it
// serves (the gRPC path's hot messages), for any message: random values of every field, edge
// values included (-0, NaN, negative int32 and int64, 64-bit extremes, non-ASCII and long strings,
// empty and unset fields, every oneof case).
import { create, fromBinary, ScalarType, toBinary, type DescField, type DescMessage } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileEncoder } from "../../src/server/encoder.js";
import { HOT_RESPONSE_TYPES } from "../../src/server/hot-encoders.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { SessionResponseSchema } from "../../gen/keel/v1/engine_service_pb.js";
import { clientsFor } from "../support/clients.js";
import { startTestServer } from "../support/server.js";

const MAX_DEPTH = 4;

function scalar(type: ScalarType): fc.Arbitrary<unknown> {
  switch (type) {
    case ScalarType.DOUBLE:
      return fc.oneof(fc.double(), fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, 0.5, 1e-300));
    case ScalarType.FLOAT:
      return fc.oneof(fc.float(), fc.constantFrom(0, -0, 0.5));
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, -1, 127, 128, 300));
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(0, 127, 128, 16384));
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(0n, -1n, 2n ** 53n, 2n ** 53n - 1n));
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(0n, 1n, 2n ** 53n, 2n ** 53n + 1n));
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.STRING:
      return fc.oneof(
        fc.string(),
        fc.string({ unit: "binary", maxLength: 200 }),
        fc.string({ minLength: 120, maxLength: 300 }),
        fc.constantFrom("", "inst_0123456789abcdef", "é", "\u{1F600}"),
      );
    case ScalarType.BYTES:
      return fc.uint8Array({ maxLength: 200 });
  }
}

function enumValue(f: { enum: { values: { number: number }[] } }): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(...f.enum.values.map((v) => v.number)), fc.constantFrom(0, -1, 99));
}

function single(f: DescField, depth: number): fc.Arbitrary<unknown> {
  switch (f.fieldKind) {
    case "scalar":
      return scalar(f.scalar);
    case "enum":
      return enumValue(f);
    case "message":
      return depth >= MAX_DEPTH ? fc.constant(undefined) : messageInit(f.message, depth + 1);
    case "list":
      if (f.listKind === "message") {
        return depth >= MAX_DEPTH ? fc.constant([]) : fc.array(messageInit(f.message, depth + 1), { maxLength: 4 });
      }
      return fc.array(f.listKind === "enum" ? enumValue(f) : scalar(f.scalar), { maxLength: 40 });
    case "map": {
      const value =
        f.mapKind === "message"
          ? depth >= MAX_DEPTH
            ? fc.constant(undefined)
            : messageInit(f.message, depth + 1)
          : f.mapKind === "enum"
            ? enumValue(f)
            : scalar(f.scalar);
      return fc.dictionary(fc.string({ maxLength: 10 }), value, { maxKeys: 4 }).map((d) =>
        Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)),
      );
    }
  }
}

/** An init object for `create`, with any subset of fields (and oneof cases) set. */
function messageInit(desc: DescMessage, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const member of desc.members) {
    if (member.kind === "oneof") {
      parts[member.localName] = fc.oneof(
        fc.constant(undefined),
        ...member.fields.map((f) => single(f, depth).map((value) => (value === undefined ? undefined : { case: f.localName, value }))),
      );
    } else {
      parts[member.localName] = fc.option(single(member, depth), { nil: undefined, freq: 3 });
    }
  }
  return fc.record(parts).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
}

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
