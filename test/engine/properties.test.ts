// Property tests over thousands of random observation sequences, profiles
// and layer configurations.

import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import {
  type CycleResult,
  DEFAULT_CONFIG,
  type EngineConfig,
  type EngineState,
  type ExecutionContract,
  FORBIDDEN_ACTIONS,
  MODES,
  MODE_ACTIONS,
  type Observation,
  RISKY_ACTIONS,
  SAFE_ACTIONS,
  STANDARD_ACTIONS,
  type StressLevel,
  contractOf,
  initialState,
  process,
} from "../../src/engine/index.js";
import { configArb, observationsArb, profileArb } from "./arbitraries.js";
import { ALL_OFF, deepFreeze, runAll } from "./helpers.js";

// Half the generated sequences are regime shifts of 80–200 cycles (arbitraries.ts): a run averages
// 58–72 cycles against ~6 for fast-check's default-sized random arrays (which rarely even finish
// the 20-cycle warm-up), so 500 runs check about 3× the cycles 1,500 did.
const RUNS = 500;
// Heavier than most test files: on a loaded 2-core machine a property can take ~30 s.
vi.setConfig({ testTimeout: 120_000 });
/** Share of generated runs that must reach a D3 rollback (measured ~0.35 at 200 observations). */
const ROLLBACK_SHARE_FLOOR = 0.15;

function allNumbers(value: unknown, out: number[] = []): number[] {
  if (typeof value === "number") out.push(value);
  else if (Array.isArray(value)) for (const v of value) allNumbers(v, out);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) allNumbers(v, out);
  return out;
}

function hasUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.some(hasUndefined);
  if (value !== null && typeof value === "object") return Object.values(value).some(hasUndefined);
  return false;
}

const inUnit = (x: number): boolean => x >= 0 && x <= 1;

