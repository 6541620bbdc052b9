// A byte buffer that grows as it is written: the base of the compiled protobuf encoder
// (src/server/encoder.ts) and of the audit chain's canonical cycle bytes (src/audit/cycle-bytes.ts).

export class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(initialBytes: number) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes at `pos`, doubling the buffer as often as needed. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A varint of a 32-bit unsigned value (protobuf tags, lengths, uint32; the packer's counts). */
  varint32(n: number): void {
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    while (n > 0x7f) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p++] = n;
    this.pos = p;
  }
}
