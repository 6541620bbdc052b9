// Replay trusts sameJson to skip encoding a stored outcome: it must never call two values equal
// whose canonical bytes differ, and must call a value equal to its JSON round trip.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CycleWriter } from "../../src/audit/cycle-bytes.js";
import { sameJson } from "../../src/audit/same-json.js";


function encoded(v: unknown): string {
  const w = new CycleWriter();
  w.value(v);
  return Buffer.from(w.bytes()).toString("hex");
}

const small = fc.jsonValue({ maxDepth: 3 });

describe("sameJson", () => {
  it("holds between a value and its JSON round trip", () => {
    fc.assert(fc.property(small, (v) => {
        expect(sameJson(v, JSON.parse(JSON.stringify(v)))).toBe(true);
      }));
  });

  it("never holds between values whose canonical bytes differ", () => {
    fc.assert(
      fc.property(small, small, (x, y) => {
        if (sameJson(x, y)) expect(encoded(x)).toBe(encoded(y));
      }),
    );
    // Mostly-equal pairs: one leaf changed, added or removed.
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 3 }), small, { minKeys: 1 }), fc.string({ maxLength: 3 }), small, (x, k, v) => {
        const y = { ...x, [k]: v };
        expect(sameJson(x, y)).toBe(encoded(x) === encoded(y));
      }),
    );
  });

  it("ignores undefined members as the store does, and nothing else", () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: null }, {})).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: [] }, { a: {} })).toBe(false);
    expect(sameJson(-0, 0)).toBe(true);
  });
});
