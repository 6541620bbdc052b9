// A protobuf binary decoder compiled once per message type from its descriptor, producing the
// message protobuf-es `fromBinary` produces (test/server/decoder.test.ts and
// clients/typescript/test/fast-decode.test.ts: fast-check property tests against fromBinary).
// fromBinary goes through its reflection API (a reflect object per message, a [fieldNo, wireType]
// array per tag, a BinaryReader and DataView per call). The server decodes its hot requests with
// it (~2.7 kB less allocated per contract of a batched session), the TypeScript SDK its hot
// answers (where fromBinary was most of the client's CPU). One package for both, since the server
// imports nothing from an SDK and the SDK nothing from the server.
//
// It decodes only well-formed input in the usual shape: the expected wire type for every known
// field, each singular message field at most once, varints in their usual lengths. Anything else
// (truncated or malformed input, negative int32s, 64-bit values above 2^49, unknown groups,
// repeated message fields to merge, invalid UTF-8) is handed to fromBinary on the same bytes,
// which then decides (and fails) exactly as it would have. Types it does not cover (proto2,
// groups, non-string map keys, well-known types protobuf-es maps to other shapes, jstype strings)
// make compileDecoder return undefined; callers keep fromBinary.
import { fromBinary, ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";

/** Decodes a message of the type it was compiled for. */
export type Decoder = (bytes: Uint8Array) => unknown;

type Msg = Record<string, unknown> & { $unknown?: { no: number; wireType: number; data: Uint8Array }[] };

class Reader {
  b: Buffer = Buffer.alloc(0);
  p = 0;
}

/** Thrown by the fast path for anything it leaves to fromBinary. */
class Bail extends Error {}
const BAIL = new Bail("left to fromBinary");

type ReadMessage = (r: Reader, end: number) => Msg;
/** Reads one occurrence of a field whose tag was just read; `wire` is the tag's wire type. */
type ReadField = (r: Reader, m: Msg, wire: number, end: number) => void;

const IMPLICIT = 2; // FeatureSet.FieldPresence.IMPLICIT
const EDITION_PROTO3 = 999;

const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);
const f32 = new Float32Array(1);
const f32b = new Uint8Array(f32.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder("utf-8");

/** A varint of at most 5 bytes, read as protobuf-es's varint32read reads it (uint32). */
function varint32(r: Reader, end: number): number {
  const b = r.b;
  let p = r.p;
  if (p >= end) throw BAIL;
  let c = b[p++]!;
  let v = c & 0x7f;
  if (c < 0x80) {
    r.p = p;
    return v;
  }
  for (let shift = 7; shift < 28; shift += 7) {
    if (p >= end) throw BAIL;
    c = b[p++]!;
    v |= (c & 0x7f) << shift;
    if (c < 0x80) {
      r.p = p;
      return v >>> 0;
    }
  }
  if (p >= end) throw BAIL;
  c = b[p++]!;
  if (c > 0x0f) throw BAIL; // over 32 bits (negative int32s, overflowing tags): fromBinary
  r.p = p;
  return (v | ((c & 0x0f) << 28)) >>> 0;
}

/** A varint below 2^49 (at most 7 bytes), exactly. */
function varint49(r: Reader, end: number): number {
  const b = r.b;
  let p = r.p;
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 7; i++) {
    if (p >= end) throw BAIL;
    const c = b[p++]!;
    v += (c & 0x7f) * mul;
    if (c < 0x80) {
      r.p = p;
      return v;
    }
    mul *= 0x80;
  }
  throw BAIL;
}

function length(r: Reader, end: number): number {
  const len = varint32(r, end);
  if (len > end - r.p) throw BAIL;
  return len;
}

function readString(r: Reader, end: number, validate: boolean): string {
  const len = length(r, end);
  const b = r.b;
  const start = r.p;
  const stop = start + len;
  r.p = stop;
  for (let i = start; i < stop; i++) {
    if (b[i]! >= 0x80) return (validate ? strict : lenient).decode(b.subarray(start, stop));
  }
  return latin1(b, start, stop);
}

type Latin1Slice = (this: Buffer, start: number, end: number) => string;
/** Buffer#latin1Slice (what toString("latin1") calls, minus its argument checks) is undocumented. */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice;
const latin1: (b: Buffer, start: number, end: number) => string = latin1Slice
  ? (b, start, end) => latin1Slice.call(b, start, end)
  : (b, start, end) => b.toString("latin1", start, end);

