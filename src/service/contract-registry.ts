// The imperative shell around the contract core: validate, seal, append and read contracts, and
// hand the agent service each agent's active contract compiled once per version. Every method takes
// the caller's tenant first: contracts are stored per (tenant, agent), an agent of another tenant
// is NOT_FOUND exactly like a missing one, and the caches are keyed by tenant.
import { compileContract, type CompiledContract } from "../contracts/compile.js";
import { diffContracts, type FieldChange } from "../contracts/diff.js";
import { InvalidContractError } from "../contracts/errors.js";
import { generateContract } from "../contracts/generate.js";
import { keyIdOf, publicKeyPem, type Keyring } from "../contracts/keys.js";
import type { BehavioralContract, ContractDraft } from "../contracts/model.js";
import { normalizeContract } from "../contracts/normalize.js";
import { enforcedVersion, type CompiledRollout, type ContractMode, type VersionRollout } from "../contracts/rollout.js";
import type { ShadowCounts } from "../contracts/shadow.js";
import { seal, verifySeal, type Verification } from "../contracts/seal.js";
import { ARCHETYPE_PATTERN, validateContract } from "../contracts/validate.js";
import { tenantKey } from "../store/tenant.js";
import { ContractVersionConflictError, type Page, type PageRequest, type Store } from "../store/types.js";
import { ContentionError, NotFoundError, PreconditionError } from "./errors.js";

export interface ContractRegistryOptions {
  store: Store;
  keys: Keyring;
  now: () => number;
  newContractId: () => string;
  /** How often an auto-versioned Put retries after losing its version to a concurrent Put. */
  maxAttempts?: number;
  /**
   * How long the cycle path trusts the active version it last looked up (default 1000 ms), so a
   * cycle costs no contract read. Puts through this registry take effect at once; a version put
   * through another replica takes effect within this time.
   */
  activeRefreshMs?: number;
}

export interface PublishedKey {
  keyId: string;
  publicKeyPem: string;
  signing: boolean;
}

/** Agents (and compiled versions) remembered in-process; least recently added go first. */
const CACHE_SIZE = 10_000;

export class ContractRegistry {
  private readonly store: Store;
  private readonly keys: Keyring;
  private readonly now: () => number;
  private readonly newContractId: () => string;
  private readonly maxAttempts: number;
  private readonly activeRefreshMs: number;
  /** By tenant, agent, contract id and version: contract ids are client-chosen, so tenants may repeat them. */
  private readonly compiled = new Map<string, CompiledContract>();
  /** By tenantKey(tenant, agent id). */
  private readonly activeSeen = new Map<string, { compiled: CompiledContract | null; atMs: number }>();
  /** By tenantKey(tenant, agent id): the cycle path's view of the agent's versions (refreshed like activeSeen). */
  private readonly rolloutSeen = new Map<string, { rollout: CompiledRollout; atMs: number }>();

  constructor(options: ContractRegistryOptions) {
    this.store = options.store;
    this.keys = options.keys;
    this.now = options.now;
    this.newContractId = options.newContractId;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.activeRefreshMs = options.activeRefreshMs ?? 1000;
  }

