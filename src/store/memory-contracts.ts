// In-process ContractStore, owned by MemoryStore. Same semantics as the Mongo one (the contract
// store suite in test/contracts runs against both); contracts are copied in and out.
import type { BehavioralContract } from "../contracts/model.js";
import { jsonCopy } from "./commit-records.js";
import { decodePageToken, encodePageToken, pageSizeOf } from "./page-token.js";
import { ContractVersionConflictError, type ContractStore, type Page, type PageRequest } from "./types.js";

export class MemoryContractStore implements ContractStore {
  /** Per agent, version n at index n - 1. */
  readonly #versions = new Map<string, BehavioralContract[]>();

  async appendContract(contract: BehavioralContract): Promise<void> {
    const versions = this.#versions.get(contract.agentId) ?? [];
    if (contract.version !== versions.length + 1) throw new ContractVersionConflictError(contract.agentId, contract.version);
    versions.push(jsonCopy(contract));
    this.#versions.set(contract.agentId, versions);
  }

  async activeContract(agentId: string): Promise<BehavioralContract | null> {
    const newest = this.#versions.get(agentId)?.at(-1);
    return newest ? jsonCopy(newest) : null;
  }

  async contractVersion(agentId: string, version: number): Promise<BehavioralContract | null> {
    const found = Number.isInteger(version) && version >= 1 ? this.#versions.get(agentId)?.[version - 1] : undefined;
    return found ? jsonCopy(found) : null;
  }

  async listContracts(agentId: string, page: PageRequest): Promise<Page<BehavioralContract>> {
    const after = decodePageToken(page.pageToken, "contracts", agentId, ["number"] as const);
    const size = pageSizeOf(page.pageSize);
    const rest = (this.#versions.get(agentId) ?? []).slice(after ? after[0] : 0);
    const items = rest.slice(0, size);
    const last = items.at(-1);
    return {
      items: jsonCopy(items),
      nextPageToken: rest.length > size && last ? encodePageToken("contracts", agentId, [last.version]) : "",
    };
  }

  /** Called by MemoryStore.deleteInstance. */
  deleteAgent(agentId: string): void {
    this.#versions.delete(agentId);
  }
}
