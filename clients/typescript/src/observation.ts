// Observations and outcomes as the SDK takes and returns them: modes by enum or lowercase name,
// outcomes as plain objects with the contract always present.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { KeelError } from "./errors.js";
import { BadRequestSchema } from "./gen/google/rpc/error_details_pb.js";
import type { ExecutionContract } from "./gen/keel/v1/contract_pb.js";
import type { DriftEvent } from "./gen/keel/v1/drift_pb.js";
import type { CycleOutcome } from "./gen/keel/v1/engine_service_pb.js";
import { Mode } from "./gen/keel/v1/modes_pb.js";
import type { Observation } from "./gen/keel/v1/observation_pb.js";
import type { DriftResult } from "./gen/keel/v1/state_pb.js";

export type ModeName =
  | "perception"
  | "exploration"
  | "order"
  | "assertion"
  | "connection"
  | "identity"
  | "stress_response";

const MODES: Record<ModeName, Mode> = {
  perception: Mode.PERCEPTION,
  exploration: Mode.EXPLORATION,
  order: Mode.ORDER,
  assertion: Mode.ASSERTION,
  connection: Mode.CONNECTION,
  identity: Mode.IDENTITY,
  stress_response: Mode.STRESS_RESPONSE,
};

/** What an agent just did. */
export interface ObservationInput {
  /** `Mode.EXPLORATION` or `"exploration"`. */
  mode: Mode | ModeName;
  /** How strongly, in [0, 1]. */
  signalStrength: number;
  /** How sure the caller is of the classification, in [0, 1]; 1 when unset. */
  confidence?: number;
  /** Free-form metadata stored in the history. */
  context?: Record<string, string>;
  /** When the agent acted; the server's receive time when unset. */
  timestamp?: Date;
  action?: string;
  target?: string;
  outcome?: string;
  /** A number the action carried (e.g. an amount spent), for SUM invariants. */
  amount?: number;
}

/** The enum value for a mode given as enum or name ("exploration", also "EXPLORATION"). */
export function toMode(mode: Mode | ModeName): Mode {
  if (typeof mode === "number") return mode;
  const found = (MODES as Record<string, Mode | undefined>)[String(mode).toLowerCase().replace(/^mode_/, "")];
  if (found === undefined) {
    const problem = `unknown mode "${String(mode)}" (one of ${Object.keys(MODES).join(", ")})`;
    throw new KeelError(`observation.mode ${problem}`, Code.InvalidArgument, undefined, [
      { desc: BadRequestSchema, value: { fieldViolations: [{ field: "observation.mode", description: problem }] } },
    ]);
  }
  return found;
}

export function toObservation(input: ObservationInput): Observation {
  // The message create(ObservationSchema, ...) makes, as a literal: sessions build one per
  // observation, and create() walks the schema each time.
  const obs: Observation = {
    $typeName: "keel.v1.Observation",
    mode: toMode(input.mode),
    signalStrength: input.signalStrength,
    context: input.context ?? {},
  };
  if (input.confidence !== undefined) obs.confidence = input.confidence;
  if (input.timestamp !== undefined) obs.timestamp = timestampFromDate(input.timestamp);
  if (input.action !== undefined) obs.action = input.action;
  if (input.target !== undefined) obs.target = input.target;
  if (input.outcome !== undefined) obs.outcome = input.outcome;
  if (input.amount !== undefined) obs.amount = input.amount;
  return obs;
}

/** What one processed observation produced. */
export interface Outcome {
  contract: ExecutionContract;
  drift: DriftResult | undefined;
  /** Set when this cycle recorded a drift event (D1 or above). */
  driftEvent: DriftEvent | undefined;
  /** True when critical drift rolled the agent back to its last stable snapshot. */
  rolledBack: boolean;
  /** The agent's commit revision after this cycle. */
  revision: bigint;
}

export function fromCycleOutcome(outcome: CycleOutcome | undefined): Outcome {
  if (outcome?.contract === undefined) {
    throw new KeelError("server answered without an outcome contract", Code.Internal);
  }
  return {
    contract: outcome.contract,
    drift: outcome.drift,
    driftEvent: outcome.driftEvent,
    rolledBack: outcome.rolledBack,
    revision: outcome.revision,
  };
}
