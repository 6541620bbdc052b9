// Decision style: advisory tempo, risk, expressiveness and commitment. All
// 225 combinations are precomputed frozen objects shared between contracts.
// The rules reproduce the four real baseline contracts (tempo observant,
// expressiveness high, risk = posture, commitment low only for the explorer).

import type { DecisionStyle, Grade, RiskPosture, RiskStyle, SystemState, Tempo } from "./types.js";
import { EXPLORATION_MODE, HIGH, IDENTITY_MODE, MED, ORDER_MODE, OVER, PERCEPTION_MODE, STRESS_MODE } from "./vocabulary.js";

const TEMPOS: readonly Tempo[] = ["measured", "decisive", "exploratory", "observant", "deliberate"];
/** Ordered from most to least risk appetite; stress moves right. */
const RISKS: readonly RiskStyle[] = ["seeking", "moderate", "bounded", "conservative", "averse"];
const GRADES: readonly Grade[] = ["low", "medium", "high"];

const T_MEASURED = 0;
const T_DECISIVE = 1;
const T_EXPLORATORY = 2;
const T_OBSERVANT = 3;
const T_DELIBERATE = 4;
const R_AVERSE = 4;
const G_LOW = 0;
const G_MEDIUM = 1;
const G_HIGH = 2;

/** Tempo of the leading mode when perception is not dominant (canonical mode order). */
const LEAD_TEMPO: readonly number[] = [T_OBSERVANT, T_EXPLORATORY, T_DELIBERATE, T_DECISIVE, T_MEASURED, T_MEASURED];

const STYLES: readonly DecisionStyle[] = Array.from({ length: TEMPOS.length * RISKS.length * 9 }, (_, code) =>
  Object.freeze({
    tempo: TEMPOS[Math.floor(code / 45)] as Tempo,
    risk: RISKS[Math.floor(code / 9) % 5] as RiskStyle,
    expressiveness: GRADES[Math.floor(code / 3) % 3] as Grade,
    commitmentThreshold: GRADES[code % 3] as Grade,
  }),
);

function postureIndex(posture: RiskPosture): number {
  switch (posture) {
    case "seeking":
      return 0;
    case "moderate":
      return 1;
    case "bounded":
      return 2;
    case "averse":
      return R_AVERSE;
  }
}

function has(mask: number, mode: number): boolean {
  return (mask & (1 << mode)) !== 0;
}

function countBits(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}

/**
 * @param dominantMask modes dominant after arbitration
 * @param lead strongest non-stress arbitrated mode
 * @param forceCautious identity-adapter path B
 */
export function decisionStyleOf(
  levelIdx: number,
  system: SystemState,
  posture: RiskPosture,
  dominantMask: number,
  lead: number,
  forceCautious: boolean,
): DecisionStyle {
  const behavioural = dominantMask & ~(1 << STRESS_MODE);

  let tempo: number;
  if (forceCautious || levelIdx >= HIGH) tempo = T_MEASURED;
  else if (levelIdx === MED) tempo = T_DELIBERATE;
  else if (system === "growth") tempo = T_EXPLORATORY;
  else if (has(dominantMask, PERCEPTION_MODE) || behavioural === 0) tempo = T_OBSERVANT;
  else tempo = LEAD_TEMPO[lead] as number;

  const shifted = levelIdx === OVER ? R_AVERSE : postureIndex(posture) + levelIdx;
  const risk = forceCautious || shifted > R_AVERSE ? R_AVERSE : shifted;

  const breadth = countBits(behavioural);
  const baseExpressiveness = breadth >= 3 ? G_HIGH : breadth === 2 ? G_MEDIUM : G_LOW;
  const expressiveness =
    levelIdx >= HIGH ? G_LOW : levelIdx === MED ? Math.max(G_LOW, baseExpressiveness - 1) : baseExpressiveness;

  let commitment: number;
  if (levelIdx >= HIGH) commitment = G_HIGH;
  else if (has(dominantMask, EXPLORATION_MODE)) commitment = G_LOW;
  else if (has(dominantMask, ORDER_MODE) || has(dominantMask, IDENTITY_MODE)) commitment = G_HIGH;
  else commitment = G_MEDIUM;

  return STYLES[tempo * 45 + risk * 9 + expressiveness * 3 + commitment] as DecisionStyle;
}
