// The imperative shell around the contract core: validate, seal, append and read contracts, and
// hand the agent service each agent's active contract compiled once per version.
import { compileContract, type CompiledContract } from "../contracts/compile.js";
import { diffContracts, type FieldChange } from "../contracts/diff.js";
import { InvalidContractError } from "../contracts/errors.js";
import { generateContract } from "../contracts/generate.js";
import { keyIdOf, publicKeyPem, type Keyring } from "../contracts/keys.js";
import type { BehavioralContract, ContractDraft } from "../contracts/model.js";
import { normalizeContract } from "../contracts/normalize.js";
import { seal, verifySeal, type Verification } from "../contracts/seal.js";
import { ARCHETYPE_PATTERN, validateContract } from "../contracts/validate.js";
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
  private readonly compiled = new Map<string, CompiledContract>();
  private readonly activeSeen = new Map<string, { compiled: CompiledContract | null; atMs: number }>();

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
  async put(draft: ContractDraft, wireProblems: readonly string[], sealIt: boolean): Promise<BehavioralContract> {
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
    await this.requireAgent(filled.agentId);

    const explicit = draft.version !== 0;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const active = (await this.store.contracts.activeContract(filled.agentId))?.version ?? 0;
      if (explicit) checkNext(filled.agentId, draft.version, active);
      const versioned = { ...filled, version: explicit ? draft.version : active + 1 };
      const contract = sealIt && signing ? seal(versioned, signing) : versioned;
      try {
        await this.store.contracts.appendContract(contract);
        this.sawActive(contract.agentId, this.compile(contract));
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

  async active(agentId: string): Promise<BehavioralContract> {
    await this.requireAgent(agentId);
    return (await this.store.contracts.activeContract(agentId)) ?? noContract(agentId);
  }

  async version(agentId: string, version: number): Promise<BehavioralContract> {
    await this.requireAgent(agentId);
    return (await this.store.contracts.contractVersion(agentId, version)) ?? noContract(agentId, version);
  }

  async history(agentId: string, page: PageRequest): Promise<Page<BehavioralContract>> {
    await this.requireAgent(agentId);
    return this.store.contracts.listContracts(agentId, page);
  }

  async diff(agentId: string, from: number, to: number): Promise<FieldChange[]> {
    const [a, b] = await Promise.all([this.version(agentId, from), this.version(agentId, to)]);
    return diffContracts(a, b);
  }

  verify(contract: BehavioralContract): Verification {
    return verifySeal(contract, this.keys.verify);
  }

  /** The stored version (the active one for 0), verified. */
  async verifyStored(agentId: string, version: number): Promise<Verification> {
    return this.verify(version === 0 ? await this.active(agentId) : await this.version(agentId, version));
  }

  /**
   * A contract from the archetype's prior. Stored as the next version when asked; otherwise a
   * preview numbered as the next version would be.
   */
  async generate(input: { agentId: string; archetype: string; certificateId: string; store: boolean; seal: boolean }) {
    if (input.archetype !== "" && !ARCHETYPE_PATTERN.test(input.archetype)) {
      throw new InvalidContractError(["archetype must be 1 to 64 of a-z 0-9 _ -"]);
    }
    await this.requireAgent(input.agentId);
    const active = (await this.store.contracts.activeContract(input.agentId))?.version ?? 0;
    const { contract, prior } = generateContract({
      contractId: this.newContractId(),
      version: active + 1,
      agentId: input.agentId,
      createdAtMs: this.now(),
      archetype: input.archetype,
      certificateId: input.certificateId,
    });
    if (!input.store) return { contract, prior };
    return { contract: await this.put({ ...contract, version: 0 }, [], input.seal), prior };
  }

  publishedKeys(): PublishedKey[] {
    const signing = this.keys.signing?.keyId;
    return [...this.keys.verify.values()].map((key) => {
      const keyId = keyIdOf(key);
      return { keyId, publicKeyPem: publicKeyPem(key), signing: keyId === signing };
    });
  }

  /** The agent's active contract, compiled (once per version); null when it has none. */
  async compiledActive(agentId: string): Promise<CompiledContract | null> {
    const seen = this.activeSeen.get(agentId);
    if (seen && performance.now() - seen.atMs < this.activeRefreshMs) return seen.compiled;
    const contract = await this.store.contracts.activeContract(agentId);
    const compiled = contract && this.compile(contract);
    this.sawActive(agentId, compiled);
    return compiled;
  }

  private compile(contract: BehavioralContract): CompiledContract {
    const key = `${contract.agentId}/${contract.contractId}@${contract.version}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      compiled = compileContract(contract);
      this.compiled.set(key, compiled);
      if (this.compiled.size > CACHE_SIZE) this.compiled.delete(this.compiled.keys().next().value as string);
    }
    return compiled;
  }

  /** Never moves back to an older version (concurrent Puts may finish out of order). */
  private sawActive(agentId: string, compiled: CompiledContract | null): void {
    const known = this.activeSeen.get(agentId)?.compiled;
    const best = known && (!compiled || known.contract.version > compiled.contract.version) ? known : compiled;
    this.activeSeen.delete(agentId);
    this.activeSeen.set(agentId, { compiled: best, atMs: performance.now() });
    if (this.activeSeen.size > CACHE_SIZE) this.activeSeen.delete(this.activeSeen.keys().next().value as string);
  }

  private async requireAgent(agentId: string): Promise<void> {
    if (!(await this.store.getInstance(agentId))) throw new NotFoundError(`instance ${agentId}`);
  }
}

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