function skip(r: Reader, wire: number, end: number): void {
  switch (wire) {
    case 0: {
      const b = r.b;
      let p = r.p;
      for (let i = 0; ; i++) {
        if (i === 10 || p >= end) throw BAIL;
        if (b[p++]! < 0x80) break;
      }
      r.p = p;
      return;
    }
    case 1:
      if (end - r.p < 8) throw BAIL;
      r.p += 8;
      return;
    case 5:
      if (end - r.p < 4) throw BAIL;
      r.p += 4;
      return;
    case 2: {
      const len = length(r, end);
      r.p += len;
      return;
    }
    default:
      throw BAIL; // groups and invalid wire types
  }
}

type ScalarReader = { wire: number; read: (r: Reader, end: number) => unknown };

function scalarReader(f: { scalar: ScalarType; longAsString: boolean; utf8Validation?: boolean }): ScalarReader | undefined {
  switch (f.scalar) {
    case ScalarType.STRING: {
      const validate = f.utf8Validation === true;
      return { wire: 2, read: (r, end) => readString(r, end, validate) };
    }
    case ScalarType.BOOL:
      return {
        wire: 0,
        read: (r, end) => {
          const b = r.b;
          let p = r.p;
          let set = 0;
          for (let i = 0; ; i++) {
            if (i === 10 || p >= end) throw BAIL;
            const c = b[p++]!;
            set |= c & 0x7f;
            if (c < 0x80) break;
          }
          r.p = p;
          return set !== 0;
        },
      };
    case ScalarType.DOUBLE:
      return {
        wire: 1,
        read: (r, end) => {
          const p = r.p;
          if (end - p < 8) throw BAIL;
          const b = r.b;
          for (let i = 0; i < 8; i++) f64b[i] = b[p + i]!;
          r.p = p + 8;
          return f64[0];
        },
      };
    case ScalarType.FLOAT:
      return {
        wire: 5,
        read: (r, end) => {
          const p = r.p;
          if (end - p < 4) throw BAIL;
          const b = r.b;
          for (let i = 0; i < 4; i++) f32b[i] = b[p + i]!;
          r.p = p + 4;
          return f32[0];
        },
      };
    case ScalarType.INT32:
      return { wire: 0, read: (r, end) => varint32(r, end) | 0 };
    case ScalarType.UINT32:
      return { wire: 0, read: (r, end) => varint32(r, end) };
    case ScalarType.INT64:
    case ScalarType.UINT64:
      if (f.longAsString) return undefined;
      return { wire: 0, read: (r, end) => BigInt(varint49(r, end)) };
    case ScalarType.BYTES:
      return {
        wire: 2,
        read: (r, end) => {
          const len = length(r, end);
          const start = r.p;
          r.p = start + len;
          return r.b.subarray(start, start + len);
        },
      };
    default:
      return undefined; // fixed, sfixed, sint: not in Keel's requests
  }
}

class Unsupported extends Error {}

/**
 * Compiles a decoder, or undefined when the type uses something this decoder does not cover.
 * `fallback: false` rethrows instead of calling fromBinary; `codegen: false` builds messages
 * as a runtime without code generation from strings does (both for tests and benchmarks).
 */
