// Verified replay of an agent's commit log: starting from the agent's initial state, every cycle
// is recomputed with the pure engine and contract enforcement, its outcome compared with the
// stored one, and its chain hash recomputed and compared with the stored hash. The first place
// where anything differs is reported with what differs. Pure: the caller feeds the log and
// supplies compiled contract versions.
import type { CompiledContract } from "../contracts/compile.js";
import { advanceEnforcement, type EnforcedContract } from "../contracts/enforce.js";
import { failClosed } from "../contracts/fail-closed.js";
import { shadowCycle, type ShadowState } from "../contracts/shadow.js";
import { jsonCopy } from "../store/commit-records.js";
import type { EnforcementState } from "../contracts/state.js";
import {
  process as runCycle,
  restoreSnapshot,
  type EngineConfig,
  type EngineState,
  type Mode,
  type StableSnapshot,
} from "../engine/index.js";
import type { HistoryEntry, LoggedCommit, RecordedOutcome, StoredState } from "../store/types.js";
import { GENESIS, checkCycle, promotionHash, resetHash } from "./chain.js";
import { CycleWriter } from "./cycle-bytes.js";

/** The first place where the stored log and its replay disagree. */
export interface Difference {
  revision: number;
  /** Position of the cycle within its commit; null for the commit as a whole. */
  seq: number | null;
  /** Engine cycle count after the cycle, as stored; null when not about one cycle. */
  cycle: number | null;
  /** What differs: "revision", "seq", "cycle", "outcome.<path>", "hash", "audit", "reset", "snapshot", "contract", "head.state", "head.hash". */
  field: string;
  /** What the replay computed (or the log requires). */
  expected: string;
  /** What is stored. */
  found: string;
  message: string;
}

export interface VerifyProgress {
  commits: number;
  cycles: number;
  resets: number;
  /** The chain's hash after the last verified commit. */
  head: string;
  /** Engine version hashes recorded on the verified cycles, in order of first appearance. */
  engineVersions: string[];
}

export interface ReplaySetup {
  /** The agent's revision-0 state. */
  initial: EngineState;
  config: EngineConfig;
  /** The engine version hash of this replay (recorded on resets; compared with the cycles' own). */
  engineVersion: string;
  /** A contract version of the agent, compiled; null when the store has no such version. */
  contractVersion: (version: number) => CompiledContract | null;
}

export class HistoryReplay {
  private state: EngineState;
  private enforcement: EnforcementState | undefined;
  private shadow: ShadowState | null = null;
  private prev = GENESIS;
  private revision = 0;
  private latestSnapshot: { revision: number; seq: number; snapshot: StableSnapshot } | null = null;
  readonly progress: VerifyProgress = { commits: 0, cycles: 0, resets: 0, head: GENESIS, engineVersions: [] };

  constructor(private readonly setup: ReplaySetup) {
    this.state = setup.initial;
  }

  /** Replays one commit; the first difference, or null when it verifies. */
  step(commit: LoggedCommit): Difference | null {
    const rev = this.revision + 1;
    if (commit.revision !== rev) {
      return diff(rev, null, null, "revision", String(rev), String(commit.revision),
        commit.revision > rev ? `revision ${rev} is missing from the log (deleted)` : `revision ${commit.revision} is out of order or repeated`);
    }
    const audit = commit.audit;
    if (!audit) return diff(rev, null, null, "audit", "an audit link", "none", `revision ${rev} carries no audit link (written before the chain existed, or removed)`);
    const found = audit.reset ? this.replayReset(commit) : audit.promotion ? this.replayPromotion(commit) : this.replayCycles(commit);
    if (found) return found;
    if (audit.head !== this.prev) {
      return diff(rev, null, null, "audit.head", this.prev, audit.head, `revision ${rev}'s chain head does not match its last link`);
    }
    this.revision = rev;
    this.progress.commits++;
    this.progress.head = this.prev;
    return null;
  }

  /** Compares the stored head (the agent's current state) with the end of the replay. */
  finish(head: StoredState): Difference | null {
    if (head.revision !== this.revision) {
      return diff(head.revision, null, null, "revision", String(head.revision), String(this.revision),
        `the log ends at revision ${this.revision} but the agent's head is revision ${head.revision}`);
    }
    if (!sameState(head.state, this.state)) {
      return diff(head.revision, null, head.state.cycleCount, "head.state", "the replayed state", "a different state",
        "the agent's stored state differs from the state its history replays to");
    }
    if (this.revision > 0 && (head.auditHead ?? GENESIS) !== this.prev) {
      return diff(head.revision, null, null, "head.hash", this.prev, head.auditHead ?? "", "the agent's stored chain head differs from its log");
    }
    return null;
  }

