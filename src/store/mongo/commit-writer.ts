// The commit protocol. (1) Inserting the cycles doc for revision expected+1 is the commit point:
// the unique (tenant, instanceId, revision) key lets exactly one writer take each revision, and since
// revisions are gapless a stale expected revision always finds its successor taken. The doc holds
// the commit's history, so a commit without drift events or snapshots is complete here. (2) Then
// any drift event and snapshot documents are inserted (idempotent ids). Only then is the caller
// released. Both steps are plain inserts, so many agents' commits share one insertMany each.
import type { Db } from "mongodb";
import type { Logger } from "../../logger.js";
import { RevisionConflictError, type CycleCommit, type StoredState } from "../types.js";
import { commitRecords } from "../commit-records.js";
import { tenantKey } from "../tenant.js";
import {
  agentDocId,
  collections,
  cycleDoc,
  cycleId,
  headOfCycle,
  recordCollections,
  recordDocs,
  requestDocs,
  storedStateOf,
  type CycleDoc,
  type Head,
  type InstanceDoc,
  type RecordCollection,
  type RecordDoc,
} from "./documents.js";
import { DUPLICATE_KEY, guarded, isUnreachable, unavailable } from "./failures.js";
import { GroupCommitter } from "./group-commit.js";
import type { HeadCache } from "./head-cache.js";
import { applyRecords, writeCheckpoints, writeErrorsOf } from "./projections.js";

export interface CommitWriterOptions {
  groupCommit: boolean;
  maxBatchSize: number;
  maxInFlightBatches: number;
  checkpointEvery: number;
}

interface Pending {
  cycle: CycleDoc;
  records: Record<RecordCollection, RecordDoc[]>;
  expectedRevision: number;
  resolve: (state: StoredState) => void;
  reject: (err: unknown) => void;
}

/** Counters for benchmarks and tests: how well commits are being grouped. */
export interface CommitStats {
  /** Commits that reached the commit point (won or lost). */
  commits: number;
  /** Round trips that wrote commit points. */
  batches: number;
}

export class CommitWriter {
  readonly #group: GroupCommitter<Pending>;
  /** Checkpoints waiting to be written, newest head per agent. */
  readonly #dueCheckpoints = new Map<string, Head>();
  #checkpointing: Promise<void> | null = null;
  readonly stats: CommitStats = { commits: 0, batches: 0 };

  constructor(
    private readonly db: Db,
    private readonly cache: HeadCache,
    private readonly options: CommitWriterOptions,
    private readonly logger: Pick<Logger, "warn"> | undefined,
  ) {
    this.#group = options.groupCommit
      ? new GroupCommitter((batch) => this.#write(batch), options.maxBatchSize, options.maxInFlightBatches)
      : new GroupCommitter((batch) => this.#write(batch), 1, Infinity);
  }

  async commit(commit: CycleCommit): Promise<StoredState> {
    // Encoded before any await, so the caller may reuse its objects as soon as this returns.
    const records = commitRecords(commit);
    const cycle = cycleDoc(commit, records);
    const pending = {
      cycle,
      records: { ...recordDocs(commit.tenant, commit.instanceId, records.revision, records), requests: requestDocs(cycle) },
    };
    await this.#checkExpected(commit.tenant, commit.instanceId, commit.expectedRevision);
    return new Promise((resolve, reject) =>
      this.#group.submit({ ...pending, expectedRevision: commit.expectedRevision, resolve, reject }),
    );
  }

  /** Waits for queued and in-flight commits and checkpoints. */
  async drain(): Promise<void> {
    await this.#group.drained();
    await this.#checkpointing;
  }

  /**
   * The unique key catches an expected revision that is behind; this catches one that is ahead
   * of the log (or an agent that does not exist, or belongs to another tenant), which would
   * otherwise leave a gap. The cache and the `_id`s read are tenant-scoped.
   */
  async #checkExpected(tenant: string, instanceId: string, expected: number): Promise<void> {
    const conflict = () => new RevisionConflictError(instanceId, expected);
    if (!Number.isSafeInteger(expected) || expected < 0) throw conflict();
    const cached = this.cache.get(tenant, instanceId);
    if (cached?.revision === expected) return;
    if (cached && expected < cached.revision) throw conflict();
    const predecessor = await guarded<unknown>(() =>
      expected === 0
        ? this.db
            .collection<InstanceDoc>(collections.instances)
            .findOne({ _id: agentDocId(tenant, instanceId) }, { projection: { _id: 1 } })
        : this.db
            .collection<CycleDoc>(collections.cycles)
            .findOne({ _id: cycleId(tenant, instanceId, expected) }, { projection: { _id: 1 } }),
    );
    if (!predecessor) throw conflict();
  }

  /** Writes one batch and settles every item in it; never rejects. */
  async #write(batch: Pending[]): Promise<void> {
    let open = batch;
    try {
      const committed = await this.#insertCycles(batch);
      open = committed;
      await applyRecords(this.db, mergeRecords(committed));
      const heads = committed.map((item) => headOfCycle(item.cycle));
      for (const [i, item] of committed.entries()) {
        const head = heads[i] as Head;
        this.cache.advance(head);
        item.resolve(storedStateOf(head));
      }
      this.#checkpoint(heads.filter((head) => head.revision % this.options.checkpointEvery === 0));
    } catch (err) {
      // The outcome of these commits is unknown to us; the next load finds out from the log.
      const failure = isUnreachable(err) ? unavailable(err) : err;
      for (const item of open) {
        this.cache.forget(item.cycle.tenant, item.cycle.instanceId);
        item.reject(failure);
      }
    }
  }

