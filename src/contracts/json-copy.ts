// A copy of a value with JSON's semantics (what JSON.parse(JSON.stringify(v)) gives), without the
// text: the stores keep values this way, and enforcement copies its state this way.

/**
 * Deep copy with JSON's semantics (the transformation the Mongo store applies to opaque values):
 * undefined, functions and symbols dropped (null in arrays), non-finite numbers null, -0 as 0.
 * Written out because the JSON round trip turned every double into text and back, the largest
 * single cost of the in-process store (test/store/json-copy.test.ts checks it against JSON).
 */
export function jsonCopy<T>(value: T): T {
  const copy = copyJson(value);
  if (copy === undefined) return JSON.parse(JSON.stringify(value)) as T; // throws as JSON does
  return copy as T;
}

function copyJson(v: unknown): unknown {
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      return Number.isFinite(v) ? v + 0 : null; // v + 0 turns -0 into 0
    case "object": {
      if (v === null) return null;
      const proto = Object.getPrototypeOf(v);
      if (Array.isArray(v)) {
        if (proto !== Array.prototype) break;
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) out[i] = copyJson(v[i]) ?? null;
        return out;
      }
      if (proto !== Object.prototype && proto !== null) break; // Dates, toJSON, boxed values...
      if (typeof (v as { toJSON?: unknown }).toJSON === "function") break;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) {
        const c = copyJson((v as Record<string, unknown>)[key]);
        if (c === undefined) continue;
        if (key === "__proto__") Object.defineProperty(out, key, { value: c, enumerable: true, writable: true, configurable: true });
        else out[key] = c;
      }
      return out;
    }
    case "bigint":
      break;
    default:
      return undefined;
  }
  // Anything unusual takes the JSON round trip itself.
  const text = JSON.stringify(v);
  return text === undefined ? undefined : JSON.parse(text);
}
