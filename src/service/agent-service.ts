// The imperative shell around the engine: load an agent's state, fold observations through the
// pure engine, commit the result durably, and only then hand the outcome back. Every method takes
// the caller's tenant first and passes it to the store, which sees only that tenant's agents; the
// in-process locks and cached heads are keyed by tenant and id, so tenants never share them.
import {
  initialState,
  process as runCycle,
  restoreSnapshot,
  contractOf,
  type EngineConfig,
  type EngineState,
  type ExecutionContract,
  type IdentityProfile,
  type Mode,
} from "../engine/index.js";
import { compileContract, type CompiledContract } from "../contracts/compile.js";
import { BatchEnforcer } from "../contracts/batch-enforcer.js";
import { standing, type EnforcedContract } from "../contracts/enforce.js";
import { failClosed, type FailClosedPolicy } from "../contracts/fail-closed.js";
import { governing, RolloutChangedError, type CompiledRollout, type Governing } from "../contracts/rollout.js";
import { shadowCycle, type ShadowState } from "../contracts/shadow.js";
import type { BehavioralContract } from "../contracts/model.js";
import { engineVersionHash } from "../audit/engine-version.js";
import { GENESIS, cycleHash, promotionHash, resetHash } from "../audit/chain.js";
import { HistoryReplay, type Difference, type VerifyProgress } from "../audit/verify.js";
import type { EnforcementState } from "../contracts/state.js";
import { jsonCopy } from "../store/commit-records.js";
import {
  InstanceExistsError,
  RevisionConflictError,
  type CommittedRequest,
  type CycleCommit,
  type DriftEventRecord,
  type HistoryEntry,
  type InstanceRecord,
  type Page,
  type PageRequest,
  type PromotionRecord,
  type RecordedOutcome,
  type SnapshotRecord,
  type Store,
  type StoredState,
} from "../store/types.js";
import { tenantKey } from "../store/tenant.js";
import { ContentionError, NotFoundError, PreconditionError, RequestIdReusedError } from "./errors.js";
import { instanceIdOfRequest, type WriteRequest } from "./write-request.js";
import { tracedCommit, tracedCycle, type CallTrace } from "../tracing/tracing.js";
import { HeadCache } from "./head-cache.js";
import { KeyedMutex } from "./keyed-mutex.js";

/** An observation as validated at the edge. */
export interface ObservationInput {
  mode: Mode;
  signalStrength: number;
  confidence: number;
  context: Record<string, string>;
  /** Caller's timestamp, or the receive time. */
  observedAtMs: number;
  action: string | null;
  target: string | null;
  outcome: string | null;
  /** The number the action carried (SUM invariants); absent when none. */
  amount?: number | null;
}

/** An observation on a session stream, with the client's sequence number. */
export interface SequencedInput {
  sequence: number;
  observation: ObservationInput;
}

export interface SequencedOutcome {
  sequence: number;
  outcome: RecordedOutcome;
  /** The sequence had been processed before; this is the original outcome. */
  replayed: boolean;
}

export interface NewInstance {
  name: string;
  description: string;
  profile: IdentityProfile;
  labels: Record<string, string>;
}

/** Where the agent service finds each agent's declared behavioral contract. */
export interface ActiveContracts {
  compiledActive(tenant: string, agentId: string): Promise<CompiledContract | null>;
  /** The agent's versions with their rollout (shadow mode); without it the newest version is enforced. */
  compiledRollout?(tenant: string, agentId: string, fresh?: boolean): Promise<CompiledRollout>;
}

/** Where the service reports its outcomes; kept abstract so the service never imports prom-client. */
export interface ServiceMetrics {
  /** Freshly processed and committed cycles (never replays). */
  cycles(outcomes: readonly RecordedOutcome[]): void;
  /** One store.commit attempt: its latency, how it ended and how many cycles it carried. */
  commit(seconds: number, result: "ok" | "conflict" | "error", batchSize: number): void;
}

