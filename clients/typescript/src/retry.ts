// Retries of unary calls: only failures that a retry can fix and that cannot double-apply.
// - UNAVAILABLE (the server is draining or its database is unreachable). A write refused this
//   way may still have committed, so every write carries a request_id, generated once per call
//   and reused by each attempt: the server answers a repeated id with the original result.
// - RESOURCE_EXHAUSTED with a RetryInfo delay (over the key's quota): nothing was done; the
//   retry waits at least the delay the server asked for.
// Everything else (INVALID_ARGUMENT, NOT_FOUND, ABORTED, UNAUTHENTICATED, PERMISSION_DENIED, ...)
// is surfaced at once as a KeelError.
import { Code } from "@connectrpc/connect";
import { KeelError } from "./errors.js";

export interface RetryPolicy {
  /** Retries after the first attempt; default 3, 0 to never retry. */
  maxRetries?: number;
  /** First backoff for UNAVAILABLE, doubled per retry up to maxBackoffMs; default 100. */
  initialBackoffMs?: number;
  /** Default 2000. */
  maxBackoffMs?: number;
}

export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy = {}): Promise<T> {
  const max = policy.maxRetries ?? 3;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (raw) {
      const err = KeelError.from(raw);
      const quotaDelay = err.retryDelayMs;
      if (n >= max || (err.code !== Code.Unavailable && quotaDelay === undefined)) throw err;
      let delay: number;
      if (quotaDelay !== undefined) {
        // Never earlier than asked; a little later, so throttled callers do not return in step.
        delay = quotaDelay + Math.random() * Math.max(quotaDelay / 10, 5);
      } else {
        const backoff = Math.min(policy.maxBackoffMs ?? 2000, (policy.initialBackoffMs ?? 100) * 2 ** n);
        delay = backoff / 2 + (Math.random() * backoff) / 2;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
