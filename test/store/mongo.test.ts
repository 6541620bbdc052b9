// The shared contract against MongoStore on a real server (FerretDB unless MONGODB_URI is set).
import { afterAll, beforeAll } from "vitest";
import { connectMongoStore } from "../../src/store/mongo/index.js";
import { startMongoServer, type MongoServer } from "../support/mongo-server.js";
import { storeContract } from "./contract.js";

let server: MongoServer;
beforeAll(async () => {
  server = await startMongoServer();
});
afterAll(async () => {
  await server?.dispose();
});

// A database per test, so listInstances sees only that test's agents.
storeContract("mongo", () => connectMongoStore({ uri: server.uri, dbName: server.database("contract") }));