export interface AgentServiceOptions {
  store: Store;
  /** Declared contracts to enforce every cycle; none when absent. */
  contracts?: ActiveContracts;
  engineConfig: EngineConfig;
  now: () => number;
  newId: () => string;
  /** How often one call reloads and retries after losing a race to another writer. */
  maxCommitAttempts?: number;
  metrics?: ServiceMetrics;
  /** Agents that fail closed (the safe actions only) when they cannot be governed; none when absent. */
  failClosed?: FailClosedPolicy;
}

/** The agent's contract versions as read before a commit; resolved against its head by `governed`. */
interface Governance {
  rollout: CompiledRollout;
  /** Set when the versions could not be read (only for agents that fail closed). */
  readFailure: string | null;
  /** Whether the agent fails closed at all: errors while enforcing are then caught. */
  closed: boolean;
}

/** The contract an agent is governed by right now, or why it cannot be (then it fails closed), and its shadow version. */
interface Governed {
  compiled: CompiledContract | null;
  shadow: CompiledContract | null;
  /** Set when the agent fails closed: the reason every removed action names. */
  failure: string | null;
  closed: boolean;
}

const NO_ROLLOUT: CompiledRollout = { newest: null, rollout: { mode: "enforce", base: 0 }, versions: new Map() };

export type ResetTarget = "initial" | "last_snapshot";

/** A commit made now, or the earlier commit of the same request id (nothing was processed). */
type Committed<T> = (T & { revision: number; replay?: undefined }) | { replay: CommittedRequest };

export class AgentService {
  private readonly store: Store;
  private readonly contracts: ActiveContracts | null;
  private readonly config: EngineConfig;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly maxAttempts: number;
  private readonly metrics: ServiceMetrics | null;
  private readonly failClosedPolicy: FailClosedPolicy | null;
  private readonly mutex = new KeyedMutex();
  private readonly heads = new HeadCache(10_000);
  /** Stamped on every contract this service hands out. */
  private readonly engineVersion: string;

  constructor(options: AgentServiceOptions) {
    this.store = options.store;
    this.contracts = options.contracts ?? null;
    this.config = options.engineConfig;
    this.engineVersion = engineVersionHash(options.engineConfig);
    this.now = options.now;
    this.newId = options.newId;
    this.maxAttempts = options.maxCommitAttempts ?? 8;
    this.metrics = options.metrics ?? null;
    this.failClosedPolicy = options.failClosed ?? null;
  }

  /**
   * With a request id the agent's id derives from it, so a repeat meets the agent it created
   * (InstanceExistsError) and gets it back unchanged instead of creating a second one.
   */
  async createInstance(tenant: string, input: NewInstance, request?: WriteRequest): Promise<InstanceRecord> {
    const at = this.now();
    const id = request ? instanceIdOfRequest(tenant, request.id) : this.newId();
    const record: InstanceRecord = {
      id,
      tenant,
      ...input,
      createdAtMs: at,
      updatedAtMs: at,
      ...(request ? { createRequest: { id: request.id, fingerprint: request.fingerprint } } : {}),
    };
    try {
      await this.store.createInstance(record, initialState(input.profile));
    } catch (err) {
      if (!request || !(err instanceof InstanceExistsError)) throw err;
      const existing = await this.store.getInstance(tenant, id);
      if (!existing || existing.createRequest?.fingerprint !== request.fingerprint) throw new RequestIdReusedError(request.id, "another agent");
      return existing;
    }
    return record;
  }

  /** NOT_FOUND alike for an unknown id and for another tenant's agent (the store cannot tell them apart). */
  async getInstance(tenant: string, id: string): Promise<InstanceRecord> {
    return (await this.store.getInstance(tenant, id)) ?? notFound(id);
  }

  listInstances(tenant: string, page: PageRequest): Promise<Page<InstanceRecord>> {
    return this.store.listInstances(tenant, page);
  }

