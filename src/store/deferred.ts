// A Store that is still connecting. Startup must not crash-loop when MongoDB comes up after Keel
// (a fresh cluster, a restarted database): the server listens at once, alive but not ready, while
// this keeps connecting with bounded exponential backoff. Until connected, every store call fails
// with StoreUnavailableError (UNAVAILABLE to clients) and healthy() is false; afterwards every call
// goes straight to the real store.
import type { Logger } from "../logger.js";
import { StoreUnavailableError, type Store } from "./types.js";

export interface DeferredStoreOptions {
  /** One connection attempt; rejects (e.g. StoreUnavailableError) when the database is unreachable. */
  connect: () => Promise<Store>;
  /** Give up after this long (0: never). */
  timeoutMs: number;
  logger: Pick<Logger, "warn">;
  /** First delay between attempts; doubles up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface DeferredStore {
  store: Store;
  /** Resolves once connected; rejects when the timeout passed or close() was called first. */
  ready: Promise<void>;
}

/** Thrown by `ready` when the database stayed unreachable for the whole startup timeout. */
export class StartupTimeoutError extends Error {
  constructor(timeoutMs: number, cause: unknown) {
    super(`the database was not reachable within ${timeoutMs} ms (KEEL_STARTUP_TIMEOUT_MS) - ${(cause as Error)?.message ?? cause}`, { cause });
    this.name = "StartupTimeoutError";
  }
}

export function deferredStore(options: DeferredStoreOptions): DeferredStore {
  let real: Store | null = null;
  let closed = false;
  let wake: (() => void) | null = null;
  const listeners: ((healthy: boolean) => void)[] = [];
  const notConnected = () => new StoreUnavailableError("still connecting to the database");

  const ready = (async () => {
    const started = Date.now();
    let delay = options.initialDelayMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      try {
        real = await options.connect();
      } catch (err) {
        if (closed) throw err;
        if (options.timeoutMs > 0 && Date.now() - started + delay > options.timeoutMs) throw new StartupTimeoutError(options.timeoutMs, err);
        options.logger.warn({ attempt, retryInMs: delay, err: (err as Error).message }, "database not reachable yet; retrying");
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, delay).unref();
        });
        delay = Math.min(delay * 2, options.maxDelayMs ?? 10_000);
        continue;
      }
      if (closed) {
        await real.close();
        throw new Error("closed while connecting");
      }
      for (const listener of listeners) real.onHealthChange(listener);
      if (real.healthy()) for (const listener of listeners) listener(true);
      return;
    }
  })();
  ready.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection

  /** Forwards to the real store, or fails like an unreachable one. */
  const forward = (pick: (s: Store) => object) =>
    new Proxy({} as object, {
      get(_, prop) {
        return (...args: unknown[]) => {
          if (!real) return Promise.reject(notConnected());
          const target = pick(real) as Record<PropertyKey, (...a: unknown[]) => unknown>;
          return target[prop]!.apply(target, args);
        };
      },
    });

  const contracts = forward((s) => s.contracts);
  const keys = forward((s) => s.keys);
  const base = forward((s) => s) as Record<PropertyKey, unknown>;
  const store = new Proxy(base, {
    get(target, prop) {
      if (prop === "contracts") return contracts;
      if (prop === "keys") return keys;
      if (prop === "healthy") return () => real?.healthy() ?? false;
      if (prop === "onHealthChange") {
        return (listener: (healthy: boolean) => void) => (real ? real.onHealthChange(listener) : listeners.push(listener));
      }
      if (prop === "close") {
        return async () => {
          closed = true;
          wake?.();
          if (real) await real.close();
        };
      }
      if (prop === "then") return undefined; // not a thenable
      return target[prop];
    },
  }) as unknown as Store;
  return { store, ready };
}
