// Per-key quotas on a real server: a burst past the cycle quota gets RESOURCE_EXHAUSTED with a
// google.rpc.RetryInfo delay and changes nothing; steady traffic under the limit is never
// refused; session frames are charged too; and a key cannot hold more sessions than its limit.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RetryInfoSchema } from "../../gen/google/rpc/error_details_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { clientsFor, type Clients } from "../support/clients.js";
import { nextFrame, openSession } from "../support/session-stream.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let admin: Clients;

beforeAll(async () => {
  server = await startTestServer({ env: { KEEL_QUOTA_SESSIONS: "3" } });
  admin = clientsFor(server.baseUrl);
});
afterAll(async () => {
  await server.close();
});

const obs = () => ({ mode: Mode.ORDER, signalStrength: 0.5 });
const agent = async () => (await admin.instances.createInstance({ name: "quota" })).instance!.id;
const cycles = async (id: string) => (await admin.engine.getState({ instanceId: id })).state!.cycleCount;

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  const err = await p.then(() => undefined, (e: unknown) => ConnectError.from(e));
  if (!err) throw new Error("did not fail");
  return err;
}

/** The RetryInfo delay of an error, in milliseconds; undefined without one. */
function retryDelayMs(err: ConnectError): number | undefined {
  const [info] = err.findDetails(RetryInfoSchema);
  return info?.retryDelay ? Number(info.retryDelay.seconds) * 1000 + info.retryDelay.nanos / 1e6 : undefined;
}




