// The latest revision this process knows per agent (least recently used evicted). It saves the
// commit path a database read to confirm the writer's expected revision, and gives loadState a
// starting point; it is always checked against the commit log, never trusted as the truth. Keyed
// by tenant and id, so a call naming another tenant's agent never finds its head here.
import { BoundedMap } from "../../bounded-map.js";
import { tenantKey } from "../tenant.js";
import type { Head } from "./documents.js";

export class HeadCache {
  readonly #heads: BoundedMap<string, Head>;

  constructor(capacity: number) {
    this.#heads = new BoundedMap(capacity);
  }

  get(tenant: string, instanceId: string): Head | undefined {
    const key = tenantKey(tenant, instanceId);
    const head = this.#heads.get(key);
    if (head) this.#heads.set(key, head); // now the most recently used
    return head;
  }

  /** Records a head, never replacing a newer one. */
  advance(head: Head): void {
    const key = tenantKey(head.tenant, head.instanceId);
    const known = this.#heads.get(key);
    if (known && known.revision > head.revision) return;
    this.#heads.set(key, head);
  }

  forget(tenant: string, instanceId: string): void {
    this.#heads.delete(tenantKey(tenant, instanceId));
  }
}
