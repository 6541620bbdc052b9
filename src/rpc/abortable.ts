// Reading the next client frame must not outlive the call: a handler blocked in `for await`
// ignores cancellation and server drain (stack-notes §4.5), so every read races the signals.

/** The next value of the iterator, or a rejection with the first signal's abort reason. */
export function nextOrAbort<T>(iterator: AsyncIterator<T>, signals: AbortSignal[]): Promise<IteratorResult<T>> {
  for (const s of signals) if (s.aborted) return Promise.reject(s.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (event: Event): void => {
      cleanup();
      reject((event.target as AbortSignal).reason);
    };
    const cleanup = (): void => {
      for (const s of signals) s.removeEventListener("abort", onAbort);
    };
    for (const s of signals) s.addEventListener("abort", onAbort, { once: true });
    iterator.next().then(
      (r) => {
        cleanup();
        resolve(r);
      },
      (err: unknown) => {
        cleanup();
        reject(err);
      },
    );
  });
}
