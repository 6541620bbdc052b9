// The in-process store keeps each cycle's data (history entries, the current engine state) as
// MessagePack bytes rather than as object graphs: the young-generation collector copies every
// object that survives it, so a store retaining each cycle's ~20 objects made every scavenge slower
// (the latency tails in docs/performance.md), and copying the graph in was itself the largest
// allocation per cycle.
//
// msgpackr's records write an object's keys once per shape (a shared "structure") and then a
// one- or two-byte reference, so an entry costs about what its values do (bench/memory-store.ts).
// The structures live in this process only: the bytes must never be written anywhere else.
// Values come back as MessagePack keeps them: plain data round-trips exactly; undefined properties
// come back as undefined rather than absent, strings are UTF-8 (a lone surrogate, which protobuf
// cannot carry anyway, reads back as U+FFFDs), and msgpackr reads a "__proto__" key (an observation's
// context could hold one) back as "__proto_", its guard against prototype pollution.
import { Packr } from "msgpackr";

const packr = new Packr({
  useRecords: true,
  structures: [],
  // User-chosen keys (observation context) make new shapes; past this many, a shape's keys are
  // written inline in each entry instead of growing the table without bound.
  maxSharedStructures: 4096,
  // Numbers and strings, arrays and plain objects: no Maps, Sets, Dates or typed arrays to revive.
  moreTypes: false,
  // A plain object with a "toJSON" or "constructor" key (context keys are the agent's) is data.
  useToJSON: false,
});

/** The bytes of a value, in an array of their own. */
export function pack(value: unknown): Uint8Array {
  return Uint8Array.prototype.slice.call(packr.pack(value));
}

/** The value packed in bytes: fresh objects every time. */
export function unpack<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}

/**
 * Packed values appended to large shared chunks: each entry costs three numbers on the heap, not
 * an ArrayBuffer of its own.
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

  /** Appends value; throws where packing throws (and appends nothing). */
  push(value: unknown): void {
    const bytes = packr.pack(value);
    const n = bytes.byteLength;
    let chunk = this.#chunks.at(-1);
    if (!chunk || this.#fill + n > chunk.length) {
      chunk = new Uint8Array(Math.max(PackedLog.CHUNK, n));
      this.#chunks.push(chunk);
      this.#fill = 0;
    }
    chunk.set(bytes, this.#fill);
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
    return unpack<T>(this.#chunks[w[3 * i]!]!.subarray(w[3 * i + 1]!, w[3 * i + 2]!));
  }
}
