// An operator's reset to the last stable snapshot: back to known-good modes, anchor, energy and
// calm stress, while the agent keeps its cycle count and experience.
import { describe, expect, it } from "vitest";
import { contractOf, restoreSnapshot, type StableSnapshot } from "../../src/engine/index.js";
import { obs, repeat, runAll } from "./helpers.js";

describe("restoreSnapshot", () => {
  const steady = runAll([...repeat(obs("perception", 0.6), 15), ...repeat(obs("order", 0.6), 15)]);
  const snapshot = steady.map((r) => r.snapshot).find((s): s is StableSnapshot => s !== null)!;
  const crisis = runAll(repeat(obs("stress_response", 0.95), 20), steady.at(-1)!.state);
  const stressed = crisis.at(-1)!.state;

  it("starts from a state that has a snapshot and is under stress", () => {
    expect(snapshot).toBeDefined();
    expect(["HIGH", "OVER"]).toContain(stressed.stressLevel);
  });

  it("restores the snapshot's modes, anchor and energy, and calms stress", () => {
    const restored = restoreSnapshot(stressed, snapshot);
    expect(restored.modeStrengths).toEqual(snapshot.modeStrengths);
    expect(restored.anchor).toEqual(snapshot.anchor);
    expect(restored.energy).toBe(snapshot.energy);
    expect(restored.stressLevel).toBe("LOW");
    expect(contractOf(restored).allowedActions.length).toBeGreaterThan(contractOf(stressed).allowedActions.length);
  });

  it("keeps the cycle count and memory, and does not mutate its inputs", () => {
    const before = JSON.stringify(stressed);
    const restored = restoreSnapshot(stressed, snapshot);
    expect(restored.cycleCount).toBe(stressed.cycleCount);
    expect(restored.memory).toEqual(stressed.memory);
    expect(JSON.stringify(stressed)).toBe(before);
  });
});
