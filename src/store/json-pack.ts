// Values packed into bytes with JSON's semantics, for the in-process store: unpack(pack(v)) is
// what JSON.parse(JSON.stringify(v)) gives, like jsonCopy (test/store/json-pack.test.ts checks it
// against the JSON round trip). Kept as bytes, an agent's history is a few numbers per entry on
// the JS heap instead of a graph of ~20 objects: the young-generation collector copies every
// object that survives it, so a store that retains each cycle's objects made every scavenge
// slower (the latency tails in README "Performance"), and copying the graph in was itself the
// largest allocation per cycle.
//
// The bytes are private to this process (object keys are interned in a process-wide table), so
// they must never be written anywhere else.
import { ByteWriter } from "../byte-writer.js";

const NULL = 0;
const TRUE = 1;
const FALSE = 2;
const UINT = 3; // a non-negative integer below 2^31, as a varint
const F64 = 4;
const ASCII = 5; // length, then one byte per character
const UTF16 = 6; // length in code units, then two bytes each (lone surrogates survive, as in JSON)
const ARRAY = 7; // length, then the items
const OBJECT = 8; // entries (key, value) up to END
const END = 9;
const KEY_REF = 10; // an interned key's index
const KEY = 11; // a key inline (ASCII or UTF16 follows)

/** Keys seen so far, by first use; capped so that user-chosen keys cannot grow it without bound. */
const keyIds = new Map<string, number>();
const keyNames: string[] = [];
const MAX_KEYS = 4096;

class Writer extends ByteWriter {
  constructor() {
    super(16 * 1024);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  string(s: string): void {
    const n = s.length;
    this.ensure(n * 2 + 6);
    const b = this.buf;
    const start = this.pos;
    b[this.pos++] = ASCII;
    this.varint32(n);
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = start;
        this.utf16(s);
        return;
      }
      b[p++] = c;
    }
    this.pos = p;
  }

  utf16(s: string): void {
    const n = s.length;
    this.byte(UTF16);
    this.varint32(n);
    this.ensure(n * 2);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      b[p++] = c & 0xff;
      b[p++] = c >>> 8;
    }
    this.pos = p;
  }

  key(k: string): void {
    let id = keyIds.get(k);
    if (id === undefined && keyNames.length < MAX_KEYS) {
      id = keyNames.length;
      keyIds.set(k, id);
      keyNames.push(k);
    }
    if (id === undefined) {
      this.byte(KEY);
      this.string(k);
    } else {
      this.byte(KEY_REF);
      this.varint32(id);
    }
  }
}

const writer = new Writer();

/**
 * Writes v as JSON would keep it; false when JSON would drop it (undefined, functions, symbols),
 * so the caller can drop it too. Mirrors copyJson in commit-records.ts case by case.
 */
