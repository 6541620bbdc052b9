// Hand-made traces for metric tests: only the fields a test cares about.

import type { Action } from "../../src/engine/index.js";
import { STANDARD_MASK } from "../../bench/eval/actions.js";
import type { Trace } from "../../bench/eval/simulate.js";

export function trace(parts: Partial<Trace> & { allowed: number[] }): Trace {
  const n = parts.allowed.length;
  return {
    allowed: parts.allowed,
    actions: parts.actions ?? new Array<Action>(n).fill("clarify"),
    permitted: parts.permitted ?? new Array<boolean>(n).fill(true),
    stressTruth: parts.stressTruth ?? new Array<boolean>(n).fill(false),
    intensity: parts.intensity ?? new Array<number>(n).fill(0),
    resource: parts.resource ?? new Array<number | null>(n).fill(null),
    stability: parts.stability ?? new Array<number | null>(n).fill(null),
    driftAlarm: parts.driftAlarm ?? new Array<boolean>(n).fill(false),
    telemetry: parts.telemetry ?? new Array(n).fill(null),
  };
}

export const FULL = STANDARD_MASK;

/** Boolean list from a string: "x" true, anything else false. */
export function flags(s: string): boolean[] {
  return [...s].map((c) => c === "x");
}
