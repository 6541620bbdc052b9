// Group commit: writes submitted while earlier batches are in flight (or in the same tick) are
// handed to the writer together, so many agents share one database round trip. Batch size and
// the number of batches in flight are bounded; the writer settles each item itself.

export class GroupCommitter<T> {
  readonly #queue: T[] = [];
  readonly #idle: (() => void)[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly maxBatch: number,
    private readonly maxInFlight: number,
  ) {}

  submit(item: T): void {
    this.#queue.push(item);
    if (!this.#scheduled) {
      this.#scheduled = true;
      // Let every commit issued in this tick join the batch.
      setImmediate(() => {
        this.#scheduled = false;
        this.#pump();
      });
    }
  }

  /** Resolves once nothing is queued or in flight. */
  drained(): Promise<void> {
    if (this.#queue.length === 0 && this.#inFlight === 0) return Promise.resolve();
    return new Promise((done) => this.#idle.push(done));
  }

  #pump(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.maxInFlight) {
      const batch = this.#queue.splice(0, this.maxBatch);
      this.#inFlight++;
      void this.write(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
        if (this.#queue.length === 0 && this.#inFlight === 0) this.#idle.splice(0).forEach((done) => done());
      });
    }
  }
}
