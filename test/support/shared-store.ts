// One in-process store behind several test servers (replicas, or a restart): closing a server
// must not close the store under the others.
import type { MemoryStore } from "../../src/store/memory.js";
import type { Store } from "../../src/store/types.js";

export function sharedStore(memory: MemoryStore): Store {
  return new Proxy(memory, {
    get(target, prop) {
      if (prop === "close") return async () => {};
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as unknown as Store;
}
