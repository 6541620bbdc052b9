// The audit trail: one log line per administrative change (which key, what, to what, with what
// result; pino adds when). Never a secret: the target is an id taken from the request or the
// response, and nothing else of either is logged (a CreateKey response holds the new secret).
import type { Logger } from "../logger.js";

export interface AuditEntry {
  /** The calling key's public id. */
  keyId: string;
  /** The calling key's tenant. */
  tenant: string;
  /** "keel.v1.InstanceService/DeleteInstance" etc. */
  method: string;
  /** The id changed: an instance, an agent's contracts, or a key; "" when there is none (a failed create). */
  target: string;
  /** The tenant of the target when the request named another one (key management by an operator). */
  targetTenant?: string;
  /** "ok" or the failure's code, as in the call's own log line. */
  code: string;
}

export function auditLog(logger: Logger, entry: AuditEntry): void {
  logger.info({ audit: true, ...entry }, "audit");
}

/** The target of an administrative call, from its request and, once it succeeded, its response. */
export function auditTarget(method: string, request: unknown, response: unknown): { target: string; targetTenant?: string } {
  const req = (request ?? {}) as Record<string, any>;
  const res = (response ?? {}) as Record<string, any>;
  switch (method) {
    case "keel.v1.InstanceService/CreateInstance":
      return { target: str(res.instance?.id) };
    case "keel.v1.InstanceService/UpdateInstance":
    case "keel.v1.InstanceService/DeleteInstance":
    case "keel.v1.EngineService/Reset":
      return { target: str(req.instanceId) };
    case "keel.v1.ContractService/PutContract":
      return { target: str(req.contract?.agentId) };
    case "keel.v1.ContractService/GenerateContract":
      return { target: str(req.agentId) };
    case "keel.v1.KeyService/CreateKey":
      // Only the new key's id: the response's `secret` must never reach a log.
      return withTenant(str(res.key?.keyId), req.tenant);
    case "keel.v1.KeyService/RevokeKey":
      return withTenant(str(req.keyId), req.tenant);
    default:
      return { target: "" };
  }
}

function withTenant(target: string, tenant: unknown): { target: string; targetTenant?: string } {
  return typeof tenant === "string" && tenant !== "" ? { target, targetTenant: tenant } : { target };
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}