  async updateInstance(
    tenant: string,
    id: string,
    patch: Partial<Pick<InstanceRecord, "name" | "description" | "labels">>,
  ): Promise<InstanceRecord> {
    return this.mutex.run(tenantKey(tenant, id), async () => {
      const current = await this.getInstance(tenant, id);
      const updated = await this.store.updateInstance(tenant, id, {
        name: patch.name ?? current.name,
        description: patch.description ?? current.description,
        labels: patch.labels ?? current.labels,
        updatedAtMs: this.now(),
      });
      return updated ?? notFound(id);
    });
  }

  async deleteInstance(tenant: string, id: string): Promise<void> {
    await this.mutex.run(tenantKey(tenant, id), async () => {
      this.heads.forget(tenant, id);
      if (!(await this.store.deleteInstance(tenant, id))) notFound(id);
    });
  }

  async getState(tenant: string, id: string): Promise<StoredState> {
    return (await this.store.loadState(tenant, id)) ?? notFound(id);
  }

  /** The contract for the current state, shaped by the agent's declared contract if it has one. */
  async getContract(tenant: string, id: string): Promise<ExecutionContract> {
    return (await this.sessionStart(tenant, id)).contract;
  }

  /** What a session opens with: the current contract and the last processed sequence, from one read. */
  async sessionStart(tenant: string, id: string): Promise<{ contract: ExecutionContract; lastSequence: number }> {
    const [stored, governance] = await Promise.all([this.getState(tenant, id), this.governance(tenant, id)]);
    return { contract: this.standingContract(stored.state, stored.enforcement, this.governed(id, governance, stored)), lastSequence: stored.lastSequence };
  }

  private rolloutOf(tenant: string, id: string, fresh = false): Promise<CompiledRollout> {
    const contracts = this.contracts;
    if (!contracts) return Promise.resolve(NO_ROLLOUT);
    if (contracts.compiledRollout) return contracts.compiledRollout(tenant, id, fresh);
    return contracts.compiledActive(tenant, id).then((newest) => ({ ...NO_ROLLOUT, newest }));
  }

  /** The agent's contract versions; for an agent that fails closed, a read failure is recorded instead of thrown. */
  private async governance(tenant: string, id: string): Promise<Governance> {
    const closed = this.failClosedPolicy?.applies(tenant, id) ?? false;
    if (!closed) return { rollout: await this.rolloutOf(tenant, id), readFailure: null, closed };
    try {
      return { rollout: await this.rolloutOf(tenant, id), readFailure: null, closed };
    } catch (err) {
      return { rollout: NO_ROLLOUT, readFailure: `the active contract could not be read: ${messageOf(err)}`, closed };
    }
  }

  /**
   * The enforced and shadow versions given the head a commit builds on (its promotions), and, for
   * an agent that fails closed, whether it can be governed: no enforced contract, a seal that does
   * not verify, or a contract that cannot be read is a failure. The shadow version never is.
   */
  private governed(id: string, g: Governance, stored: StoredState): Governed {
    const closed = g.closed;
    if (g.readFailure !== null) return { compiled: null, shadow: null, failure: g.readFailure, closed };
    let r: Governing;
    try {
      r = governing(g.rollout, stored.rollout?.promoted ?? 0);
    } catch (err) {
      // Another replica promoted a version this read did not include: the caller retries.
      if (err instanceof RolloutChangedError) throw new ContentionError(id, 1);
      throw err;
    }
    if (!closed) return { compiled: r.enforced, shadow: r.shadow, failure: null, closed };
    if (!r.enforced) return { compiled: null, shadow: r.shadow, failure: "the agent has no active contract", closed };
    if (r.enforced.seal !== "valid") {
      const reason = `contract version ${r.enforced.contract.version} does not verify against the trusted keys (${r.enforced.seal ?? "unchecked"})`;
      return { compiled: null, shadow: r.shadow, failure: reason, closed };
    }
    return { compiled: r.enforced, shadow: r.shadow, failure: null, closed };
  }