  private replayReset(commit: LoggedCommit): Difference | null {
    const reset = commit.audit!.reset!;
    const rev = commit.revision;
    if (commit.history.length > 0) {
      return diff(rev, 0, commit.history[0]!.cycle, "reset", "no cycles", `${commit.history.length} cycles`, `reset revision ${rev} carries cycles`);
    }
    let next: EngineState;
    if (reset.target === "initial") {
      next = this.setup.initial;
      this.enforcement = undefined;
      this.shadow = null;
    } else {
      const snap = this.latestSnapshot;
      const want = snap ? `${snap.revision}:${snap.seq}` : "none";
      const got = reset.snapshot ? `${reset.snapshot.revision}:${reset.snapshot.seq}` : "none";
      if (!snap || want !== got) return diff(rev, null, null, "reset.snapshot", want, got, `reset revision ${rev} names a snapshot that is not the latest one replayed`);
      next = restoreSnapshot(this.state, snap.snapshot);
    }
    const hash = resetHash(this.prev, rev, commit.committedAtMs, reset, next);
    if (hash !== reset.hash) {
      return diff(rev, null, null, "hash", hash, reset.hash, `reset revision ${rev}'s hash does not match its content or the link before it`);
    }
    this.state = next;
    this.prev = hash;
    this.progress.resets++;
    return null;
  }

  /** A shadow version made the enforced one: the version must be in the store as chained; the engine state is unchanged. */
  private replayPromotion(commit: LoggedCommit): Difference | null {
    const promotion = commit.audit!.promotion!;
    const rev = commit.revision;
    if (commit.history.length > 0) {
      return diff(rev, 0, commit.history[0]!.cycle, "promotion", "no cycles", `${commit.history.length} cycles`, `promotion revision ${rev} carries cycles`);
    }
    const compiled = this.setup.contractVersion(promotion.version);
    if (!compiled || compiled.versionHash !== promotion.versionHash) {
      return diff(rev, null, null, "contract", promotion.versionHash, compiled?.versionHash ?? "none",
        `contract version ${promotion.version} promoted at revision ${rev} is missing or changed in the contract store`);
    }
    const hash = promotionHash(this.prev, rev, commit.committedAtMs, promotion);
    if (hash !== promotion.hash) {
      return diff(rev, null, null, "hash", hash, promotion.hash, `promotion revision ${rev}'s hash does not match its content or the link before it`);
    }
    this.shadow = null;
    this.prev = hash;
    return null;
  }

