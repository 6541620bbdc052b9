// The SDK's compiled decoder must give exactly the message protobuf-es fromBinary gives for the
// session answers it decodes, for any encoded message (random values of every field, packed and
// unpacked lists, unknown fields), and fail on malformed input as fromBinary fails.
import { create, fromBinary, toBinary, type DescMessage } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileDecoder } from "@keel/protobuf-decode";
import { ExecutionContractSchema } from "../src/gen/keel/v1/contract_pb.js";
import { BatchOutcomeSchema, CycleOutcomeSchema, SequencedOutcomeSchema } from "../src/gen/keel/v1/engine_service_pb.js";
import { Action } from "../src/gen/keel/v1/modes_pb.js";
import { messageInit } from "../../../test/support/arbitrary-messages.js";

const unknownField = fc
  .tuple(fc.integer({ min: 1000, max: 5000 }), fc.uint8Array({ maxLength: 40 }))
  .map(([no, d]) => [...varint((no << 3) | 2), ...varint(d.length), ...d]);

function varint(v: number): number[] {
  const out: number[] = [];
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function result(f: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: String(e) };
  }
}

const types: DescMessage[] = [ExecutionContractSchema, CycleOutcomeSchema, SequencedOutcomeSchema, BatchOutcomeSchema];

describe.each(types.map((s) => [s.typeName, s] as const))("compiled decoder for %s", (_name, schema) => {
  const decode = compileDecoder(schema)!;

  it("compiles, with no fallback needed", () => {
    expect(compileDecoder(schema, { fallback: false })).toBeDefined();
  });

  it("decodes what toBinary wrote (with unknown fields) as fromBinary does", () => {
    fc.assert(
      fc.property(messageInit(schema), fc.array(unknownField, { maxLength: 2 }), (init, extra) => {
        const bytes = Buffer.from([...toBinary(schema, create(schema, init as never)), ...extra.flat()]);
        expect(decode(bytes)).toEqual(fromBinary(schema, bytes));
      }),
      { numRuns: 150 },
    );
  });

  it("fails on malformed input as fromBinary does", () => {
    const mutated = fc
      .tuple(messageInit(schema), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat())
      .map(([init, edits, cut]) => {
        const bytes = [...toBinary(schema, create(schema, init as never))];
        for (const [at, value] of edits) if (bytes.length) bytes[at % bytes.length] = value;
        return Buffer.from(bytes.length && cut % 2 ? bytes.slice(0, cut % bytes.length) : bytes);
      });
    fc.assert(
      fc.property(mutated, (bytes) => {
        expect(result(() => decode(bytes))).toEqual(result(() => fromBinary(schema, bytes)));
      }),
      { numRuns: 300 },
    );
  });
});

describe("lists of enums", () => {
  const decode = compileDecoder(ExecutionContractSchema, { fallback: false })!;
  it("reads packed and unpacked encodings alike, on the fast path", () => {
    const packed = toBinary(ExecutionContractSchema, create(ExecutionContractSchema, { allowedActions: [Action.EXPLORE, Action.DEFER] }));
    expect(decode(Buffer.from(packed))).toEqual(fromBinary(ExecutionContractSchema, packed));
    // Field 2 (allowed_actions), unpacked: one varint per tag.
    const unpacked = Buffer.from([0x10, Action.EXPLORE, 0x10, Action.DEFER]);
    expect(decode(unpacked)).toEqual(fromBinary(ExecutionContractSchema, unpacked));
  });
});