  /**
   * Validates, optionally seals, and appends the agent's next version. Version 0 means "the
   * next one" (retried if a concurrent Put takes it); an explicit version must be exactly the
   * next one. A contract that carries a signature must verify against a known key.
   */
  async put(
    tenant: string,
    draft: ContractDraft,
    wireProblems: readonly string[],
    sealIt: boolean,
    mode: ContractMode = "enforce",
  ): Promise<BehavioralContract> {
    const given = {
      ...draft,
      contractId: draft.contractId || this.newContractId(),
      createdAtMs: draft.createdAtMs ?? this.now(),
      version: draft.version || 1,
    };
    // Validated before normalizing, so problems name list positions as the caller sent them.
    const problems = [...wireProblems, ...validateContract(given)];
    if (sealIt && draft.signature !== "") problems.push("seal must be false for a contract that already carries a signature");
    if (draft.signature !== "" && (draft.contractId === "" || draft.version === 0 || draft.createdAtMs === null)) {
      problems.push("a sealed contract must carry the contract_id and version and created_at it was sealed with");
    }
    if (problems.length > 0) throw new InvalidContractError(problems);
    const filled = normalizeContract(given);
    if (draft.signature !== "") {
      const verification = verifySeal(filled, this.keys.verify);
      if (!verification.valid) throw new InvalidContractError(verification.problems.map((p) => `seal - ${p}`));
    }
    const signing = this.keys.signing;
    if (sealIt && !signing) throw new PreconditionError("no signing key is configured - set KEEL_CONTRACT_SIGNING_KEY or put the contract unsealed");
    await this.requireAgent(tenant, filled.agentId);

    const explicit = draft.version !== 0;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const active = (await this.store.contracts.activeContract(tenant, filled.agentId))?.version ?? 0;
      if (explicit) checkNext(filled.agentId, draft.version, active);
      const versioned = { ...filled, version: explicit ? draft.version : active + 1 };
      const contract = sealIt && signing ? seal(versioned, signing) : versioned;
      const rollout: VersionRollout | undefined = mode === "shadow" ? { mode, base: await this.enforceBase(tenant, filled.agentId, active) } : undefined;
      try {
        await this.store.contracts.appendContract(tenant, contract, rollout);
        this.sawActive(tenant, contract.agentId, this.compile(tenant, contract));
        this.rolloutSeen.delete(tenantKey(tenant, contract.agentId));
        return contract;
      } catch (err) {
        if (!(err instanceof ContractVersionConflictError)) throw err;
        if (explicit) {
          throw new PreconditionError(`version ${draft.version} of ${filled.agentId} was taken by a concurrent put - read the active version and retry`);
        }
      }
    }
    throw new ContentionError(filled.agentId, this.maxAttempts);
  }

  /** The version the agent is governed by (NOT_FOUND when it has none, even with a shadow version). */
  async active(tenant: string, agentId: string): Promise<BehavioralContract> {
    return (await this.rolloutOf(tenant, agentId)).enforced ?? noContract(agentId);
  }

  /**
   * The enforced version and the shadow candidate. The newest version is enforced unless it was
   * put as SHADOW and not promoted; then the enforced one is the newest ENFORCE version below it
   * or the agent's newest promotion, whichever is newer (rollout.ts).
   */
  async rolloutOf(tenant: string, agentId: string): Promise<{ enforced: BehavioralContract | null; shadow: BehavioralContract | null }> {
    await this.requireAgent(tenant, agentId);
    const newest = await this.store.contracts.activeContract(tenant, agentId);
    if (!newest) return { enforced: null, shadow: null };
    const rollout = (await this.store.contracts.versionRollout(tenant, agentId, newest.version)) ?? ENFORCE;
    if (rollout.mode === "enforce") return { enforced: newest, shadow: null };
    const promoted = (await this.store.loadState(tenant, agentId))?.rollout?.promoted ?? 0;
    const enforced = enforcedVersion(newest.version, rollout, promoted);
    if (enforced === newest.version) return { enforced: newest, shadow: null };
    return { enforced: enforced === 0 ? null : await this.store.contracts.contractVersion(tenant, agentId, enforced), shadow: newest };
  }

  /** What the agent's shadow version would have blocked; FAILED_PRECONDITION when it has none. */
  async shadowReport(tenant: string, agentId: string): Promise<{ shadow: BehavioralContract; enforcedVersion: number; counts: ShadowCounts }> {
    const { enforced, shadow } = await this.rolloutOf(tenant, agentId);
    if (!shadow) throw new PreconditionError(`instance ${agentId} has no shadow contract version - put one with mode SHADOW`);
    const kept = (await this.store.loadState(tenant, agentId))?.rollout?.shadow?.counts;
    const counts: ShadowCounts =
      kept && kept.contractId === shadow.contractId && kept.contractVersion === shadow.version
        ? kept
        : { contractId: shadow.contractId, contractVersion: shadow.version, cycles: 0, firstCycle: 0, wouldBlockCycles: 0, errorCycles: 0, rules: {}, actions: {} };
    return { shadow, enforcedVersion: enforced?.version ?? 0, counts };
  }

  async version(tenant: string, agentId: string, version: number): Promise<BehavioralContract> {
    await this.requireAgent(tenant, agentId);
    return (await this.store.contracts.contractVersion(tenant, agentId, version)) ?? noContract(agentId, version);
  }

  async history(tenant: string, agentId: string, page: PageRequest): Promise<Page<BehavioralContract>> {
    await this.requireAgent(tenant, agentId);
    return this.store.contracts.listContracts(tenant, agentId, page);
  }

  async diff(tenant: string, agentId: string, from: number, to: number): Promise<FieldChange[]> {
    const [a, b] = await Promise.all([this.version(tenant, agentId, from), this.version(tenant, agentId, to)]);
    return diffContracts(a, b);
  }

  verify(contract: BehavioralContract): Verification {
    return verifySeal(contract, this.keys.verify);
  }

  /** The stored version (the active one for 0), verified. */
  async verifyStored(tenant: string, agentId: string, version: number): Promise<Verification> {
    return this.verify(version === 0 ? await this.active(tenant, agentId) : await this.version(tenant, agentId, version));
  }

  /**
   * A contract from the archetype's prior. Stored as the next version when asked; otherwise a
   * preview numbered as the next version would be.
   */
  async generate(tenant: string, input: { agentId: string; archetype: string; certificateId: string; store: boolean; seal: boolean }) {
    if (input.archetype !== "" && !ARCHETYPE_PATTERN.test(input.archetype)) {
      throw new InvalidContractError(["archetype must be 1 to 64 of a-z 0-9 _ -"]);
    }
    await this.requireAgent(tenant, input.agentId);
    const active = (await this.store.contracts.activeContract(tenant, input.agentId))?.version ?? 0;
    const { contract, prior } = generateContract({
      contractId: this.newContractId(),
      version: active + 1,
      agentId: input.agentId,
      createdAtMs: this.now(),
      archetype: input.archetype,
      certificateId: input.certificateId,
    });
    if (!input.store) return { contract, prior };
    return { contract: await this.put(tenant, { ...contract, version: 0 }, [], input.seal), prior };
  }

  publishedKeys(): PublishedKey[] {
    const signing = this.keys.signing?.keyId;
    return [...this.keys.verify.values()].map((key) => {
      const keyId = keyIdOf(key);
      return { keyId, publicKeyPem: publicKeyPem(key), signing: keyId === signing };
    });
  }

  /** The agent's active contract, compiled (once per version); null when it has none. */
  async compiledActive(tenant: string, agentId: string): Promise<CompiledContract | null> {
    const seen = this.activeSeen.get(tenantKey(tenant, agentId));
    if (seen && performance.now() - seen.atMs < this.activeRefreshMs) return seen.compiled;
    const contract = await this.store.contracts.activeContract(tenant, agentId);
    const compiled = contract && this.compile(tenant, contract);
    this.sawActive(tenant, agentId, compiled);
    return compiled;
  }

  /**
   * The cycle path's view of the agent's versions: its newest, how it was put, and, when that is a
   * shadow version, every version from its base up (the enforced one is among them). Trusted for
   * activeRefreshMs unless `fresh`.
   */
  async compiledRollout(tenant: string, agentId: string, fresh = false): Promise<CompiledRollout> {
    const key = tenantKey(tenant, agentId);
    const seen = this.rolloutSeen.get(key);
    if (!fresh && seen && performance.now() - seen.atMs < this.activeRefreshMs) return seen.rollout;
    const newest = await this.store.contracts.activeContract(tenant, agentId);
    const known = seen?.rollout;
    if (newest && known?.newest && known.newest.contract.version === newest.version && known.newest.contract.contractId === newest.contractId) {
      // Versions and their put modes are immutable: an unchanged newest version means an unchanged rollout.
      this.rolloutSeen.delete(key);
      this.rolloutSeen.set(key, { rollout: known, atMs: performance.now() });
      return known;
    }
    const versions = new Map<number, CompiledContract>();
    let rollout = ENFORCE;
    if (newest) {
      rollout = (await this.store.contracts.versionRollout(tenant, agentId, newest.version)) ?? ENFORCE;
      for (let v = Math.max(1, rollout.base); rollout.mode === "shadow" && v < newest.version; v++) {
        const contract = await this.store.contracts.contractVersion(tenant, agentId, v);
        if (contract) versions.set(v, this.compile(tenant, contract));
      }
    }
    const compiled: CompiledRollout = { newest: newest && this.compile(tenant, newest), rollout, versions };
    this.rolloutSeen.delete(key);
    this.rolloutSeen.set(key, { rollout: compiled, atMs: performance.now() });
    if (this.rolloutSeen.size > CACHE_SIZE) this.rolloutSeen.delete(this.rolloutSeen.keys().next().value as string);
    return compiled;
  }

  /** The newest version at or below `version` that was put as ENFORCE (0 when none). */
  private async enforceBase(tenant: string, agentId: string, version: number): Promise<number> {
    if (version === 0) return 0;
    const rollout = (await this.store.contracts.versionRollout(tenant, agentId, version)) ?? ENFORCE;
    return rollout.mode === "enforce" ? version : rollout.base;
  }

  private compile(tenant: string, contract: BehavioralContract): CompiledContract {
    const key = tenantKey(tenant, `${contract.agentId}/${contract.contractId}@${contract.version}`);
    let compiled = this.compiled.get(key);
    if (!compiled) {
      compiled = { ...compileContract(contract), seal: verifySeal(contract, this.keys.verify).status };
      this.compiled.set(key, compiled);
      if (this.compiled.size > CACHE_SIZE) this.compiled.delete(this.compiled.keys().next().value as string);
    }
    return compiled;
  }

  /** Never moves back to an older version (concurrent Puts may finish out of order). */
  private sawActive(tenant: string, agentId: string, compiled: CompiledContract | null): void {
    const key = tenantKey(tenant, agentId);
    const known = this.activeSeen.get(key)?.compiled;
    const best = known && (!compiled || known.contract.version > compiled.contract.version) ? known : compiled;
    this.activeSeen.delete(key);
    this.activeSeen.set(key, { compiled: best, atMs: performance.now() });
    if (this.activeSeen.size > CACHE_SIZE) this.activeSeen.delete(this.activeSeen.keys().next().value as string);
  }

  /** The same NOT_FOUND for an unknown agent and for another tenant's. */
  private async requireAgent(tenant: string, agentId: string): Promise<void> {
    if (!(await this.store.getInstance(tenant, agentId))) throw new NotFoundError(`instance ${agentId}`);
  }
}

const ENFORCE: VersionRollout = { mode: "enforce", base: 0 };

function checkNext(agentId: string, version: number, active: number): void {
  if (version <= active) {
    throw new PreconditionError(`version ${version} is not above the active version ${active} of ${agentId} - versions only increase`);
  }
  if (version > active + 1) {
    throw new PreconditionError(`version ${version} skips ahead - the next version of ${agentId} is ${active + 1}`);
  }
}

function noContract(agentId: string, version?: number): never {
  throw new NotFoundError(version === undefined ? `behavioral contract of ${agentId}` : `version ${version} of the behavioral contract of ${agentId}`);
}
