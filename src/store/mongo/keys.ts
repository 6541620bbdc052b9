// KeyStore over MongoDB/FerretDB: one document per key, _id = the key's public id. Authentication
// reads by _id (it does not know the tenant yet); listing and revocation filter on the tenant.
// A tenant's ceilings are one document per tenant in their own collection, _id = the tenant.
import type { Db, Filter } from "mongodb";
import { decodePageToken, encodePageToken, pageSizeOf } from "../page-token.js";
import { KeyExistsError, type ApiKeyRecord, type KeyStore, type Page, type PageRequest, type TenantLimitsRecord } from "../types.js";
import { guarded, isDuplicateKey } from "./failures.js";

export const keysCollection = "api_keys";
export const tenantLimitsCollection = "tenant_limits";

type KeyDoc = Omit<ApiKeyRecord, "id"> & { _id: string };
type LimitsDoc = Omit<TenantLimitsRecord, "tenant"> & { _id: string };

export class MongoKeyStore implements KeyStore {
  constructor(private readonly db: Db) {}

  createKey(key: ApiKeyRecord): Promise<void> {
    return guarded(async () => {
      const { id, ...rest } = key;
      await this.#docs()
        .insertOne({ _id: id, ...rest })
        .catch((err: unknown) => {
          throw isDuplicateKey(err) ? new KeyExistsError(id) : err;
        });
    });
  }

  getKey(id: string): Promise<ApiKeyRecord | null> {
    return guarded(async () => {
      const doc = await this.#docs().findOne({ _id: id });
      return doc ? recordOf(doc) : null;
    });
  }

  listKeys(tenant: string, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    return guarded(async () => {
      const after = decodePageToken(page.pageToken, "keys", tenant, ["number", "string"] as const);
      const size = pageSizeOf(page.pageSize);
      const filter: Filter<KeyDoc> = after
        ? { tenant, $or: [{ createdAtMs: { $gt: after[0] } }, { createdAtMs: after[0], _id: { $gt: after[1] } }] }
        : { tenant };
      const docs = await this.#docs().find(filter).sort({ createdAtMs: 1, _id: 1 }).limit(size + 1).toArray();
      const items = docs.slice(0, size);
      const last = items.at(-1);
      return {
        items: items.map(recordOf),
        nextPageToken: docs.length > size && last ? encodePageToken("keys", tenant, [last.createdAtMs, last._id]) : "",
      };
    });
  }

  revokeKey(tenant: string, id: string, atMs: number): Promise<ApiKeyRecord | null> {
    return guarded(async () => {
      // Only a valid key is stamped, so the first revocation time stays.
      await this.#docs().updateOne({ _id: id, tenant, revokedAtMs: null }, { $set: { revokedAtMs: atMs } });
      const doc = await this.#docs().findOne({ _id: id, tenant });
      return doc ? recordOf(doc) : null;
    });
  }

  isEmpty(): Promise<boolean> {
    return guarded(async () => (await this.#docs().findOne({}, { projection: { _id: 1 } })) === null);
  }

  countActiveKeys(tenant: string): Promise<number> {
    // Served by the tenant_created_order index (tenant leads); revoked keys are filtered in it.
    return guarded(() => this.#docs().countDocuments({ tenant, revokedAtMs: null }));
  }

  getTenantLimits(tenant: string): Promise<TenantLimitsRecord | null> {
    return guarded(async () => {
      const doc = await this.db.collection<LimitsDoc>(tenantLimitsCollection).findOne({ _id: tenant });
      if (!doc) return null;
      return {
        tenant: doc._id,
        maxKeys: doc.maxKeys,
        cyclesPerSecond: doc.cyclesPerSecond,
        maxSessions: doc.maxSessions,
        updatedAtMs: doc.updatedAtMs,
        updatedBy: doc.updatedBy,
      };
    });
  }

  setTenantLimits(limits: TenantLimitsRecord): Promise<void> {
    return guarded(async () => {
      const { tenant, ...rest } = limits;
      await this.db.collection<LimitsDoc>(tenantLimitsCollection).replaceOne({ _id: tenant }, rest, { upsert: true });
    });
  }

  #docs() {
    return this.db.collection<KeyDoc>(keysCollection);
  }
}

function recordOf(doc: KeyDoc): ApiKeyRecord {
  return {
    id: doc._id,
    tenant: doc.tenant,
    name: doc.name,
    scope: doc.scope,
    secretHash: doc.secretHash,
    cyclesPerSecond: doc.cyclesPerSecond,
    maxSessions: doc.maxSessions,
    createdAtMs: doc.createdAtMs,
    createdBy: doc.createdBy,
    revokedAtMs: doc.revokedAtMs ?? null,
  };
}
