// Which scope every RPC needs. One table, keyed by "package.Service/Method" exactly as the
// request's path names it; test/auth/method-scopes.test.ts walks the generated service
// descriptors and fails if any method is missing, so a new RPC cannot ship unclassified. A
// method that is not in the table is refused with PERMISSION_DENIED (fail closed).
import { AUDIT_TARGETS } from "./audit.js";
import type { Scope } from "../scope.js";

/** "open": served without a key (mesh probes and tooling); otherwise the least scope needed. */
export type Requirement = Scope | "open";

export const METHOD_SCOPES: Readonly<Record<string, Requirement>> = {
  // Agents. Creating, changing and deleting them is administration.
  "keel.v1.InstanceService/CreateInstance": "admin",
  "keel.v1.InstanceService/GetInstance": "read",
  "keel.v1.InstanceService/ListInstances": "read",
  "keel.v1.InstanceService/UpdateInstance": "admin",
  "keel.v1.InstanceService/DeleteInstance": "admin",

  // The engine. Feeding observations is what an agent's runtime does: the engine scope.
  "keel.v1.EngineService/Process": "engine",
  "keel.v1.EngineService/ProcessBatch": "engine",
  "keel.v1.EngineService/Session": "engine",
  "keel.v1.EngineService/GetState": "read",
  "keel.v1.EngineService/GetContract": "read",
  // Reset discards the agent's learned state (an operator's remedy, not an agent's move): admin.
  "keel.v1.EngineService/Reset": "admin",
  "keel.v1.EngineService/ListHistory": "read",
  "keel.v1.EngineService/ListDriftEvents": "read",
  "keel.v1.EngineService/ListSnapshots": "read",
  // Verifying history only reads it (replay computes in memory): read, so auditors need no admin key.
  "keel.v1.EngineService/VerifyHistory": "read",

  // Declared behavioral contracts. Declaring is administration; reading, diffing and verifying
  // are reads.
  "keel.v1.ContractService/PutContract": "admin",
  "keel.v1.ContractService/GetActiveContract": "read",
  "keel.v1.ContractService/GetContractVersion": "read",
  "keel.v1.ContractService/ListContractHistory": "read",
  "keel.v1.ContractService/DiffContracts": "read",
  // Verifying a contract sent inline touches no stored data, a stored one only reads it: read.
  "keel.v1.ContractService/VerifyContract": "read",
  // Debatable: with store=false GenerateContract only computes a draft. But one method has one
  // scope, and with store=true it appends a version that is enforced on every cycle; a read key
  // that could do that would not be a read key. Decided: admin, for both.
  "keel.v1.ContractService/GenerateContract": "admin",
  // The server's public verification keys: public material, but still a Keel call, so any key.
  "keel.v1.ContractService/ListSigningKeys": "read",
  // Promoting changes what an agent may do, like a put: admin. The report only reads.
  "keel.v1.ContractService/PromoteContract": "admin",
  "keel.v1.ContractService/GetShadowReport": "read",

  // Keys. Managing them is administration; any valid key may ask who it is.
  "keel.v1.KeyService/CreateKey": "admin",
  "keel.v1.KeyService/ListKeys": "admin",
  "keel.v1.KeyService/RevokeKey": "admin",
  "keel.v1.KeyService/WhoAmI": "read",

  // Mesh probes and tooling stay open: a load balancer or grpcurl has no key.
  "grpc.health.v1.Health/Check": "open",
  "grpc.health.v1.Health/Watch": "open",
  "grpc.health.v1.Health/List": "open",
  "grpc.reflection.v1.ServerReflection/ServerReflectionInfo": "open",
  "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": "open",
};

/** The requirement of a method, or undefined for one the table does not know (refused). */
export function requiredScope(method: string): Requirement | undefined {
  return Object.hasOwn(METHOD_SCOPES, method) ? METHOD_SCOPES[method] : undefined;
}

/**
 * Administrative changes: each gets an audit log line once it completes, successful or not.
 * GenerateContract is one only when it stores (the gate checks the request's `store`).
 */
export const ADMIN_CHANGES: ReadonlySet<string> = new Set(Object.keys(AUDIT_TARGETS));
