// The in-process store's deep copy must give exactly what the JSON round trip gives.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonCopy } from "../../src/store/commit-records.js";

const viaJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

const odd = fc.constantFrom<unknown>(undefined, Number.NaN, Number.POSITIVE_INFINITY, -0, () => 1, Symbol("s"), new Date(0), new Map([[1, 2]]));
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.boolean(), fc.constant(null), odd),
  node: fc.oneof(
    { depthSize: "small" },
    tie("leaf"),
    fc.array(tie("node"), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("__proto__", "toJSON", "0", "1")), tie("node"), { maxKeys: 5 }),
  ),
})).node;

describe("jsonCopy", () => {
  it("equals the JSON round trip for any value", () => {
    fc.assert(
      fc.property(fc.oneof(fc.dictionary(fc.string(), value), fc.array(value)), (v) => {
        const copy = jsonCopy(v);
        expect(copy).toStrictEqual(viaJson(v));
        expect(JSON.stringify(copy)).toBe(JSON.stringify(v));
      }),
      { numRuns: 2000 },
    );
  });

  it("shares nothing with its input", () => {
    const input = { a: [{ b: 1 }], c: { d: [2, 3] } };
    const copy = jsonCopy(input);
    copy.a[0]!.b = 9;
    copy.c.d.push(4);
    expect(input).toEqual({ a: [{ b: 1 }], c: { d: [2, 3] } });
  });

  it("fails where JSON fails", () => {
    expect(() => jsonCopy(undefined)).toThrow();
    expect(() => jsonCopy({ n: 1n })).toThrow();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => jsonCopy(cyclic)).toThrow();
  });
});