export function compileDecoder(schema: DescMessage, options: { fallback?: boolean; codegen?: boolean } = {}): Decoder | undefined {
  if (!LITTLE_ENDIAN) return undefined;
  const fallback = options.fallback ?? true;
  let read: ReadMessage;
  try {
    read = compileMessage(schema, new Set(), options.codegen ?? true);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  const r = new Reader();
  return (bytes) => {
    r.b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    r.p = 0;
    try {
      return read(r, bytes.byteLength);
    } catch (e) {
      // Whatever the fast path leaves or trips over, fromBinary decides, failing as it always did.
      if (!fallback) throw e;
      return fromBinary(schema, bytes);
    } finally {
      r.b = EMPTY;
    }
  };
}

const EMPTY = Buffer.alloc(0);

/**
 * The zero message protobuf-es's create() makes for a proto3 type. Compiled to an object literal
 * when the runtime allows code generation from strings: 10-25% less decode time per Session frame
 * and batch than building it field by field (bench/decoder.ts at the repository root, medians on a loaded machine). Under
 * --disallow-code-generation-from-strings it is built field by field, in one order, so that every
 * message of a type still shares one hidden class.
 */
function zeroFactory(desc: DescMessage, codegen: boolean): () => Msg {
  const typeName = desc.typeName;
  const keys: string[] = [];
  const zeros: unknown[] = [];
  const fresh: (() => unknown)[] = []; // per key: a maker for values that must not be shared
  const put = (key: string, zero: unknown, make?: () => unknown): void => {
    keys.push(key);
    zeros.push(zero);
    fresh.push(make ?? NONE);
  };
  for (const member of desc.members) {
    const key = member.localName;
    if (member.kind === "oneof") put(key, undefined, () => ({ case: undefined }));
    else if (member.presence === IMPLICIT) {
      switch (member.fieldKind) {
        case "list":
          put(key, undefined, () => []);
          break;
        case "map":
          put(key, undefined, () => ({}));
          break;
        case "enum":
          put(key, member.enum.values[0]!.number);
          break;
        case "scalar":
          put(key, scalarZero(member.scalar), member.scalar === ScalarType.BYTES ? () => new Uint8Array(0) : undefined);
          break;
        case "message":
          break;
      }
    }
  }
  const n = keys.length;
  if (codegen) {
    const literal = keys.map((k, i) => `${JSON.stringify(k)}: ${fresh[i] === NONE ? literalOf(zeros[i]) : `fresh[${i}]()`}`);
    try {
      return new Function("fresh", `return () => ({ $typeName: ${JSON.stringify(typeName)}, ${literal.join(", ")} });`)(fresh) as () => Msg;
    } catch (e) {
      if (!(e instanceof EvalError)) throw e; // code generation is disallowed: build it field by field
    }
  }
  return () => {
    const m: Msg = { $typeName: typeName };
    for (let i = 0; i < n; i++) {
      const make = fresh[i]!;
      m[keys[i]!] = make === NONE ? zeros[i] : make();
    }
    return m;
  };
}

const NONE = (): unknown => undefined;

/** JavaScript source for a zero value: a number, bigint, boolean, string or undefined. */
function literalOf(value: unknown): string {
  return typeof value === "bigint" ? `${value}n` : value === undefined ? "undefined" : JSON.stringify(value);
}

/** A scalar's zero value (bytes: a placeholder, each message gets a fresh empty array). */
function scalarZero(type: ScalarType): unknown {
  switch (type) {
    case ScalarType.STRING:
      return "";
    case ScalarType.BOOL:
      return false;
    case ScalarType.BYTES:
      return undefined;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 0n;
    default:
      return 0;
  }
}

function compileMessage(desc: DescMessage, inProgress: Set<DescMessage>, codegen: boolean): ReadMessage {
  if (desc.file.edition !== EDITION_PROTO3) throw new Unsupported();
  if (desc.typeName.startsWith("google.protobuf.") && desc.typeName !== "google.protobuf.Timestamp" && desc.typeName !== "google.protobuf.Duration") {
    throw new Unsupported(); // wrappers, Struct, Value, Any...: protobuf-es gives some of them other shapes
  }
  if (inProgress.has(desc)) throw new Unsupported(); // recursive types: fromBinary tracks depth
  inProgress.add(desc);
  const zero = zeroFactory(desc, codegen);
  const byNumber: (ReadField | undefined)[] = [];
  for (const f of desc.fields) {
    if (f.number > 4096) throw new Unsupported();
    byNumber[f.number] = compileField(f, inProgress, codegen);
  }
  inProgress.delete(desc);
  return (r, end) => {
    const m = zero();
    while (r.p < end) {
      const tag = varint32(r, end);
      const no = tag >>> 3;
      const wire = tag & 7;
      if (no === 0 || wire > 5) throw BAIL;
      const field = no < byNumber.length ? byNumber[no] : undefined;
      if (field !== undefined) {
        field(r, m, wire, end);
        continue;
      }
      const start = r.p;
      skip(r, wire, end);
      (m.$unknown ??= []).push({ no, wireType: wire, data: r.b.subarray(start, r.p) });
    }
    return m;
  };
}

function compileField(f: DescField, inProgress: Set<DescMessage>, codegen: boolean): ReadField {
  const name = f.localName;
  const oneof = f.oneof?.localName;
  switch (f.fieldKind) {
    case "scalar":
    case "enum": {
      let s: ScalarReader | undefined;
      if (f.fieldKind === "enum") {
        if (!f.enum.open) throw new Unsupported();
        s = { wire: 0, read: (r, end) => varint32(r, end) | 0 };
      } else s = scalarReader(f);
      if (!s) throw new Unsupported();
      const { wire: expected, read } = s;
      if (oneof) {
        return (r, m, wire, end) => {
          if (wire !== expected) throw BAIL;
          m[oneof] = { case: name, value: read(r, end) };
        };
      }
      return (r, m, wire, end) => {
        if (wire !== expected) throw BAIL;
        m[name] = read(r, end);
      };
    }
    case "message": {
      if (f.delimitedEncoding) throw new Unsupported();
      const sub = compileMessage(f.message, inProgress, codegen);
      if (oneof) {
        return (r, m, wire, end) => {
          if (wire !== 2) throw BAIL;
          if ((m[oneof] as { case?: string }).case === name) throw BAIL; // a second occurrence merges: fromBinary
          const len = length(r, end);
          m[oneof] = { case: name, value: sub(r, r.p + len) };
        };
      }
      return (r, m, wire, end) => {
        if (wire !== 2 || m[name] !== undefined) throw BAIL;
        const len = length(r, end);
        m[name] = sub(r, r.p + len);
      };
    }
    case "list": {
      if (f.listKind !== "message") return scalarList(f);
      if (f.delimitedEncoding) throw new Unsupported();
      const sub = compileMessage(f.message, inProgress, codegen);
      return (r, m, wire, end) => {
        if (wire !== 2) throw BAIL;
        const len = length(r, end);
        (m[name] as Msg[]).push(sub(r, r.p + len));
      };
    }
    case "map": {
      if (f.mapKey !== ScalarType.STRING) throw new Unsupported();
      const key = scalarReader({ scalar: ScalarType.STRING, longAsString: false, utf8Validation: f.utf8Validation });
      let value: ScalarReader | undefined;
      let zero: unknown;
      if (f.mapKind === "enum") {
        if (!f.enum.open) throw new Unsupported();
        value = { wire: 0, read: (r, end) => varint32(r, end) | 0 };
        zero = f.enum.values[0]!.number;
      } else if (f.mapKind === "scalar") {
        // 64-bit map values: left to fromBinary (longAsString: true is not covered).
        value = scalarReader({ scalar: f.scalar, longAsString: true, utf8Validation: f.utf8Validation });
        if (f.scalar === ScalarType.BYTES) throw new Unsupported();
        zero = scalarZero(f.scalar);
      }
      if (!key || !value) throw new Unsupported();
      const v = value;
      return (r, m, wire, end) => {
        if (wire !== 2) throw BAIL;
        const len = length(r, end);
        const stop = r.p + len;
        let k = "";
        let val = zero;
        while (r.p < stop) {
          const tag = varint32(r, stop);
          if (tag === ((1 << 3) | 2)) k = key.read(r, stop) as string;
          else if (tag === ((2 << 3) | v.wire)) val = v.read(r, stop);
          else throw BAIL;
        }
        (m[name] as Record<string, unknown>)[k] = val;
      };
    }
  }
}

/**
 * A list of scalars or enums (e.g. a contract's allowed actions), packed or not: fromBinary
 * accepts both encodings whatever the field declares, and so does this.
 */
function scalarList(f: DescField & { fieldKind: "list" }): ReadField {
  let s: ScalarReader | undefined;
  if (f.listKind === "enum") {
    if (!f.enum.open) throw new Unsupported();
    s = { wire: 0, read: (r, end) => varint32(r, end) | 0 };
  } else if (f.listKind === "scalar") {
    s = scalarReader({ scalar: f.scalar, longAsString: f.longAsString });
  }
  if (!s) throw new Unsupported();
  const { wire: expected, read } = s;
  const name = f.localName;
  return (r, m, wire, end) => {
    const list = m[name] as unknown[];
    if (wire === expected) {
      list.push(read(r, end));
      return;
    }
    if (wire !== 2) throw BAIL;
    const len = length(r, end);
    const stop = r.p + len;
    while (r.p < stop) list.push(read(r, stop));
    if (r.p !== stop) throw BAIL;
  };
}
