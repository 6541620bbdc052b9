// Verified replay on the MongoDB store, against a real FerretDB: the history is written through
// the service, then its documents are changed, deleted, swapped and inserted straight through the
// driver, and a freshly started store (nothing cached) must find and name each change.
import { MongoClient, type Db } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentDocId, collections, cycleId, type CycleDoc, type StateDoc } from "../../src/store/mongo/documents.js";
import { connectMongoStore, type MongoStore } from "../../src/store/mongo/index.js";
import { startMongoServer, type MongoServer } from "../support/mongo-server.js";
import { TENANT, buildHistory, services } from "./history-builder.js";

let server: MongoServer;
let client: MongoClient;
let db: Db;
let dbName: string;
let id: string;
let head: number;
const open: MongoStore[] = [];

async function freshStore(): Promise<MongoStore> {
  const store = await connectMongoStore({ uri: server.uri, dbName });
  open.push(store);
  return store;
}

beforeAll(async () => {
  server = await startMongoServer();
  client = await new MongoClient(server.uri).connect();
  dbName = server.database("audit");
  db = client.db(dbName);
  const writer = await freshStore();
  const s = services(writer);
  ({ id } = await buildHistory(s.agents, s.registry));
  head = (await writer.loadState(TENANT, id))!.revision;
}, 120_000);

afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await client?.close();
  await server?.dispose();
});

const cycles = () => db.collection<CycleDoc>(collections.cycles);
const doc = async (revision: number) => (await cycles().findOne({ _id: cycleId(TENANT, id, revision) }))!;
const verify = async () => (await services(await freshStore()).agents.verifyHistory(TENANT, id)).difference;

/** Runs `change` on the stored documents, checks, then puts the originals back. */
async function tampered(revisions: number[], change: () => Promise<void>, check: () => Promise<void>): Promise<void> {
  const originals = await Promise.all(revisions.map(doc));
  await change();
  try {
    await check();
  } finally {
    for (const original of originals) await cycles().replaceOne({ _id: original._id }, original, { upsert: true });
  }
}

describe("VerifyHistory on FerretDB", () => {
  it("verifies the clean history from a freshly started store, across a rollback, resets and contract versions", async () => {
    expect(await verify()).toBeNull();
    const r = await services(await freshStore()).agents.verifyHistory(TENANT, id);
    expect(r).toMatchObject({ cycles: 300, resets: 2, revision: head });
    const checkpoint = await db.collection<StateDoc>(collections.states).findOne({ _id: agentDocId(TENANT, id) });
    expect(checkpoint!.auditHead).toMatch(/^[0-9a-f]{64}$/);
  });

  it("names a changed outcome in a cycles document", async () => {
    const rev = 70;
    await tampered(
      [rev],
      async () => {
        const d = await doc(rev);
        const records = JSON.parse(d.records);
        records.history[0].result.contract.energyLevel = 0.999;
        await cycles().updateOne({ _id: d._id }, { $set: { records: JSON.stringify(records) } });
      },
      async () => expect(await verify()).toMatchObject({ revision: rev, seq: 0, field: "outcome.contract.energyLevel", found: "0.999" }),
    );
  });

  it("names a changed observation in a cycles document", async () => {
    const rev = 12;
    await tampered(
      [rev],
      async () => {
        const d = await doc(rev);
        const records = JSON.parse(d.records);
        records.history[0].action = "write"; // was "delete"
        await cycles().updateOne({ _id: d._id }, { $set: { records: JSON.stringify(records) } });
      },
      async () => expect(await verify()).toMatchObject({ revision: rev, seq: 0 }),
    );
  });

  it("names a deleted cycles document", async () => {
    const rev = 20;
    await tampered(
      [rev],
      async () => void (await cycles().deleteOne({ _id: cycleId(TENANT, id, rev) })),
      async () => expect(await verify()).toMatchObject({ revision: rev, field: "revision", found: String(rev + 1) }),
    );
  });

  it("names two cycles documents swapped", async () => {
    await tampered(
      [30, 31],
      async () => {
        const [a, b] = [await doc(30), await doc(31)];
        await cycles().updateOne({ _id: a._id }, { $set: { records: b.records } });
        await cycles().updateOne({ _id: b._id }, { $set: { records: a.records } });
      },
      async () => expect(await verify()).toMatchObject({ revision: 30, seq: 0, field: "seq" }),
    );
  });

  it("names an inserted cycles document", async () => {
    const last = await doc(head);
    const forged = { ...last, _id: cycleId(TENANT, id, head + 1), revision: head + 1 };
    await cycles().insertOne(forged);
    try {
      expect(await verify()).toMatchObject({ revision: head + 1, seq: 0, field: "seq" });
    } finally {
      await cycles().deleteOne({ _id: forged._id });
    }
  });

  it("still verifies once every document is back", async () => {
    expect(await verify()).toBeNull();
  });
});
