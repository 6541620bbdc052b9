// Contract storage on both stores, plus what only a real database shows: concurrent Puts through
// the service, and enforcement continuing exactly across a restart.
import fc from "fast-check";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ViolationResponse } from "../../gen/keel/v1/behavioral_contract_pb.js";
import { MemoryStore } from "../../src/store/memory.js";
import { connectMongoStore } from "../../src/store/mongo/index.js";
import { startMongoServer, type MongoServer } from "../support/mongo-server.js";
import { contractStoreContract } from "./contract-store.js";
import { clientsFor, newAgent, racingVersions, run, startContractServer, type Step } from "./harness.js";

let mongo: MongoServer;
beforeAll(async () => {
  mongo = await startMongoServer();
});
afterAll(async () => {
  await mongo?.dispose();
});

contractStoreContract("memory", async () => new MemoryStore(), false);
let shared = "";
contractStoreContract("mongo", () => connectMongoStore({ uri: mongo.uri, dbName: (shared ||= mongo.database("contracts")) }), true);

describe("ContractService on MongoDB", () => {
  it("keeps versions gapless under concurrent Puts from two servers", async () => {
    const dbName = mongo.database("concurrent");
    const stores = [await connectMongoStore({ uri: mongo.uri, dbName }), await connectMongoStore({ uri: mongo.uri, dbName })];
    const servers = await Promise.all(stores.map((store) => startContractServer({ store })));
    const clients = servers.map((s) => clientsFor(s.baseUrl));
    try {
      await fc.assert(
        fc.asyncProperty(racingVersions(3, 8), fc.array(fc.nat(1), { minLength: 8, maxLength: 8 }), async (versions, servers) => {
          const puts = versions.map((version, i) => [servers[i]!, version] as const);
          const id = await newAgent(clients[0]!);
          const results = await Promise.allSettled(puts.map(([server, version]) => clients[server]!.contracts.putContract({ contract: { agentId: id, version } })));
          const won = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.contract!.version] : []));
          const history = (await clients[1]!.contracts.listContractHistory({ agentId: id, pageSize: 100 })).contracts.map((c) => c.version);
          expect(history).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
          expect([...won].sort((a, b) => a - b)).toEqual(history);
          // Every race holds a put valid on an empty history (version 0 or 1): one must win.
          expect(won.length).toBeGreaterThan(0);
          results.forEach((r, i) => {
            if (r.status === "rejected") expect((r.reason as { code: Code }).code).toBe(versions[i] === 0 ? Code.Aborted : Code.FailedPrecondition);
          });
        }),
        { numRuns: 60 },
      );
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it("continues enforcement exactly where it stopped after a restart", async () => {
    const steps: Step[] = Array.from({ length: 60 }, (_, i) => ({
      action: i % 5 === 4 ? "delete" : i < 40 ? "read" : "write",
      target: i % 9 === 0 ? "payments/1" : "customer/1",
    }));
    const contract = {
      expectedActionDistribution: { read: 0.8, delete: 0.2 },
      authorizedScope: { targets: ["customer/"] },
      driftThresholds: { action: 0.2 },
      policy: { window: 10, minObservations: 5, onScope: ViolationResponse.RESTRICT },
    };
    const enforcementOf = (cs: Awaited<ReturnType<typeof run>>) => cs.map((c) => [c.allowedActions, c.enforcement]);

    const straight = await startContractServer({ store: await connectMongoStore({ uri: mongo.uri, dbName: mongo.database("straight") }) });
    const s = clientsFor(straight.baseUrl);
    const one = await newAgent(s);
    await s.contracts.putContract({ contract: { ...contract, agentId: one } });
    const expected = await run(s, one, steps);
    await straight.close();

    const dbName = mongo.database("restarted");
    const first = await startContractServer({ store: await connectMongoStore({ uri: mongo.uri, dbName }) });
    const f = clientsFor(first.baseUrl);
    const two = await newAgent(f);
    await f.contracts.putContract({ contract: { ...contract, agentId: two } });
    const before = await run(f, two, steps.slice(0, 33));
    await first.close();
    const second = await startContractServer({ store: await connectMongoStore({ uri: mongo.uri, dbName }) });
    const after = await run(clientsFor(second.baseUrl), two, steps.slice(33), 33);
    await second.close();

    const strip = (xs: ReturnType<typeof enforcementOf>) => JSON.stringify(xs, (k, v) => (k === "contractId" ? undefined : typeof v === "bigint" ? String(v) : v));
    expect(strip(enforcementOf([...before, ...after]))).toBe(strip(enforcementOf(expected)));
    expect(expected.some((c) => c.enforcement!.violations.some((v) => v.name === "drift/action"))).toBe(true);
  });
});
