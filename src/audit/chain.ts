// The audit chain: each committed cycle's hash covers its canonical bytes (cycle-bytes.ts), which
// start with the previous cycle's hash, so changing, removing, reordering or inserting any cycle
// changes every hash after it. A reset is a link of its own. Pure: no clock, no I/O.
import { createHash } from "node:crypto";
import type { EngineState } from "../engine/index.js";
import type { RecordedOutcome, ResetRecord } from "../store/types.js";
import {
  CYCLE_DOMAIN,
  CycleWriter,
  RESET_DOMAIN,
  writeObservation,
  writeOutcome,
  writeStateDigest,
  type ChainedObservation,
} from "./cycle-bytes.js";

/** The "previous hash" of an agent's first link. */
export const GENESIS = "0".repeat(64);

const writer = new CycleWriter();

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The hash of one cycle: previous hash, observation, post-cycle state digest, outcome (with both version hashes). */
export function cycleHash(prev: string, observation: ChainedObservation, state: EngineState, outcome: RecordedOutcome): string {
  const w = writer.reset();
  w.str(CYCLE_DOMAIN);
  w.str(prev);
  writeObservation(w, observation);
  writeStateDigest(w, state);
  writeOutcome(w, outcome);
  return sha256(w.bytes());
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

const left = new CycleWriter();
const right = new CycleWriter();

/** Whether two outcomes have the same canonical bytes (everything the chain covers). */
export function sameOutcome(a: RecordedOutcome, b: RecordedOutcome): boolean {
  writeOutcome(left.reset(), a);
  writeOutcome(right.reset(), b);
  return Buffer.compare(left.bytes(), right.bytes()) === 0;
}
