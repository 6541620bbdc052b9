// The per-cycle CycleRecord and the MemoryLayer protocol that consumes it.
// Layers are pure folds `update(current, record) → next`; process() runs the
// enabled ones in order (episodic memory, then self-model).

import type { CycleRecord } from "./types.js";

export interface MemoryLayer<T> {
  readonly name: string;
  update(current: T, record: CycleRecord): T;
}
