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

type Fields = Record<string, any>;
type Target = { target: string; targetTenant?: string };

/**
 * Every administrative change and how to name what it changed, from its request and, once it
 * succeeded, its response. The keys are the methods that get an audit line (ADMIN_CHANGES).
 */
export const AUDIT_TARGETS: Readonly<Record<string, (req: Fields, res: Fields) => Target>> = {
  "keel.v1.InstanceService/CreateInstance": (_req, res) => ({ target: str(res.instance?.id) }),
  "keel.v1.InstanceService/UpdateInstance": (req) => ({ target: str(req.instanceId) }),
  "keel.v1.InstanceService/DeleteInstance": (req) => ({ target: str(req.instanceId) }),
  "keel.v1.EngineService/Reset": (req) => ({ target: str(req.instanceId) }),
  "keel.v1.ContractService/PutContract": (req) => ({ target: str(req.contract?.agentId) }),
  "keel.v1.ContractService/GenerateContract": (req) => ({ target: str(req.agentId) }),
  "keel.v1.ContractService/PromoteContract": (req) => ({ target: str(req.agentId) }),
  // Only the new key's id: the response's `secret` must never reach a log.
  "keel.v1.KeyService/CreateKey": (req, res) => withTenant(str(res.key?.keyId), req.tenant),
  "keel.v1.KeyService/RevokeKey": (req) => withTenant(str(req.keyId), req.tenant),
};

/** The target of an administrative call, from its request and, once it succeeded, its response. */
export function auditTarget(method: string, request: unknown, response: unknown): Target {
  const target = Object.hasOwn(AUDIT_TARGETS, method) ? AUDIT_TARGETS[method] : undefined;
  return target ? target((request ?? {}) as Fields, (response ?? {}) as Fields) : { target: "" };
}

function withTenant(target: string, tenant: unknown): Target {
  return typeof tenant === "string" && tenant !== "" ? { target, targetTenant: tenant } : { target };
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}
