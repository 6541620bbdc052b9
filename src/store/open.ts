// Chooses the store: MongoDB when MONGODB_URI is set, otherwise the in-process store.
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { MemoryStore } from "./memory.js";
import type { Store } from "./types.js";

export async function openStore(config: Config, logger: Logger): Promise<Store> {
  if (!config.mongodbUri) {
    logger.warn("MONGODB_URI is not set: using the in-process store (state is lost on exit)");
    return new MemoryStore({ requestRetentionMs: config.requestRetentionMs });
  }
  // Loaded only when used, so the in-process configuration never pays for the driver.
  const { connectMongoStore } = await import("./mongo/index.js");
  return connectMongoStore({
    uri: config.mongodbUri,
    dbName: config.mongodbDatabase,
    logger,
    requestRetentionMs: config.requestRetentionMs,
  });
}
