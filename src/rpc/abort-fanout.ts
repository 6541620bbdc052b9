// One server-wide signal (drain) fanned out to many sessions without one listener per session on
// it: Node's EventTarget keeps listeners in a list and scans it on every add and remove, so 10,000
// sessions each listening (or re-listening per read) made teardown quadratic (issue 15: 2.6 s of
// stalled event loop). A Set costs O(1) per join and leave; the source keeps a single listener.

export class AbortFanout {
  readonly #members = new Set<AbortController>();
  readonly #source: AbortSignal;

  constructor(source: AbortSignal) {
    this.#source = source;
    source.addEventListener("abort", () => {
      for (const member of this.#members) member.abort(source.reason);
      this.#members.clear();
    }, { once: true });
  }

  /** Aborts `member` with the source's reason when the source aborts; returns the way out. */
  join(member: AbortController): () => void {
    if (this.#source.aborted) {
      member.abort(this.#source.reason);
      return () => undefined;
    }
    this.#members.add(member);
    return () => void this.#members.delete(member);
  }

  get size(): number {
    return this.#members.size;
  }
}
