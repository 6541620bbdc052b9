import type { StoredState } from "../store/types.js";

/**
 * The last state this process committed (or loaded) per agent, so the write path can compute a
 * cycle without reading the database first. Being stale is safe: the store rejects a commit whose
 * expected revision is not current, and the writer then reloads. Bounded; oldest entries go first.
 */
export class HeadCache {
  private readonly heads = new Map<string, StoredState>();

  constructor(private readonly capacity: number) {}

  get(id: string): StoredState | undefined {
    return this.heads.get(id);
  }

  set(id: string, head: StoredState): void {
    this.heads.delete(id);
    this.heads.set(id, head);
    if (this.heads.size > this.capacity) this.heads.delete(this.heads.keys().next().value!);
  }

  forget(id: string): void {
    this.heads.delete(id);
  }
}
