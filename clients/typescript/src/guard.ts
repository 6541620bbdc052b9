// Guarded tools: check the agent's contract before a tool runs, report what happened after — the
// same guard as the Python SDK's keel_client.guard (docs/agents.md).
//
//   const guard = new KeelGuard(await keel.engine.session(agentId));
//   const refund = guard.tool({ name: "refund", mode: "order", action: "execute", target: "orderId" }, doRefund);
//   await refund({ orderId: "orders/7", amount: 5 });   // runs, or throws KeelDenied
import { Code, ConnectError } from "@connectrpc/connect";
import type { ExecutionContract } from "./gen/keel/v1/contract_pb.js";
import { RestrictionCause } from "./gen/keel/v1/contract_pb.js";
import { Action, Mode } from "./gen/keel/v1/modes_pb.js";
import { toMode, type ModeName, type ObservationInput } from "./observation.js";
import type { SessionOutcome } from "./session.js";

/** "execute", "defer", ...: Keel's actions as the contract names them. */
export type ActionName = Lowercase<Exclude<keyof typeof Action, "UNSPECIFIED">>;

const lower = (name: string | undefined): string => (name ?? "").toLowerCase();
const actionName = (a: Action): string => lower(Action[a]);
const causeName = (c: RestrictionCause): string => lower(RestrictionCause[c]);
const ACTIONS = new Map<string, Action>(
  Object.entries(Action).filter(([k, v]) => typeof v === "number" && k !== "UNSPECIFIED").map(([k, v]) => [k.toLowerCase(), v as Action]),
);
// Codes that mean Keel could not be reached, as opposed to Keel refusing the request.
const UNREACHABLE = new Set([Code.Unavailable, Code.DeadlineExceeded, Code.Canceled, Code.ResourceExhausted, Code.Unknown]);

/** Keel's contract does not allow this tool call now; the tool did not run. */
export class KeelDenied extends Error {
  constructor(
    readonly tool: string,
    readonly action: string,
    readonly reasons: string[],
    readonly causes: string[] = [],
    readonly allowedActions: string[] = [],
  ) {
    super(`keel denied ${tool} (${action}): ${reasons.join("; ")}`);
    this.name = "KeelDenied";
  }
}

/** Keel could not be reached and the tool fails closed. */
export class KeelUnreachable extends KeelDenied {
  constructor(tool: string, action: string, readonly error: ConnectError) {
    super(tool, action, [`Keel is unreachable (${error.message}); ${tool} fails closed`], ["unreachable"]);
    this.name = "KeelUnreachable";
  }
}

export interface ToolDeclaration<A> {
  name: string;
  mode: Mode | ModeName;
  action: ActionName;
  /** The argument holding the target, or a function of the arguments. */
  target?: keyof A | ((args: A) => string | undefined);
  /** The observation's action string; the tool's name by default. */
  operation?: string;
  /** Signal strength in [0, 1]; 0.5 by default. */
  strength?: number;
  /** Run even while Keel is unreachable (default false: fail closed). */
  failOpen?: boolean;
}

/** The session surface a guard needs (KeelSession has it). */
export interface GuardSession {
  readonly contract: ExecutionContract | undefined;
  send(observation: ObservationInput): Promise<SessionOutcome>;
}

interface Spec {
  name: string;
  mode: Mode;
  action: string;
  operation: string;
  strength: number;
  failOpen: boolean;
  targeted: boolean;
  targetOf: (args: unknown) => string | undefined;
}

/** The local check of one call against the contract: undefined when it may run. */
export function checkCall(spec: Spec, contract: ExecutionContract | undefined, target: string | undefined, scope: string[] | undefined): KeelDenied | undefined {
  if (contract === undefined) return new KeelDenied(spec.name, spec.action, ["no contract from Keel yet"], ["no_contract"]);
  const allowed = contract.allowedActions.map(actionName);
  const forbidden = contract.forbiddenActions.map(actionName).includes(spec.action);
  const reasons: string[] = [];
  const causes: string[] = [];
  if (forbidden || !allowed.includes(spec.action)) {
    const restriction = contract.restrictions.find((r) => actionName(r.action) === spec.action);
    const what = forbidden ? "forbidden" : "not allowed";
    if (restriction !== undefined && restriction.causes.length > 0) {
      const named = restriction.causes.map(causeName);
      causes.push(...named);
      reasons.push(`action '${spec.action}' is ${what}: ${named.join(", ")}${restriction.detail ? ` (${restriction.detail})` : ""}`);
    } else {
      causes.push(forbidden ? "forbidden" : "not_allowed");
      reasons.push(forbidden ? `action '${spec.action}' is forbidden by the current contract` : `action '${spec.action}' is not among the allowed actions`);
    }
  }
  if (scope !== undefined && spec.targeted) {
    if (target === undefined) {
      causes.push("scope");
      reasons.push("the call names no target and the declared scope restricts targets");
    } else if (!scope.some((p) => target.toLowerCase().startsWith(p.toLowerCase()))) {
      causes.push("scope");
      reasons.push(`target '${target}' is outside the declared scope (${scope.join(", ")})`);
    }
  }
  return reasons.length === 0 ? undefined : new KeelDenied(spec.name, spec.action, reasons, causes, allowed);
}

type Report = { spec: Spec; target: string | undefined; outcome: string };

/**
 * Guards tools with one agent's session. A guarded call checks the latest contract locally, runs
 * the tool or throws KeelDenied without running it, and reports the call and its outcome as ONE
 * observation (one round trip). A tool's exception is reported and rethrown unchanged. When Keel
 * cannot be reached, observations are kept (`pending`) and re-sent first; meanwhile tools fail
 * closed with KeelUnreachable unless declared `failOpen`.
 */
