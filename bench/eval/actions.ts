// Action sets as 14-bit masks (bit i = ACTIONS[i]: 12 standard, then the 2
// forbidden ones). Every system answers "which actions are allowed this turn"
// with such a mask, so metrics can compare sets without caring who made them.

import { ACTIONS, FORBIDDEN_ACTIONS, RISKY_ACTIONS, SAFE_ACTIONS, STANDARD_ACTIONS, type Action } from "../../src/engine/index.js";

const INDEX = new Map<Action, number>(ACTIONS.map((a, i) => [a, i]));

export function bit(action: Action): number {
  const i = INDEX.get(action);
  if (i === undefined) throw new Error(`unknown action ${action}`);
  return 1 << i;
}

export function maskOf(actions: readonly Action[]): number {
  let m = 0;
  for (const a of actions) m |= bit(a);
  return m;
}

export function has(mask: number, action: Action): boolean {
  return (mask & bit(action)) !== 0;
}

export function actionsOf(mask: number): Action[] {
  return ACTIONS.filter((a) => has(mask, a));
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

export const ALL_MASK = maskOf(ACTIONS);
export const STANDARD_MASK = maskOf(STANDARD_ACTIONS);
export const FORBIDDEN_MASK = maskOf(FORBIDDEN_ACTIONS);
export const RISKY_MASK = maskOf(RISKY_ACTIONS);
export const SAFE_MASK = maskOf(SAFE_ACTIONS);

/** Allowed standard actions (0–12): the "allowed-action count" of the charts and avg_actions. */
export function standardCount(mask: number): number {
  return popcount(mask & STANDARD_MASK);
}

/** Allowed risky actions (0–4). */
export function riskyCount(mask: number): number {
  return popcount(mask & RISKY_MASK);
}

export function isForbidden(action: Action): boolean {
  return (bit(action) & FORBIDDEN_MASK) !== 0;
}

export function isRisky(action: Action): boolean {
  return (bit(action) & RISKY_MASK) !== 0;
}
