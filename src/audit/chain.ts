// The audit chain: each committed cycle's hash covers its canonical bytes (cycle-bytes.ts), which
// start with the previous cycle's hash, so changing, removing, reordering or inserting any cycle
// changes every hash after it. A reset is a link of its own. Pure: no clock, no I/O.
import { hash } from "node:crypto";
import type { EngineState } from "../engine/index.js";
import type { PromotionRecord, RecordedOutcome, ResetRecord } from "../store/types.js";
import {
  CYCLE_DOMAIN,
  CycleWriter,
  PROMOTION_DOMAIN,
  RESET_DOMAIN,
  writeObservation,
  writeOutcome,
  writeStateDigest,
  type ChainedObservation,
} from "./cycle-bytes.js";
import { sameJson } from "./same-json.js";

/** The "previous hash" of an agent's first link. */
export const GENESIS = "0".repeat(64);

const writer = new CycleWriter();

/** One-shot hashing: createHash's object and stream setup cost more than hashing a cycle's ~1 KB. */
function sha256(bytes: Uint8Array): string {
  return hash("sha256", bytes, "hex");
}

/** The hash of one cycle: previous hash, observation, post-cycle state digest, outcome (with both version hashes). */
export function cycleHash(prev: string, observation: ChainedObservation, state: EngineState, outcome: RecordedOutcome): string {
  writeCycle(writer.reset(), prev, observation, state, outcome);
  return sha256(writer.bytes());
}

/** A cycle's canonical bytes into `w`; returns where the outcome starts (it comes last). */
function writeCycle(w: CycleWriter, prev: string, observation: ChainedObservation, state: EngineState, outcome: RecordedOutcome): number {
  w.str(CYCLE_DOMAIN);
  w.str(prev);
  writeObservation(w, observation);
  writeStateDigest(w, state);
  const start = w.pos;
  writeOutcome(w, outcome);
  return start;
}

const stored = new CycleWriter();

/**
 * For replay: the hash of a replayed cycle, and whether the stored outcome has the same
 * canonical bytes as the replayed one (the replayed outcome is encoded once for both).
 */
export function checkCycle(
  prev: string,
  observation: ChainedObservation,
  state: EngineState,
  replayed: RecordedOutcome,
  recorded: RecordedOutcome,
): { hash: string; sameOutcome: boolean } {
  const start = writeCycle(writer.reset(), prev, observation, state, replayed);
  // Equal values have equal bytes: the stored outcome is encoded only when it differs.
  const same = sameJson(replayed, recorded) || Buffer.compare(writer.buf.subarray(start, writer.pos), (writeOutcome(stored.reset(), recorded), stored.bytes())) === 0;
  return { hash: sha256(writer.bytes()), sameOutcome: same };
}

/** The hash of a reset: what it reset to, when, and the digest of the state it left. */
export function resetHash(
  prev: string,
  revision: number,
  committedAtMs: number,
  reset: Omit<ResetRecord, "hash">,
  state: EngineState,
): string {
  const w = writer.reset();
  w.str(RESET_DOMAIN);
  w.str(prev);
  w.num(revision);
  w.num(committedAtMs);
  w.str(reset.target);
  w.optNum(reset.snapshot ? reset.snapshot.revision : null);
  w.optNum(reset.snapshot ? reset.snapshot.seq : null);
  writeStateDigest(w, state);
  w.str(reset.engineVersion);
  return sha256(w.bytes());
}

/** The hash of a promotion: which shadow version became enforced (by its content hash), instead of which, when. */
export function promotionHash(prev: string, revision: number, committedAtMs: number, promotion: Omit<PromotionRecord, "hash">): string {
  const w = writer.reset();
  w.str(PROMOTION_DOMAIN);
  w.str(prev);
  w.num(revision);
  w.num(committedAtMs);
  w.str(promotion.contractId);
  w.num(promotion.version);
  w.str(promotion.versionHash);
  w.num(promotion.previous);
  return sha256(w.bytes());
}