export class KeelGuard {
  readonly pending: Report[] = [];
  unreachable: ConnectError | undefined;
  private readonly tools = new Map<string, { spec: Spec; fn: (args: unknown) => unknown }>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly session: GuardSession, readonly options: { scope?: string[] } = {}) {}

  get contract(): ExecutionContract | undefined {
    return this.session.contract;
  }

  /**
   * Declares a guarded tool; an unknown mode or action throws here, not when it is called. The
   * target is read from the first argument; further arguments (a framework's run context) pass through.
   */
  tool<A, R, E extends unknown[] = []>(declaration: ToolDeclaration<A>, fn: (args: A, ...rest: E) => R | Promise<R>): (args: A, ...rest: E) => Promise<R> {
    const { name } = declaration;
    const mode = toMode(declaration.mode); // throws on an unknown mode
    if (!ACTIONS.has(declaration.action)) {
      throw new TypeError(`tool "${name}": unknown Keel action "${declaration.action}": one of ${[...ACTIONS.keys()].join(", ")}`);
    }
    const strength = declaration.strength ?? 0.5;
    if (!(strength >= 0 && strength <= 1)) throw new RangeError(`tool "${name}": strength must be in [0, 1], got ${strength}`);
    if (this.tools.has(name)) throw new Error(`tool "${name}" is already guarded`);
    const target = declaration.target;
    const spec: Spec = {
      name, mode, action: declaration.action, operation: declaration.operation ?? name, strength,
      failOpen: declaration.failOpen ?? false, targeted: target !== undefined,
      targetOf: (args) => {
        if (target === undefined) return undefined;
        const value = typeof target === "function" ? target(args as A) : (args as Record<PropertyKey, unknown>)?.[target];
        return value === undefined || value === null ? undefined : String(value);
      },
    };
    this.tools.set(name, { spec, fn: fn as unknown as (args: unknown) => unknown });
    return (args: A, ...rest: E) => this.run(() => this.guarded(spec, fn, args, rest)) as Promise<R>;
  }

  /** Calls a guarded tool by name, as an LLM names it. */
  call(name: string, args: unknown): Promise<unknown> {
    const tool = this.tools.get(name);
    if (tool === undefined) return Promise.reject(new Error(`no guarded tool named "${name}"`));
    return this.run(() => this.guarded(tool.spec, tool.fn, args, []));
  }

  /**
   * Checks a call of a guarded tool without running it: undefined when it may run, else the
   * refusal, already reported (for frameworks whose guardrails run before the tool).
   */
  precheck(name: string, args: unknown): Promise<KeelDenied | undefined> {
    const tool = this.tools.get(name);
    if (tool === undefined) return Promise.reject(new Error(`no guarded tool named "${name}"`));
    return this.run(() => this.check(tool.spec, tool.spec.targetOf(args)));
  }

  has(name: string): boolean {
    return this.tools.has(name);
  }

  private run<T>(step: () => Promise<T>): Promise<T> {
    // One call at a time, like the session: a call's check sees the previous call's contract.
    const result = this.queue.then(step);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The refusal of a call now (reported), or undefined when it may run. */
  private async check(spec: Spec, target: string | undefined): Promise<KeelDenied | undefined> {
    if (!(await this.flush()) && !spec.failOpen) return new KeelUnreachable(spec.name, spec.action, this.unreachable!);
    const denied = checkCall(spec, this.session.contract, target, this.options.scope);
    if (denied !== undefined) await this.report({ spec, target, outcome: "denied" });
    return denied;
  }

  private async guarded<A, E extends unknown[]>(spec: Spec, fn: (args: A, ...rest: E) => unknown, args: A, rest: E): Promise<unknown> {
    const target = spec.targetOf(args);
    const denied = await this.check(spec, target);
    if (denied !== undefined) throw denied;
    let value: unknown;
    try {
      value = await fn(args, ...rest);
    } catch (err) {
      await this.report({ spec, target, outcome: `error:${err instanceof Error ? err.name : typeof err}` }).catch(() => undefined);
      throw err;
    }
    await this.report({ spec, target, outcome: "success" });
    return value;
  }

  private async report(report: Report): Promise<void> {
    this.pending.push(report);
    await this.flush();
  }

  /** Reports what is pending, oldest first; false (and `unreachable` set) on an outage. */
  private async flush(): Promise<boolean> {
    while (this.pending.length > 0) {
      const { spec, target, outcome } = this.pending[0]!;
      try {
        await this.session.send({ mode: spec.mode, signalStrength: spec.strength, action: spec.operation, target, outcome });
      } catch (err) {
        const e = ConnectError.from(err);
        if (!UNREACHABLE.has(e.code)) throw err;
        this.unreachable = e;
        return false;
      }
      this.pending.shift();
      this.unreachable = undefined;
    }
    return true;
  }
}

/** What a model reads when Keel refused a call: enough to choose another way. */
export function refusalText(denied: KeelDenied): string {
  if (denied instanceof KeelUnreachable) {
    return `REFUSED: ${denied.tool} was not run because Keel, which authorises actions, cannot be reached right now. Do not retry it now; tell the user it will be done later or offer another way.`;
  }
  return `REFUSED: ${denied.tool} was not run. Keel refused the action '${denied.action}' now: ${denied.reasons.join("; ")}. Actions allowed now: ${denied.allowedActions.join(", ") || "none"}. Do not retry the same call; choose an allowed way to help the user.`;
}
