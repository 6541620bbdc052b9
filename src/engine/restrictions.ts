// Why each action is not allowed. The engine's allowed set (actions.ts) is built from the active
// modes, the stress level and the risk posture; this names, for every action outside it, which of
// those removed it. Everything the contract says about actions depends only on a small "action
// bucket" — the behavioural modes active raw and after arbitration, the stress level, the risk
// posture and two flags — so it is computed once per bucket and shared, frozen, between contracts:
// a contract costs one lookup by a small integer, not a list of fresh objects. Layers outside the
// engine (contract enforcement, fail-closed) add their own causes with withCauses().
import { COMFORT_MASK, RISKY_MASK, SAFE_MASK, actionsOfMask, allowedActionMask, driftRemovedMask, modeUnion, postureExclusion } from "./actions.js";
import type { Action, ActionRestriction, DriftLevel, RestrictionCause, RiskPosture } from "./types.js";
import { CONNECTION_MODE, DRIFT_LEVELS, FORBIDDEN_ACTIONS, HIGH, MED, OVER, STANDARD_ACTIONS, STRESS_LEVELS, STRESS_MODE } from "./vocabulary.js";

const ALWAYS_FORBIDDEN: readonly ActionRestriction[] = FORBIDDEN_ACTIONS.map((action) =>
  Object.freeze({ action, causes: Object.freeze(["always_forbidden"] as RestrictionCause[]), detail: "never allowed" }),
);

/** What a contract says about actions in one bucket. Frozen and shared; never mutate. */
export interface ActionBucket {
  /** The engine's allowed set (12-bit mask) before drift acts. */
  readonly allowed: number;
  readonly allowedActions: Action[];
  /** One entry per action outside `allowed`, alphabetical. */
  readonly restrictions: ActionRestriction[];
  /** Drift at or above the profile's drift_restricts_at removes these from `allowed` … */
  readonly driftRemoved: number;
  readonly driftRemovedActions: Action[];
  readonly allowedUnderDrift: Action[];
  /** … and the restrictions then, per drift level index (built on first use). */
  readonly underDrift: (ActionRestriction[] | undefined)[];
}

const BEHAVIOURAL = (1 << STRESS_MODE) - 1;
const POSTURES: readonly RiskPosture[] = ["seeking", "averse", "moderate", "bounded"];
const buckets = new Map<number, ActionBucket>();

function postureIndex(posture: RiskPosture): number {
  switch (posture) {
    case "seeking":
      return 0;
    case "averse":
      return 1;
    case "moderate":
      return 2;
    case "bounded":
      return 3;
  }
}

/**
 * The bucket of a contract. Only the behavioural bits of the masks matter (stress_response enables
 * no action), so the key is 6 + 6 + 2 + 2 + 1 + 1 = 18 bits, exact.
 */
export function actionBucket(
  rawMask: number,
  activeMask: number,
  levelIdx: number,
  posture: RiskPosture,
  keepComfort: boolean,
  restrictAtMed: boolean,
): ActionBucket {
  const key =
    (rawMask & BEHAVIOURAL) |
    ((activeMask & BEHAVIOURAL) << 6) |
    (levelIdx << 12) |
    (postureIndex(posture) << 14) |
    (keepComfort ? 1 << 16 : 0) |
    (restrictAtMed ? 1 << 17 : 0);
  let bucket = buckets.get(key);
  if (bucket === undefined) {
    bucket = newBucket(rawMask & BEHAVIOURAL, activeMask & BEHAVIOURAL, levelIdx, POSTURES[postureIndex(posture)] as RiskPosture, keepComfort, restrictAtMed);
    buckets.set(key, bucket);
  }
  return bucket;
}

function newBucket(rawMask: number, activeMask: number, levelIdx: number, posture: RiskPosture, keepComfort: boolean, restrictAtMed: boolean): ActionBucket {
  const allowed = allowedActionMask(rawMask, activeMask, levelIdx, posture, keepComfort, restrictAtMed);
  const enabled = SAFE_MASK | modeUnion(activeMask) | (keepComfort && (rawMask & (1 << CONNECTION_MODE)) !== 0 ? COMFORT_MASK : 0);
  const stressRemoved = levelIdx >= HIGH || (levelIdx === MED && restrictAtMed) ? RISKY_MASK : 0;
  const driftRemoved = driftRemovedMask(allowed);
  return Object.freeze({
    allowed,
    allowedActions: actionsOfMask(allowed),
    restrictions: build(allowed, enabled, modeUnion(rawMask), stressRemoved, postureExclusion(posture, levelIdx), levelIdx, posture, restrictAtMed) as ActionRestriction[],
    driftRemoved,
    driftRemovedActions: actionsOfMask(driftRemoved),
    allowedUnderDrift: actionsOfMask(allowed & ~driftRemoved),
    underDrift: [undefined, undefined, undefined, undefined],
  });
}

/** The restrictions once drift at `level` removed the bucket's risky allowed actions (memoised per bucket and level). */
export function restrictionsUnderDrift(bucket: ActionBucket, level: DriftLevel): ActionRestriction[] {
  const i = DRIFT_LEVELS.indexOf(level);
  let list = bucket.underDrift[i];
  if (list === undefined) {
    list = withCauses(bucket.restrictions, new Set(bucket.driftRemovedActions), "drift", `drift ${level} at or above the profile's drift_restricts_at`);
    for (const entry of list) Object.freeze(entry);
    list = Object.freeze(list) as ActionRestriction[];
    bucket.underDrift[i] = list;
  }
  return list;
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
