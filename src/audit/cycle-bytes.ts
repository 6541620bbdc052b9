// The canonical bytes of one committed cycle (and of a reset), which the audit chain hashes. A
// compact binary form written into one reusable buffer, because it runs on every cycle and on
// every replayed cycle: JSON text of the same content costs several times more.
//
// Encoding: every value starts with a type byte. Numbers are IEEE-754 doubles, little-endian,
// with -0 written as 0; strings are their length then one byte per character when every
// character is below U+0080, else (under another type byte) UTF-16 code units, little-endian; null,
// true, false are type bytes alone; arrays are their length then the items; objects are their
// key count then (key, value) pairs sorted by key in code-unit order. Fixed records (the
// observation, the state digest, the contract) are written field by field in a fixed order with
// no keys: the order is part of the format ("keel-cycle-v1"), documented in docs/audit.md.
import { ByteWriter } from "../byte-writer.js";
import type {
  ActionRestriction,
  DecisionStyle,
  EngineState,
  ExecutionContract,
  HardLocks,
  MemoryContext,
  RecoveryProfile,
  SelfModelContext,
} from "../engine/index.js";
import type { Enforcement } from "../contracts/state.js";
import type { EnforcedContract } from "../contracts/enforce.js";
import type { ShadowSection } from "../contracts/shadow.js";
import type { HistoryEntry, RecordedOutcome } from "../store/types.js";

const NULL = 0;
const FALSE = 1;
const TRUE = 2;
const NUM = 3;
const STR = 4;
const ARR = 5;
const OBJ = 6;
const UTF16 = 7;

/**
 * Encodings of frozen values the engine shares between contracts (restriction lists, decision
 * styles, recovery profiles, hard locks): written once, then copied. Frozen values never change,
 * so the cached bytes stay exact.
 */
const frozenBytes = new WeakMap<object, Uint8Array>();

export const CYCLE_DOMAIN = "keel-cycle-v1";
export const RESET_DOMAIN = "keel-reset-v1";
export const PROMOTION_DOMAIN = "keel-promotion-v1";

/** The observation of a cycle as history keeps it: a history entry without its chain links. */
export type ChainedObservation = Omit<HistoryEntry, "instanceId" | "result" | "hash">;

export class CycleWriter extends ByteWriter {
  constructor() {
    super(4096);
  }

  reset(): this {
    this.pos = 0;
    return this;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  tag(t: number): void {
    this.ensure(1);
    this.buf[this.pos++] = t;
  }

  num(n: number): void {
    this.ensure(9);
    this.buf[this.pos++] = NUM;
    this.view.setFloat64(this.pos, n === 0 ? 0 : n, true);
    this.pos += 8;
  }

  optNum(n: number | null | undefined): void {
    if (n === null || n === undefined) this.tag(NULL);
    else this.num(n);
  }

  str(s: string): void {
    const n = s.length;
    this.ensure(6 + n * 2);
    const b = this.buf;
    const start = this.pos;
    b[this.pos++] = STR;
    this.varint32(n);
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return this.utf16(start, s);
      b[p++] = c;
    }
    this.pos = p;
  }

  private utf16(start: number, s: string): void {
    this.pos = start;
    const n = s.length;
    this.buf[this.pos++] = UTF16;
    this.varint32(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      b[p++] = c & 0xff;
      b[p++] = c >>> 8;
    }
    this.pos = p;
  }

