// The TypeScript SDK (@keel/client) against the real server: every call of instances and engine,
// mode names, errors, the three transports and the API key header.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Action,
  Code,
  ConnectError,
  Mode,
  ResetTarget,
  StressLevel,
  createKeelClient,
  type KeelClient,
  type TransportKind,
} from "../src/index.js";
import { startTestServer, type TestServer } from "../../../test/support/server.js";

let server: TestServer;
let keel: KeelClient;

beforeAll(async () => {
  server = await startTestServer();
  keel = createKeelClient({ baseUrl: server.baseUrl, apiKey: server.apiKey });
});
afterAll(async () => {
  keel?.close();
  await server?.close();
});

describe("instances", () => {
  it("creates, gets, lists, updates and deletes an agent", async () => {
    const created = await keel.instances.create({
      name: "Aria",
      description: "Customer service bot",
      labels: { team: "support" },
    });
    expect(created.id).toMatch(/^inst_[0-9a-f]{16}$/);
    expect(created.name).toBe("Aria");
    expect(await keel.instances.get(created.id)).toEqual(created);

    const ids: string[] = [];
    let pageToken = "";
    do {
      const page = await keel.instances.list({ pageSize: 100, pageToken });
      ids.push(...page.instances.map((i) => i.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(ids).toContain(created.id);

    const renamed = await keel.instances.update(created.id, { name: "Aria 2" });
    expect(renamed.name).toBe("Aria 2");
    expect(renamed.description).toBe("Customer service bot"); // not in the mask: unchanged
    expect(renamed.labels).toEqual({ team: "support" });

    await keel.instances.delete(created.id);
    await expect(keel.instances.get(created.id)).rejects.toMatchObject({ code: Code.NotFound });
  });

  it("passes server validation errors through as ConnectError", async () => {
    const err = await keel.instances.create({ name: "" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
  });
});

describe("engine", () => {
  it("processes an observation given by mode name and returns the tutorial's contract", async () => {
    const agent = await keel.instances.create({ name: "Aria", description: "Customer service bot" });
    const outcome = await keel.engine.process(agent.id, { mode: "exploration", signalStrength: 0.7 });
    expect(Object.keys(outcome).sort()).toEqual(["contract", "drift", "driftEvent", "revision", "rolledBack"]);
    expect(outcome.contract.cycleCount).toBe(1n);
    expect(outcome.contract.currentStressLevel).toBe(StressLevel.LOW);
    expect(outcome.contract.forbiddenActions).toEqual(
      expect.arrayContaining([Action.EMOTIONAL_MANIPULATION, Action.IDENTITY_OVERRIDE]),
    );
    expect(outcome.rolledBack).toBe(false);
    expect(await keel.engine.getContract(agent.id)).toEqual(outcome.contract);
  });

  it("accepts modes as enum values and names alike, and rejects unknown ones", async () => {
    const agent = await keel.instances.create({ name: "modes" });
    const byName = await keel.engine.process(agent.id, { mode: "stress_response", signalStrength: 0.9, confidence: 0.8 });
    const byEnum = await keel.engine.process(agent.id, { mode: Mode.STRESS_RESPONSE, signalStrength: 0.9 });
    expect(byEnum.contract.cycleCount).toBe(byName.contract.cycleCount + 1n);
    await expect(keel.engine.process(agent.id, { mode: "panic" as never, signalStrength: 0.5 })).rejects.toMatchObject({
      code: Code.InvalidArgument,
    });
    expect((await keel.engine.getContract(agent.id)).cycleCount).toBe(2n);
  });

  it("processes a batch, with and without intermediate outcomes", async () => {
    const agent = await keel.instances.create({ name: "batch" });
    const obs = Array.from({ length: 5 }, () => ({ mode: "order" as const, signalStrength: 0.6 }));
    const last = await keel.engine.processBatch(agent.id, obs);
    expect(last.processedCount).toBe(5);
    expect(last.outcomes.map((o) => o.contract.cycleCount)).toEqual([5n]);
    const all = await keel.engine.processBatch(agent.id, obs, { includeIntermediate: true });
    expect(all.outcomes.map((o) => o.contract.cycleCount)).toEqual([6n, 7n, 8n, 9n, 10n]);
  });

  it("reads state, history and drift, and resets", async () => {
    const agent = await keel.instances.create({ name: "reads" });
    await keel.engine.process(agent.id, { mode: "exploration", signalStrength: 0.7, action: "search", target: "kb" });
    for (let i = 0; i < 5; i++) await keel.engine.process(agent.id, { mode: "stress_response", signalStrength: 0.9 });

    const { state, revision } = await keel.engine.getState(agent.id);
    expect(state.cycleCount).toBe(6n);
    expect(revision).toBeGreaterThan(0n);

    const history = await keel.engine.getHistory(agent.id, { pageSize: 2 });
    expect(history.entries.map((e) => e.cycle)).toEqual([6n, 5n]); // newest first
    expect(history.nextPageToken).not.toBe("");
    const all = await keel.engine.getHistory(agent.id);
    expect(all.entries).toHaveLength(6);
    expect(all.entries.at(-1)!.observation).toMatchObject({ mode: Mode.EXPLORATION, action: "search", target: "kb" });

    const drift = await keel.engine.getDrift(agent.id, { pageSize: 10 });
    expect(Array.isArray(drift.events)).toBe(true); // the anchor forms after a 20-cycle warm-up
    const snapshots = await keel.engine.getSnapshots(agent.id);
    expect(Array.isArray(snapshots.snapshots)).toBe(true);

    const reset = await keel.engine.reset(agent.id, "initial");
    expect(reset.contract.cycleCount).toBe(0n);
    expect((await keel.engine.getState(agent.id)).state.cycleCount).toBe(0n);
    await expect(keel.engine.reset(agent.id, ResetTarget.INITIAL)).resolves.toBeDefined();
  });

  it("answers NOT_FOUND for an unknown agent", async () => {
    await expect(keel.engine.getContract("inst_0000000000000000")).rejects.toMatchObject({ code: Code.NotFound });
  });
});

describe.each<TransportKind>(["grpc", "connect", "grpc-web"])("transport %s", (transport) => {
  it("runs create, process and a session", async () => {
    const client = createKeelClient({ baseUrl: server.address, transport, apiKey: server.apiKey });
    try {
      const agent = await client.instances.create({ name: transport });
      const { contract } = await client.engine.process(agent.id, { mode: "exploration", signalStrength: 0.7 });
      expect(contract.cycleCount).toBe(1n);
      const session = await client.engine.session(agent.id);
      const outcome = await session.send({ mode: "perception", signalStrength: 0.4 });
      expect(outcome.contract.cycleCount).toBe(2n);
      await session.close();
    } finally {
      client.close();
    }
  });
});

describe("apiKey", () => {
  it("is sent as authorization: Bearer on unary calls and sessions", async () => {
    const seen: (string | null)[] = [];
    const client = createKeelClient({
      baseUrl: server.baseUrl,
      apiKey: server.apiKey,
      interceptors: [(next) => (req) => (seen.push(req.header.get("authorization")), next(req))],
    });
    try {
      const agent = await client.instances.create({ name: "auth" });
      const session = await client.engine.session(agent.id);
      await session.send({ mode: "order", signalStrength: 0.5 });
      await session.close();
      expect(seen).toEqual([`Bearer ${server.apiKey}`, `Bearer ${server.apiKey}`]);
    } finally {
      client.close();
    }
  });

  it("is left out when empty, and the server then answers UNAUTHENTICATED", async () => {
    const seen: (string | null)[] = [];
    const client = createKeelClient({
      baseUrl: server.baseUrl,
      apiKey: "",
      interceptors: [(next) => (req) => (seen.push(req.header.get("authorization")), next(req))],
    });
    try {
      await expect(client.instances.list()).rejects.toMatchObject({ code: Code.Unauthenticated });
      expect(seen).toEqual([null]);
    } finally {
      client.close();
    }
  });
});