  private standingContract(state: EngineState, enforcement: EnforcementState | undefined, g: Governed): ExecutionContract {
    const engine = contractOf(state, this.config);
    let contract: EnforcedContract;
    if (g.failure !== null) contract = failClosed(engine, g.failure);
    else if (!g.compiled) contract = engine;
    else {
      try {
        contract = standing(g.compiled, enforcement, engine);
      } catch (err) {
        if (!g.closed) throw err;
        contract = failClosed(engine, `enforcement failed: ${messageOf(err)}`);
      }
    }
    contract.engineVersionHash = this.engineVersion;
    return contract;
  }

  /**
   * Processes observations in order and commits them together. Returns one outcome per
   * observation; none of them is visible to anyone before all are durable.
   */
  process(
    tenant: string,
    id: string,
    observations: ObservationInput[],
    request?: WriteRequest,
    trace?: CallTrace,
  ): Promise<RecordedOutcome[]> {
    return this.mutex.run(tenantKey(tenant, id), async () => {
      const governance = await this.governance(tenant, id);
      return this.commitWithRetry(
        tenant,
        id,
        (stored) => this.runCycles(tenant, id, stored, observations, null, governance, trace),
        request,
        trace,
      );
    }).then((committed) => {
      if (committed.replay) return committed.replay.outcomes;
      this.metrics?.cycles(committed.outcomes);
      return committed.outcomes;
    });
  }

  /**
   * Session processing, exactly once per sequence number. Sequences continue from the agent's
   * last processed one without gaps; a sequence already processed is answered with its
   * original outcome from the history and not processed again.
   */
  processSequenced(tenant: string, id: string, items: SequencedInput[], trace?: CallTrace): Promise<SequencedOutcome[]> {
    checkContiguous(items);
    return this.mutex.run(tenantKey(tenant, id), async () => {
      const cached = this.heads.get(tenant, id);
      if (cached) {
        try {
          return await this.sequencedFrom(tenant, id, cached, items, false, trace);
        } catch (err) {
          if (!(err instanceof StaleHeadError)) throw err;
        }
      }
      return this.sequencedFrom(tenant, id, await this.getState(tenant, id), items, true, trace);
    });
  }

  /**
   * Splits items into replays and fresh cycles by the agent's last sequence. From a cached head
   * (`authoritative` false) a sequence mismatch may only mean the cache is stale, so it asks for
   * a fresh read instead of failing the caller.
   */
  private async sequencedFrom(
    tenant: string,
    id: string,
    stored: StoredState,
    items: SequencedInput[],
    authoritative: boolean,
    trace: CallTrace | undefined,
  ): Promise<SequencedOutcome[]> {
    const first = items[0]!.sequence;
    if (first > stored.lastSequence + 1) {
      if (!authoritative) throw new StaleHeadError();
      throw new PreconditionError(
        `sequence ${first} skips ahead - the next expected sequence for instance ${id} is ${stored.lastSequence + 1}`,
      );
    }
    const replays = items.filter((i) => i.sequence <= stored.lastSequence);
    const fresh = items.filter((i) => i.sequence > stored.lastSequence);
    const replayed = await this.replay(tenant, id, replays);
    if (fresh.length === 0) return replayed;
    const governance = await this.governance(tenant, id);
    const { outcomes } = await this.commitWithRetry(
      tenant,
      id,
      (current) => {
        if (current.lastSequence !== stored.lastSequence) {
          if (!authoritative) throw new StaleHeadError();
          throw new PreconditionError(`instance ${id} was processed by another session concurrently - reopen the session`);
        }
        return this.runCycles(tenant, id, current, fresh.map((i) => i.observation), fresh.map((i) => i.sequence), governance, trace);
      },
      undefined,
      trace,
    );
    this.metrics?.cycles(outcomes);
    return [
      ...replayed,
      ...outcomes.map((outcome, i) => ({ sequence: fresh[i]!.sequence, outcome, replayed: false })),
    ];
  }

