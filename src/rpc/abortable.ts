// Reading the next client frame must not outlive the call: a handler blocked in `for await`
// ignores cancellation and server drain (stack-notes §4.5), so every read races a stop signal.
// The reader listens on the signal once for all its reads: adding and removing an EventTarget
// listener per read was a visible share of 10,000 sessions ending at once (issue 15, bench/soak.ts).

/** Reads an iterator; a read pending or begun after `signal` aborts rejects with its reason. */
export class AbortableReader<T> {
  #pending: ((reason: unknown) => void) | undefined;

  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener(
      "abort",
      () => {
        const reject = this.#pending;
        this.#pending = undefined;
        reject?.(signal.reason);
      },
      { once: true },
    );
  }

  next(): Promise<IteratorResult<T>> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    return new Promise((resolve, reject) => {
      this.#pending = reject;
      this.iterator.next().then(
        (r) => {
          this.#pending = undefined;
          resolve(r);
        },
        (err: unknown) => {
          this.#pending = undefined;
          reject(err);
        },
      );
    });
  }
}
