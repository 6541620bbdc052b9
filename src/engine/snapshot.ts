// Stable snapshots and the D3 rollback.
//
// A snapshot is taken when the anchor is first established (end of warm-up)
// and afterwards on a cycle that is stable — drift D0, stress LOW, system
// baseline, no rollback — at least 25 cycles after the previous one. The
// state keeps only the latest; every new one is emitted for the store.
//
// Rollback restores the six identity modes and the anchor. It deliberately
// keeps the stress mode, stress level, system state, energy and history:
// rolling those back would erase a live threat signal or refund energy that
// was really spent, so a rollback can never loosen the contract.

import { SNAPSHOT_INTERVAL } from "./constants.js";
import type { ModeVector, StableSnapshot } from "./types.js";
import { STRESS_MODE } from "./vocabulary.js";

export function isSnapshotDue(last: StableSnapshot | null, cycle: number): boolean {
  return last === null || cycle - last.cycle >= SNAPSHOT_INTERVAL;
}

export function takeSnapshot(
  cycle: number,
  strengths: ModeVector,
  anchor: ModeVector,
  energy: number,
  stabilityIndex: number,
): StableSnapshot {
  return { cycle, modeStrengths: strengths, anchor, energy, stabilityIndex };
}

/** The six identity modes from the snapshot, the live stress mode. */
export function rolledBackStrengths(current: ModeVector, snapshot: StableSnapshot): ModeVector {
  const next = snapshot.modeStrengths.slice();
  next[STRESS_MODE] = current[STRESS_MODE] as number;
  return next;
}
