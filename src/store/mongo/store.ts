// The Store over MongoDB (and FerretDB 1.x): reads, instance lifecycle, and wiring of the commit
// writer, head finder and health monitor. See docs/storage.md for the design. Every document
// carries its tenant and every filter names it (point reads through the tenant-scoped _id, see
// documents.ts): another tenant's agent reads as a missing one.
import type { Db, Filter, MongoClient } from "mongodb";
import type { EngineState } from "../../engine/index.js";
import type { Logger } from "../../logger.js";
import type {
  CommittedRequest,
  CycleCommit,
  DriftEventRecord,
  HistoryEntry,
  LoggedCommit,
  InstanceRecord,
  Page,
  PageRequest,
  SnapshotRecord,
  Store,
  StoredState,
} from "../types.js";
import { InstanceExistsError } from "../types.js";
import { CommitWriter, type CommitStats, type CommitWriterOptions } from "./commit-writer.js";
import {
  agentDocId,
  collections,
  cycleId,
  headOfInstance,
  historyOfCycle,
  instanceDoc,
  instanceFields,
  instanceOf,
  recordOf,
  requestDocId,
  stateDoc,
  storedStateOf,
  type CycleDoc,
  type InstanceDoc,
  type RecordCollection,
  type RequestData,
  type RecordDoc,
  type StateDoc,
} from "./documents.js";
import { MongoContractStore } from "./contracts.js";
import { MongoKeyStore } from "./keys.js";
import { guarded, isDuplicateKey } from "./failures.js";
import { HeadCache } from "./head-cache.js";
import { HealthMonitor } from "./health.js";
import { historyBySequence, listHistory, readLog } from "./history.js";
import { decodePageToken, encodePageToken, pageSizeOf } from "../page-token.js";
import { tenantKey } from "../tenant.js";
import { HeadFinder } from "./roll-forward.js";

export interface MongoStoreInternals extends CommitWriterOptions {
  headCacheSize: number;
  logger?: Pick<Logger, "warn">;
  /** Request ids are kept at least this long; a sweep deletes older ones (docs/idempotency.md). */
  requestRetentionMs: number;
}

/** How often the retention sweep runs: ids live between one and 1 + 1/24 retention windows. */
const SWEEPS_PER_WINDOW = 24;

export class MongoStore implements Store {
  readonly #cache: HeadCache;
  readonly #heads: HeadFinder;
  readonly #writer: CommitWriter;
  readonly #health: HealthMonitor;
  readonly #contracts: MongoContractStore;
  readonly #keys: MongoKeyStore;
  readonly #sweep: NodeJS.Timeout;
  readonly #requestRetentionMs: number;

  constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    options: MongoStoreInternals,
  ) {
    this.#cache = new HeadCache(options.headCacheSize);
    this.#heads = new HeadFinder(db, this.#cache, options.checkpointEvery);
    this.#writer = new CommitWriter(db, this.#cache, options, options.logger);
    this.#health = new HealthMonitor(client);
    this.#contracts = new MongoContractStore(db);
    this.#keys = new MongoKeyStore(db);
    this.#requestRetentionMs = options.requestRetentionMs;
    this.#sweep = setInterval(() => {
      this.sweepRequests(Date.now()).catch((err: unknown) => options.logger?.warn({ err }, "request id sweep failed; retrying later"));
    }, Math.max(1000, options.requestRetentionMs / SWEEPS_PER_WINDOW));
    this.#sweep.unref();
  }

  /** Deletes request ids committed more than the retention window before `nowMs`. */
  async sweepRequests(nowMs: number): Promise<void> {
    await guarded(() =>
      this.#records("requests").deleteMany({ committedAtMs: { $lt: nowMs - this.#requestRetentionMs } }),
    );
  }

  get contracts(): MongoContractStore {
    return this.#contracts;
  }

  get keys(): MongoKeyStore {
    return this.#keys;
  }

  createInstance(instance: InstanceRecord, state: EngineState): Promise<void> {
    return guarded(async () => {
      const doc = instanceDoc(instance, state);
      // The instance doc is the point of existence; the checkpoint follows (reads cope without it).
      await this.#instances()
        .insertOne(doc)
        .catch((err: unknown) => {
          throw isDuplicateKey(err) ? new InstanceExistsError(instance.id) : err;
        });
      const head = headOfInstance(doc);
      try {
        await this.#states().insertOne(stateDoc(head));
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Leftovers of an earlier agent with this id whose delete stopped half-way.
        await this.#removeAgentData(instance.tenant, instance.id);
        await this.#states().insertOne(stateDoc(head));
      }
      this.#cache.advance(head);
    });
  }

  getInstance(tenant: string, id: string): Promise<InstanceRecord | null> {
    return guarded(async () => {
      const doc = await this.#instances().findOne({ _id: agentDocId(tenant, id) }, { projection: instanceFields });
      return doc ? instanceOf(doc) : null;
    });
  }

  listInstances(tenant: string, page: PageRequest): Promise<Page<InstanceRecord>> {
    return guarded(async () => {
      const scope = tenantKey(tenant, "");
      const after = decodePageToken(page.pageToken, "instances", scope, ["number", "string"] as const);
      const size = pageSizeOf(page.pageSize);
      const filter: Filter<InstanceDoc> = after
        ? {
            tenant,
            $or: [{ createdAtMs: { $gt: after[0] } }, { createdAtMs: after[0], _id: { $gt: agentDocId(tenant, after[1]) } }],
          }
        : { tenant };
      const docs = await this.#instances()
        .find(filter, { projection: instanceFields })
        .sort({ createdAtMs: 1, _id: 1 })
        .limit(size + 1)
        .toArray();
      const items = docs.slice(0, size);
      const last = items.at(-1);
      return {
        items: items.map(instanceOf),
        nextPageToken: docs.length > size && last ? encodePageToken("instances", scope, [last.createdAtMs, last.instanceId]) : "",
      };
    });
  }

  updateInstance(
    tenant: string,
    id: string,
    patch: Pick<InstanceRecord, "name" | "description" | "labels" | "updatedAtMs">,
  ): Promise<InstanceRecord | null> {
    return guarded(async () => {
      // No projection here: FerretDB 1.x does not implement it for findAndModify.
      const doc = await this.#instances().findOneAndUpdate(
        { _id: agentDocId(tenant, id) },
        {
          $set: {
            name: patch.name,
            description: patch.description,
            labels: JSON.stringify(patch.labels),
            updatedAtMs: patch.updatedAtMs,
          },
        },
        { returnDocument: "after" },
      );
      return doc ? instanceOf(doc) : null;
    });
  }

  deleteInstance(tenant: string, id: string): Promise<boolean> {
    return guarded(async () => {
      // The instance doc goes first, so a delete that stops half-way leaves nothing visible;
      // retrying it (or re-creating the id) removes the rest. Another tenant's agent is not
      // touched: every delete below names the caller's tenant.
      const { deletedCount } = await this.#instances().deleteOne({ _id: agentDocId(tenant, id) });
      this.#cache.forget(tenant, id);
      await this.#removeAgentData(tenant, id);
      return deletedCount > 0;
    });
  }

  loadState(tenant: string, instanceId: string): Promise<StoredState | null> {
    return guarded(async () => {
      const head = await this.#heads.head(tenant, instanceId);
      return head ? storedStateOf(head) : null;
    });
  }

  commit(commit: CycleCommit): Promise<StoredState> {
    return this.#writer.commit(commit);
  }

  findRequest(tenant: string, instanceId: string, requestId: string): Promise<CommittedRequest | null> {
    return guarded(async () => {
      const doc = await this.#records("requests").findOne({ _id: requestDocId(tenant, instanceId, requestId) });
      if (!doc) return null;
      const cycle = await this.db
        .collection<CycleDoc>(collections.cycles)
        .findOne({ _id: cycleId(tenant, instanceId, doc.revision) }, { projection: { _id: 0, records: 1 } });
      if (!cycle) return null; // a delete that stopped half-way: the agent is gone
      const data = recordOf<RequestData>(doc);
      return {
        id: data.id,
        fingerprint: data.fingerprint,
        reply: data.reply,
        revision: doc.revision,
        committedAtMs: data.committedAtMs,
        outcomes: historyOfCycle(cycle).map((entry) => entry.result),
      };
    });
  }

  listHistory(tenant: string, instanceId: string, page: PageRequest): Promise<Page<HistoryEntry>> {
    return guarded(() => listHistory(this.db, tenant, instanceId, page));
  }

  readLog(tenant: string, instanceId: string, afterRevision: number, limit: number): Promise<LoggedCommit[]> {
    return guarded(() => readLog(this.db, tenant, instanceId, afterRevision, limit));
  }

  historyBySequence(tenant: string, instanceId: string, from: number, to: number): Promise<HistoryEntry[]> {
    return guarded(() => historyBySequence(this.db, tenant, instanceId, from, to));
  }

  listDriftEvents(tenant: string, instanceId: string, page: PageRequest): Promise<Page<DriftEventRecord>> {
    return this.#listRecords("drift", tenant, instanceId, page);
  }

  listSnapshots(tenant: string, instanceId: string, page: PageRequest): Promise<Page<SnapshotRecord>> {
    return this.#listRecords("snapshots", tenant, instanceId, page);
  }

  latestSnapshot(tenant: string, instanceId: string): Promise<SnapshotRecord | null> {
    return guarded(async () => {
      await this.#heads.head(tenant, instanceId);
      const doc = await this.#records("snapshots").findOne({ tenant, instanceId }, { sort: { revision: -1, seq: -1 } });
      return doc ? recordOf<SnapshotRecord>(doc) : null;
    });
  }

  /** Not part of Store: how commits have been grouped so far. */
  commitStats(): CommitStats {
    return { ...this.#writer.stats };
  }

  healthy(): boolean {
    return this.#health.healthy();
  }

  onHealthChange(listener: (healthy: boolean) => void): void {
    this.#health.onChange(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    await this.#writer.drain();
    this.#health.stop();
    await this.client.close();
  }

  #listRecords<T>(listing: "drift" | "snapshots", tenant: string, instanceId: string, page: PageRequest): Promise<Page<T>> {
    return guarded(async () => {
      const scope = tenantKey(tenant, instanceId);
      const after = decodePageToken(page.pageToken, listing, scope, ["number", "number"] as const);
      // The first page brings the agent's newest commit's drift events and snapshots into their
      // collections if a writer stopped before doing so; later pages only reach further back.
      if (!after) await this.#heads.head(tenant, instanceId);
      const size = pageSizeOf(page.pageSize);
      const filter: Filter<RecordDoc> = after
        ? { tenant, instanceId, $or: [{ revision: { $lt: after[0] } }, { revision: after[0], seq: { $lt: after[1] } }] }
        : { tenant, instanceId };
      const docs = await this.#records(listing).find(filter).sort({ revision: -1, seq: -1 }).limit(size + 1).toArray();
      const items = docs.slice(0, size);
      const last = items.at(-1);
      return {
        items: items.map((doc) => recordOf<T>(doc)),
        nextPageToken:
          docs.length > size && last ? encodePageToken(listing, scope, [last.revision, last.seq]) : "",
      };
    });
  }

  /** Everything but the instance doc; the states checkpoint last, as the mark that leftovers exist. */
  async #removeAgentData(tenant: string, id: string): Promise<void> {
    await Promise.all(
      [
        ...(["cycles", "drift", "snapshots", "requests"] as const).map((name) =>
          this.db.collection(collections[name]).deleteMany({ tenant, instanceId: id }),
        ),
        this.#contracts.deleteAgent(tenant, id),
      ],
    );
    await this.#states().deleteOne({ _id: agentDocId(tenant, id) });
    this.#cache.forget(tenant, id);
  }

  #instances() {
    return this.db.collection<InstanceDoc>(collections.instances);
  }

  #states() {
    return this.db.collection<StateDoc>(collections.states);
  }

  #records(listing: RecordCollection) {
    return this.db.collection<RecordDoc>(collections[listing]);
  }
}
