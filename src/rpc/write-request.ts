// The edge of retry-safe writes (docs/idempotency.md): checks request_id's format and digests what
// the request asks for. The digest is taken from validated values in a canonical form (sorted map
// keys, the client's timestamp or its absence rather than the receive time), so a retry that
// re-encodes the same request, in any order a protobuf encoder may choose, still matches. The hot
// path (observations) builds its text by hand with length-prefixed strings (observationContent):
// generic JSON with sorted keys cost several µs per call.
import { hash } from "node:crypto";
import type { WriteRequest } from "../service/write-request.js";
import { invalidArgument } from "./errors.js";

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Undefined when the request carries no id (then it is not retry-safe); INVALID_ARGUMENT when
 * malformed. `content` must give the same text for the same request, and different text for
 * different ones (length-prefix strings, sort map keys; `canonical` does both for any value).
 */
export function writeRequest(method: string, requestId: string, content: () => string): WriteRequest | undefined {
  if (requestId === "") return undefined;
  if (!REQUEST_ID_PATTERN.test(requestId)) {
    throw invalidArgument("request_id", `must be 1 to 128 characters of A-Z a-z 0-9 . _ : - (got ${requestId.length} characters)`);
  }
  return { id: requestId, fingerprint: hash("sha256", `${method}|${content()}`, "base64") };
}

/** A string field of a digest: length-prefixed, so no content can imitate a field boundary. */
export function field(value: string | null): string {
  return value === null ? "~" : `${value.length}:${value}`;
}

/** JSON with object keys sorted, so equal values always give equal text. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(",")}}`;
}