describe("determinism", () => {
  it("the same state and observations always give deep-equal results", () => {
    fc.assert(
      fc.property(profileArb, observationsArb(120), configArb, (profile, observations, config) => {
        const a = runAll(observations, initialState(profile), config);
        const b = runAll(observations, initialState(profile), config);
        expect(b).toEqual(a);
      }),
      { numRuns: RUNS },
    );
  });

  it("process never mutates its inputs", () => {
    fc.assert(
      fc.property(profileArb, observationsArb(120), configArb, (profile, observations, config) => {
        let state = deepFreeze(initialState(profile));
        for (const o of observations) {
          const frozenObservation = deepFreeze({ ...o });
          const before = JSON.stringify(state);
          // Frozen inputs make any write throw (ESM is strict mode).
          const result = process(state, frozenObservation, deepFreeze({ ...config }));
          expect(JSON.stringify(state)).toBe(before);
          state = deepFreeze(result.state);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("contractOf(state) equals the contract process returned for that state", () => {
    fc.assert(
      fc.property(profileArb, observationsArb(100), configArb, (profile, observations, config) => {
        for (const r of runAll(observations, initialState(profile), config)) {
          expect(contractOf(r.state, config)).toEqual(r.contract);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("serialisation", () => {
  it("a JSON round trip of the state mid-sequence changes nothing", () => {
    fc.assert(
      fc.property(profileArb, observationsArb(150), fc.nat(), configArb, (profile, observations, cut, config) => {
        const split = cut % observations.length;
        const straight = runAll(observations, initialState(profile), config);
        const head = runAll(observations.slice(0, split), initialState(profile), config);
        const midState: EngineState = split === 0 ? initialState(profile) : (head[split - 1] as CycleResult).state;
        const restored = JSON.parse(JSON.stringify(midState)) as EngineState;
        expect(restored).toEqual(midState);
        const tail = runAll(observations.slice(split), restored, config);
        expect([...head, ...tail]).toEqual(straight);
      }),
      { numRuns: RUNS },
    );
  });

  it("states and results are plain JSON data: no undefined, no NaN or infinities", () => {
    fc.assert(
      fc.property(profileArb, observationsArb(120), configArb, (profile, observations, config) => {
        for (const r of runAll(observations, initialState(profile), config)) {
          expect(hasUndefined(r)).toBe(false);
          expect(allNumbers(r).every(Number.isFinite)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

function checkBounds(state: EngineState, contract: ExecutionContract): void {
  expect(state.modeStrengths).toHaveLength(7);
  expect(state.modeGains).toHaveLength(7);
  expect(state.modeStrengths.every(inUnit)).toBe(true);
  expect(state.modeGains.every(inUnit)).toBe(true);
  expect(inUnit(state.energy)).toBe(true);
  expect(inUnit(state.stabilityIndex)).toBe(true);
  expect(state.warmupProgress).toBeLessThanOrEqual(20);
  if (state.anchor !== null) expect(state.anchor.every(inUnit)).toBe(true);
  if (state.drift.magnitude !== null) expect(inUnit(state.drift.magnitude)).toBe(true);
  const sm = state.selfModel;
  expect([sm.stressResilience, sm.traitStability, sm.energyEfficiency].every(inUnit)).toBe(true);
  const m = state.memory;
  expect(inUnit(m.energyTrend) && inUnit(m.energyMinObserved)).toBe(true);
  expect(m.d1Recent).toBeGreaterThanOrEqual(0);
  expect(m.d1Recent).toBeLessThanOrEqual(100);
  expect(m.d2Recent).toBeLessThanOrEqual(100);
  expect(m.modeSwitchesRecent).toBeLessThanOrEqual(20);
  expect(contract.controlVector).toHaveLength(7);
  expect(contract.controlVector.every(inUnit)).toBe(true);
  expect(contract.controlVector.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  const locks = Object.values(contract.hardLocks).filter((v): v is number => v !== null);
  expect(locks.every((v) => v >= 0)).toBe(true);
}

describe("bounds", () => {
  it("every bounded value stays in range and the cycle count advances by one", () => {
    fc.assert(
      fc.property(profileArb, observationsArb(150), configArb, (profile, observations, config) => {
        const start = initialState(profile);
        runAll(observations, start, config).forEach((r, i) => {
          expect(r.state.cycleCount).toBe(i + 1);
          expect(r.contract.cycleCount).toBe(i + 1);
          checkBounds(r.state, r.contract);
        });
      }),
      { numRuns: RUNS },
    );
  });
});

const LEVELS: readonly StressLevel[] = ["LOW", "MED", "HIGH", "OVER"];
const FORBIDDEN = new Set<string>(FORBIDDEN_ACTIONS);

function modeUnion(state: EngineState): Set<string> {
  const union = new Set<string>(SAFE_ACTIONS);
  MODES.forEach((mode, i) => {
    if ((state.modeStrengths[i] as number) >= 0.2) for (const a of MODE_ACTIONS[mode]) union.add(a);
  });
  return union;
}

describe("action space", () => {
  it("forbidden actions never appear in allowedActions; the forbidden list is always exactly the two", () => {
    fc.assert(
      fc.property(profileArb, observationsArb(150), configArb, (profile, observations, config) => {
        for (const r of runAll(observations, initialState(profile), config)) {
          const allowed = r.contract.allowedActions;
          expect(allowed.some((a) => FORBIDDEN.has(a))).toBe(false);
          expect(allowed.every((a) => (STANDARD_ACTIONS as readonly string[]).includes(a))).toBe(true);
          expect(r.contract.forbiddenActions).toEqual(["emotional_manipulation", "identity_override"]);
          expect([...allowed].sort()).toEqual(allowed);
          expect(new Set(allowed).size).toBe(allowed.length);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("A_OVER ⊆ A_HIGH ⊆ A_MED ⊆ A_LOW ⊆ A_mode for every reachable state; OVER is exactly the safe four; HIGH has no risky action", () => {
    fc.assert(
      fc.property(profileArb, observationsArb(120), configArb, (profile, observations, config) => {
        for (const r of runAll(observations, initialState(profile), config)) {
          const sets = LEVELS.map((stressLevel) => new Set(contractOf({ ...r.state, stressLevel }, config).allowedActions));
          const union = modeUnion(r.state);
          const [low, med, high, over] = sets as [Set<string>, Set<string>, Set<string>, Set<string>];
          const subset = (a: Set<string>, b: Set<string>): boolean => [...a].every((x) => b.has(x));
          expect(subset(low, union)).toBe(true);
          expect(subset(med, low)).toBe(true);
          expect(subset(high, med)).toBe(true);
          expect(subset(over, high)).toBe(true);
          expect([...over].sort()).toEqual([...SAFE_ACTIONS].sort());
          expect(RISKY_ACTIONS.some((a) => high.has(a))).toBe(false);
          // The actual contract is the set for the actual level.
          expect(new Set(r.contract.allowedActions)).toEqual(sets[LEVELS.indexOf(r.contract.currentStressLevel)]);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe("layer flags", () => {
  const observerOnly: EngineConfig = { ...ALL_OFF, memory: true, selfModel: true, cycleRecord: true };

  function withoutContexts(c: ExecutionContract): Omit<ExecutionContract, "memoryContext" | "selfModelContext"> {
    const { memoryContext: _m, selfModelContext: _s, ...rest } = c;
    return rest;
  }

  it("memory, self-model and cycle record only observe: contracts equal the all-off engine's", () => {
    fc.assert(
      fc.property(profileArb, observationsArb(150), (profile, observations) => {
        const off = runAll(observations, initialState(profile), ALL_OFF);
        const on = runAll(observations, initialState(profile), observerOnly);
        on.forEach((r, i) => {
          expect(withoutContexts(r.contract)).toEqual(withoutContexts((off[i] as CycleResult).contract));
          expect(r.rolledBack).toBe((off[i] as CycleResult).rolledBack);
        });
      }),
      { numRuns: 500 },
    );
  });

  it("a layer that is off leaves its state untouched and emits nothing", () => {
    fc.assert(
      fc.property(profileArb, observationsArb(120), (profile, observations) => {
        const start = initialState(profile);
        for (const r of runAll(observations, start, ALL_OFF)) {
          expect(r.state.memory).toBe(start.memory);
          expect(r.state.selfModel).toBe(start.selfModel);
          expect(r.record).toBeNull();
          expect(r.contract.memoryContext).toBeNull();
          expect(r.contract.selfModelContext).toBeNull();
          expect(r.state.recoveryWindow).toBe(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("the default config turns every layer on", () => {
    expect(Object.values(DEFAULT_CONFIG).every((v) => v)).toBe(true);
    const [r] = runAll([{ mode: "perception", signalStrength: 0.5, confidence: 1 } satisfies Observation]);
    expect(r?.record).not.toBeNull();
    expect(r?.contract.memoryContext).not.toBeNull();
    expect(r?.contract.selfModelContext).not.toBeNull();
  });
});

describe("drift events and snapshots", () => {
  it("a drift event is emitted exactly when the level is D1 or above, and marks rollbacks", () => {
    let withRollback = 0;
    fc.assert(
      fc.property(profileArb, observationsArb(200), configArb, (profile, observations, config) => {
        const results = runAll(observations, initialState(profile), config);
        if (results.some((r) => r.rolledBack)) withRollback++;
        for (const r of results) {
          const level = r.drift.level;
          if (level === null || level === "D0_noise") expect(r.driftEvent).toBeNull();
          else expect(r.driftEvent).toEqual({ cycle: r.state.cycleCount, level, magnitude: r.drift.magnitude, affectedModes: r.drift.affectedModes, rolledBack: r.rolledBack });
          if (r.rolledBack) expect(level).toBe("D3_corrupt");
          expect(r.contract.driftLevel).toBe(level);
        }
      }),
      { numRuns: 800 },
    );
    // The generators reach the rollback path in ~35% of runs (measured); far fewer means the
    // rollback assertions above have stopped running.
    expect(withRollback / 800).toBeGreaterThan(ROLLBACK_SHARE_FLOOR);
  });

  it("a rollback restores the six identity modes and the anchor of the last stable snapshot, keeps the live stress mode and the snapshot", () => {
    let rollbacks = 0;
    fc.assert(
      fc.property(profileArb, observationsArb(200), configArb, (profile, observations, config) => {
        let before = initialState(profile);
        for (const r of runAll(observations, before, config)) {
          if (r.rolledBack) {
            rollbacks++;
            const stable = before.lastStableSnapshot!;
            expect(r.state.modeStrengths.slice(0, 6)).toEqual(stable.modeStrengths.slice(0, 6));
            expect(r.state.anchor).toEqual(stable.anchor);
            expect(r.state.lastStableSnapshot).toBe(stable);
            expect(r.snapshot).toBeNull();
            // The stress mode is the live one, never the snapshot's: a rollback cannot calm the agent.
            expect(r.state.modeStrengths[6]).not.toBeLessThan(Math.min(before.modeStrengths[6]!, stable.modeStrengths[6]!) - 0.05);
          }
          before = r.state;
        }
      }),
      { numRuns: 400 },
    );
    expect(rollbacks).toBeGreaterThan(400 * ROLLBACK_SHARE_FLOOR);
  });

  it("snapshots never nest, are ≥ 25 cycles apart after the first, and the state keeps the latest", () => {
    fc.assert(
      fc.property(profileArb, observationsArb(200), configArb, (profile, observations, config) => {
        let previous: number | null = null;
        for (const r of runAll(observations, initialState(profile), config)) {
          if (r.snapshot !== null) {
            expect(Object.keys(r.snapshot).sort()).toEqual(["anchor", "cycle", "energy", "modeStrengths", "stabilityIndex"]);
            expect(r.snapshot.cycle).toBe(r.state.cycleCount);
            if (previous !== null) expect(r.snapshot.cycle - previous).toBeGreaterThanOrEqual(25);
            else expect(r.snapshot.cycle).toBe(20);
            previous = r.snapshot.cycle;
          }
          expect(r.state.lastStableSnapshot?.cycle ?? null).toBe(previous);
          expect(r.state.lastSnapshotCycle).toBe(previous);
        }
      }),
      { numRuns: 500 },
    );
  });
});
