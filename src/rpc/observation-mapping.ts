// Observation from the wire, validated.
import type { Observation } from "../../gen/keel/v1/observation_pb.js";
import type { ObservationInput } from "../service/agent-service.js";
import { modes } from "./enums.js";
import { invalidArgument } from "./errors.js";
import * as v from "./validate.js";
import { field } from "./write-request.js";

export function observationFromWire(field: string, wire: Observation | undefined, receivedAtMs: number): ObservationInput {
  if (!wire) throw invalidArgument(field, "is required");
  return {
    mode: v.enumValue(`${field}.mode`, wire.mode, "Mode", (x) => modes.toEngine(x)),
    signalStrength: v.unitInterval(`${field}.signal_strength`, wire.signalStrength),
    confidence: wire.confidence === undefined ? 1 : v.unitInterval(`${field}.confidence`, wire.confidence),
    context: v.context(`${field}.context`, wire.context),
    observedAtMs: v.timestamp(`${field}.timestamp`, wire.timestamp, receivedAtMs),
    action: v.optionalTag(`${field}.action`, wire.action),
    target: v.optionalTag(`${field}.target`, wire.target),
    outcome: v.optionalTag(`${field}.outcome`, wire.outcome),
    ...(wire.amount === undefined ? {} : { amount: amountOf(`${field}.amount`, wire.amount) }),
  };
}

/** Finite and at most 1e9 in magnitude, so sums in millionths stay exact integers. */
function amountOf(path: string, amount: number): number {
  if (!Number.isFinite(amount) || Math.abs(amount) > 1e9) throw invalidArgument(path, `must be a finite number from -1e9 to 1e9 (got ${amount})`);
  return amount;
}

/**
 * What an observation asks for, as text for the request's idempotency digest: the receive time is
 * not part of it, and context keys are sorted (map order on the wire is not significant).
 */
export function observationContent(input: ObservationInput, wire: Observation | undefined): string {
  const keys = Object.keys(input.context);
  if (keys.length > 1) keys.sort();
  let context = "";
  for (const k of keys) context += `${field(k)}${field(input.context[k]!)}`;
  const at = wire?.timestamp ? input.observedAtMs : "~";
  const amount = input.amount === undefined || input.amount === null ? "~" : String(input.amount);
  return `${input.mode}|${input.signalStrength}|${input.confidence}|${at}|${field(input.action)}${field(input.target)}${field(input.outcome)}${amount}|${keys.length}|${context}`;
}
