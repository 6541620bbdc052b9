// The simulated agent of §6.2: every turn it picks uniformly among all 14
// actions (12 standard + 2 forbidden). The picks are drawn once per run and
// replayed to every system, so all systems face exactly the same requests.

import { ACTIONS, type Action } from "../../src/engine/index.js";
import { pick, rng } from "./rng.js";

export function agentActions(seed: number, turns: number): Action[] {
  const r = rng(seed);
  return Array.from({ length: turns }, () => ACTIONS[pick(r, ACTIONS.length)] as Action);
}
