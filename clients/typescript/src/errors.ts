// Typed errors: every failure the SDK surfaces is a KeelError (a ConnectError, so `err.code`
// and `instanceof ConnectError` keep working) with the canonical gRPC code name, the server's
// retry delay (google.rpc.RetryInfo) and its field violations (google.rpc.BadRequest).
import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, RetryInfoSchema } from "./gen/google/rpc/error_details_pb.js";

/** Canonical gRPC code names, e.g. "INVALID_ARGUMENT", as the other SDKs and the docs spell them. */
export type CodeName =
  | "OK"
  | "CANCELLED"
  | "UNKNOWN"
  | "INVALID_ARGUMENT"
  | "DEADLINE_EXCEEDED"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "PERMISSION_DENIED"
  | "RESOURCE_EXHAUSTED"
  | "FAILED_PRECONDITION"
  | "ABORTED"
  | "OUT_OF_RANGE"
  | "UNIMPLEMENTED"
  | "INTERNAL"
  | "UNAVAILABLE"
  | "DATA_LOSS"
  | "UNAUTHENTICATED";

const NAMES: CodeName[] = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
];

export function codeName(code: Code): CodeName {
  return NAMES[code] ?? "UNKNOWN";
}

export interface FieldViolation {
  /** Path in proto field names, e.g. "observation.signal_strength" or "observations[2].mode". */
  field: string;
  description: string;
}

export class KeelError extends ConnectError {
  // ConnectError's own instanceof accepts any error named "ConnectError" (for errors from another
  // copy of the library); a KeelError keeps that name, so `instanceof ConnectError` holds, and
  // `instanceof KeelError` checks the prototype chain for real.
  static override [Symbol.hasInstance](v: unknown): boolean {
    return typeof v === "object" && v !== null && Object.prototype.isPrototypeOf.call(KeelError.prototype, v);
  }

  /** "INVALID_ARGUMENT", "UNAVAILABLE", ... */
  get codeName(): CodeName {
    return codeName(this.code);
  }

  /**
   * How long the server asked the caller to wait before retrying (RESOURCE_EXHAUSTED over a
   * quota), in milliseconds; undefined when it did not say.
   */
  get retryDelayMs(): number | undefined {
    return retryDelayMs(this);
  }

  /** The fields an INVALID_ARGUMENT names; empty for other errors. */
  get fieldViolations(): FieldViolation[] {
    return this.findDetails(BadRequestSchema).flatMap((d) =>
      d.fieldViolations.map((v) => ({ field: v.field, description: v.description })),
    );
  }

  /** Wraps any failure; a KeelError is returned as is. */
  static override from(err: unknown): KeelError {
    if (err instanceof KeelError) return err;
    const c = ConnectError.from(err);
    // Keep the status details (still encoded) so findDetails works on the copy.
    return new KeelError(c.rawMessage, c.code, c.metadata, c.details as never, c.cause ?? err);
  }
}

/**
 * The delay, in milliseconds, after which a call refused with RESOURCE_EXHAUSTED may be retried,
 * from the error's google.rpc.RetryInfo detail; undefined when the error is something else or
 * carries no such detail (e.g. a message over the server's size limit, or a batch larger than the
 * key's burst: retrying cannot fix those).
 */
export function retryDelayMs(err: unknown): number | undefined {
  if (!(err instanceof ConnectError) || err.code !== Code.ResourceExhausted) return undefined;
  const [info] = err.findDetails(RetryInfoSchema);
  if (!info) return undefined;
  const delay = info.retryDelay;
  return delay ? Math.max(0, Number(delay.seconds) * 1000 + Math.ceil(delay.nanos / 1e6)) : 0;
}