  private async replay(tenant: string, id: string, items: SequencedInput[]): Promise<SequencedOutcome[]> {
    if (items.length === 0) return [];
    const from = items[0]!.sequence;
    const to = items[items.length - 1]!.sequence;
    const entries = await this.store.historyBySequence(tenant, id, from, to);
    const bySequence = new Map(entries.map((e) => [e.sequence, e.result]));
    return items.map((i) => {
      const outcome = bySequence.get(i.sequence);
      if (!outcome) {
        throw new PreconditionError(`sequence ${i.sequence} was processed but its outcome is no longer kept (the agent was reset)`);
      }
      return { sequence: i.sequence, outcome, replayed: true };
    });
  }

  private runCycles(
    tenant: string,
    id: string,
    stored: StoredState,
    observations: ObservationInput[],
    sequences: number[] | null,
    governance: Governance,
    trace: CallTrace | undefined,
  ): { state: EngineState; outcomes: RecordedOutcome[]; commit: CycleCommit } {
    const { compiled, shadow: shadowVersion, failure, closed } = this.governed(id, governance, stored);
    const at = this.now();
    const revision = stored.revision + 1;
    const commit = this.emptyCommit(tenant, id, stored, stored.state);
    const outcomes: RecordedOutcome[] = [];
    let state = stored.state;
    const enforcer = compiled ? new BatchEnforcer(compiled, stored.enforcement) : null;
    let shadow: ShadowState | null = stored.rollout?.shadow ?? null;
    let chain = stored.auditHead ?? GENESIS;
    observations.forEach((obs, seq) => {
      const r = tracedCycle(trace, obs.mode, () => runCycle(state, obs, this.config));
      state = r.state;
      // A shadow version starting now needs the enforced state before this cycle: a copy, since
      // the batch's enforcement state advances in place.
      const enforcedBefore = shadowVersion && !continuesShadow(shadowVersion, shadow) ? enforcedState(enforcer, stored) : undefined;
      let contract: EnforcedContract = r.contract;
      if (failure !== null) contract = failClosed(r.contract, failure);
      else if (enforcer) {
        try {
          contract = enforcer.step(obs, r.contract);
        } catch (err) {
          // Fail closed: the enforcement state stays as it was, the agent gets the safe actions.
          if (!closed) throw err;
          contract = failClosed(r.contract, `enforcement failed: ${messageOf(err)}`);
        }
      }
      // Shadow mode: the same inputs through the shadow version; only contract.shadow is written.
      if (shadowVersion) {
        const evaluated = shadowCycle(shadowVersion, shadow, enforcedBefore, obs, r.contract, contract);
        shadow = evaluated.state;
        contract.shadow = evaluated.section;
      } else shadow = null;
      contract.engineVersionHash = this.engineVersion; // both are fresh objects of this cycle
      const outcome: RecordedOutcome = {
        contract,
        drift: r.drift,
        driftEvent: r.driftEvent,
        rolledBack: r.rolledBack,
        revision,
      };
      outcomes.push(outcome);
      const entry: HistoryEntry = {
        instanceId: id,
        revision,
        seq,
        sequence: sequences ? sequences[seq]! : null,
        cycle: r.state.cycleCount,
        mode: obs.mode,
        signalStrength: obs.signalStrength,
        confidence: obs.confidence,
        context: obs.context,
        action: obs.action,
        target: obs.target,
        outcome: obs.outcome,
        ...(obs.amount !== undefined && obs.amount !== null ? { amount: obs.amount } : {}),
        observedAtMs: obs.observedAtMs,
        processedAtMs: at,
        result: outcome,
      };
      // Chained in the same commit: the hash is stored with the entry it covers.
      chain = entry.hash = cycleHash(chain, entry, r.state, outcome);
      commit.history.push(entry);
      if (r.driftEvent) {
        commit.driftEvents.push({ instanceId: id, revision, seq: commit.driftEvents.length, event: r.driftEvent, createdAtMs: at });
      }
      if (r.snapshot) {
        commit.snapshots.push({ instanceId: id, revision, seq: commit.snapshots.length, snapshot: r.snapshot, createdAtMs: at });
      }
    });
    commit.state = state;
    commit.enforcement = enforcer ? enforcer.state : stored.enforcement;
    setRollout(commit, stored.rollout?.promoted ?? 0, shadow);
    commit.audit = { head: chain, reset: null };
    if (sequences) commit.lastSequence = sequences[sequences.length - 1]!;
    return { state, outcomes, commit };
  }

