// How driver failures map onto store errors.
import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from "mongodb";
import { StoreUnavailableError } from "../types.js";

export const DUPLICATE_KEY = 11000;

export function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === DUPLICATE_KEY;
}

/** Failures that mean "the database cannot be reached", as opposed to a rejected operation. */
export function isUnreachable(err: unknown): boolean {
  // MongoNetworkError also covers the driver's pool-cleared error after a failed connection.
  return (
    err instanceof MongoNetworkError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoNotConnectedError ||
    err instanceof MongoTopologyClosedError ||
    isSocketFailure(err)
  );
}

/** Socket errors the driver can pass through unwrapped when the server dies mid-write. */
const SOCKET_CODES = new Set(["EPIPE", "ECONNRESET", "ECONNREFUSED", "ECONNABORTED"]);

function isSocketFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === "string" && SOCKET_CODES.has(code);
}

export function unavailable(cause: unknown): StoreUnavailableError {
  const detail = cause instanceof Error ? `: ${cause.message}` : "";
  return new StoreUnavailableError(`the database is unreachable${detail}`, { cause });
}

/** Runs a database call, turning unreachability into StoreUnavailableError. */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw isUnreachable(err) ? unavailable(err) : err;
  }
}
