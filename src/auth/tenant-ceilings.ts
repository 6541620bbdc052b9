// The operator's per-tenant ceilings as every call sees them: read from the store at most once per
// KEEL_AUTH_CACHE_MS per tenant, as key records are. A stale entry is still used while it is read
// again in the background, so a call never waits for the store once its tenant was seen; a
// tenant's first call waits for one read. Ceilings set through this replica count at once;
// another replica applies them within the cache time.
import { BoundedMap } from "../bounded-map.js";
import type { KeyStore, TenantLimitsRecord } from "../store/types.js";

/** A tenant the operator never limited: every ceiling 0 (none). */
export function noCeilings(tenant: string): TenantLimitsRecord {
  return { tenant, maxKeys: 0, cyclesPerSecond: 0, maxSessions: 0, updatedAtMs: 0, updatedBy: "" };
}

interface Entry {
  limits: TenantLimitsRecord;
  fetchedAt: number;
}

export class TenantCeilings {
  readonly #cache: BoundedMap<string, Entry>;
  readonly #inflight = new Map<string, Promise<TenantLimitsRecord>>();

  constructor(
    private readonly keys: KeyStore,
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
    maxEntries = 10_000,
  ) {
    this.#cache = new BoundedMap(maxEntries);
  }

  /** The tenant's ceilings: synchronous once the tenant was seen (possibly stale, being refreshed). */
  get(tenant: string): TenantLimitsRecord | Promise<TenantLimitsRecord> {
    const cached = this.#cache.get(tenant);
    if (cached) {
      if (this.now() - cached.fetchedAt >= this.ttlMs) void this.#fetch(tenant).catch(() => undefined);
      return cached.limits;
    }
    return this.#fetch(tenant);
  }

  /** Ceilings this replica just stored: they count at once. */
  remember(limits: TenantLimitsRecord): void {
    this.#inflight.delete(limits.tenant);
    this.#cache.set(limits.tenant, { limits, fetchedAt: this.now() });
  }

  #fetch(tenant: string): Promise<TenantLimitsRecord> {
    let pending = this.#inflight.get(tenant);
    if (pending) return pending;
    const read: Promise<TenantLimitsRecord> = this.keys.getTenantLimits(tenant).then(
      (stored) => {
        const limits = stored ?? noCeilings(tenant);
        // A remember() while this read was in flight is newer than what it read.
        if (this.#inflight.get(tenant) === read) {
          this.#inflight.delete(tenant);
          this.#cache.set(tenant, { limits, fetchedAt: this.now() });
        }
        return this.#cache.get(tenant)?.limits ?? limits;
      },
      (err: unknown) => {
        if (this.#inflight.get(tenant) === read) this.#inflight.delete(tenant);
        throw err;
      },
    );
    pending = read;
    this.#inflight.set(tenant, pending);
    return pending;
  }
}
