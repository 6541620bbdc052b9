import { BoundedMap } from "../bounded-map.js";
import { tenantKey } from "../store/tenant.js";
import type { StoredState } from "../store/types.js";

/**
 * The last state this process committed (or loaded) per agent, so the write path can compute a
 * cycle without reading the database first. Being stale is safe: the store rejects a commit whose
 * expected revision is not current, and the writer then reloads. Keyed by tenant and id, so one
 * tenant never computes on (or sees) a head cached for another. Bounded; oldest entries go first.
 */
export class HeadCache {
  private readonly heads: BoundedMap<string, StoredState>;

  constructor(capacity: number) {
    this.heads = new BoundedMap(capacity);
  }

  get(tenant: string, id: string): StoredState | undefined {
    return this.heads.get(tenantKey(tenant, id));
  }

  set(tenant: string, id: string, head: StoredState): void {
    this.heads.set(tenantKey(tenant, id), head);
  }

  forget(tenant: string, id: string): void {
    this.heads.delete(tenantKey(tenant, id));
  }
}
