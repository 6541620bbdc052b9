// API keys between the wire and the store. The wire never carries a secret hash, and a listed key
// never carries its secret (only CreateKey's response does, once).
import { create } from "@bufbuild/protobuf";
import { wireTimestamp } from "./timestamps.js";
import { ApiKeySchema, KeyScope, TenantLimitsSchema, type ApiKey, type TenantLimits } from "../../gen/keel/v1/key_service_pb.js";
import type { Scope } from "../scope.js";
import type { ApiKeyRecord, TenantLimitsRecord } from "../store/types.js";

export const scopeToWire: Record<Scope, KeyScope> = {
  read: KeyScope.READ,
  engine: KeyScope.ENGINE,
  admin: KeyScope.ADMIN,
};

export function scopeFromWire(scope: KeyScope): Scope | undefined {
  switch (scope) {
    case KeyScope.READ:
      return "read";
    case KeyScope.ENGINE:
      return "engine";
    case KeyScope.ADMIN:
      return "admin";
    default:
      return undefined;
  }
}

export function keyToWire(r: ApiKeyRecord): ApiKey {
  return create(ApiKeySchema, {
    keyId: r.id,
    tenant: r.tenant,
    name: r.name,
    scope: scopeToWire[r.scope],
    cyclesPerSecond: r.cyclesPerSecond,
    maxSessions: r.maxSessions,
    createTime: wireTimestamp(r.createdAtMs),
    createdBy: r.createdBy,
    ...(r.revokedAtMs !== null ? { revokeTime: wireTimestamp(r.revokedAtMs) } : {}),
  });
}

/** A tenant's ceilings; update_time and updated_by stay unset while the operator never set them. */
export function tenantLimitsToWire(r: TenantLimitsRecord): TenantLimits {
  return create(TenantLimitsSchema, {
    tenant: r.tenant,
    maxKeys: r.maxKeys,
    cyclesPerSecond: r.cyclesPerSecond,
    maxSessions: r.maxSessions,
    updatedBy: r.updatedBy,
    ...(r.updatedBy !== "" ? { updateTime: wireTimestamp(r.updatedAtMs) } : {}),
  });
}
