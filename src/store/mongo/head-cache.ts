// The latest revision this process knows per agent (least recently used evicted). It saves the
// commit path a database read to confirm the writer's expected revision, and gives loadState a
// starting point; it is always checked against the commit log, never trusted as the truth.
import type { Head } from "./documents.js";

export class HeadCache {
  readonly #heads = new Map<string, Head>();

  constructor(private readonly capacity: number) {}

  get(instanceId: string): Head | undefined {
    const head = this.#heads.get(instanceId);
    if (head) {
      this.#heads.delete(instanceId);
      this.#heads.set(instanceId, head);
    }
    return head;
  }

  /** Records a head, never replacing a newer one. */
  advance(head: Head): void {
    const known = this.#heads.get(head.instanceId);
    if (known && known.revision > head.revision) return;
    this.#heads.delete(head.instanceId);
    this.#heads.set(head.instanceId, head);
    if (this.#heads.size > this.capacity) this.#heads.delete(this.#heads.keys().next().value as string);
  }

  forget(instanceId: string): void {
    this.#heads.delete(instanceId);
  }
}
