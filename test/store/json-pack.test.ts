// The in-process store keeps values packed into bytes; unpacking must give exactly what the JSON
// round trip gives, as jsonCopy does.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PackedLog, jsonPack, jsonUnpack } from "../../src/store/json-pack.js";

const viaJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

const odd = fc.constantFrom<unknown>(undefined, Number.NaN, Number.POSITIVE_INFINITY, -0, () => 1, Symbol("s"), new Date(0), new Map([[1, 2]]), 2 ** 31, -1, 0.5, 1e300);
const text = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }));
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.double(), fc.integer(), text, fc.boolean(), fc.constant(null), odd),
  node: fc.oneof(
    { depthSize: "small" },
    tie("leaf"),
    fc.array(tie("node"), { maxLength: 5 }),
    fc.dictionary(fc.oneof(text, fc.constantFrom("__proto__", "toJSON", "0", "1")), tie("node"), { maxKeys: 5 }),
  ),
})).node;

describe("jsonPack", () => {
  it("unpacks to the JSON round trip for any value", () => {
    fc.assert(
      fc.property(fc.oneof(fc.dictionary(text, value), fc.array(value)), (v) => {
        const back = jsonUnpack(jsonPack(v));
        expect(back).toStrictEqual(viaJson(v));
        expect(JSON.stringify(back)).toBe(JSON.stringify(v));
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps entries apart in a log, across chunks", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.dictionary(text, value), fc.array(value), fc.string({ minLength: 70_000, maxLength: 70_001 })), { maxLength: 20 }), (values) => {
        const log = new PackedLog();
        for (const v of values) log.push(v);
        expect(log.length).toBe(values.length);
        values.forEach((v, i) => expect(log.get(i)).toStrictEqual(viaJson(v)));
      }),
      { numRuns: 40 },
    );
  });

  it("shares nothing: every unpack makes fresh objects", () => {
    const bytes = jsonPack({ a: [{ b: 1 }] });
    const one = jsonUnpack<{ a: { b: number }[] }>(bytes);
    one.a[0]!.b = 9;
    expect(jsonUnpack(bytes)).toEqual({ a: [{ b: 1 }] });
  });

  it("fails where JSON fails, and a failed push appends nothing", () => {
    expect(() => jsonPack(undefined)).toThrow();
    expect(() => jsonPack({ n: 1n })).toThrow();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => jsonPack(cyclic)).toThrow();
    const log = new PackedLog();
    log.push({ a: 1 });
    expect(() => log.push({ n: 1n })).toThrow();
    expect(log.length).toBe(1);
    expect(log.get(0)).toEqual({ a: 1 });
  });
});
