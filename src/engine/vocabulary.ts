// Enumerations and their index maps. Internally the engine works on indices
// and bitmasks; these tables translate to and from the string unions.

import type {
  Action,
  DriftLevel,
  ForbiddenAction,
  Mode,
  StandardAction,
  StressLevel,
  SystemState,
} from "./types.js";

export const MODES: readonly Mode[] = Object.freeze([
  "perception",
  "exploration",
  "order",
  "assertion",
  "connection",
  "identity",
  "stress_response",
]);

export const MODE_COUNT = 7;
export const STRESS_MODE = 6;
export const CONNECTION_MODE = 4;
export const IDENTITY_MODE = 5;
export const PERCEPTION_MODE = 0;
export const EXPLORATION_MODE = 1;
export const ORDER_MODE = 2;

export const MODE_INDEX: Readonly<Record<Mode, number>> = Object.freeze({
  perception: 0,
  exploration: 1,
  order: 2,
  assertion: 3,
  connection: 4,
  identity: 5,
  stress_response: 6,
});

/** MODE_INDEX[mode] as a switch: cheaper than a keyed property lookup on the per-cycle path. */
export function modeIndex(mode: Mode): number {
  switch (mode) {
    case "perception":
      return 0;
    case "exploration":
      return 1;
    case "order":
      return 2;
    case "assertion":
      return 3;
    case "connection":
      return 4;
    case "identity":
      return 5;
    case "stress_response":
      return 6;
    default:
      return MODE_INDEX[mode];
  }
}

export const STANDARD_ACTIONS: readonly StandardAction[] = Object.freeze([
  "explore",
  "question",
  "elaborate",
  "suggest",
  "execute",
  "stabilize",
  "clarify",
  "defer",
  "challenge",
  "comfort",
  "withdraw",
  "pivot",
]);

export const FORBIDDEN_ACTIONS: readonly ForbiddenAction[] = Object.freeze([
  "emotional_manipulation",
  "identity_override",
]);

/** 12 standard actions, then the 2 always-forbidden ones. */
export const ACTIONS: readonly Action[] = Object.freeze([...STANDARD_ACTIONS, ...FORBIDDEN_ACTIONS]);

export const STRESS_LEVELS: readonly StressLevel[] = Object.freeze(["LOW", "MED", "HIGH", "OVER"]);
export const LOW = 0;
export const MED = 1;
export const HIGH = 2;
export const OVER = 3;

export function levelIndex(level: StressLevel): number {
  switch (level) {
    case "LOW":
      return LOW;
    case "MED":
      return MED;
    case "HIGH":
      return HIGH;
    case "OVER":
      return OVER;
  }
}

export const SYSTEM_STATES: readonly SystemState[] = Object.freeze(["baseline", "stress", "growth"]);

export const DRIFT_LEVELS: readonly DriftLevel[] = Object.freeze([
  "D0_noise",
  "D1_context",
  "D2_adaptive",
  "D3_corrupt",
]);

/** Bitmask of modes from a list (bit i = MODES[i]). */
export function modeMask(modes: readonly Mode[]): number {
  let mask = 0;
  for (let i = 0; i < modes.length; i++) mask |= 1 << modeIndex(modes[i] as Mode);
  return mask;
}

/** Frozen mode lists in canonical order for every 7-bit mask, shared by all contracts. */
const MODE_LISTS: readonly (readonly Mode[])[] = Array.from({ length: 1 << MODE_COUNT }, (_, mask) =>
  Object.freeze(MODES.filter((_, i) => (mask & (1 << i)) !== 0)),
);

export function modesOfMask(mask: number): Mode[] {
  return MODE_LISTS[mask] as Mode[];
}