  /** Writes `value` with `write`, from the cache when the value is frozen (see frozenBytes). */
  frozen<T extends object>(value: T, write: (w: CycleWriter, v: T) => void): void {
    if (!Object.isFrozen(value)) return write(this, value);
    let bytes = frozenBytes.get(value);
    if (bytes === undefined) {
      const start = this.pos;
      write(this, value);
      bytes = this.buf.slice(start, this.pos);
      frozenBytes.set(value, bytes);
      return;
    }
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  optStr(s: string | null | undefined): void {
    if (s === null || s === undefined) this.tag(NULL);
    else this.str(s);
  }

  bool(v: boolean): void {
    this.tag(v ? TRUE : FALSE);
  }

  strings(list: readonly string[]): void {
    this.tag(ARR);
    this.varint32(list.length);
    for (let i = 0; i < list.length; i++) this.str(list[i] as string);
  }

  /** strings(), copied from the cache when the list is one of the engine's frozen, shared lists. */
  list(list: readonly string[]): void {
    this.frozen(list, writeStrings);
  }

  nums(list: readonly number[] | null): void {
    if (list === null) return this.tag(NULL);
    this.tag(ARR);
    this.varint32(list.length);
    for (let i = 0; i < list.length; i++) this.num(list[i] as number);
  }

  /** Any JSON value, objects with sorted keys; undefined members are left out, as JSON does. */
  value(v: unknown): void {
    if (v === null || v === undefined) return this.tag(NULL);
    switch (typeof v) {
      case "number":
        return Number.isFinite(v) ? this.num(v) : this.tag(NULL);
      case "string":
        return this.str(v);
      case "boolean":
        return this.bool(v);
      case "object": {
        if (Array.isArray(v)) {
          this.tag(ARR);
          this.varint32(v.length);
          for (const item of v) this.value(item);
          return;
        }
        const o = v as Record<string, unknown>;
        const keys = Object.keys(o).sort();
        let n = 0;
        for (const k of keys) if (o[k] !== undefined) n++;
        this.tag(OBJ);
        this.varint32(n);
        for (const k of keys) {
          if (o[k] === undefined) continue;
          this.str(k);
          this.value(o[k]);
        }
        return;
      }
      default:
        throw new TypeError(`the audit chain has no form for ${typeof v}`);
    }
  }
}

function writeStrings(w: CycleWriter, list: readonly string[]): void {
  w.strings(list);
}

export function writeObservation(w: CycleWriter, o: ChainedObservation): void {
  w.num(o.revision);
  w.num(o.seq);
  w.optNum(o.sequence);
  w.num(o.cycle);
  w.str(o.mode);
  w.num(o.signalStrength);
  w.num(o.confidence);
  w.value(o.context);
  w.optStr(o.action);
  w.optStr(o.target);
  w.optStr(o.outcome);
  w.optNum(o.amount);
  w.num(o.observedAtMs);
  w.num(o.processedAtMs);
}

/**
 * The state digest: every scalar and vector of the engine state the next cycle depends on,
 * except the memory and self-model summaries and the stored snapshot, whose effects the contract
 * (memory and self-model contexts) and the recorded snapshots carry.
 */
export function writeStateDigest(w: CycleWriter, s: EngineState): void {
  w.num(s.cycleCount);
  w.nums(s.modeStrengths);
  w.num(s.energy);
  w.str(s.stressLevel);
  w.str(s.systemState);
  w.num(s.calmStreak);
  w.num(s.adaptiveStreak);
  w.num(s.settledStreak);
  w.nums(s.modeGains);
  w.num(s.recoveryWindow);
  w.nums(s.anchor);
  w.num(s.warmupProgress);
  w.num(s.stabilityIndex);
  w.optNum(s.lastSnapshotCycle);
}

/** The outcome: the contract in full (restrictions, enforcement and version hashes included), drift, rollback. */
export function writeOutcome(w: CycleWriter, o: RecordedOutcome): void {
  writeContract(w, o.contract);
  const d = o.drift;
  w.optStr(d.level);
  w.optNum(d.magnitude);
  w.list(d.affectedModes);
  w.num(d.d0Threshold);
  w.value(o.driftEvent);
  w.bool(o.rolledBack);
}

function writeContract(w: CycleWriter, contract: ExecutionContract): void {
  const c = contract as EnforcedContract;
  w.list(c.allowedActions);
  w.list(c.forbiddenActions);
  w.frozen(c.decisionStyle, writeStyle);
  w.str(c.currentStressLevel);
  w.str(c.currentSystemState);
  w.num(c.energyLevel);
  w.num(c.stabilityIndex);
  w.list(c.dominantModes);
  w.list(c.suppressedModes);
  w.frozen(c.recoveryProfile, writeRecovery);
  w.frozen(c.hardLocks, writeLocks);
  w.optStr(c.driftLevel);
  w.optNum(c.driftMagnitude);
  w.num(c.cycleCount);
  w.nums(c.controlVector);
  w.list(c.compositeModes);
  writeMemory(w, c.memoryContext);
  writeSelfModel(w, c.selfModelContext);
  w.frozen(c.restrictions ?? [], writeRestrictions);
  writeEnforcement(w, c.enforcement);
  w.optStr(c.engineVersionHash);
  w.optStr(c.contractVersionHash);
  w.optStr(c.failClosed);
  // Only when present, so the bytes (and hashes) of cycles without a shadow version are unchanged.
  if (c.shadow) writeShadow(w, c.shadow);
}

function writeStyle(w: CycleWriter, style: DecisionStyle): void {
  w.str(style.tempo);
  w.str(style.risk);
  w.str(style.expressiveness);
  w.str(style.commitmentThreshold);
}

function writeRecovery(w: CycleWriter, r: RecoveryProfile): void {
  w.str(r.preferredPath);
  w.bool(r.supportRequired);
  w.bool(r.cooldownRequired);
}

function writeLocks(w: CycleWriter, l: HardLocks): void {
  w.optNum(l.optionSetMax);
  w.optNum(l.noveltyRate);
  w.optNum(l.noiseFilterMin);
  w.optNum(l.execStrictnessMin);
  w.optNum(l.goalResistanceMin);
  w.optNum(l.pivotThresholdMin);
}

function writeRestrictions(w: CycleWriter, restrictions: readonly ActionRestriction[]): void {
  w.tag(ARR);
  w.varint32(restrictions.length);
  for (const x of restrictions) {
    w.str(x.action);
    w.strings(x.causes);
    w.str(x.detail);
  }
}

// The contexts and the enforcement report have fixed fields: written in a fixed order, without
// keys, so no per-cycle key sorting. A missing (null) section is a single NULL.

function writeMemory(w: CycleWriter, m: MemoryContext | null): void {
  if (m === null || m === undefined) return w.tag(NULL);
  w.tag(OBJ);
  w.num(m.stressSpikeCount);
  w.optNum(m.avgSpikeInterval);
  w.num(m.currentStressStreak);
  w.num(m.maxStressStreak);
  w.num(m.d1Recent);
  w.num(m.d2Recent);
  w.optNum(m.turnsSinceLastD2);
  w.num(m.energyTrend);
  w.num(m.energyMinObserved);
  w.str(m.dominantMode);
  w.num(m.dominantModeStreak);
  w.num(m.modeSwitchesRecent);
  w.str(m.behavioralPattern);
  w.num(m.recoveriesCompleted);
}

function writeSelfModel(w: CycleWriter, m: SelfModelContext | null): void {
  if (m === null || m === undefined) return w.tag(NULL);
  w.tag(OBJ);
  w.num(m.stressResilience);
  w.num(m.traitStability);
  w.num(m.energyEfficiency);
  w.num(m.completedEpisodes);
}

function writeEnforcement(w: CycleWriter, e: Enforcement | undefined): void {
  if (e === null || e === undefined) return w.tag(NULL);
  w.tag(OBJ);
  w.str(e.contractId);
  w.num(e.contractVersion);
  w.tag(ARR);
  w.varint32(e.violations.length);
  for (const v of e.violations) {
    w.str(v.name);
    w.str(v.kind);
    w.optNum(v.value);
    w.optNum(v.threshold);
    w.num(v.sinceCycle);
    w.bool(v.restricting);
    w.str(v.detail);
  }
  w.num(e.trust);
  const d = e.drift;
  w.optNum(d.action);
  w.optNum(d.target);
  w.optNum(d.temporal);
  w.optNum(d.outcome);
  w.optNum(d.semantic);
  w.optNum(d.overall);
  w.bool(e.restricted);
}

/** A shadow version's would-be enforcement (docs/contracts.md, shadow mode). */
function writeShadow(w: CycleWriter, s: ShadowSection): void {
  w.tag(OBJ);
  w.str(s.contractId);
  w.num(s.contractVersion);
  w.str(s.contractVersionHash);
  writeEnforcement(w, s.enforcement ?? undefined);
  w.strings(s.allowedActions);
  writeRestrictions(w, s.wouldBlock);
  w.strings(s.wouldBlockRules);
  w.str(s.error);
}
