// Store-level test data. Engine values are opaque to the store, so they are deliberately awkward
// JSON (nested arrays, keys with '.' and a leading '$') that a naive MongoDB mapping would reject.
import { randomUUID } from "node:crypto";
import type { DriftEvent, EngineState, IdentityProfile, StableSnapshot } from "../../src/engine/index.js";
import { defaultProfile, initialState, process } from "../../src/engine/index.js";
import type {
  CycleCommit,
  DriftEventRecord,
  HistoryEntry,
  InstanceRecord,
  RecordedOutcome,
  SnapshotRecord,
} from "../../src/store/types.js";

/** The tenant store tests work in unless they say otherwise. */
export const TENANT = "tenant-a";

export function newId(): string {
  return `agent-${randomUUID()}`;
}

export function instance(id: string, createdAtMs = 1_700_000_000_000, tenant = TENANT): InstanceRecord {
  return {
    id,
    tenant,
    name: `name of ${id}`,
    description: "an agent under test",
    profile: { traits: { "risk.tolerance": 0.3 }, weights: [[1, 2], [3]] } as unknown as IdentityProfile,
    labels: { team: "core", "app.kubernetes.io/name": "keel" },
    createdAtMs,
    updatedAtMs: createdAtMs,
  };
}

/** A real state with the sequential drift detector mid-alarm, and drift acting at D2. */
export function sequentialDriftState(): EngineState {
  let state = initialState({ ...defaultProfile(), driftDetector: "sequential", driftRestrictsAt: "D2_adaptive" });
  const modes = ["perception", "order", "exploration"] as const;
  for (let t = 0; t < 260; t++) {
    const changed = t >= 200;
    const mode = changed ? (t % 3 === 0 ? "identity" : "connection") : modes[t % 3]!;
    state = process(state, { mode, signalStrength: changed ? 0.9 : 0.3 + 0.1 * (t % 4), confidence: 0.9 }).state;
  }
  return state;
}

export function engineState(cycle: number): EngineState {
  return {
    cycle,
    matrix: [[cycle, 0.5], [-1]],
    "dotted.key": { $dollar: "ok" },
    flags: [true, false, null],
  } as unknown as EngineState;
}

function historyEntry(instanceId: string, revision: number, seq: number, sequence: number | null): HistoryEntry {
  return {
    instanceId,
    revision,
    seq,
    sequence,
    cycle: revision * 10 + seq,
    mode: "EXPLORE",
    signalStrength: 0.5,
    confidence: 0.75,
    context: { "user.id": "u1", $source: "test" },
    action: seq % 2 === 0 ? "act" : null,
    target: null,
    outcome: "ok",
    observedAtMs: 1_000 + revision,
    processedAtMs: 2_000 + revision,
    result: {
      contract: { limits: [[1, 2]], "tool.allow": ["search"] },
      drift: { score: revision / 10 },
      driftEvent: null,
      rolledBack: false,
      revision,
    } as unknown as RecordedOutcome,
  };
}

function driftEvent(instanceId: string, revision: number, seq: number): DriftEventRecord {
  return {
    instanceId,
    revision,
    seq,
    event: { kind: "drift", magnitude: revision + seq / 10, axes: [[0, 1]] } as unknown as DriftEvent,
    createdAtMs: 3_000 + revision,
  };
}

function snapshot(instanceId: string, revision: number, seq: number): SnapshotRecord {
  return {
    instanceId,
    revision,
    seq,
    snapshot: { state: engineState(revision), at: [revision, seq] } as unknown as StableSnapshot,
    createdAtMs: 4_000 + revision,
  };
}

export interface CommitShape {
  history?: number;
  drift?: number;
  snapshots?: number;
  /** Session sequence of the first history entry (the rest follow); unary (null) by default. */
  sequenceFrom?: number;
}

/** A commit on top of expectedRevision carrying the given number of records of each kind. */
export function cycleCommit(
  instanceId: string,
  expectedRevision: number,
  shape: CommitShape = {},
  tenant = TENANT,
): CycleCommit {
  const revision = expectedRevision + 1;
  const times = (n: number | undefined) => Array.from({ length: n ?? 1 }, (_, seq) => seq);
  return {
    tenant,
    instanceId,
    expectedRevision,
    state: engineState(revision),
    lastSequence: shape.sequenceFrom === undefined ? 0 : shape.sequenceFrom + (shape.history ?? 1) - 1,
    history: times(shape.history).map((seq) =>
      historyEntry(instanceId, revision, seq, shape.sequenceFrom === undefined ? null : shape.sequenceFrom + seq),
    ),
    driftEvents: times(shape.drift ?? 0).map((seq) => driftEvent(instanceId, revision, seq)),
    snapshots: times(shape.snapshots ?? 0).map((seq) => snapshot(instanceId, revision, seq)),
    committedAtMs: 5_000 + revision,
  };
}
