// Work that arrives in one burst, run a bounded amount per turn of the event loop. When a client
// connection carrying thousands of session streams closes, Node destroys every stream in one
// callback; ending each session's handler right there (abort signals, rejected reads, logging,
// metrics) ran as one multi-second burst during which no timer or other call could run (issue 15
// #3, measured by bench/soak.ts). Paced, other calls are served between batches.
export class PacedQueue {
  #items: (() => void)[] = [];
  #head = 0;
  #scheduled = false;

  constructor(private readonly perTurn: number) {}

  push(task: () => void): void {
    this.#items.push(task);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#run);
    }
  }

  readonly #run = (): void => {
    const end = Math.min(this.#items.length, this.#head + this.perTurn);
    while (this.#head < end) {
      const task = this.#items[this.#head]!;
      this.#items[this.#head++] = NOOP;
      try {
        task();
      } catch {
        // a task's failure is its own; the rest still run
      }
    }
    if (this.#head < this.#items.length) {
      setImmediate(this.#run);
      return;
    }
    this.#items = [];
    this.#head = 0;
    this.#scheduled = false;
  };
}

const NOOP = (): void => undefined;

/** The one queue session teardown goes through (grpc-js cancellations and session unwinding). */
export const sessionTeardown = new PacedQueue(64);

/** Resolves on a later, paced turn of the event loop. */
export function pacedTurn(): Promise<void> {
  return new Promise((resolve) => sessionTeardown.push(resolve));
}
