// The Store over MongoDB (and FerretDB 1.x): reads, instance lifecycle, and wiring of the commit
// writer, head finder and health monitor. See docs/storage.md for the design.
import type { Db, Filter, MongoClient } from "mongodb";
import type { EngineState } from "../../engine/index.js";
import type { Logger } from "../../logger.js";
import type {
  CycleCommit,
  DriftEventRecord,
  HistoryEntry,
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
  collections,
  headOfInstance,
  instanceDoc,
  instanceFields,
  instanceOf,
  recordOf,
  stateDoc,
  storedStateOf,
  type InstanceDoc,
  type RecordCollection,
  type RecordDoc,
  type StateDoc,
} from "./documents.js";
import { MongoContractStore } from "./contracts.js";
import { guarded, isDuplicateKey } from "./failures.js";
import { HeadCache } from "./head-cache.js";
import { HealthMonitor } from "./health.js";
import { historyBySequence, listHistory } from "./history.js";
import { decodePageToken, encodePageToken, pageSizeOf } from "../page-token.js";
import { HeadFinder } from "./roll-forward.js";

export interface MongoStoreInternals extends CommitWriterOptions {
  headCacheSize: number;
  logger?: Pick<Logger, "warn">;
}

export class MongoStore implements Store {
  readonly #cache: HeadCache;
  readonly #heads: HeadFinder;
  readonly #writer: CommitWriter;
  readonly #health: HealthMonitor;
  readonly #contracts: MongoContractStore;

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
  }

  get contracts(): MongoContractStore {
    return this.#contracts;
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
        await this.#removeAgentData(instance.id);
        await this.#states().insertOne(stateDoc(head));
      }
      this.#cache.advance(head);
    });
  }

  getInstance(id: string): Promise<InstanceRecord | null> {
    return guarded(async () => {
      const doc = await this.#instances().findOne({ _id: id }, { projection: instanceFields });
      return doc ? instanceOf(doc) : null;
    });
  }

  listInstances(page: PageRequest): Promise<Page<InstanceRecord>> {
    return guarded(async () => {
      const after = decodePageToken(page.pageToken, "instances", "", ["number", "string"] as const);
      const size = pageSizeOf(page.pageSize);
      const filter: Filter<InstanceDoc> = after
        ? { $or: [{ createdAtMs: { $gt: after[0] } }, { createdAtMs: after[0], _id: { $gt: after[1] } }] }
        : {};
      const docs = await this.#instances()
        .find(filter, { projection: instanceFields })
        .sort({ createdAtMs: 1, _id: 1 })
        .limit(size + 1)
        .toArray();
      const items = docs.slice(0, size);
      const last = items.at(-1);
      return {
        items: items.map(instanceOf),
        nextPageToken: docs.length > size && last ? encodePageToken("instances", "", [last.createdAtMs, last._id]) : "",
      };
    });
  }

  updateInstance(
    id: string,
    patch: Pick<InstanceRecord, "name" | "description" | "labels" | "updatedAtMs">,
  ): Promise<InstanceRecord | null> {
    return guarded(async () => {
      // No projection here: FerretDB 1.x does not implement it for findAndModify.
      const doc = await this.#instances().findOneAndUpdate(
        { _id: id },
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

  deleteInstance(id: string): Promise<boolean> {
    return guarded(async () => {
      // The instance doc goes first, so a delete that stops half-way leaves nothing visible;
      // retrying it (or re-creating the id) removes the rest.
      const { deletedCount } = await this.#instances().deleteOne({ _id: id });
      this.#cache.forget(id);
      await this.#removeAgentData(id);
      return deletedCount > 0;
    });
  }

  loadState(instanceId: string): Promise<StoredState | null> {
    return guarded(async () => {
      const head = await this.#heads.head(instanceId);
      return head ? storedStateOf(head) : null;
    });
  }

  commit(commit: CycleCommit): Promise<StoredState> {
    return this.#writer.commit(commit);
  }

  listHistory(instanceId: string, page: PageRequest): Promise<Page<HistoryEntry>> {
    return guarded(() => listHistory(this.db, instanceId, page));
  }

  historyBySequence(instanceId: string, from: number, to: number): Promise<HistoryEntry[]> {
    return guarded(() => historyBySequence(this.db, instanceId, from, to));
  }

  listDriftEvents(instanceId: string, page: PageRequest): Promise<Page<DriftEventRecord>> {
    return this.#listRecords("drift", instanceId, page);
  }

  listSnapshots(instanceId: string, page: PageRequest): Promise<Page<SnapshotRecord>> {
    return this.#listRecords("snapshots", instanceId, page);
  }

  latestSnapshot(instanceId: string): Promise<SnapshotRecord | null> {
    return guarded(async () => {
      await this.#heads.head(instanceId);
      const doc = await this.#records("snapshots").findOne({ instanceId }, { sort: { revision: -1, seq: -1 } });
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
    await this.#writer.drain();
    this.#health.stop();
    await this.client.close();
  }

  #listRecords<T>(listing: RecordCollection, instanceId: string, page: PageRequest): Promise<Page<T>> {
    return guarded(async () => {
      const after = decodePageToken(page.pageToken, listing, instanceId, ["number", "number"] as const);
      // The first page brings the agent's newest commit's drift events and snapshots into their
      // collections if a writer stopped before doing so; later pages only reach further back.
      if (!after) await this.#heads.head(instanceId);
      const size = pageSizeOf(page.pageSize);
      const filter: Filter<RecordDoc> = after
        ? { instanceId, $or: [{ revision: { $lt: after[0] } }, { revision: after[0], seq: { $lt: after[1] } }] }
        : { instanceId };
      const docs = await this.#records(listing).find(filter).sort({ revision: -1, seq: -1 }).limit(size + 1).toArray();
      const items = docs.slice(0, size);
      const last = items.at(-1);
      return {
        items: items.map((doc) => recordOf<T>(doc)),
        nextPageToken:
          docs.length > size && last ? encodePageToken(listing, instanceId, [last.revision, last.seq]) : "",
      };
    });
  }

  /** Everything but the instance doc; the states checkpoint last, as the mark that leftovers exist. */
  async #removeAgentData(id: string): Promise<void> {
    await Promise.all(
      [
        ...(["cycles", "drift", "snapshots"] as const).map((name) =>
          this.db.collection(collections[name]).deleteMany({ instanceId: id }),
        ),
        this.#contracts.deleteAgent(id),
      ],
    );
    await this.#states().deleteOne({ _id: id });
    this.#cache.forget(id);
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
