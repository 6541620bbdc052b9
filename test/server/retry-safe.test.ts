// Retry-safe writes end to end (docs/idempotency.md): a TCP proxy drops the server's answer once the
// server has committed and resets the connection; a stock grpc-js client configured with the
// published service config (clients/service-config.json) retries UNAVAILABLE on the other replica.
// Every write carries a request_id, so the cycle counts come out exact, on both stores.
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStore } from "../../src/store/memory.js";
import { connectMongoStore } from "../../src/store/mongo/index.js";
import type { Store } from "../../src/store/types.js";
import { FaultyProxy } from "../support/faulty-proxy.js";
import { grpcClients, unary, type GrpcClients } from "../support/grpc-js.js";
import { startMongoServer, type MongoServer } from "../support/mongo-server.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { sharedStore } from "../support/shared-store.js";

// The published config, less its retry throttling: this test fails half its calls on purpose, which
// would (rightly) exhaust the throttling tokens of a production client.
const published = JSON.parse(readFileSync(new URL("../../clients/service-config.json", import.meta.url), "utf8")) as Record<string, unknown>;
const serviceConfig = JSON.stringify({ ...published, retryThrottling: undefined });

/** Counts commits that the store acknowledged: once it moves, the answer is the one to drop. */
function counting(store: Store): { store: Store; commits: () => number } {
  let commits = 0;
  const wrapped = new Proxy(store, {
    get(target, prop) {
      if (prop === "close") return async () => {}; // the suite closes the real stores
      if (prop === "commit") {
        return async (...args: Parameters<Store["commit"]>) => {
          const result = await target.commit(...args);
          commits++;
          return result;
        };
      }
      if (prop === "createInstance") {
        return async (...args: Parameters<Store["createInstance"]>) => {
          await target.createInstance(...args);
          commits++;
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: wrapped, commits: () => commits };
}

const observation = (i: number) => ({ mode: "MODE_EXPLORATION", signal_strength: 0.3 + (i % 5) / 10 });

interface Replicas {
  stores: Store[];
  close(): Promise<void>;
}

function suite(name: string, open: () => Promise<Replicas>): void {
  describe(`retried writes commit exactly once (${name})`, () => {
    let replicas: Replicas;
    let servers: TestServer[];
    let commitCounts: (() => number)[];
    let proxy: FaultyProxy;
    let client: GrpcClients;
    const commits = () => commitCounts.reduce((sum, c) => sum + c(), 0);

    beforeAll(async () => {
      replicas = await open();
      const counted = replicas.stores.map(counting);
      commitCounts = counted.map((c) => c.commits);
      servers = await Promise.all(counted.map((c) => startTestServer({ store: c.store })));
      proxy = await FaultyProxy.start(servers[0]!.port);
      client = grpcClients(`127.0.0.1:${proxy.port}`, undefined, {
        channel: { "grpc.service_config": serviceConfig, "grpc.enable_retries": 1 },
      });
    });
    afterAll(async () => {
      client?.close();
      await proxy?.close();
      await Promise.all((servers ?? []).map((s) => s.close()));
      await replicas?.close();
    });

    /** Drops the answer of the next call after the server committed, and sends the retry to the other replica. */
    function dropAnswerAfterCommit(): void {
      const before = commits();
      proxy.cutResponseWhen = () => {
        if (commits() === before) return false;
        const next = servers.find((s) => s.port !== proxy.targetPort)!;
        proxy.targetPort = next.port;
        return true;
      };
    }

    it("repeats of CreateInstance, Process, ProcessBatch and Reset return the original answer and process nothing", async () => {
      dropAnswerAfterCommit();
      const created = await unary(client.instances, "CreateInstance", { name: "retried", request_id: "create-1" });
      expect(proxy.cuts).toBe(1);
      const id = created.instance.id as string;
      const listed = await unary(client.instances, "ListInstances", { page_size: 100 });
      expect(listed.instances.filter((i: { name: string }) => i.name === "retried")).toHaveLength(1);

      const calls = 20;
      const revisions: number[] = [];
      for (let i = 0; i < calls; i++) {
        if (i % 2 === 0) dropAnswerAfterCommit();
        const res = await unary(client.engine, "Process", { instance_id: id, observation: observation(i), request_id: `p-${i}` });
        revisions.push(Number(res.outcome.revision));
      }
      expect(proxy.cuts).toBe(1 + calls / 2);
      // Each call committed exactly one revision, and each answer (retried or not) names its own.
      expect(revisions).toEqual(Array.from({ length: calls }, (_, i) => i + 1));

      dropAnswerAfterCommit();
      const batch = await unary(client.engine, "ProcessBatch", {
        instance_id: id,
        observations: [observation(1), observation(2), observation(3)],
        include_intermediate: true,
        request_id: "batch-1",
      });
      expect(batch.outcomes.map((o: { revision: string }) => Number(o.revision))).toEqual([calls + 1, calls + 1, calls + 1]);
      expect(Number(batch.processed_count)).toBe(3);

      const state = await unary(client.engine, "GetState", { instance_id: id });
      expect(Number(state.revision)).toBe(calls + 1);
      expect(Number(state.state.cycle_count)).toBe(calls + 3);
      const history = await unary(client.engine, "ListHistory", { instance_id: id, page_size: 1000 });
      expect(history.entries).toHaveLength(calls + 3);

      dropAnswerAfterCommit();
      const reset = await unary(client.engine, "Reset", { instance_id: id, target: "RESET_TARGET_INITIAL", request_id: "reset-1" });
      expect(Number(reset.revision)).toBe(calls + 2);
      expect(reset.contract.instance_id).toBe(id);
      const afterReset = await unary(client.engine, "GetState", { instance_id: id });
      expect(Number(afterReset.revision)).toBe(calls + 2);
      expect(Number(afterReset.state.cycle_count)).toBe(0);
      expect(proxy.cuts).toBe(1 + calls / 2 + 2);
    });

    it("a deliberate repeat answers from the commit on either replica; a changed request under the same id is ALREADY_EXISTS", async () => {
      const created = await unary(client.instances, "CreateInstance", { name: "repeat", request_id: "create-2" });
      const id = created.instance.id as string;
      const first = await unary(client.engine, "Process", { instance_id: id, observation: observation(1), request_id: "same" });
      proxy.targetPort = servers.find((s) => s.port !== proxy.targetPort)!.port;
      proxy.cutAll();
      const again = await unary(client.engine, "Process", { instance_id: id, observation: observation(1), request_id: "same" });
      expect(again).toEqual(first);

      const before = commits();
      const changed = unary(client.engine, "Process", { instance_id: id, observation: observation(2), request_id: "same" });
      await expect(changed).rejects.toMatchObject({ code: grpc.status.ALREADY_EXISTS, details: expect.stringContaining("request_id") });
      const otherCreate = unary(client.instances, "CreateInstance", { name: "another name", request_id: "create-2" });
      await expect(otherCreate).rejects.toMatchObject({ code: grpc.status.ALREADY_EXISTS });
      expect(commits()).toBe(before);
      const state = await unary(client.engine, "GetState", { instance_id: id });
      expect(Number(state.revision)).toBe(1);

      // The id is scoped to the agent: another agent may use it.
      const other = await unary(client.instances, "CreateInstance", { name: "other" });
      const res = await unary(client.engine, "Process", { instance_id: other.instance.id, observation: observation(2), request_id: "same" });
      expect(Number(res.outcome.revision)).toBe(1);
    });

    it("rejects a malformed request_id with INVALID_ARGUMENT and changes nothing", async () => {
      const created = await unary(client.instances, "CreateInstance", { name: "invalid ids" });
      const id = created.instance.id as string;
      for (const bad of ["has space", "x".repeat(129), "ünïcode", "a/b"]) {
        const call = unary(client.engine, "Process", { instance_id: id, observation: observation(1), request_id: bad });
        await expect(call).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining("request_id") });
      }
      const state = await unary(client.engine, "GetState", { instance_id: id });
      expect(Number(state.revision)).toBe(0);
    });
  });
}

suite("in-process store, two servers sharing it", async () => {
  const memory = new MemoryStore();
  return { stores: [sharedStore(memory), sharedStore(memory)], close: async () => {} };
});

let mongo: MongoServer | undefined;
suite("MongoDB (FerretDB), two replicas", async () => {
  mongo = await startMongoServer();
  const dbName = mongo.database("retry");
  const stores = await Promise.all([0, 1].map(() => connectMongoStore({ uri: mongo!.uri, dbName })));
  return {
    stores,
    close: async () => {
      await Promise.all(stores.map((s) => s.close()));
      await mongo?.dispose();
    },
  };
});
