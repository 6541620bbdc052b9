// MongoDB-backed Store: connectMongoStore() is the only way in.
import { MongoClient, type WriteConcernSettings } from "mongodb";
import type { Logger } from "../../logger.js";
import { ensureIndexes } from "./indexes.js";
import { guarded } from "./failures.js";
import { MongoStore } from "./store.js";
import { DEFAULT_REQUEST_RETENTION_MS } from "../types.js";

export { MongoStore } from "./store.js";
export type { CommitStats } from "./commit-writer.js";

export interface MongoStoreOptions {
  uri: string;
  dbName: string;
  logger?: Pick<Logger, "warn">;
  /** Batch commits from concurrent callers into shared round trips (default true). */
  groupCommit?: boolean;
  /** Most commits per batch (default 512). */
  maxBatchSize?: number;
  /** Most batches being written at once (default 4). */
  maxInFlightBatches?: number;
  /** How long an operation waits for a reachable server before failing (default 2000). */
  serverSelectionTimeoutMS?: number;
  /** Default 2000. */
  connectTimeoutMS?: number;
  /** Bound on a single round trip to a server that stopped answering (default 10000). */
  socketTimeoutMS?: number;
  /** How often the driver checks the server, and so how fast health changes are seen (default 1000). */
  heartbeatFrequencyMS?: number;
  /** Write the states checkpoint every this many revisions (default 64). */
  checkpointEvery?: number;
  /** Agents whose latest revision is remembered in-process (default 10000). */
  headCacheSize?: number;
  /** Default 20. */
  maxPoolSize?: number;
  /** Default { w: "majority", journal: true }: a commit is acknowledged only once durable. */
  writeConcern?: WriteConcernSettings;
  /** Request ids are kept at least this long (default 24 h; docs/idempotency.md). */
  requestRetentionMs?: number;
}

/** Connects, creates the indexes, and returns the store; StoreUnavailableError if unreachable. */
export async function connectMongoStore(options: MongoStoreOptions): Promise<MongoStore> {
  const client = new MongoClient(options.uri, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 2000,
    connectTimeoutMS: options.connectTimeoutMS ?? 2000,
    socketTimeoutMS: options.socketTimeoutMS ?? 10_000,
    heartbeatFrequencyMS: options.heartbeatFrequencyMS ?? 1000,
    maxPoolSize: options.maxPoolSize ?? 20,
    writeConcern: options.writeConcern ?? { w: "majority", journal: true },
  });
  try {
    await guarded(async () => {
      await client.connect();
      await ensureIndexes(client.db(options.dbName));
    });
  } catch (err) {
    await client.close().catch(() => {});
    throw err;
  }
  return new MongoStore(client, client.db(options.dbName), {
    groupCommit: options.groupCommit ?? true,
    maxBatchSize: options.maxBatchSize ?? 512,
    maxInFlightBatches: options.maxInFlightBatches ?? 4,
    checkpointEvery: options.checkpointEvery ?? 64,
    headCacheSize: options.headCacheSize ?? 10_000,
    logger: options.logger,
    requestRetentionMs: options.requestRetentionMs ?? DEFAULT_REQUEST_RETENTION_MS,
  });
}
