// fast-check arbitraries for protobuf-es message init objects of any Keel message type: random
// values of every field, edge values included (-0, NaN, negative int32 and int64, 64-bit extremes,
// non-ASCII and long strings, empty and unset fields, every oneof case).
import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import fc from "fast-check";

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
export function messageInit(desc: DescMessage, depth = 0): fc.Arbitrary<Record<string, unknown>> {
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

