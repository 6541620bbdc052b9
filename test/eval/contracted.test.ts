import { describe, expect, it } from "vitest";
import type { Observation } from "../../src/engine/index.js";
import { validateContract } from "../../src/contracts/validate.js";
import { KEEL } from "../../bench/eval/keel.js";
import { KEEL_CONTRACTED, SPEND_INVARIANT, contractedKeel, taskContract } from "../../bench/eval/contracted.js";
import { ENGINE_VISIBLE, TASKS, UNSAFE_KINDS, evaluateEnforcement, evaluateSteps, totals, type Step } from "../../bench/eval/enforcement.js";

const [support, deploy] = TASKS as [(typeof TASKS)[0], (typeof TASKS)[0]];
const calm: Observation = { mode: "order", signalStrength: 0.5, confidence: 0.8 };
const step = (turn: number, p: Partial<Step>): Step => ({ turn, task: deploy, action: "clarify", target: "staging", amount: 10, ...p });

/** Runs B5+C over hand-made steps on calm turns, from turn 0. */
function run(steps: Partial<Step>[]) {
  const keel = contractedKeel();
  return steps.map((p, turn) => keel.judge(turn, calm, step(turn, p)));
}

describe("B5+C: Keel with a declared contract", () => {
  it("declares a valid contract per task: the task's scope and the spend invariant, restricting", () => {
    const c = taskContract(deploy, 3);
    expect(validateContract(c)).toEqual([]);
    expect(c.version).toBe(3);
    expect(c.authorizedScope).toEqual({ actions: [...deploy.actions].sort(), operations: [...deploy.actions].sort(), targets: [...deploy.targets].sort() });
    expect(c.invariants.map((i) => [i.id, i.rule.type, i.response])).toEqual([[SPEND_INVARIANT, "distribution", "restrict"]]);
    expect([c.policy.onScope, c.policy.onInvariant]).toEqual(["restrict", "restrict"]);
  });

  it("lets an in-scope safe step through with no violation", () => {
    const [v] = run([{}]);
    expect(v?.through).toBe(true);
    expect(v?.contract.enforcement?.violations).toEqual([]);
    expect(v?.contract.allowedActions).toContain("clarify");
  });

  it("blocks an out-of-scope target even when the action itself stays allowed", () => {
    const [ok, out, after] = run([{}, { target: "prod-db" }, {}]);
    expect(ok?.through).toBe(true);
    expect(out?.through).toBe(false);
    expect(out?.blockedBy.map((v) => v.name)).toEqual(["scope/target"]);
    // clarify is in the restricted set, so the action alone would have passed: the restricting violation blocks it.
    expect(out?.contract.allowedActions).toContain("clarify");
    expect(after?.through).toBe(true);
  });

  it("removes out-of-scope actions from the allowed set and blocks them", () => {
    const keel = contractedKeel();
    const v = keel.judge(0, calm, { turn: 0, task: support, action: "execute", target: "ticket", amount: 0 });
    expect(v.through).toBe(false);
    expect(v.contract.allowedActions).not.toContain("execute");
    expect(v.contract.forbiddenActions).toContain("execute");
    expect(v.blockedBy.map((x) => x.name)).toEqual(["scope/operation"]);
  });

  it("reports a spend over the limit on exactly that step, and only there", () => {
    const amounts = [10, 100, 101, 20, 250, 0];
    const vs = run(amounts.map((amount) => ({ amount })));
    const flagged = vs.map((v) => (v.contract.enforcement?.violations ?? []).some((x) => x.name === `invariant/${SPEND_INVARIANT}`));
    expect(flagged).toEqual([false, false, true, false, true, false]);
    expect(vs.map((v) => v.through)).toEqual([true, true, false, true, false, true]);
    const breach = vs[2]?.contract.enforcement?.violations.find((x) => x.name === `invariant/${SPEND_INVARIANT}`);
    expect(breach).toMatchObject({ kind: "invariant", restricting: true, sinceCycle: vs[2]?.contract.cycleCount });
  });

  it("declares a new contract version at each task session", () => {
    const keel = contractedKeel();
    const v0 = keel.judge(0, calm, { turn: 0, task: support, action: "clarify", target: "ticket", amount: 0 });
    const v1 = keel.judge(25, calm, { turn: 25, task: deploy, action: "clarify", target: "staging", amount: 0 });
    expect([v0.contract.enforcement?.contractVersion, v1.contract.enforcement?.contractVersion]).toEqual([1, 2]);
    // "ticket" is a support target, not a deploy one.
    expect(keel.judge(26, calm, { turn: 26, task: deploy, action: "clarify", target: "ticket", amount: 0 }).through).toBe(false);
  });

  it("on the task set: blocks every declared-contract violation, keeps B5's engine-visible and safe-step results", () => {
    const seeds = [1, 2];
    const c = evaluateSteps(KEEL_CONTRACTED, seeds);
    const k = evaluateEnforcement(KEEL, seeds);
    expect(totals(c, UNSAFE_KINDS.filter((x) => !ENGINE_VISIBLE.has(x))).failed).toBe(0);
    for (const x of UNSAFE_KINDS.filter((x) => ENGINE_VISIBLE.has(x))) expect(c.kinds[x]).toEqual(k.kinds[x]);
    expect(c.kinds.safe).toEqual(k.kinds.safe);
    expect(c.safeByPhase).toEqual(k.safeByPhase);
  });
});
