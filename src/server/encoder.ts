// A protobuf binary encoder compiled once per message type from its descriptor, producing exactly
// the bytes protobuf-es `toBinary` produces (same field order, presence rules and encodings; see
// test/server/encoder.test.ts, a fast-check property test against toBinary). protobuf-es walks
// each message through its reflection API and assembles the output from many small chunks; on
// Keel's ~250-byte CycleOutcome that cost ~22 µs, most of a session's per-contract time. This
// writes straight into one reusable buffer.
//
// Types it does not cover (proto2 groups, fixed/sfixed/sint scalars, non-string map keys) are
// reported by compileEncoder returning undefined; callers then keep toBinary.
import { ScalarType, toBinary, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { ByteWriter } from "../byte-writer.js";

/** Encodes a message of the type it was compiled for. */
export type Encoder = (message: unknown) => Uint8Array;

type Msg = Record<string, unknown> & { $unknown?: { no: number; wireType: number; data: Uint8Array }[] };
type WriteFields = (w: Writer, m: Msg) => void;

const IMPLICIT = 2; // FeatureSet.FieldPresence.IMPLICIT, as protobuf-es's reflection checks it

class Writer extends ByteWriter {
  constructor() {
    super(4096);
  }

  /** A varint of a non-negative integer below 2^53. */
  varint(n: number): void {
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    while (n > 0x7f) {
      b[p++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    b[p++] = n;
    this.pos = p;
  }

  /** int32 and enums: negative values take ten bytes, sign-extended to 64 bits. */
  int32(n: number): void {
    if (n >= 0) this.varint32(n);
    else this.bigVarint(BigInt.asUintN(64, BigInt(n)));
  }

  bigVarint(v: bigint): void {
    this.ensure(10);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  /** int64 and uint64 (bigint, or string / number with other jstypes). */
  int64(value: unknown): void {
    const v = typeof value === "bigint" ? value : BigInt(value as string | number);
    if (v >= 0n && v <= 0x1fffffffffffffn) this.varint(Number(v));
    else this.bigVarint(BigInt.asUintN(64, v));
  }

  double(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  float(v: number): void {
    this.ensure(4);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  bytes(v: Uint8Array): void {
    this.varint32(v.byteLength);
    this.ensure(v.byteLength);
    this.buf.set(v, this.pos);
    this.pos += v.byteLength;
  }

  string(s: string): void {
    const n = s.length;
    // Short ASCII strings (ids, names) are copied directly behind a one-byte length.
    if (n < 128) {
      this.ensure(n + 1);
      const b = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[start + i] = c;
      }
      if (i === n) {
        b[this.pos] = n;
        this.pos = start + n;
        return;
      }
    }
    const len = Buffer.byteLength(s, "utf8");
    this.varint32(len);
    this.ensure(len);
    encoder.encodeInto(s, this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
  }

  /** Starts a length-delimited body; `end` puts its length in front of it. */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  end(at: number): void {
    const len = this.pos - at - 1;
    if (len < 0x80) {
      this.buf[at] = len;
      return;
    }
    const size = varintSize(len);
    this.ensure(size - 1);
    this.buf.copyWithin(at + size, at + 1, this.pos);
    this.pos += size - 1;
    let p = at;
    let n = len;
    while (n > 0x7f) {
      this.buf[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[p] = n;
  }
}

const encoder = new TextEncoder();

function varintSize(n: number): number {
  let size = 1;
  while (n > 0x7f) {
    size++;
    n >>>= 7;
  }
  return size;
}

const WIRE_VARINT = 0;
const WIRE_BIT64 = 1;
const WIRE_DELIMITED = 2;
const WIRE_BIT32 = 5;

type ScalarWriter = { wire: number; write: (w: Writer, v: unknown) => void; zero: (v: unknown) => boolean };

function scalarWriter(type: ScalarType): ScalarWriter | undefined {
  switch (type) {
    case ScalarType.STRING:
      return { wire: WIRE_DELIMITED, write: (w, v) => w.string(v as string), zero: (v) => v === "" };
    case ScalarType.BOOL:
      return { wire: WIRE_VARINT, write: (w, v) => w.varint32(v ? 1 : 0), zero: (v) => v === false };
    case ScalarType.DOUBLE:
      return { wire: WIRE_BIT64, write: (w, v) => w.double(v as number), zero: (v) => Object.is(v, 0) };
    case ScalarType.FLOAT:
      return { wire: WIRE_BIT32, write: (w, v) => w.float(v as number), zero: (v) => Object.is(v, 0) };
    case ScalarType.INT32:
      return { wire: WIRE_VARINT, write: (w, v) => w.int32(v as number), zero: (v) => v == 0 };
    case ScalarType.UINT32:
      return { wire: WIRE_VARINT, write: (w, v) => w.varint32((v as number) >>> 0), zero: (v) => v == 0 };
    case ScalarType.INT64:
      return { wire: WIRE_VARINT, write: (w, v) => w.int64(v), zero: (v) => v == 0 };
    case ScalarType.UINT64:
      return { wire: WIRE_VARINT, write: (w, v) => w.int64(v), zero: (v) => v == 0 };
    case ScalarType.BYTES:
      return {
        wire: WIRE_DELIMITED,
        write: (w, v) => w.bytes(v as Uint8Array),
        zero: (v) => v instanceof Uint8Array && !v.byteLength,
      };
    default:
      return undefined; // fixed32/64, sfixed32/64, sint32/64: not used by Keel's hot messages
  }
}

class Unsupported extends Error {}

/** Compiles an encoder, or undefined when the type uses something this encoder does not cover. */
export function compileEncoder(schema: DescMessage, options: { fallback?: boolean } = {}): Encoder | undefined {
  const fallback = options.fallback ?? true;
  let writeFields: WriteFields;
  try {
    writeFields = compileMessage(schema, new Map());
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  const w = new Writer();
  return (message) => {
    w.pos = 0;
    try {
      writeFields(w, message as Msg);
    } catch (e) {
      // Whatever protobuf-es makes of a value this encoder cannot (it validates more), it decides.
      if (!fallback) throw e;
      return toBinary(schema, message as never);
    }
    return w.buf.slice(0, w.pos);
  };
}

function compileMessage(desc: DescMessage, seen: Map<DescMessage, WriteFields>): WriteFields {
  const known = seen.get(desc);
  if (known) return known;
  let compiled: WriteFields = () => {
    throw new Error("unreachable");
  };
  // Recursive types refer to the entry before it is complete.
  const entry: WriteFields = (w, m) => compiled(w, m);
  seen.set(desc, entry);
  const fields = [...desc.fields].sort((a, b) => a.number - b.number).map((f) => compileField(f, seen));
  compiled = (w, m) => {
    for (const write of fields) write(w, m);
    const unknown = m.$unknown;
    if (unknown) {
      for (const u of unknown) {
        w.varint32(((u.no << 3) | u.wireType) >>> 0);
        w.ensure(u.data.byteLength);
        w.buf.set(u.data, w.pos);
        w.pos += u.data.byteLength;
      }
    }
  };
  return entry;
}

function compileField(f: DescField, seen: Map<DescMessage, WriteFields>): WriteFields {
  const name = f.localName;
  const oneof = f.oneof?.localName;
  const explicit = f.presence !== IMPLICIT;
  /** The field's value when set, per protobuf-es's unsafeIsSet; undefined when not set. */
  const get = oneof
    ? (m: Msg) => {
        const o = m[oneof] as { case?: string; value?: unknown };
        return o.case === name ? o.value : undefined;
      }
    : explicit
      ? (m: Msg) => (Object.prototype.hasOwnProperty.call(m, name) ? m[name] : undefined)
      : (m: Msg) => m[name];

  switch (f.fieldKind) {
    case "scalar":
    case "enum": {
      const s: ScalarWriter | undefined =
        f.fieldKind === "enum"
          ? { wire: WIRE_VARINT, write: (w, v) => w.int32(v as number), zero: (v) => v === f.enum.values[0]!.number }
          : scalarWriter(f.scalar);
      if (!s) throw new Unsupported();
      const tag = ((f.number << 3) | s.wire) >>> 0;
      const implicitCheck = !oneof && !explicit;
      return (w, m) => {
        const v = get(m);
        if (v === undefined || (implicitCheck && s.zero(v))) return;
        w.varint32(tag);
        s.write(w, v);
      };
    }
    case "message": {
      if (f.delimitedEncoding) throw new Unsupported();
      const sub = compileMessage(f.message, seen);
      const tag = ((f.number << 3) | WIRE_DELIMITED) >>> 0;
      return (w, m) => {
        const v = get(m) as Msg | undefined;
        if (v === undefined) return;
        w.varint32(tag);
        const at = w.begin();
        sub(w, v);
        w.end(at);
      };
    }
    case "list": {
      if (f.listKind === "message") {
        if (f.delimitedEncoding) throw new Unsupported();
        const sub = compileMessage(f.message, seen);
        const tag = ((f.number << 3) | WIRE_DELIMITED) >>> 0;
        return (w, m) => {
          for (const item of m[name] as Msg[]) {
            w.varint32(tag);
            const at = w.begin();
            sub(w, item);
            w.end(at);
          }
        };
      }
      const s: ScalarWriter | undefined =
        f.listKind === "enum"
          ? { wire: WIRE_VARINT, write: (w, v) => w.int32(v as number), zero: () => false }
          : scalarWriter(f.scalar);
      if (!s) throw new Unsupported();
      if (f.packed) {
        const tag = ((f.number << 3) | WIRE_DELIMITED) >>> 0;
        return (w, m) => {
          const list = m[name] as unknown[];
          if (list.length === 0) return;
          w.varint32(tag);
          const at = w.begin();
          for (const item of list) s.write(w, item);
          w.end(at);
        };
      }
      const tag = ((f.number << 3) | s.wire) >>> 0;
      return (w, m) => {
        for (const item of m[name] as unknown[]) {
          w.varint32(tag);
          s.write(w, item);
        }
      };
    }
    case "map": {
      if (f.mapKey !== ScalarType.STRING) throw new Unsupported();
      const tag = ((f.number << 3) | WIRE_DELIMITED) >>> 0;
      let value: (w: Writer, v: unknown) => void;
      if (f.mapKind === "message") {
        const sub = compileMessage(f.message, seen);
        value = (w, v) => {
          w.varint32((2 << 3) | WIRE_DELIMITED);
          const at = w.begin();
          sub(w, v as Msg);
          w.end(at);
        };
      } else {
        const s: ScalarWriter | undefined =
          f.mapKind === "enum"
            ? { wire: WIRE_VARINT, write: (w, v) => w.int32(v as number), zero: () => false }
            : scalarWriter(f.scalar);
        if (!s) throw new Unsupported();
        const valueTag = (2 << 3) | s.wire;
        value = (w, v) => {
          w.varint32(valueTag);
          s.write(w, v);
        };
      }
      return (w, m) => {
        const map = m[name] as Record<string, unknown>;
        for (const key of Object.keys(map)) {
          w.varint32(tag);
          const at = w.begin();
          w.varint32((1 << 3) | WIRE_DELIMITED);
          w.string(key);
          value(w, map[key]);
          w.end(at);
        }
      };
    }
  }
}
