// A write's idempotency key as the service sees it (docs/idempotency.md): the client's id and a
// digest of what the request asks for, so that a repeat can be told from a different request
// that reuses the id.
import { hash } from "node:crypto";

export interface WriteRequest {
  /** Client-chosen, 1 to 128 characters of [A-Za-z0-9._:-] (checked at the edge). */
  id: string;
  /** Digest of the request's content, independent of encoding details such as map order. */
  fingerprint: string;
}

/**
 * CreateInstance with a request id: the agent's id is derived from (tenant, request id), so the
 * store's uniqueness of agent ids is what makes a repeat find the agent it created.
 */
export function instanceIdOfRequest(tenant: string, requestId: string): string {
  return `inst_${hash("sha256", `${tenant.length}:${tenant}:${requestId}`, "hex").slice(0, 16)}`;
}