function write(w: Writer, v: unknown): boolean {
  switch (typeof v) {
    case "string":
      w.string(v);
      return true;
    case "boolean":
      w.byte(v ? TRUE : FALSE);
      return true;
    case "number":
      if (!Number.isFinite(v)) w.byte(NULL);
      else if (Number.isInteger(v) && v >= 0 && v < 0x80000000) {
        w.byte(UINT);
        w.varint32(v); // -0 is written as 0, as JSON does
      } else {
        w.ensure(9);
        w.buf[w.pos++] = F64;
        w.view.setFloat64(w.pos, v, true);
        w.pos += 8;
      }
      return true;
    case "object": {
      if (v === null) {
        w.byte(NULL);
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (Array.isArray(v)) {
        if (proto !== Array.prototype) break;
        w.byte(ARRAY);
        w.varint32(v.length);
        for (let i = 0; i < v.length; i++) if (!write(w, v[i])) w.byte(NULL);
        return true;
      }
      if (proto !== Object.prototype && proto !== null) break; // Dates, toJSON, boxed values...
      if (typeof (v as { toJSON?: unknown }).toJSON === "function") break;
      w.byte(OBJECT);
      for (const key in v) {
        if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
        const at = w.pos;
        w.key(key);
        if (!write(w, (v as Record<string, unknown>)[key])) w.pos = at; // dropped, as JSON drops it
      }
      w.byte(END);
      return true;
    }
    case "bigint":
      break;
    default:
      return false;
  }
  // Anything unusual takes the JSON round trip itself, and its plain result is written.
  const text = JSON.stringify(v);
  return text === undefined ? false : write(w, JSON.parse(text));
}

/** Writes value into the shared writer; throws where JSON.stringify throws or gives nothing. */
function packed(value: unknown): Writer {
  const w = writer;
  w.pos = 0;
  if (!write(w, value)) JSON.parse(JSON.stringify(value) as string); // throws as JSON does
  return w;
}

/** The bytes of a value, as JSON would keep it. */
export function jsonPack(value: unknown): Uint8Array {
  const w = packed(value);
  return w.buf.slice(0, w.pos);
}

/** The value packed in bytes[start, end): fresh objects every time. */
export function jsonUnpack<T>(bytes: Uint8Array, start = 0, end = bytes.length): T {
  const r = new Reader(bytes, start);
  const value = r.value();
  if (r.pos !== end) throw new Error("jsonUnpack: corrupt bytes");
  return value as T;
}

class Reader {
  readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    public pos: number,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  varint(): number {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf[this.pos++]!;
      n |= (b & 0x7f) << shift;
      if (b < 0x80) return n >>> 0;
      shift += 7;
    }
  }

  value(): unknown {
    const tag = this.buf[this.pos++];
    switch (tag) {
      case NULL:
        return null;
      case TRUE:
        return true;
      case FALSE:
        return false;
      case UINT:
        return this.varint();
      case F64: {
        const v = this.view.getFloat64(this.pos, true);
        this.pos += 8;
        return v;
      }
      case ASCII:
      case UTF16:
        return this.stringBody(tag);
      case ARRAY: {
        const n = this.varint();
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = this.value();
        return out;
      }
      case OBJECT: {
        const out: Record<string, unknown> = {};
        for (;;) {
          const k = this.buf[this.pos++];
          if (k === END) return out;
          let key: string;
          if (k === KEY_REF) key = keyNames[this.varint()]!;
          else if (k === KEY) key = this.stringBody(this.buf[this.pos++]!);
          else throw new Error("jsonUnpack: corrupt bytes");
          const v = this.value();
          if (key === "__proto__") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
          else out[key] = v;
        }
      }
      default:
        throw new Error("jsonUnpack: corrupt bytes");
    }
  }

  stringBody(tag: number): string {
    const n = this.varint();
    const b = this.buf;
    let p = this.pos;
    let s = "";
    const codes: number[] = [];
    if (tag === ASCII) {
      for (let i = 0; i < n; i++) codes.push(b[p++]!);
    } else if (tag === UTF16) {
      for (let i = 0; i < n; i++, p += 2) codes.push(b[p]! | (b[p + 1]! << 8));
    } else throw new Error("jsonUnpack: corrupt bytes");
    for (let i = 0; i < codes.length; i += 4096) s += String.fromCharCode(...codes.slice(i, i + 4096));
    this.pos = p;
    return s;
  }
}

/**
 * Packed values appended to large shared chunks: each entry costs a few numbers on the heap,
 * not an ArrayBuffer of its own.
 */
export class PackedLog {
  static readonly CHUNK = 64 * 1024;
  readonly #chunks: Uint8Array[] = [];
  /** Per entry: chunk index, start, end. */
  readonly #where: number[] = [];
  #fill = PackedLog.CHUNK;

  get length(): number {
    return this.#where.length / 3;
  }

  /** Appends value as JSON would keep it; throws where JSON does (and appends nothing). */
  push(value: unknown): void {
    const w = packed(value);
    const n = w.pos;
    let chunk = this.#chunks.at(-1);
    if (!chunk || this.#fill + n > chunk.length) {
      chunk = new Uint8Array(Math.max(PackedLog.CHUNK, n));
      this.#chunks.push(chunk);
      this.#fill = 0;
    }
    chunk.set(w.buf.subarray(0, n), this.#fill);
    this.#where.push(this.#chunks.length - 1, this.#fill, this.#fill + n);
    this.#fill += n;
  }

  /** Drops the entries from index n on (undoes pushes). */
  truncate(n: number): void {
    if (n >= this.length) return;
    const w = this.#where;
    const chunk = w[3 * n]!;
    this.#fill = w[3 * n + 1]!;
    this.#chunks.length = chunk + 1;
    w.length = 3 * n;
  }

  /** Entry i, unpacked into fresh objects. */
  get<T>(i: number): T {
    const w = this.#where;
    return jsonUnpack<T>(this.#chunks[w[3 * i]!]!, w[3 * i + 1]!, w[3 * i + 2]!);
  }
}
