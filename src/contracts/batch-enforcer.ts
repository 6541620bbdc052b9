// Enforcement over one batch of cycles without copying the state every cycle: the stored state is
// copied once (as JSON, what the stores keep), then each cycle advances the copy in place. A step
// that throws may have advanced part of the state, so the copy is rebuilt from the batch's
// starting state by re-running the cycles that succeeded before it (enforcement is
// deterministic): the state is exactly as it was before the failed cycle, as fail-closed requires.
import type { ExecutionContract } from "../engine/index.js";
import { jsonCopy } from "./json-copy.js";
import type { CompiledContract } from "./compile.js";
import { advanceEnforcement, type EnforcedContract, type ObservedCycle } from "./enforce.js";
import type { EnforcementState } from "./state.js";

export class BatchEnforcer {
  private current: EnforcementState | undefined;
  private copied = false;
  /** Set when re-running the successful cycles failed too (not deterministic): nothing may be committed. */
  private broken: unknown = null;
  private readonly done: [ObservedCycle, ExecutionContract][] = [];

  /** `start` is never changed. */
  constructor(
    private readonly compiled: CompiledContract,
    private readonly start: EnforcementState | undefined,
  ) {
    this.current = start;
  }

  /** The state after the last successful step (the starting state before any). */
  get state(): EnforcementState | undefined {
    if (this.broken !== null) throw this.broken;
    return this.current;
  }

  /** One cycle; on a throw the state stays as it was before this cycle. */
  step(observation: ObservedCycle, engineContract: ExecutionContract): EnforcedContract {
    if (this.broken !== null) throw this.broken;
    if (!this.copied) {
      this.current = this.start && jsonCopy(this.start);
      this.copied = true;
    }
    try {
      const { state, contract } = advanceEnforcement(this.compiled, this.current, observation, engineContract);
      this.current = state;
      this.done.push([observation, engineContract]);
      return contract;
    } catch (err) {
      try {
        this.current = this.start && jsonCopy(this.start);
        for (const [o, c] of this.done) this.current = advanceEnforcement(this.compiled, this.current, o, c).state;
      } catch (again) {
        this.broken = new Error(`enforcement is not repeatable: ${again instanceof Error ? again.message : String(again)}`);
      }
      throw err;
    }
  }
}
