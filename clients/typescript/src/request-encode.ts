// A hand-written encoder for the session's hot requests (observation and batch frames), giving
// the bytes protobuf-es toBinary gives (clients/typescript/test/request-encode.test.ts checks the
// round trip), without its reflection. Observation is small and fixed, so plain code is simpler
// than a compiler.
import type { ObservationBatch, SequencedObservation } from "./gen/keel/v1/engine_service_pb.js";
import type { Observation } from "./gen/keel/v1/observation_pb.js";

class Writer {
  buf = new Uint8Array(1024);
  view = new DataView(this.buf.buffer);
  pos = 0;

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Any non-negative integer up to 2^53 (tags, lengths, enums >= 0, sequences). */
  varint(n: number): void {
    this.ensure(10);
    while (n > 0x7f) {
      this.buf[this.pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  /** int64/int32 as protobuf writes them: negatives as 10-byte two's complement. */
  signed(n: bigint): void {
    let v = BigInt.asUintN(64, n);
    this.ensure(10);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  double(x: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, x, true);
    this.pos += 8;
  }

  /** A UTF-8 string with its length in front. */
  string(s: string): void {
    // Encoded 5 bytes ahead (room for any length varint), then moved down behind the length.
    this.ensure(s.length * 3 + 10);
    const start = this.pos;
    const bytes = encoder.encodeInto(s, this.buf.subarray(start + 5)).written;
    this.pos = start + putVarint(this.buf, start, bytes);
    this.buf.copyWithin(this.pos, start + 5, start + 5 + bytes);
    this.pos += bytes;
  }

  /** Writes `body` as a length-delimited field `no`. */
  message(no: number, body: () => void): void {
    this.varint((no << 3) | 2);
    this.ensure(5);
    const lengthAt = this.pos;
    this.pos += 5; // room for the longest length varint; the body moves down once it is known
    const start = this.pos;
    body();
    const len = this.pos - start;
    let lenBytes = 1;
    for (let v = len; v > 0x7f; v = Math.floor(v / 128)) lenBytes++;
    this.buf.copyWithin(lengthAt + lenBytes, start, this.pos);
    putVarint(this.buf, lengthAt, len);
    this.pos = lengthAt + lenBytes + len;
  }
}

/** Writes n as a varint at `at` (room already made); returns its byte count. */
function putVarint(buf: Uint8Array, at: number, n: number): number {
  let p = at;
  while (n > 0x7f) {
    buf[p++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[p++] = n;
  return p - at;
}

const encoder = new TextEncoder();
const writer = new Writer();

function observation(w: Writer, o: Observation): void {
  if (o.mode !== 0) {
    w.varint(1 << 3);
    if (o.mode > 0) w.varint(o.mode);
    else w.signed(BigInt(o.mode)); // int32 enum: negatives take 10 bytes
  }
  if (!Object.is(o.signalStrength, 0)) {
    // -0 is written, as protobuf-es writes it.
    w.varint((2 << 3) | 1);
    w.double(o.signalStrength);
  }
  if (o.confidence !== undefined) {
    w.varint((3 << 3) | 1);
    w.double(o.confidence);
  }
  for (const key of Object.keys(o.context)) {
    w.message(4, () => {
      w.varint((1 << 3) | 2);
      w.string(key);
      w.varint((2 << 3) | 2);
      w.string(o.context[key]!);
    });
  }
  const t = o.timestamp;
  if (t !== undefined) {
    w.message(5, () => {
      if (t.seconds !== 0n) {
        w.varint(1 << 3);
        w.signed(t.seconds);
      }
      if (t.nanos !== 0) {
        w.varint(2 << 3);
        if (t.nanos > 0) w.varint(t.nanos);
        else w.signed(BigInt(t.nanos));
      }
    });
  }
  if (o.action !== undefined) {
    w.varint((6 << 3) | 2);
    w.string(o.action);
  }
  if (o.target !== undefined) {
    w.varint((7 << 3) | 2);
    w.string(o.target);
  }
  if (o.outcome !== undefined) {
    w.varint((8 << 3) | 2);
    w.string(o.outcome);
  }
  if (o.amount !== undefined) {
    w.varint((9 << 3) | 1);
    w.double(o.amount);
  }
}

function sequenced(w: Writer, s: SequencedObservation): void {
  if (s.sequence !== 0n) {
    w.varint(1 << 3);
    if (s.sequence > 0n && s.sequence <= 9007199254740991n) w.varint(Number(s.sequence));
    else w.signed(s.sequence);
  }
  const o = s.observation;
  if (o !== undefined) w.message(2, () => observation(w, o));
}

/** The bytes of a SequencedObservation (an observation frame's value). */
export function encodeSequenced(s: SequencedObservation): Uint8Array {
  writer.pos = 0;
  sequenced(writer, s);
  return writer.buf.slice(0, writer.pos);
}

/** The bytes of an ObservationBatch (a batch frame's value). */
export function encodeBatch(b: ObservationBatch): Uint8Array {
  writer.pos = 0;
  for (const s of b.observations) writer.message(1, () => sequenced(writer, s));
  return writer.buf.slice(0, writer.pos);
}
