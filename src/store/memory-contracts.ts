// In-process ContractStore, owned by MemoryStore. Same semantics as the Mongo one (the contract
// store suite in test/contracts runs against both); contracts are copied in and out. Versions are
// kept per (tenant, agent id): agent ids of contracts are the client's, so tenants may share one.
import type { BehavioralContract } from "../contracts/model.js";
import type { VersionRollout } from "../contracts/rollout.js";
import { jsonCopy } from "./commit-records.js";
import { decodePageToken, encodePageToken, pageSizeOf } from "./page-token.js";
import { tenantKey } from "./tenant.js";
import { ContractVersionConflictError, type ContractStore, type Page, type PageRequest } from "./types.js";

export class MemoryContractStore implements ContractStore {
  /** Per tenant and agent, version n at index n - 1. */
  readonly #versions = new Map<string, BehavioralContract[]>();
  /** Parallel to #versions. */
  readonly #rollouts = new Map<string, VersionRollout[]>();

  async appendContract(tenant: string, contract: BehavioralContract, rollout: VersionRollout = ENFORCED): Promise<void> {
    const key = tenantKey(tenant, contract.agentId);
    const versions = this.#versions.get(key) ?? [];
    if (contract.version !== versions.length + 1) throw new ContractVersionConflictError(contract.agentId, contract.version);
    versions.push(jsonCopy(contract));
    this.#versions.set(key, versions);
    this.#rollouts.set(key, [...(this.#rollouts.get(key) ?? []), { ...rollout }]);
  }

  async versionRollout(tenant: string, agentId: string, version: number): Promise<VersionRollout | null> {
    const found = Number.isInteger(version) && version >= 1 ? this.#rollouts.get(tenantKey(tenant, agentId))?.[version - 1] : undefined;
    return found ? { ...found } : null;
  }

  async activeContract(tenant: string, agentId: string): Promise<BehavioralContract | null> {
    const newest = this.#versions.get(tenantKey(tenant, agentId))?.at(-1);
    return newest ? jsonCopy(newest) : null;
  }

  async contractVersion(tenant: string, agentId: string, version: number): Promise<BehavioralContract | null> {
    const found =
      Number.isInteger(version) && version >= 1 ? this.#versions.get(tenantKey(tenant, agentId))?.[version - 1] : undefined;
    return found ? jsonCopy(found) : null;
  }

  async listContracts(tenant: string, agentId: string, page: PageRequest): Promise<Page<BehavioralContract>> {
    const key = tenantKey(tenant, agentId);
    const after = decodePageToken(page.pageToken, "contracts", key, ["number"] as const);
    const size = pageSizeOf(page.pageSize);
    const rest = (this.#versions.get(key) ?? []).slice(after ? after[0] : 0);
    const items = rest.slice(0, size);
    const last = items.at(-1);
    return {
      items: jsonCopy(items),
      nextPageToken: rest.length > size && last ? encodePageToken("contracts", key, [last.version]) : "",
    };
  }

  /** Called by MemoryStore.deleteInstance. */
  deleteAgent(tenant: string, agentId: string): void {
    this.#versions.delete(tenantKey(tenant, agentId));
    this.#rollouts.delete(tenantKey(tenant, agentId));
  }
}

const ENFORCED: VersionRollout = { mode: "enforce", base: 0 };
