// Why each action is not allowed. The engine's allowed set (actions.ts) is built from the active
// modes, the stress level and the risk posture; this names, for every action outside it, which of
// those removed it. Lists are frozen and memoised per combination of masks, so a contract costs a
// map lookup, not a list of fresh objects. Layers outside the engine (contract enforcement, drift)
// add their own causes with withCauses().
import { COMFORT_MASK, RISKY_MASK, SAFE_MASK, modeUnion, postureExclusion } from "./actions.js";
import type { Action, ActionRestriction, RestrictionCause, RiskPosture } from "./types.js";
import { CONNECTION_MODE, FORBIDDEN_ACTIONS, HIGH, MED, OVER, STANDARD_ACTIONS, STRESS_LEVELS } from "./vocabulary.js";

const ALWAYS_FORBIDDEN: readonly ActionRestriction[] = FORBIDDEN_ACTIONS.map((action) =>
  Object.freeze({ action, causes: Object.freeze(["always_forbidden"] as RestrictionCause[]), detail: "never allowed" }),
);

const memo = new Map<number, readonly ActionRestriction[]>();

/** The engine's inputs to allowedActionMask, and its result. */
export function engineRestrictions(
  allowed: number,
  rawMask: number,
  activeMask: number,
  levelIdx: number,
  posture: RiskPosture,
  keepComfort: boolean,
  restrictAtMed: boolean,
): ActionRestriction[] {
  const enabled = SAFE_MASK | modeUnion(activeMask) | (keepComfort && (rawMask & (1 << CONNECTION_MODE)) !== 0 ? COMFORT_MASK : 0);
  const rawEnabled = modeUnion(rawMask);
  const stressRemoved = levelIdx >= HIGH || (levelIdx === MED && restrictAtMed) ? RISKY_MASK : 0;
  const posed = postureExclusion(posture, levelIdx);
  // 12 bits each; the key stays below 2^53.
  const key = ((((allowed * 4096 + enabled) * 4096 + rawEnabled) * 4096 + stressRemoved) * 4 + levelIdx) * 4096 + posed;
  let list = memo.get(key);
  if (list === undefined) {
    list = build(allowed, enabled, rawEnabled, stressRemoved, posed, levelIdx, posture, restrictAtMed);
    memo.set(key, list);
  }
  return list as ActionRestriction[];
}

function build(
  allowed: number,
  enabled: number,
  rawEnabled: number,
  stressRemoved: number,
  posed: number,
  levelIdx: number,
  posture: RiskPosture,
  restrictAtMed: boolean,
): readonly ActionRestriction[] {
  const level = STRESS_LEVELS[levelIdx] as string;
  const removed: ActionRestriction[] = [];
  STANDARD_ACTIONS.forEach((action, i) => {
    const bit = 1 << i;
    if ((allowed & bit) !== 0) return;
    const causes: RestrictionCause[] = [];
    const details: string[] = [];
    if (levelIdx === OVER) {
      causes.push("stress", "hard_lock");
      details.push("stress OVER: only the safe set (hard lock option_set_max 4)");
    } else {
      if ((enabled & bit) === 0) {
        causes.push("mode");
        details.push((rawEnabled & bit) !== 0 ? "its modes are dampened below activation by arbitration" : "no active mode enables it");
      }
      if ((stressRemoved & bit) !== 0) {
        causes.push("stress");
        details.push(levelIdx === MED && restrictAtMed ? `risky at stress ${level} for a slow recoverer` : `risky at stress ${level}`);
      }
      if ((posed & bit) !== 0) {
        causes.push("risk_posture");
        details.push(`excluded by risk posture ${posture}`);
      }
    }
    removed.push(Object.freeze({ action, causes: Object.freeze(causes), detail: details.join("; ") }));
  });
  return Object.freeze(alphabetical([...removed, ...ALWAYS_FORBIDDEN]));
}

/**
 * The restrictions after a layer outside the engine removed `removed` actions for `cause`: causes
 * are merged per action, the list stays alphabetical over every action not allowed.
 */
export function withCauses(
  restrictions: readonly ActionRestriction[],
  removed: ReadonlySet<Action>,
  cause: RestrictionCause,
  detail: string,
): ActionRestriction[] {
  if (removed.size === 0) return restrictions as ActionRestriction[];
  const byAction = new Map(restrictions.map((r) => [r.action, r]));
  for (const action of removed) {
    const had = byAction.get(action);
    if (!had) byAction.set(action, { action, causes: [cause], detail });
    else if (!had.causes.includes(cause)) {
      byAction.set(action, { action, causes: [...had.causes, cause], detail: had.detail ? `${had.detail}; ${detail}` : detail });
    }
  }
  return alphabetical([...byAction.values()]);
}

function alphabetical(list: ActionRestriction[]): ActionRestriction[] {
  return list.sort((a, b) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
}