describe("cycle quota", () => {
  it("refuses a burst past the quota with RESOURCE_EXHAUSTED and a RetryInfo delay, changing nothing", async () => {
    // 1 cycle/s, so a bucket of 2 (the slowest rate: a stall of 1 s on a busy machine refills a token).
    const key = await server.mintKey({ tenant: "default", scope: "engine", cyclesPerSecond: 1 });
    const { engine } = clientsFor(server.baseUrl, { apiKey: key.token });
    const id = await agent();
    await engine.processBatch({ instanceId: id, observations: [obs(), obs()] });
    const before = await admin.engine.getState({ instanceId: id });

    const err = await failure(engine.process({ instanceId: id, observation: obs() }));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toContain(key.keyId);
    const delay = retryDelayMs(err);
    expect(delay).toBeGreaterThan(0);
    expect(delay).toBeLessThanOrEqual(1000);
    expect(await admin.engine.getState({ instanceId: id })).toEqual(before);

    // Waiting the delay is enough.
    await new Promise((r) => setTimeout(r, delay! + 20));
    await engine.process({ instanceId: id, observation: obs() });
    expect(await cycles(id)).toBe(3n);
  });

  it("charges a batch by its observations, and says so when a batch can never fit", async () => {
    // 1 cycle/s, so a bucket of 2: only a 2 s stall between the last two calls could refill enough
    // to hide the overdraft (a 5 cycles/s key refilled it in 0.2 s on a loaded machine).
    const key = await server.mintKey({ tenant: "default", scope: "engine", cyclesPerSecond: 1 });
    const { engine } = clientsFor(server.baseUrl, { apiKey: key.token });
    const id = await agent();
    const tooBig = await failure(engine.processBatch({ instanceId: id, observations: [obs(), obs(), obs()] }));
    expect(tooBig.code).toBe(Code.ResourceExhausted);
    expect(tooBig.rawMessage).toContain("smaller batches");
    expect(retryDelayMs(tooBig)).toBeUndefined(); // waiting would not help
    await engine.processBatch({ instanceId: id, observations: [obs(), obs()] });
    const over = await failure(engine.processBatch({ instanceId: id, observations: [obs(), obs()] }));
    expect(over.code).toBe(Code.ResourceExhausted);
    expect(retryDelayMs(over)).toBeGreaterThan(0);
    expect(await cycles(id)).toBe(2n);
  });

  it("never refuses steady traffic under the limit, even from an empty bucket", async () => {
    const key = await server.mintKey({ tenant: "default", scope: "engine", cyclesPerSecond: 100 }); // bucket of 200
    const { engine } = clientsFor(server.baseUrl, { apiKey: key.token });
    const id = await agent();
    for (let i = 0; i < 3; i++) await engine.processBatch({ instanceId: id, observations: Array.from({ length: 64 }, obs) });
    // Now nearly empty: 8 tokens left plus refill. 50 calls at half the rate, or slower when the
    // machine is busy: a count, not a time window, so a slow machine cannot make it send fewer.
    const started = performance.now();
    for (let sent = 1; sent <= 50; sent++) {
      await engine.process({ instanceId: id, observation: obs() });
      const due = started + sent * 20;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
    expect(await cycles(id)).toBe(BigInt(192 + 50));
  });

  it("applies the server's default to keys without an override, per key", async () => {
    const tight = await startTestServer({ env: { KEEL_QUOTA_CYCLES_PER_SECOND: "1", KEEL_QUOTA_CYCLES_BURST: "64" } });
    try {
      const c = clientsFor(tight.baseUrl);
      const id = (await c.instances.createInstance({ name: "default quota" })).instance!.id;
      await c.engine.processBatch({ instanceId: id, observations: Array.from({ length: 64 }, obs) });
      const err = await failure(c.engine.process({ instanceId: id, observation: obs() }));
      expect(err.code).toBe(Code.ResourceExhausted);
      // Another key of the same tenant has its own bucket.
      const other = await tight.mintKey({ scope: "engine" });
      await clientsFor(tight.baseUrl, { apiKey: other.token }).engine.process({ instanceId: id, observation: obs() });
    } finally {
      await tight.close();
    }
  });

  it("charges session frames before they are processed: past the quota the session ends, the frame unprocessed", async () => {
    const key = await server.mintKey({ tenant: "default", scope: "engine", cyclesPerSecond: 1 }); // bucket of 2
    const { engine } = clientsFor(server.baseUrl, { apiKey: key.token });
    const id = await agent();
    const s = openSession(engine, id);
    await nextFrame(s.responses);
    const batch = Array.from({ length: 2 }, (_, i) => ({ sequence: BigInt(i + 1), observation: obs() }));
    s.requests.push({ frame: { case: "batch", value: { observations: batch } } });
    expect((await nextFrame(s.responses)).frame.case).toBe("batch");
    s.requests.push({ frame: { case: "heartbeat", value: {} } }); // free
    expect((await nextFrame(s.responses)).frame.case).toBe("heartbeat");
    s.requests.push({ frame: { case: "observation", value: { sequence: 3n, observation: obs() } } });
    const err = await failure(nextFrame(s.responses));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(retryDelayMs(err)).toBeGreaterThan(0);
    expect(await cycles(id)).toBe(2n);
  });
});

describe("session quota", () => {
  it("refuses a session past the key's limit with RESOURCE_EXHAUSTED and RetryInfo, and frees slots as sessions end", async () => {
    const key = await server.mintKey({ tenant: "default", scope: "engine", maxSessions: 2 });
    const { engine } = clientsFor(server.baseUrl, { apiKey: key.token });
    const drop = new AbortController();
    const first = openSession(engine, await agent(), { signal: drop.signal });
    const second = openSession(engine, await agent());
    await nextFrame(first.responses);
    await nextFrame(second.responses);

    const third = openSession(engine, await agent());
    const err = await failure(nextFrame(third.responses));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(retryDelayMs(err)).toBe(1000);
    expect(err.rawMessage).toContain("open sessions");

    // A session ending normally frees its slot...
    second.requests.end();
    expect((await second.responses.next()).done).toBe(true);
    const fourth = openSession(engine, await agent());
    expect((await nextFrame(fourth.responses)).frame.case).toBe("opened");
    // ...and so does one whose client went away.
    drop.abort();
    await first.responses.next().catch(() => undefined);
    let opened = false;
    for (let i = 0; i < 50 && !opened; i++) {
      const fifth = openSession(engine, await agent());
      opened = await nextFrame(fifth.responses).then(
        (r) => (fifth.requests.end(), r.frame.case === "opened"),
        async () => (await new Promise((r) => setTimeout(r, 20)), false),
      );
    }
    expect(opened).toBe(true);
    fourth.requests.end();
  });

  it("uses the server's limit (KEEL_QUOTA_SESSIONS) for keys without an override", async () => {
    const key = await server.mintKey({ tenant: "default", scope: "engine" });
    const { engine } = clientsFor(server.baseUrl, { apiKey: key.token });
    const sessions = [];
    for (let i = 0; i < 3; i++) {
      const s = openSession(engine, await agent());
      await nextFrame(s.responses);
      sessions.push(s);
    }
    expect((await failure(nextFrame(openSession(engine, await agent()).responses))).code).toBe(Code.ResourceExhausted);
    for (const s of sessions) s.requests.end();
  });
});
