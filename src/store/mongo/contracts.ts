// ContractStore over MongoDB/FerretDB. One document per version, _id from (tenant, agent, version)
// (documents.ts contractId), so two tenants' contracts for one agent id never meet, and a point read
// by that _id alone (the only filter FerretDB 1.x pushes down) names the tenant. Versions are
// gapless, so an append is a point read of its predecessor and an insert whose unique _id lets
// exactly one writer take each version (no transaction needed), and the newest version is found by
// galloping forward over _id point reads (the only reads FerretDB indexes) from the newest one this
// process has seen. Contracts are immutable, so that one can be cached (per tenant and agent).
import type { Db } from "mongodb";
import { BoundedMap } from "../../bounded-map.js";
import type { BehavioralContract } from "../../contracts/model.js";
import type { VersionRollout } from "../../contracts/rollout.js";
import { decodePageToken, encodePageToken, pageSizeOf } from "../page-token.js";
import { tenantKey } from "../tenant.js";
import { ContractVersionConflictError, type ContractStore, type Page, type PageRequest } from "../types.js";
import { contractId, contractsCollection, type ContractDoc } from "./documents.js";
import { guarded, isDuplicateKey } from "./failures.js";

const CACHE_SIZE = 10_000;

export class MongoContractStore implements ContractStore {
  /** Newest version seen, by tenantKey(tenant, agent id). */
  readonly #newest = new BoundedMap<string, BehavioralContract>(CACHE_SIZE);

  constructor(private readonly db: Db) {}

  appendContract(tenant: string, contract: BehavioralContract, rollout?: VersionRollout): Promise<void> {
    return guarded(async () => {
      const { agentId, version } = contract;
      const conflict = () => new ContractVersionConflictError(agentId, version);
      if (!Number.isSafeInteger(version) || version < 1) throw conflict();
      if (version > 1 && this.#newest.get(tenantKey(tenant, agentId))?.version !== version - 1) {
        const predecessor = await this.#docs().findOne({ _id: contractId(tenant, agentId, version - 1) }, { projection: { _id: 1 } });
        if (!predecessor) throw conflict();
      }
      const data = JSON.stringify(contract);
      await this.#docs()
        .insertOne({
          _id: contractId(tenant, agentId, version),
          tenant,
          agentId,
          version,
          data,
          // Only a shadow put is marked: documents written before shadow mode read as ENFORCE.
          ...(rollout?.mode === "shadow" ? { mode: "shadow" as const, base: rollout.base } : {}),
        })
        .catch((err: unknown) => {
          throw isDuplicateKey(err) ? conflict() : err;
        });
      this.#remember(tenant, JSON.parse(data) as BehavioralContract);
    });
  }

  activeContract(tenant: string, agentId: string): Promise<BehavioralContract | null> {
    return guarded(async () => {
      const known = this.#newest.get(tenantKey(tenant, agentId)) ?? null;
      const newer = await this.#newestAfter(tenant, agentId, known?.version ?? 0);
      if (newer === null) return known && copy(known);
      const doc = await this.#docs().findOne({ _id: contractId(tenant, agentId, newer) });
      if (!doc) return known && copy(known); // deleted meanwhile
      const contract = JSON.parse(doc.data) as BehavioralContract;
      this.#remember(tenant, contract);
      return copy(contract);
    });
  }

  versionRollout(tenant: string, agentId: string, version: number): Promise<VersionRollout | null> {
    return guarded(async () => {
      const doc = await this.#docs().findOne({ _id: contractId(tenant, agentId, version) }, { projection: { mode: 1, base: 1 } });
      if (!doc) return null;
      return doc.mode === "shadow" ? { mode: "shadow", base: doc.base ?? 0 } : { mode: "enforce", base: 0 };
    });
  }

  contractVersion(tenant: string, agentId: string, version: number): Promise<BehavioralContract | null> {
    return guarded(async () => {
      const doc = await this.#docs().findOne({ _id: contractId(tenant, agentId, version) });
      return doc ? (JSON.parse(doc.data) as BehavioralContract) : null;
    });
  }

  listContracts(tenant: string, agentId: string, page: PageRequest): Promise<Page<BehavioralContract>> {
    return guarded(async () => {
      const scope = tenantKey(tenant, agentId);
      const after = decodePageToken(page.pageToken, "contracts", scope, ["number"] as const);
      const size = pageSizeOf(page.pageSize);
      const docs = await this.#docs()
        .find({ tenant, agentId, version: { $gt: after ? after[0] : 0 } })
        .sort({ version: 1 })
        .limit(size + 1)
        .toArray();
      const items = docs.slice(0, size);
      const last = items.at(-1);
      return {
        items: items.map((d) => JSON.parse(d.data) as BehavioralContract),
        nextPageToken: docs.length > size && last ? encodePageToken("contracts", scope, [last.version]) : "",
      };
    });
  }

  /** Removes every version of the tenant's agent (its instance is being deleted). */
  async deleteAgent(tenant: string, agentId: string): Promise<void> {
    this.#newest.delete(tenantKey(tenant, agentId));
    await this.#docs().deleteMany({ tenant, agentId });
  }

  /** The highest existing version above `known`, or null: +1, +2, +4, … then bisection. */
  async #newestAfter(tenant: string, agentId: string, known: number): Promise<number | null> {
    const exists = async (v: number) =>
      (await this.#docs().findOne({ _id: contractId(tenant, agentId, v) }, { projection: { _id: 1 } })) !== null;
    let low = known;
    let high = Infinity;
    for (let step = 1; high === Infinity; step *= 2) {
      if (await exists(low + step)) low += step;
      else high = low + step;
    }
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await exists(mid)) low = mid;
      else high = mid;
    }
    return low > known ? low : null;
  }

  #remember(tenant: string, contract: BehavioralContract): void {
    const key = tenantKey(tenant, contract.agentId);
    const known = this.#newest.get(key);
    if (known && known.version >= contract.version) return;
    this.#newest.set(key, contract);
  }

  #docs() {
    return this.db.collection<ContractDoc>(contractsCollection);
  }
}

function copy(contract: BehavioralContract): BehavioralContract {
  return structuredClone(contract);
}
