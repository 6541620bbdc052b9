// What enforcement remembers about an agent between cycles. Persisted with the agent's engine
// state in the same commit (StoredState.enforcement), so a restart continues exactly.
import type { Counts } from "./counts.js";
import type { DriftDistribution } from "./model.js";
import type { SumState } from "./sum-monitor.js";
import type { WindowMonitors } from "./window-monitors.js";

/** One observed cycle, with its tags as distribution keys. */
export interface WindowEntry {
  /** Engine cycle. */
  c: number;
  /** Action, target category, outcome; null when the observation did not carry the tag. */
  a: string | null;
  t: string | null;
  o: string | null;
  /** UTC hour of the observation. */
  h: number;
  /** Observation time in ms. */
  ts: number;
  /** Semantic term (context["term"]), or null. */
  s: string | null;
}

export type DriftScores = Record<DriftDistribution, number | null>;

export type ViolationKind = "scope" | "drift" | "anchor" | "invariant";

export interface Violation {
  /** "scope/operation", "scope/target", "drift/<distribution>", "anchor/<term>", "invariant/<id>". */
  name: string;
  kind: ViolationKind;
  value: number | null;
  threshold: number | null;
  /** The cycle it began on. */
  sinceCycle: number;
  restricting: boolean;
  detail: string;
}

/** How the contract shaped one cycle's answer. */
export interface Enforcement {
  contractId: string;
  contractVersion: number;
  /** Sorted by name. */
  violations: Violation[];
  trust: number;
  drift: DriftScores;
  restricted: boolean;
}

export interface EnforcementState {
  /** The contract version this state was last evaluated under. */
  contractId: string;
  version: number;
  /** The most recent cycles, oldest first; at most the compiled capacity. */
  window: WindowEntry[];
  /** Tags of every cycle that left the window: the history part of the drift baseline. */
  baseline: { action: Counts; target: Counts; outcome: Counts; hour: Counts };
  /** Rate invariants: timestamps of matching observations still inside their time window. */
  rates: Record<string, number[]>;
  /** Sum invariants: their incremental monitors (absent in states written before they existed). */
  sums?: Record<string, SumState>;
  /**
   * Drift and window-invariant counts, kept incrementally (window-monitors.ts). Absent in states
   * written before they existed: rebuilt once from the window and the baseline.
   */
  monitors?: WindowMonitors;
  trust: number;
  /** Violation name → cycle it began on. */
  active: Record<string, number>;
  last: Enforcement | null;
}
