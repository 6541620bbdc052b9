// Deadlines longer than KEEL_MAX_TIMEOUT_MS are shortened to it, not refused: clients round
// deadlines up (grpc-python sends a 60 s timeout as about 61.1 s), and a capped deadline still
// bounds the call. connect-node would refuse them (its maxTimeoutMs), so the request's timeout
// header is rewritten before connect-node reads it; the grpc-js path caps the parsed deadline.

/** gRPC's grpc-timeout units (the gRPC over HTTP/2 spec) in milliseconds. */
const GRPC_UNITS_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/** Milliseconds of a grpc-timeout value ("61100m", "2S"); undefined when malformed. */
export function grpcTimeoutMs(value: string): number | undefined {
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  return match ? Number(match[1]) * GRPC_UNITS_MS[match[2]!]! : undefined;
}

/**
 * Rewrites grpc-timeout (gRPC, gRPC-Web) and connect-timeout-ms (Connect) in place when they ask
 * for more than maxMs. Malformed values are left for connect-node to refuse.
 */
export function capTimeoutHeaders(headers: Record<string, string | string[] | undefined>, maxMs: number): void {
  const grpc = headers["grpc-timeout"];
  if (typeof grpc === "string") {
    const ms = grpcTimeoutMs(grpc);
    if (ms !== undefined && ms > maxMs) headers["grpc-timeout"] = `${maxMs}m`;
  }
  const connect = headers["connect-timeout-ms"];
  if (typeof connect === "string" && /^\d{1,10}$/.test(connect) && Number(connect) > maxMs) {
    headers["connect-timeout-ms"] = String(maxMs);
  }
}