  /**
   * Resets the engine state. INITIAL also clears contract enforcement (window, trust, violations);
   * LAST_SNAPSHOT keeps it, as observed history stays history.
   */
  async reset(
    tenant: string,
    id: string,
    target: ResetTarget,
    request?: WriteRequest,
    trace?: CallTrace,
  ): Promise<{ contract: ExecutionContract; revision: number }> {
    return this.mutex.run(tenantKey(tenant, id), async () => {
      const instance = await this.getInstance(tenant, id);
      const snap = target === "initial" ? null : await this.store.latestSnapshot(tenant, id);
      if (target === "last_snapshot" && !snap) {
        throw new PreconditionError(`instance ${id} has no stable snapshot yet - reset to INITIAL instead`);
      }
      const governance = await this.governance(tenant, id);
      const committed = await this.commitWithRetry(
        tenant,
        id,
        (stored) => {
          // From the head this commit builds on, so a replay of the log computes the same state.
          const next = snap ? restoreSnapshot(stored.state, snap.snapshot) : initialState(instance.profile);
          const commit = this.emptyCommit(tenant, id, stored, next);
          if (target === "initial") {
            delete commit.enforcement;
            setRollout(commit, stored.rollout?.promoted ?? 0, null); // promotions stay: they are the operator's, not the agent's
          }
          const reset = {
            target,
            snapshot: snap ? { revision: snap.revision, seq: snap.seq } : null,
            engineVersion: this.engineVersion,
          };
          const hash = resetHash(stored.auditHead ?? GENESIS, stored.revision + 1, commit.committedAtMs, reset, next);
          commit.audit = { head: hash, reset: { ...reset, hash } };
          // Computed before the commit so that a repeat of the request gets exactly this answer.
          const contract = this.standingContract(next, commit.enforcement, this.governed(id, governance, stored));
          return { contract, commit, reply: JSON.stringify(contract) };
        },
        request,
        trace,
      );
      if (committed.replay) {
        return { contract: JSON.parse(committed.replay.reply ?? "null") as ExecutionContract, revision: committed.replay.revision };
      }
      return { contract: committed.contract, revision: committed.revision };
    });
  }

  /**
   * Makes the agent's shadow version the enforced one from its next cycle: a commit of its own,
   * chained like a reset, that records the promotion in the agent's state (so every replica sees
   * it with the agent's head) and drops the shadow evaluation. `expected` 0 accepts any version.
   */
  async promote(
    tenant: string,
    id: string,
    expected: number,
    trace?: CallTrace,
  ): Promise<{ contract: BehavioralContract; promotion: PromotionRecord; revision: number }> {
    return this.mutex.run(tenantKey(tenant, id), async () => {
      await this.getInstance(tenant, id);
      const rollout = await this.rolloutOf(tenant, id, true);
      const closed = this.failClosedPolicy?.applies(tenant, id) ?? false;
      const committed = await this.commitWithRetry(
        tenant,
        id,
        (stored) => {
          const g = governing(rollout, stored.rollout?.promoted ?? 0);
          if (!g.shadow) throw new PreconditionError(`instance ${id} has no shadow contract version to promote - put one with mode SHADOW first`);
          const version = g.shadow.contract.version;
          if (expected !== 0 && expected !== version) {
            throw new PreconditionError(`version ${expected} is not the shadow version of ${id} - its shadow version is ${version}`);
          }
          if (closed && g.shadow.seal !== "valid") {
            throw new PreconditionError(
              `shadow version ${version} does not verify against the trusted keys (${g.shadow.seal ?? "unchecked"}) and ${id} fails closed - put it sealed`,
            );
          }
          const commit = this.emptyCommit(tenant, id, stored, stored.state);
          setRollout(commit, version, null);
          const link = { contractId: g.shadow.contract.contractId, version, versionHash: g.shadow.versionHash, previous: g.enforced?.contract.version ?? 0 };
          const hash = promotionHash(stored.auditHead ?? GENESIS, stored.revision + 1, commit.committedAtMs, link);
          const promotion: PromotionRecord = { ...link, hash };
          commit.audit = { head: hash, reset: null, promotion };
          return { commit, promotion, contract: g.shadow.contract };
        },
        undefined,
        trace,
      );
      return { contract: committed.contract, promotion: committed.promotion, revision: committed.revision };
    });
  }

