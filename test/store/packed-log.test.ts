// The in-process store keeps history entries and engine states as MessagePack bytes: what comes
// back must be the value that went in, as fresh objects, for any plain data a record can hold.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PackedLog, pack, unpack } from "../../src/store/packed-log.js";

// Well-formed Unicode: every string reaches the store from protobuf (UTF-8 on the wire).
const text = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" }));
const key = fc.oneof(text, fc.constantFrom("__proto__", "constructor", "toJSON", "0", "1", ""));
const value = fc.letrec((tie) => ({
  // -0 is not plain data here: it reads back as 0, as through JSON (its own test below).
  leaf: fc.oneof(fc.double({ noNaN: true }).map((x) => (x === 0 ? 0 : x)), fc.integer(), fc.constantFrom(2 ** 31, 2 ** 53 - 1, -(2 ** 53) + 1, -1, 0.5, 1e300), text, fc.boolean(), fc.constant(null)),
  node: fc.oneof(
    { depthSize: "small" },
    tie("leaf"),
    fc.array(tie("node"), { maxLength: 5 }),
    fc.dictionary(key.filter((k) => k !== "__proto__"), tie("node"), { maxKeys: 6, noNullPrototype: true }),
  ),
})).node;
const record = fc.dictionary(key.filter((k) => k !== "__proto__"), value, { maxKeys: 8, noNullPrototype: true });

describe("pack", () => {
  it("unpacks to an equal value in fresh objects", () => {
    fc.assert(
      fc.property(record, (v) => {
        const bytes = pack(v);
        const back = unpack(bytes);
        // toEqual, since toStrictEqual compares a "constructor" key's values by identity.
        expect(back).toEqual(v);
        expect(JSON.stringify(back)).toBe(JSON.stringify(v)); // key order too
        expect(back).not.toBe(v);
        expect(unpack(bytes)).not.toBe(back);
      }),
      { numRuns: 500 },
    );
  });

  it("never turns a __proto__ key into a prototype (msgpackr reads it back as __proto_)", () => {
    const v = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const back = unpack<Record<string, unknown>>(pack(v));
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(back).toEqual({ __proto_: { polluted: true }, a: 1 });
  });

  it("reads -0 back as 0, as JSON (and the stores' jsonCopy) does", () => {
    expect(Object.is(unpack<{ z: number }>(pack({ z: -0 })).z, 0)).toBe(true);
  });

  it("stores strings as UTF-8: a lone surrogate (which protobuf cannot carry) reads back as U+FFFDs", () => {
    expect(unpack<{ s: string }>(pack({ s: "a\ud800b" })).s).toMatch(/^a\ufffd+b$/);
  });
});

describe("PackedLog", () => {
  it("gives back every entry pushed, across chunks, and forgets truncated ones", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), fc.nat(), (entries, cut) => {
        const log = new PackedLog();
        // Entries larger than a chunk take a chunk of their own.
        const big = { blob: "x".repeat(PackedLog.CHUNK + 10) };
        const all = [...entries, big, ...entries];
        for (const e of all) log.push(e);
        expect(log.length).toBe(all.length);
        all.forEach((e, i) => expect(log.get(i)).toEqual(e));
        const n = cut % (all.length + 1);
        log.truncate(n);
        expect(log.length).toBe(n);
        log.push({ after: true });
        expect(log.get(n)).toEqual({ after: true });
        for (let i = 0; i < n; i++) expect(log.get(i)).toEqual(all[i]);
      }),
      { numRuns: 100 },
    );
  });

  it("stays exact when agents' context keys make more shapes than the shared table holds", () => {
    const log = new PackedLog();
    const entries = Array.from({ length: 6000 }, (_, i) => ({ mode: "order", context: { [`k${i}`]: `v${i}` }, cycle: i }));
    for (const e of entries) log.push(e);
    entries.forEach((e, i) => expect(log.get(i)).toEqual(e));
  });
});
