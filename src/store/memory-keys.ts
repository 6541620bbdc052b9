// In-process KeyStore, owned by MemoryStore. Records are copied in and out.
import { jsonCopy } from "./commit-records.js";
import { decodePageToken, encodePageToken, pageSizeOf } from "./page-token.js";
import { KeyExistsError, type ApiKeyRecord, type KeyStore, type Page, type PageRequest, type TenantLimitsRecord } from "./types.js";

export class MemoryKeyStore implements KeyStore {
  readonly #keys = new Map<string, ApiKeyRecord>();
  readonly #limits = new Map<string, TenantLimitsRecord>();

  async createKey(key: ApiKeyRecord): Promise<void> {
    if (this.#keys.has(key.id)) throw new KeyExistsError(key.id);
    this.#keys.set(key.id, jsonCopy(key));
  }

  async getKey(id: string): Promise<ApiKeyRecord | null> {
    const key = this.#keys.get(id);
    return key ? jsonCopy(key) : null;
  }

  async listKeys(tenant: string, page: PageRequest): Promise<Page<ApiKeyRecord>> {
    const after = decodePageToken(page.pageToken, "keys", tenant, ["number", "string"] as const);
    const size = pageSizeOf(page.pageSize);
    const rest = [...this.#keys.values()]
      .filter((k) => k.tenant === tenant && (!after || k.createdAtMs > after[0] || (k.createdAtMs === after[0] && k.id > after[1])))
      .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const items = rest.slice(0, size);
    const last = items.at(-1);
    return {
      items: jsonCopy(items),
      nextPageToken: rest.length > size && last ? encodePageToken("keys", tenant, [last.createdAtMs, last.id]) : "",
    };
  }

  async revokeKey(tenant: string, id: string, atMs: number): Promise<ApiKeyRecord | null> {
    const key = this.#keys.get(id);
    if (!key || key.tenant !== tenant) return null;
    key.revokedAtMs ??= atMs;
    return jsonCopy(key);
  }

  async isEmpty(): Promise<boolean> {
    return this.#keys.size === 0;
  }

  async countActiveKeys(tenant: string): Promise<number> {
    let n = 0;
    for (const k of this.#keys.values()) if (k.tenant === tenant && k.revokedAtMs === null) n++;
    return n;
  }

  async getTenantLimits(tenant: string): Promise<TenantLimitsRecord | null> {
    const limits = this.#limits.get(tenant);
    return limits ? jsonCopy(limits) : null;
  }

  async setTenantLimits(limits: TenantLimitsRecord): Promise<void> {
    this.#limits.set(limits.tenant, jsonCopy(limits));
  }
}