  /**
   * Replays the agent's whole commit log from its initial state (see src/audit/verify.ts) and
   * reports the first difference. Reads the head first, so commits made meanwhile are not checked.
   */
  async verifyHistory(
    tenant: string,
    id: string,
  ): Promise<VerifyProgress & { difference: Difference | null; revision: number; engineVersion: string }> {
    const instance = await this.getInstance(tenant, id);
    const head = await this.getState(tenant, id);
    const versions = new Map<number, CompiledContract | null>();
    const replay = new HistoryReplay({
      initial: initialState(instance.profile),
      config: this.config,
      engineVersion: this.engineVersion,
      contractVersion: (v) => versions.get(v) ?? null,
    });
    let after = 0;
    let difference: Difference | null = null;
    while (after < head.revision && !difference) {
      const commits = await this.store.readLog(tenant, id, after, Math.min(VERIFY_PAGE, head.revision - after));
      if (commits.length === 0) break;
      for (const commit of commits) {
        const used = commit.history.flatMap((entry) => {
          const c = entry.result.contract as EnforcedContract;
          return [c.enforcement?.contractVersion, c.shadow?.contractVersion];
        });
        if (commit.audit?.promotion) used.push(commit.audit.promotion.version);
        for (const v of used) {
          if (v !== undefined && !versions.has(v)) {
            const contract = await this.store.contracts.contractVersion(tenant, id, v);
            versions.set(v, contract && compileContract(contract));
          }
        }
        difference = replay.step(commit);
        after = commit.revision;
        if (difference) break;
      }
    }
    difference ??= replay.finish(head);
    return { ...replay.progress, difference, revision: head.revision, engineVersion: this.engineVersion };
  }

  listHistory(tenant: string, id: string, page: PageRequest): Promise<Page<HistoryEntry>> {
    return this.listingOf(tenant, id, () => this.store.listHistory(tenant, id, page));
  }

  listDriftEvents(tenant: string, id: string, page: PageRequest): Promise<Page<DriftEventRecord>> {
    return this.listingOf(tenant, id, () => this.store.listDriftEvents(tenant, id, page));
  }

  listSnapshots(tenant: string, id: string, page: PageRequest): Promise<Page<SnapshotRecord>> {
    return this.listingOf(tenant, id, () => this.store.listSnapshots(tenant, id, page));
  }

  /** A listing of an agent that does not exist (or is another tenant's) is NOT_FOUND, not an empty page. */
  private async listingOf<T>(tenant: string, id: string, list: () => Promise<Page<T>>): Promise<Page<T>> {
    await this.getInstance(tenant, id);
    return list();
  }

