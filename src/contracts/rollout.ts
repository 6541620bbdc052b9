// Which contract version governs an agent and which one only shadows it. Versions are put as
// ENFORCE or SHADOW; a SHADOW version is evaluated beside the enforced one until PromoteContract
// makes it the enforced one or a later put supersedes it. Pure.
import type { CompiledContract } from "./compile.js";
import type { ShadowState } from "./shadow.js";

export type ContractMode = "enforce" | "shadow";

/** How a version was put, kept with it in the contract store (immutable, like the version). */
export interface VersionRollout {
  mode: ContractMode;
  /**
   * The newest version below this one that was put as ENFORCE (0 when none): what the agent is
   * governed by while this version is a shadow, unless a later promotion says otherwise.
   */
  base: number;
}

/** What an agent's committed state remembers about its rollout (StoredState.rollout). */
export interface RolloutState {
  /** The highest version promoted from SHADOW to ENFORCE (0 when none). Survives resets. */
  promoted: number;
  /** Shadow evaluation of the current shadow version; null when none ran. */
  shadow: ShadowState | null;
}

/** The agent's newest version, how it was put, and the versions it may be governed by instead. */
export interface CompiledRollout {
  newest: CompiledContract | null;
  rollout: VersionRollout;
  /** Compiled versions by number: at least the base of a shadow newest, and any promoted one between. */
  versions: ReadonlyMap<number, CompiledContract>;
}

export interface Governing {
  enforced: CompiledContract | null;
  shadow: CompiledContract | null;
}

/** Thrown when the versions at hand do not include the one the agent's state says is enforced. */
export class RolloutChangedError extends Error {
  constructor(readonly version: number) {
    super(`contract version ${version} was promoted concurrently - retry`);
    this.name = "RolloutChangedError";
  }
}

/** The number of the enforced version, given the newest version and the agent's promotions. */
export function enforcedVersion(newest: number, rollout: VersionRollout, promoted: number): number {
  if (newest === 0 || rollout.mode === "enforce" || promoted >= newest) return newest;
  return Math.max(rollout.base, promoted);
}

export function governing(r: CompiledRollout, promoted: number): Governing {
  if (!r.newest) return { enforced: null, shadow: null };
  const newest = r.newest.contract.version;
  const enforced = enforcedVersion(newest, r.rollout, promoted);
  if (enforced === newest) return { enforced: r.newest, shadow: null };
  if (enforced === 0) return { enforced: null, shadow: r.newest };
  const compiled = r.versions.get(enforced);
  if (!compiled) throw new RolloutChangedError(enforced);
  return { enforced: compiled, shadow: r.newest };
}
