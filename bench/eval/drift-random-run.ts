// Runs the randomized drift set through the engine and scores it with the
// frozen matching rule. An alarm is a cycle whose contract reports D1 or above.

import {
  DEFAULT_CONFIG,
  defaultProfile,
  initialState,
  process,
  type IdentityProfile,
} from "../../src/engine/index.js";
import { KINDS, randomAgents, type Kind, type RandomAgent } from "./drift-random.js";
import { scoreAgent, summarise, type AgentScore, type KindScore } from "./drift-match.js";

export function alarmsOf(agent: RandomAgent, profile: IdentityProfile = defaultProfile()): boolean[] {
  let state = initialState(profile);
  return agent.observations.map((o) => {
    const r = process(state, o, DEFAULT_CONFIG);
    state = r.state;
    const level = r.contract.driftLevel;
    return level !== null && level !== "D0_noise";
  });
}

export interface SetScore {
  byKind: Record<Kind, KindScore>;
  /** Every agent and change. */
  all: KindScore;
  /** Sudden changes only (mix, intensity, frequency, and each step of multi). */
  sudden: KindScore;
  /** Frequency-only changes, including those inside multi agents. */
  frequency: KindScore;
}

export function scoreSet(agents: readonly RandomAgent[], profile: IdentityProfile = defaultProfile()): SetScore {
  const scored = agents.map((a) => ({ agent: a, score: scoreAgent(alarmsOf(a, profile), a.changes) }));
  const byKind = {} as Record<Kind, KindScore>;
  for (const k of KINDS) byKind[k] = summarise(scored.filter((s) => s.agent.kind === k).map((s) => ({ score: s.score, changes: s.agent.changes })));
  const all = summarise(scored.map((s) => ({ score: s.score, changes: s.agent.changes })));
  return { byKind, all, sudden: changesWhere(scored, (c) => c.ramp === 0), frequency: changesWhere(scored, (c) => c.kind === "frequency") };
}

/** Scores only the changes that satisfy `keep` (false alarms are not attributed here: recall and delays). */
function changesWhere(scored: readonly { agent: RandomAgent; score: AgentScore }[], keep: (c: RandomAgent["changes"][number]) => boolean): KindScore {
  return summarise(
    scored.map(({ agent, score }) => {
      const idx = agent.changes.map((c, i) => (keep(c) ? i : -1)).filter((i) => i >= 0);
      const delays = idx.map((i) => score.delays[i] as number | null);
      const tp = delays.filter((d) => d !== null).length;
      return { score: { tp, fa: 0, fn: idx.length - tp, steadyCycles: 0, delays }, changes: idx.map((i) => agent.changes[i] as RandomAgent["changes"][number]) };
    }),
  );
}

export function splitAgents(part: { setSeed: number; agents: number }): RandomAgent[] {
  return randomAgents(part.setSeed, part.agents);
}