  /**
   * Load, compute, commit; on a lost race with another writer, reload and compute again. With a
   * request id, every attempt first looks the id up (after loading the head, which on MongoDB
   * rolls the newest commit's request record forward): a commit of the same id, here or on
   * another replica, is answered instead of processing again. Two racing attempts of one id
   * cannot both commit: they compete for the same revision, and the loser finds the winner's id.
   */
  private commitWithRetry<T extends { commit: CycleCommit; reply?: string }>(
    tenant: string,
    id: string,
    step: (stored: StoredState) => T,
    request: undefined,
    trace: CallTrace | undefined,
  ): Promise<T & { revision: number }>;
  private commitWithRetry<T extends { commit: CycleCommit; reply?: string }>(
    tenant: string,
    id: string,
    step: (stored: StoredState) => T,
    request: WriteRequest | undefined,
    trace: CallTrace | undefined,
  ): Promise<Committed<T>>;
  private async commitWithRetry<T extends { commit: CycleCommit; reply?: string }>(
    tenant: string,
    id: string,
    step: (stored: StoredState) => T,
    request: WriteRequest | undefined,
    trace: CallTrace | undefined,
  ): Promise<Committed<T>> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const head = (attempt === 1 && this.heads.get(tenant, id)) || (await this.getState(tenant, id));
      if (request) {
        const earlier = await this.store.findRequest(tenant, id, request.id);
        if (earlier) {
          if (earlier.fingerprint !== request.fingerprint) throw new RequestIdReusedError(request.id, id);
          return { replay: earlier };
        }
      }
      const computed = step(head);
      if (request) computed.commit.request = { id: request.id, fingerprint: request.fingerprint, reply: computed.reply ?? null };
      const started = performance.now();
      const took = (result: "ok" | "conflict" | "error") =>
        this.metrics?.commit((performance.now() - started) / 1000, result, computed.commit.history.length);
      try {
        const committed = await tracedCommit(trace, computed.commit.history.length, attempt, () => this.store.commit(computed.commit));
        took("ok");
        this.heads.set(tenant, id, committed);
        return { ...computed, revision: committed.revision };
      } catch (err) {
        this.heads.forget(tenant, id);
        const conflict = err instanceof RevisionConflictError;
        took(conflict ? "conflict" : "error");
        if (!conflict) throw err;
      }
    }
    throw new ContentionError(id, this.maxAttempts);
  }

  private emptyCommit(tenant: string, id: string, stored: StoredState, state: EngineState): CycleCommit {
    return {
      tenant,
      instanceId: id,
      expectedRevision: stored.revision,
      state,
      lastSequence: stored.lastSequence,
      ...(stored.enforcement ? { enforcement: stored.enforcement } : {}),
      ...(stored.rollout ? { rollout: stored.rollout } : {}),
      history: [],
      driftEvents: [],
      snapshots: [],
      committedAtMs: this.now(),
    };
  }
}

/** The rollout a commit leaves: absent while the agent has neither a promotion nor a shadow evaluation. */
function setRollout(commit: CycleCommit, promoted: number, shadow: ShadowState | null): void {
  if (promoted > 0 || shadow) commit.rollout = { promoted, shadow };
  else delete commit.rollout;
}

/** Commits read per page when verifying a history. */
const VERIFY_PAGE = 256;

/** Whether the shadow state continues this shadow version (shadowCycle then ignores the enforced state). */
function continuesShadow(version: CompiledContract, shadow: ShadowState | null): boolean {
  return shadow !== null && shadow.counts.contractId === version.contract.contractId && shadow.counts.contractVersion === version.contract.version;
}

/** A copy of the enforced state as it stands (before this cycle's step). */
function enforcedState(enforcer: BatchEnforcer | null, stored: StoredState): EnforcementState | undefined {
  const state = enforcer ? enforcer.state : stored.enforcement;
  return state && jsonCopy(state);
}

/** The cached head disagreed with what the store holds; read the store and decide again. */
class StaleHeadError extends Error {}

/** A batch's sequence numbers must be consecutive. */
function checkContiguous(items: SequencedInput[]): void {
  for (let i = 1; i < items.length; i++) {
    if (items[i]!.sequence !== items[i - 1]!.sequence + 1) {
      throw new PreconditionError(
        `batch sequences must be consecutive - ${items[i]!.sequence} follows ${items[i - 1]!.sequence}`,
      );
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function notFound(id: string): never {
  throw new NotFoundError(`instance ${id}`);
}
