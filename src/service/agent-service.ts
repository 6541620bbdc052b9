// The imperative shell around the engine: load an agent's state, fold observations through the
// pure engine, commit the result durably, and only then hand the outcome back.
import {
  initialState,
  process as runCycle,
  contractOf,
  type CycleResult,
  type EngineConfig,
  type EngineState,
  type ExecutionContract,
  type IdentityProfile,
  type Mode,
} from "../engine/index.js";
import {
  RevisionConflictError,
  type CycleCommit,
  type DriftEventRecord,
  type HistoryEntry,
  type InstanceRecord,
  type Page,
  type PageRequest,
  type SnapshotRecord,
  type Store,
  type StoredState,
} from "../store/types.js";
import { ContentionError, NotFoundError, PreconditionError } from "./errors.js";
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
}

export interface CycleOutcome {
  result: CycleResult;
  /** The agent's revision once this outcome was committed. */
  revision: number;
}

export interface NewInstance {
  name: string;
  description: string;
  profile: IdentityProfile;
  labels: Record<string, string>;
}

export interface AgentServiceOptions {
  store: Store;
  engineConfig: EngineConfig;
  now: () => number;
  newId: () => string;
  /** How often one call reloads and retries after losing a race to another writer. */
  maxCommitAttempts?: number;
}

export type ResetTarget = "initial" | "last_snapshot";

export class AgentService {
  private readonly store: Store;
  private readonly config: EngineConfig;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly maxAttempts: number;
  private readonly mutex = new KeyedMutex();

  constructor(options: AgentServiceOptions) {
    this.store = options.store;
    this.config = options.engineConfig;
    this.now = options.now;
    this.newId = options.newId;
    this.maxAttempts = options.maxCommitAttempts ?? 8;
  }

  async createInstance(input: NewInstance): Promise<InstanceRecord> {
    const at = this.now();
    const record: InstanceRecord = { id: this.newId(), ...input, createdAtMs: at, updatedAtMs: at };
    await this.store.createInstance(record, initialState(input.profile));
    return record;
  }

  async getInstance(id: string): Promise<InstanceRecord> {
    return (await this.store.getInstance(id)) ?? notFound(id);
  }

  listInstances(page: PageRequest): Promise<Page<InstanceRecord>> {
    return this.store.listInstances(page);
  }

  async updateInstance(
    id: string,
    patch: Partial<Pick<InstanceRecord, "name" | "description" | "labels">>,
  ): Promise<InstanceRecord> {
    return this.mutex.run(id, async () => {
      const current = await this.getInstance(id);
      const updated = await this.store.updateInstance(id, {
        name: patch.name ?? current.name,
        description: patch.description ?? current.description,
        labels: patch.labels ?? current.labels,
        updatedAtMs: this.now(),
      });
      return updated ?? notFound(id);
    });
  }

  async deleteInstance(id: string): Promise<void> {
    await this.mutex.run(id, async () => {
      if (!(await this.store.deleteInstance(id))) notFound(id);
    });
  }

  async getState(id: string): Promise<StoredState> {
    return (await this.store.loadState(id)) ?? notFound(id);
  }

  async getContract(id: string): Promise<ExecutionContract> {
    return contractOf((await this.getState(id)).state, this.config);
  }

  /**
   * Processes observations in order and commits them together. Returns one outcome per
   * observation; none of them is visible to anyone before all are durable.
   */
  process(id: string, observations: ObservationInput[]): Promise<CycleOutcome[]> {
    return this.mutex.run(id, () =>
      this.commitWithRetry(id, (stored) => {
        const results: CycleResult[] = [];
        let state = stored.state;
        for (const obs of observations) {
          const result = runCycle(state, obs, this.config);
          results.push(result);
          state = result.state;
        }
        return { state, results, commit: this.cycleCommit(id, stored, results, observations) };
      }),
    ).then(({ results, revision }) => results.map((result) => ({ result, revision })));
  }

  async reset(id: string, target: ResetTarget): Promise<{ contract: ExecutionContract; revision: number }> {
    const { state, revision } = await this.mutex.run(id, async () => {
      const instance = await this.getInstance(id);
      let next: EngineState;
      if (target === "initial") {
        next = initialState(instance.profile);
      } else {
        const snap = await this.store.latestSnapshot(id);
        if (!snap) throw new PreconditionError(`instance ${id} has no stable snapshot yet; reset to INITIAL instead`);
        next = snap.snapshot.state;
      }
      return this.commitWithRetry(id, (stored) => ({
        state: next,
        results: [],
        commit: this.emptyCommit(id, stored, next),
      }));
    });
    return { contract: contractOf(state, this.config), revision };
  }

  listHistory(id: string, page: PageRequest): Promise<Page<HistoryEntry>> {
    return this.listingOf(id, () => this.store.listHistory(id, page));
  }

  listDriftEvents(id: string, page: PageRequest): Promise<Page<DriftEventRecord>> {
    return this.listingOf(id, () => this.store.listDriftEvents(id, page));
  }

  listSnapshots(id: string, page: PageRequest): Promise<Page<SnapshotRecord>> {
    return this.listingOf(id, () => this.store.listSnapshots(id, page));
  }

  /** A listing of an agent that does not exist is NOT_FOUND, not an empty page. */
  private async listingOf<T>(id: string, list: () => Promise<Page<T>>): Promise<Page<T>> {
    await this.getInstance(id);
    return list();
  }

  private async commitWithRetry(
    id: string,
    step: (stored: StoredState) => { state: EngineState; results: CycleResult[]; commit: CycleCommit },
  ): Promise<{ state: EngineState; results: CycleResult[]; revision: number }> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const stored = await this.getState(id);
      const { state, results, commit } = step(stored);
      try {
        const committed = await this.store.commit(commit);
        return { state, results, revision: committed.revision };
      } catch (err) {
        if (!(err instanceof RevisionConflictError)) throw err;
      }
    }
    throw new ContentionError(id, this.maxAttempts);
  }

  private emptyCommit(id: string, stored: StoredState, state: EngineState): CycleCommit {
    return {
      instanceId: id,
      expectedRevision: stored.revision,
      state,
      history: [],
      driftEvents: [],
      snapshots: [],
      committedAtMs: this.now(),
    };
  }

  private cycleCommit(
    id: string,
    stored: StoredState,
    results: CycleResult[],
    observations: ObservationInput[],
  ): CycleCommit {
    const at = this.now();
    const revision = stored.revision + 1;
    const commit = this.emptyCommit(id, stored, results[results.length - 1]?.state ?? stored.state);
    results.forEach((r, seq) => {
      const obs = observations[seq]!;
      commit.history.push({
        instanceId: id,
        revision,
        seq,
        cycle: r.state.cycle,
        mode: obs.mode,
        signalStrength: obs.signalStrength,
        confidence: obs.confidence,
        context: obs.context,
        action: obs.action,
        target: obs.target,
        outcome: obs.outcome,
        observedAtMs: obs.observedAtMs,
        processedAtMs: at,
      });
      if (r.driftEvent) {
        commit.driftEvents.push({ instanceId: id, revision, seq: commit.driftEvents.length, event: r.driftEvent, createdAtMs: at });
      }
      if (r.snapshot) {
        commit.snapshots.push({ instanceId: id, revision, seq: commit.snapshots.length, snapshot: r.snapshot, createdAtMs: at });
      }
    });
    return commit;
  }
}

function notFound(id: string): never {
  throw new NotFoundError(`instance ${id}`);
}