  /** The commit point. Settles the items that lost their revision; returns the ones that won. */
  async #insertCycles(batch: Pending[]): Promise<Pending[]> {
    let errors: Map<number, number>;
    this.stats.commits += batch.length;
    this.stats.batches++;
    try {
      await this.db.collection<CycleDoc>(collections.cycles).insertMany(
        batch.map((item) => item.cycle),
        { ordered: false },
      );
      return batch;
    } catch (err) {
      errors = writeErrorsOf(err, batch.length);
    }
    return batch.filter((item, i) => {
      const code = errors.get(i);
      if (code === undefined) return true;
      this.cache.forget(item.cycle.tenant, item.cycle.instanceId);
      item.reject(
        code === DUPLICATE_KEY
          ? new RevisionConflictError(item.cycle.instanceId, item.expectedRevision)
          : new Error(`commit of ${item.cycle._id} was refused by the database (code ${code})`),
      );
      return false;
    });
  }

  /**
   * Checkpoints are an optimisation for cold loads: not awaited by callers, only by drain(). One
   * write at a time, because FerretDB's updates are not atomic and two in flight for one agent can
   * leave the older head; heads that come due meanwhile are coalesced, newest per agent.
   */
  #checkpoint(heads: Head[]): void {
    for (const head of heads) {
      const key = tenantKey(head.tenant, head.instanceId);
      const due = this.#dueCheckpoints.get(key);
      if (!due || due.revision < head.revision) this.#dueCheckpoints.set(key, head);
    }
    if (this.#dueCheckpoints.size > 0 && !this.#checkpointing) this.#checkpointing = this.#writeDueCheckpoints();
  }

  /** Only started with heads due, so it awaits before it can clear #checkpointing. */
  async #writeDueCheckpoints(): Promise<void> {
    while (this.#dueCheckpoints.size > 0) {
      const heads = [...this.#dueCheckpoints.values()];
      this.#dueCheckpoints.clear();
      await writeCheckpoints(this.db, heads).catch((err: unknown) =>
        this.logger?.warn({ err }, "states checkpoint not written; loads will roll forward further"),
      );
    }
    // In the same step as the emptiness check, so no head can be left behind.
    this.#checkpointing = null;
  }
}

function mergeRecords(items: Pending[]): Record<RecordCollection, RecordDoc[]> {
  const merged = { drift: [], snapshots: [], requests: [] } as Record<RecordCollection, RecordDoc[]>;
  for (const item of items) for (const name of recordCollections) merged[name].push(...item.records[name]);
  return merged;
}
