// Fail-closed: when an agent that must be governed cannot be (no active contract, a seal that does
// not verify against the trusted keys, or an error while enforcing), it gets the engine's safe
// actions and nothing else, each removed action naming the reason. Pure.
import { SAFE_ACTIONS, withCauses, type Action, type ExecutionContract } from "../engine/index.js";
import type { EnforcedContract } from "./enforce.js";

const SAFE = new Set<Action>(SAFE_ACTIONS);

/** The contract narrowed to the safe actions, with `reason` on every action it removes. */
export function failClosed(contract: ExecutionContract, reason: string): EnforcedContract {
  const removed = new Set<Action>(contract.allowedActions.filter((a) => !SAFE.has(a)));
  return {
    ...contract,
    allowedActions: contract.allowedActions.filter((a) => SAFE.has(a)),
    forbiddenActions: [...new Set([...contract.forbiddenActions, ...removed])].sort(),
    restrictions: withCauses(contract.restrictions, removed, "fail_closed", reason),
    failClosed: reason,
  };
}

/**
 * Which agents fail closed: "*" (every agent), a tenant ("team-a": all its agents) or one agent
 * ("team-a/inst_…"); a leading "!" exempts ("!team-a/inst_…"). Exemptions win over inclusions,
 * an agent entry over its tenant's.
 */
export class FailClosedPolicy {
  private readonly all: boolean;
  private readonly tenants = new Map<string, boolean>();
  private readonly agents = new Map<string, boolean>();

  constructor(entries: readonly string[]) {
    let all = false;
    for (const raw of entries) {
      const exempt = raw.startsWith("!");
      const entry = exempt ? raw.slice(1) : raw;
      if (entry === "*") all = !exempt;
      else if (entry.includes("/")) this.agents.set(entry, !exempt);
      else this.tenants.set(entry, !exempt);
    }
    this.all = all;
  }

  static parse(text: string): FailClosedPolicy {
    return new FailClosedPolicy(text.split(",").map((e) => e.trim()).filter((e) => e !== ""));
  }

  applies(tenant: string, agentId: string): boolean {
    return this.agents.get(`${tenant}/${agentId}`) ?? this.tenants.get(tenant) ?? this.all;
  }
}
