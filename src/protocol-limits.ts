// Limits the wire protocol states (proto/keel/v1/engine_service.proto), shared by the RPC handlers
// that enforce them and the auth gate that charges quotas by them.

/** The most observations one ProcessBatch request or one session batch frame may carry. */
export const MAX_BATCH = 64;
