// The SDK's session helper against the real server: ordered outcomes, batches, numbering across
// sessions, takeover, and resume after the network drops without processing anything twice.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Code, ConnectError, createKeelClient, type KeelClient, type KeelSession } from "../src/index.js";
import { MemoryStore } from "../../../src/store/memory.js";
import { sharedStore } from "../../../test/support/shared-store.js";
import { startTestServer, type TestServer } from "../../../test/support/server.js";
import { FaultyProxy } from "../../../test/support/faulty-proxy.js";

let server: TestServer;
let keel: KeelClient;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  server = await startTestServer();
  keel = createKeelClient({ baseUrl: server.baseUrl, apiKey: server.apiKey });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  keel?.close();
  await server?.close();
});

const MODES = ["perception", "exploration", "order", "assertion", "connection", "identity"] as const;
const obs = (i: number) => ({ mode: MODES[i % MODES.length]!, signalStrength: 0.5 });

async function newAgent(client = keel): Promise<string> {
  return (await client.instances.create({ name: "session" })).id;
}

async function cycles(id: string): Promise<bigint> {
  return (await keel.engine.getState(id)).state.cycleCount;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("session helper", () => {
  it("numbers observations from 1 and resolves each send with its own outcome, in order", async () => {
    const id = await newAgent();
    const session = await keel.engine.session(id);
    expect(session.lastAcknowledged).toBe(0n);
    expect(session.contract?.cycleCount).toBe(0n);
    const outcomes = await Promise.all(Array.from({ length: 300 }, (_, i) => session.send(obs(i))));
    expect(outcomes.map((o) => o.sequence)).toEqual(Array.from({ length: 300 }, (_, i) => BigInt(i + 1)));
    expect(outcomes.map((o) => o.contract.cycleCount)).toEqual(Array.from({ length: 300 }, (_, i) => BigInt(i + 1)));
    expect(outcomes.every((o) => !o.replayed && o.contract.instanceId === id)).toBe(true);
    expect(session.lastAcknowledged).toBe(300n);
    await session.close();
    expect(await cycles(id)).toBe(300n);
  });

  it("sends batches of up to 64 in one frame, interleaved with single observations", async () => {
    const id = await newAgent();
    const session = await keel.engine.session(id);
    const [first, batch, last] = await Promise.all([
      session.send(obs(0)),
      session.sendBatch(Array.from({ length: 64 }, (_, i) => obs(i))),
      session.send({ mode: "stress_response", signalStrength: 0.9 }),
    ]);
    expect(first.sequence).toBe(1n);
    expect(batch.map((o) => o.sequence)).toEqual(Array.from({ length: 64 }, (_, i) => BigInt(i + 2)));
    expect(batch.at(-1)!.contract.cycleCount).toBe(65n);
    expect(last.sequence).toBe(66n);
    expect(last.contract.cycleCount).toBe(66n);

    await expect(session.sendBatch([])).rejects.toMatchObject({ code: Code.InvalidArgument });
    await expect(session.sendBatch(Array.from({ length: 65 }, (_, i) => obs(i)))).rejects.toMatchObject({
      code: Code.InvalidArgument,
    });
    await expect(session.send({ mode: "bogus" as never, signalStrength: 1 })).rejects.toMatchObject({
      code: Code.InvalidArgument,
    });
    // Rejected on the client, so no sequence number was spent.
    expect((await session.send(obs(1))).sequence).toBe(67n);
    await session.close();
    expect(await cycles(id)).toBe(67n);
  });

  it("continues the agent's numbering in a later session", async () => {
    const id = await newAgent();
    const a = await keel.engine.session(id);
    await Promise.all([a.send(obs(0)), a.send(obs(1)), a.send(obs(2))]);
    await a.close();

    const b = await keel.engine.session(id);
    expect(b.lastAcknowledged).toBe(3n);
    const next = await b.send(obs(3));
    expect(next.sequence).toBe(4n);
    expect(next.replayed).toBe(false);
    expect(next.contract.cycleCount).toBe(4n);
    await b.close();
  });

  it("sends heartbeats on an idle stream without disturbing the outcomes", async () => {
    const id = await newAgent();
    const session = await keel.engine.session(id, { heartbeatIntervalMs: 10 });
    await sleep(80);
    const outcome = await session.send(obs(0));
    await sleep(50);
    const next = await session.send(obs(1));
    expect([outcome.sequence, next.sequence]).toEqual([1n, 2n]);
    await session.close();
    expect(await cycles(id)).toBe(2n);
  });

  it("fails to open for an unknown agent", async () => {
    await expect(keel.engine.session("inst_0000000000000000")).rejects.toMatchObject({ code: Code.NotFound });
  });

  it("gives way to a newer session for the same agent instead of fighting over it", async () => {
    const id = await newAgent();
    const older = await keel.engine.session(id, { initialBackoffMs: 1 });
    await older.send(obs(0));
    const newer = await keel.engine.session(id);
    await until(async () => {
      const err = await Promise.race([older.send(obs(1)).then(() => undefined, (e: unknown) => e), sleep(200)]);
      return err instanceof ConnectError && err.code === Code.Aborted;
    }, "the older session to end with ABORTED");
    const outcome = await newer.send(obs(2));
    expect(outcome.sequence).toBe(2n);
    await newer.close();
    await older.close();
    expect(await cycles(id)).toBe(2n);
  });
});

describe("session helper over a failing network", () => {
  it("resumes after a dropped connection, replaying instead of re-processing what the server already did", async () => {
    const proxy = await FaultyProxy.start(server.port);
    cleanups.push(() => proxy.close());
    const client = createKeelClient({ baseUrl: proxy.baseUrl, apiKey: server.apiKey });
    cleanups.push(() => client.close());
    const id = await newAgent(client);
    const reconnects: Code[] = [];
    const session = await client.engine.session(id, {
      initialBackoffMs: 5,
      onReconnect: (_attempt, cause) => reconnects.push(cause.code),
    });
    cleanups.push(() => session.close());

    for (let i = 0; i < 3; i++) await session.send(obs(i));
    expect(session.lastAcknowledged).toBe(3n);

    // The server processes 4, 5 and 6, but its answers never arrive; then the connection dies.
    proxy.swallowResponses = true;
    const single = session.send(obs(3));
    const batch = session.sendBatch([obs(4), obs(5)]);
    await until(async () => (await cycles(id)) === 6n, "the server to process 4..6");
    proxy.cutAll();
    proxy.swallowResponses = false;

    const [four, [five, six]] = await Promise.all([single, batch]);
    expect(reconnects.length).toBeGreaterThanOrEqual(1);
    expect([four!.sequence, five!.sequence, six!.sequence]).toEqual([4n, 5n, 6n]);
    expect([four!.replayed, five!.replayed, six!.replayed]).toEqual([true, true, true]);
    expect([four!.contract.cycleCount, five!.contract.cycleCount, six!.contract.cycleCount]).toEqual([4n, 5n, 6n]);
    expect(await cycles(id)).toBe(6n);

    const seven = await session.send(obs(6));
    expect(seven).toMatchObject({ sequence: 7n, replayed: false });
    expect(seven.contract.cycleCount).toBe(7n);
    expect(session.lastAcknowledged).toBe(7n);
    expect(await cycles(id)).toBe(7n);
  });

  it("re-sends what the server never received after the connection is cut", async () => {
    const proxy = await FaultyProxy.start(server.port);
    cleanups.push(() => proxy.close());
    const client = createKeelClient({ baseUrl: proxy.baseUrl, apiKey: server.apiKey });
    cleanups.push(() => client.close());
    const id = await newAgent(client);
    let reconnects = 0;
    const session = await client.engine.session(id, { initialBackoffMs: 5, onReconnect: () => reconnects++ });
    cleanups.push(() => session.close());

    // Many sends, cut in the middle: some were processed and answered, some processed and not
    // answered, some never arrived. Every one must be processed exactly once.
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      const sent = session.send(obs(i));
      sent.catch(() => {}); // awaited below; keeps a failure from being reported as unhandled
      sends.push(sent);
      if (i % 10 === 9) await sleep(2);
      if (i === 120) proxy.cutAll();
    }
    const outcomes = (await Promise.all(sends)) as Awaited<ReturnType<KeelSession["send"]>>[];
    expect(reconnects).toBeGreaterThanOrEqual(1);
    expect(outcomes.map((o) => o.sequence)).toEqual(Array.from({ length: 200 }, (_, i) => BigInt(i + 1)));
    expect(outcomes.map((o) => o.contract.cycleCount)).toEqual(Array.from({ length: 200 }, (_, i) => BigInt(i + 1)));
    expect(await cycles(id)).toBe(200n);
  });

  it("survives a server restart: the draining server ends the session with UNAVAILABLE and it resumes on the next", async () => {
    // Two servers in turn over one store; the proxy's fixed address moves from the first to the second.
    const memory = new MemoryStore();
    const shared = sharedStore(memory);
    const first = await startTestServer({ store: shared });
    const proxy = await FaultyProxy.start(first.port);
    cleanups.push(() => proxy.close());
    const client = createKeelClient({ baseUrl: proxy.baseUrl, apiKey: server.apiKey });
    cleanups.push(() => client.close());
    const id = await newAgent(client);
    const reconnects: Code[] = [];
    const session = await client.engine.session(id, {
      initialBackoffMs: 20,
      onReconnect: (_attempt, cause) => reconnects.push(cause.code),
    });

    await Promise.all([session.send(obs(0)), session.send(obs(1))]);
    const second = await startTestServer({ store: shared });
    cleanups.push(() => second.close());
    proxy.targetPort = second.port;
    await first.close();

    const outcome = await session.send(obs(2));
    expect(reconnects[0]).toBe(Code.Unavailable);
    expect(outcome).toMatchObject({ sequence: 3n, replayed: false });
    expect(outcome.contract.cycleCount).toBe(3n);
    await session.close();
    await memory.close();
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
