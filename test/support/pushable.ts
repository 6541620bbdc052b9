/** An async iterable the test pushes into: the request side of a client stream. */
export class Pushable<T> implements AsyncIterable<T> {
  private readonly queue: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | undefined;
  private ended = false;

  push(value: T): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value, done: false });
    } else this.queue.push(value);
  }

  end(): void {
    this.ended = true;
    if (this.waiting) this.waiting({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift()!, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
      return: () => {
        this.ended = true;
        return Promise.resolve({ value: undefined, done: true });
      },
      throw: (err: unknown) => {
        this.ended = true;
        return Promise.reject(err);
      },
    };
  }
}
