// The action space, as 12-bit masks (bit i = STANDARD_ACTIONS[i]). Contract
// lists are frozen arrays precomputed per mask, in alphabetical order.

import type { Action, DriftLevel, Mode, RiskPosture, StandardAction } from "./types.js";
import { CONNECTION_MODE, DRIFT_LEVELS, FORBIDDEN_ACTIONS, HIGH, MED, MODE_COUNT, OVER, STANDARD_ACTIONS } from "./vocabulary.js";

function actionMask(actions: readonly StandardAction[]): number {
  let mask = 0;
  for (const action of actions) mask |= 1 << STANDARD_ACTIONS.indexOf(action);
  return mask;
}

/** The engine's mode → action table (notes §3.2), as masks in canonical mode order. */
export const MODE_ACTIONS: Readonly<Record<Mode, readonly StandardAction[]>> = Object.freeze({
  perception: ["question", "clarify", "elaborate"],
  exploration: ["explore", "question", "pivot"],
  order: ["stabilize", "clarify", "execute"],
  assertion: ["challenge", "execute", "suggest"],
  connection: ["comfort", "elaborate", "suggest"],
  identity: ["defer", "stabilize", "withdraw"],
  stress_response: [],
});

const MODE_ACTION_MASKS: readonly number[] = [
  actionMask(MODE_ACTIONS.perception),
  actionMask(MODE_ACTIONS.exploration),
  actionMask(MODE_ACTIONS.order),
  actionMask(MODE_ACTIONS.assertion),
  actionMask(MODE_ACTIONS.connection),
  actionMask(MODE_ACTIONS.identity),
  actionMask(MODE_ACTIONS.stress_response),
];

/** Removed at HIGH (and at MED under identity-adapter path A). */
export const RISKY_ACTIONS: readonly StandardAction[] = Object.freeze(["execute", "challenge", "explore", "pivot"]);
/** Exactly the OVER set; always allowed, so the agent always has a safe move. */
export const SAFE_ACTIONS: readonly StandardAction[] = Object.freeze(["stabilize", "clarify", "defer", "withdraw"]);

export const RISKY_MASK = actionMask(RISKY_ACTIONS);
export const SAFE_MASK = actionMask(SAFE_ACTIONS);
export const COMFORT_MASK = actionMask(["comfort"]);
const AVERSE_EXCLUDED = actionMask(["challenge", "pivot"]);
const BOUNDED_EXCLUDED = actionMask(["explore", "pivot"]);
const CONNECTION_BIT = 1 << CONNECTION_MODE;

/** Union of the actions of the modes in `modeMask`. */
export function modeUnion(modeMask: number): number {
  let mask = 0;
  for (let i = 0; i < MODE_COUNT; i++) if ((modeMask & (1 << i)) !== 0) mask |= MODE_ACTION_MASKS[i] as number;
  return mask;
}

/** averse always drops challenge and pivot; bounded drops explore and pivot from MED up. */
export function postureExclusion(posture: RiskPosture, levelIdx: number): number {
  if (posture === "averse") return AVERSE_EXCLUDED;
  if (posture === "bounded" && levelIdx >= MED) return BOUNDED_EXCLUDED;
  return 0;
}

/**
 * The allowed set. OVER: exactly the safe four. Otherwise the safe four plus
 * the union of the arbitrated-active modes, minus risky actions at HIGH (and
 * at MED under identity-adapter path A), minus posture exclusions. Recovery
 * learning (`keepComfort`) lets comfort survive stress dampening while
 * connection is active on raw strength (at LOW too, or a calmer level could
 * allow less than a more stressed one). Arbitration only lowers strengths, so
 * A_OVER ⊆ A_HIGH ⊆ A_MED ⊆ A_mode for any state.
 */
export function allowedActionMask(
  rawMask: number,
  arbitratedMask: number,
  levelIdx: number,
  posture: RiskPosture,
  keepComfort: boolean,
  restrictAtMed: boolean,
): number {
  if (levelIdx === OVER) return SAFE_MASK;
  let mask = SAFE_MASK | modeUnion(arbitratedMask);
  // At every level below OVER, so that the chain A_HIGH ⊆ A_MED ⊆ A_LOW holds.
  if (keepComfort && (rawMask & CONNECTION_BIT) !== 0) mask |= COMFORT_MASK;
  if (levelIdx >= HIGH || (levelIdx === MED && restrictAtMed)) mask &= ~RISKY_MASK;
  return mask & ~postureExclusion(posture, levelIdx);
}

const ALPHABETICAL: readonly number[] = STANDARD_ACTIONS.map((_, i) => i).sort((a, b) =>
  (STANDARD_ACTIONS[a] as string) < (STANDARD_ACTIONS[b] as string) ? -1 : 1,
);

const ACTION_LISTS: readonly (readonly Action[])[] = Array.from({ length: 1 << STANDARD_ACTIONS.length }, (_, mask) =>
  Object.freeze(ALPHABETICAL.filter((i) => (mask & (1 << i)) !== 0).map((i) => STANDARD_ACTIONS[i] as Action)),
);

/**
 * Drift acting where the operator asked (profile.driftRestrictsAt): at or above that level the
 * risky actions go, as they do at HIGH stress (driftRemovedMask of the allowed set).
 */
export function driftActs(level: DriftLevel | null, restrictsAt: DriftLevel | null | undefined): boolean {
  if (level === null || restrictsAt === undefined || restrictsAt === null) return false;
  return DRIFT_LEVELS.indexOf(level) >= DRIFT_LEVELS.indexOf(restrictsAt);
}

/** What drift takes from an allowed set when it acts. */
export function driftRemovedMask(allowed: number): number {
  return allowed & RISKY_MASK;
}

/** Frozen, alphabetical, shared between contracts. */
export function actionsOfMask(mask: number): Action[] {
  return ACTION_LISTS[mask] as Action[];
}

export const FORBIDDEN_LIST: Action[] = Object.freeze([...FORBIDDEN_ACTIONS].sort()) as Action[];