  private replayCycles(commit: LoggedCommit): Difference | null {
    const rev = commit.revision;
    let snapshots = 0;
    for (let i = 0; i < commit.history.length; i++) {
      const entry = commit.history[i]!;
      if (entry.seq !== i || entry.revision !== rev) {
        return diff(rev, i, entry.cycle, "seq", `${rev}:${i}`, `${entry.revision}:${entry.seq}`,
          `the cycle at position ${i} of revision ${rev} is filed as ${entry.revision}:${entry.seq} (reordered, inserted or deleted)`);
      }
      const stored = entry.result;
      const r = runCycle(this.state, entry as HistoryEntry & { mode: Mode }, this.setup.config);
      let contract: EnforcedContract = r.contract;
      const recorded = stored.contract as EnforcedContract;
      const version = recorded.enforcement?.contractVersion;
      let enforcement = this.enforcement;
      // A shadow version starting on this cycle reads the enforced state before it: a copy, since
      // the replay's enforcement state advances in place below.
      const shadowStarts = recorded.shadow !== undefined && !(this.shadow !== null && this.shadow.counts.contractId === recorded.shadow.contractId && this.shadow.counts.contractVersion === recorded.shadow.contractVersion);
      const enforcedBefore = shadowStarts && enforcement ? jsonCopy(enforcement) : enforcement;
      if (recorded.failClosed !== undefined) {
        // The agent failed closed on this cycle: the safe actions, for the recorded reason; no enforcement ran.
        contract = failClosed(r.contract, recorded.failClosed);
      } else if (version !== undefined) {
        const compiled = this.setup.contractVersion(version);
        if (!compiled) return diff(rev, i, entry.cycle, "contract", `version ${version}`, "none", `contract version ${version} of the agent is not in the contract store`);
        if (recorded.contractVersionHash !== undefined && recorded.contractVersionHash !== compiled.versionHash) {
          return diff(rev, i, entry.cycle, "contract", compiled.versionHash, recorded.contractVersionHash,
            `the stored contract version ${version} is not the one this cycle was enforced with`);
        }
        // In place: the replay owns its enforcement state, and stops at the first difference.
        ({ state: enforcement, contract } = advanceEnforcement(compiled, enforcement, entry, r.contract));
      }
      // The shadow version, with the same inputs: the state before this cycle and the answer it gave.
      let shadow: ShadowState | null = null;
      const recordedShadow = recorded.shadow;
      if (recordedShadow) {
        const compiled = this.setup.contractVersion(recordedShadow.contractVersion);
        if (!compiled || compiled.versionHash !== recordedShadow.contractVersionHash) {
          return diff(rev, i, entry.cycle, "contract", recordedShadow.contractVersionHash, compiled?.versionHash ?? "none",
            `the shadow contract version ${recordedShadow.contractVersion} of ${rev}:${i} is missing or changed in the contract store`);
        }
        const evaluated = shadowCycle(compiled, this.shadow, enforcedBefore, entry, r.contract, contract);
        shadow = evaluated.state;
        contract.shadow = evaluated.section;
      }
      // Replayed under the engine version the cycle recorded: a different one shows up as a difference below.
      if (recorded.engineVersionHash !== undefined) contract.engineVersionHash = recorded.engineVersionHash;
      const outcome: RecordedOutcome = { contract, drift: r.drift, driftEvent: r.driftEvent, rolledBack: r.rolledBack, revision: rev };
      if (r.state.cycleCount !== entry.cycle) {
        return diff(rev, i, entry.cycle, "cycle", String(r.state.cycleCount), String(entry.cycle), `cycle number differs at ${rev}:${i}`);
      }
      // The hash covers the stored observation with the replayed state and outcome: it matches
      // exactly when neither the observation nor the outcome the engine gives it has changed.
      const { hash, sameOutcome: same } = checkCycle(this.prev, entry, r.state, outcome, stored);
      if (hash !== entry.hash || !same) {
        const path = same ? null : firstDifference(outcome, stored, "outcome");
        if (hash === entry.hash && path) {
          return diff(rev, i, entry.cycle, path.field, path.expected, path.found, `the stored outcome of ${rev}:${i} was changed at ${path.field}`);
        }
        if (path) {
          return diff(rev, i, entry.cycle, path.field, path.expected, path.found,
            `replaying the stored observation of ${rev}:${i} gives a different outcome at ${path.field}: the observation was changed${this.engineNote(recorded.engineVersionHash)}`);
        }
        return diff(rev, i, entry.cycle, "hash", hash, entry.hash ?? "",
          `the hash of ${rev}:${i} does not match its content: its observation or hash was changed, or a link before it was removed, reordered or inserted`);
      }
      if (r.snapshot) {
        const kept = commit.snapshots[snapshots];
        if (!kept || !sameSnapshot(kept.snapshot, r.snapshot)) {
          return diff(rev, i, entry.cycle, "snapshot", `snapshot of cycle ${r.snapshot.cycle}`, kept ? `snapshot of cycle ${kept.snapshot.cycle}` : "none",
            `the snapshot taken at ${rev}:${i} is missing or differs`);
        }
        this.latestSnapshot = { revision: rev, seq: snapshots, snapshot: r.snapshot };
        snapshots++;
      }
      this.state = r.state;
      this.enforcement = enforcement;
      this.shadow = shadow;
      this.prev = hash;
      this.progress.cycles++;
      const ev = recorded.engineVersionHash;
      if (ev !== undefined && this.progress.engineVersions.at(-1) !== ev && !this.progress.engineVersions.includes(ev)) this.progress.engineVersions.push(ev);
    }
    if (commit.snapshots.length !== snapshots) {
      return diff(rev, null, null, "snapshot", `${snapshots} snapshots`, `${commit.snapshots.length} snapshots`, `revision ${rev} stores snapshots its replay did not take`);
    }
    return null;
  }

  private engineNote(recorded: string | undefined): string {
    return recorded !== undefined && recorded !== this.setup.engineVersion
      ? ` (it was computed by engine version ${recorded.slice(0, 12)}…, this replay runs ${this.setup.engineVersion.slice(0, 12)}…)`
      : "";
  }
}

function diff(revision: number, seq: number | null, cycle: number | null, field: string, expected: string, found: string, message: string): Difference {
  return { revision, seq, cycle, field, expected, found, message };
}

const a = new CycleWriter();
const b = new CycleWriter();

function sameState(x: EngineState, y: EngineState): boolean {
  a.reset().value(x);
  b.reset().value(y);
  return Buffer.compare(a.bytes(), b.bytes()) === 0;
}

function sameSnapshot(x: StableSnapshot, y: StableSnapshot): boolean {
  a.reset().value(x);
  b.reset().value(y);
  return Buffer.compare(a.bytes(), b.bytes()) === 0;
}

/** The first leaf where two JSON values differ, by path (only run once a difference is known). */
function firstDifference(expected: unknown, found: unknown, path: string): { field: string; expected: string; found: string } {
  const x = normal(expected);
  const y = normal(found);
  // Lists are shown whole: "[a, b]" against "[a]" says more than the first differing position.
  if (typeof x === "object" && x !== null && typeof y === "object" && y !== null && !Array.isArray(x) && !Array.isArray(y)) {
    const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
    for (const k of keys) {
      const xv = (x as Record<string, unknown>)[k];
      const yv = (y as Record<string, unknown>)[k];
      if (JSON.stringify(normal(xv)) !== JSON.stringify(normal(yv))) {
        return firstDifference(xv, yv, `${path}.${k}`);
      }
    }
  }
  return { field: path, expected: show(x), found: show(y) };
}

/** JSON semantics: what the store would give back. */
function normal(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v) ?? "null");
}

function show(v: unknown): string {
  const text = v === undefined ? "absent" : JSON.stringify(v);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
