// The SDK against a real server with authentication on: the key on every call and stream (from
// the option or KEEL_API_KEY), key management, and the session helper under quota (retried after
// RetryInfo, resumed exactly once) and under refused keys (never retried).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  Code,
  ConnectError,
  KeyScope,
  createKeelClient,
  retryDelayMs,
  type KeelClient,
  type KeelClientOptions,
} from "../src/index.js";
import { startTestServer, type TestServer } from "../../../test/support/server.js";

let server: TestServer;
let admin: KeelClient;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  server = await startTestServer();
  admin = createKeelClient({ baseUrl: server.baseUrl, apiKey: server.apiKey });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  admin?.close();
  await server?.close();
});

function client(options: Partial<KeelClientOptions>): KeelClient {
  const c = createKeelClient({ baseUrl: server.baseUrl, ...options });
  cleanups.push(() => c.close());
  return c;
}

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  const err = await call.then(() => undefined, (e: unknown) => ConnectError.from(e));
  if (!err) throw new Error("the call succeeded");
  return err;
}

const obs = { mode: "order" as const, signalStrength: 0.5 };

describe("the API key", () => {
  it("goes as authorization: Bearer on unary calls and on the session stream, on every transport", async () => {
    for (const transport of ["grpc", "connect", "grpc-web"] as const) {
      const seen: (string | null)[] = [];
      const c = client({
        transport,
        apiKey: server.apiKey,
        interceptors: [(next) => (req) => (seen.push(req.header.get("authorization")), next(req))],
      });
      const agent = await c.instances.create({ name: transport });
      const session = await c.engine.session(agent.id);
      await session.send(obs);
      await session.close();
      expect(await c.keys.whoAmI()).toMatchObject({ tenant: "default", scope: KeyScope.ADMIN, operator: true });
      expect(seen).toEqual(Array(3).fill(`Bearer ${server.apiKey}`));
    }
  });

  it("comes from KEEL_API_KEY when the option is left out, trimmed; \"\" sends none", async () => {
    const saved = process.env.KEEL_API_KEY;
    process.env.KEEL_API_KEY = `${server.apiKey}\n`;
    try {
      expect((await client({}).keys.whoAmI()).operator).toBe(true);
      expect((await failure(client({ apiKey: "" }).keys.whoAmI())).code).toBe(Code.Unauthenticated);
    } finally {
      if (saved === undefined) delete process.env.KEEL_API_KEY;
      else process.env.KEEL_API_KEY = saved;
    }
  });

  it("is refused with UNAUTHENTICATED when missing or wrong, and a session does not retry that", async () => {
    const agent = await admin.instances.create({ name: "auth" });
    // The valid key with its last character changed (to one it surely is not: a key ending in "A" once made this flaky).
    const last = server.apiKey.slice(-1);
    const wrongSecret = `${server.apiKey.slice(0, -1)}${last === "A" ? "B" : "A"}`;
    for (const apiKey of ["", wrongSecret, "keel_sk_test"]) {
      const c = client({ apiKey });
      expect((await failure(c.instances.get(agent.id))).code).toBe(Code.Unauthenticated);
      let reconnects = 0;
      const err = await failure(c.engine.session(agent.id, { onReconnect: () => reconnects++ }));
      expect(err.code).toBe(Code.Unauthenticated);
      expect(reconnects).toBe(0);
    }
  });

  it("rejects a header value that could never be sent, at construction", () => {
    expect(() => createKeelClient({ baseUrl: server.baseUrl, apiKey: "keel_a b" })).toThrow(/printable ASCII/);
  });
});

describe("keys", () => {
  it("creates, lists without secrets, revokes; a revoked key is refused at once", async () => {
    const { key, secret } = await admin.keys.create({ name: "ci-runner", scope: "engine", cyclesPerSecond: 50, maxSessions: 2 });
    expect(secret.startsWith(`${key.keyId}_`)).toBe(true);
    expect(key).toMatchObject({ name: "ci-runner", scope: KeyScope.ENGINE, tenant: "default", cyclesPerSecond: 50, maxSessions: 2 });
    expect(key.revokeTime).toBeUndefined();

    const engine = client({ apiKey: secret });
    expect(await engine.keys.whoAmI()).toMatchObject({ keyId: key.keyId, scope: KeyScope.ENGINE, operator: false });
    // The engine scope feeds agents but does not manage keys or create agents.
    expect((await failure(engine.keys.list())).code).toBe(Code.PermissionDenied);
    expect((await failure(engine.instances.create({ name: "x" }))).code).toBe(Code.PermissionDenied);

    const listed = [];
    let pageToken = "";
    do {
      const page = await admin.keys.list({ pageSize: 100, pageToken });
      listed.push(...page.keys);
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(listed.map((k) => k.keyId)).toContain(key.keyId);
    expect(JSON.stringify(listed, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain(secret.slice(key.keyId.length + 1));

    const revoked = await admin.keys.revoke(key.keyId);
    expect(revoked.revokeTime).toBeDefined();
    expect((await failure(engine.keys.whoAmI())).code).toBe(Code.Unauthenticated);
  });

  it("creates keys for another tenant with an operator key, and refuses unknown scopes locally", async () => {
    const { key, secret } = await admin.keys.create({ name: "team-a", scope: KeyScope.READ, tenant: "team-a" });
    expect(key.tenant).toBe("team-a");
    expect(await client({ apiKey: secret }).keys.whoAmI()).toMatchObject({ tenant: "team-a", scope: KeyScope.READ });
    expect((await admin.keys.list({ tenant: "team-a" })).keys.map((k) => k.keyId)).toEqual([key.keyId]);
    await expect(admin.keys.create({ name: "x", scope: "owner" as never })).rejects.toMatchObject({ code: Code.InvalidArgument });
  });
});

describe("quota", () => {
  it("a unary call over the key's cycle quota fails with RESOURCE_EXHAUSTED and a retry delay when retries are off", async () => {
    const agent = await admin.instances.create({ name: "quota unary" });
    const { secret } = await admin.keys.create({ name: "slow", scope: "engine", cyclesPerSecond: 1 });
    const c = client({ apiKey: secret, retry: { maxRetries: 0 } });
    const errors: ConnectError[] = [];
    // Empty the bucket of 2 in one call, so that only a stall of a whole second could refill it.
    await c.engine.processBatch(agent.id, [obs, obs]);
    for (let i = 0; i < 5 && errors.length === 0; i++) {
      await c.engine.process(agent.id, obs).catch((e: unknown) => errors.push(ConnectError.from(e)));
    }
    expect(errors[0]?.code).toBe(Code.ResourceExhausted);
    expect(retryDelayMs(errors[0])).toBeGreaterThan(0);
    expect(retryDelayMs(errors[0])).toBeLessThanOrEqual(1000);
  });

  it("by default a unary call waits out the quota's retry delay and succeeds, processed once", async () => {
    const agent = await admin.instances.create({ name: "quota unary waits" });
    const { secret } = await admin.keys.create({ name: "slow-retried", scope: "engine", cyclesPerSecond: 1 });
    const c = client({ apiKey: secret });
    // A burst of 2, then one a second: the later calls wait instead of failing.
    for (let i = 0; i < 4; i++) await c.engine.process(agent.id, obs);
    expect((await admin.engine.getState(agent.id)).state.cycleCount).toBe(4n);
  });

  it("the session helper waits out RESOURCE_EXHAUSTED, reconnects and resumes: every observation once, in order", async () => {
    const agent = await admin.instances.create({ name: "quota session" });
    // 20 cycles/s: a burst of 40, then one every 50 ms, so 60 observations need a second or so.
    const { secret } = await admin.keys.create({ name: "throttled", scope: "engine", cyclesPerSecond: 20, maxSessions: 1 });
    const c = client({ apiKey: secret });
    const reconnects: { code: Code; delayMs: number }[] = [];
    const session = await c.engine.session(agent.id, {
      heartbeatIntervalMs: 0,
      onReconnect: (_attempt, cause, delayMs) => reconnects.push({ code: cause.code, delayMs }),
    });
    const total = 60;
    const outcomes = await Promise.all(Array.from({ length: total }, () => session.send(obs)));
    await session.close();

    expect(outcomes.map((o) => o.sequence)).toEqual(Array.from({ length: total }, (_, i) => BigInt(i + 1)));
    expect(outcomes.map((o) => o.contract.cycleCount)).toEqual(Array.from({ length: total }, (_, i) => BigInt(i + 1)));
    expect(outcomes.some((o) => o.replayed)).toBe(false); // refused frames changed nothing
    expect(reconnects.length).toBeGreaterThan(0);
    expect(reconnects.length).toBeLessThan(total); // waited as told, instead of hammering
    expect(reconnects.every((r) => r.code === Code.ResourceExhausted && r.delayMs > 0)).toBe(true);
    expect((await admin.engine.getState(agent.id)).state.cycleCount).toBe(BigInt(total));
  });

  it("a session whose key is revoked mid-stream ends with UNAUTHENTICATED and is not retried", async () => {
    const agent = await admin.instances.create({ name: "revoked mid-session" });
    const { key, secret } = await admin.keys.create({ name: "short-lived", scope: "engine" });
    let reconnects = 0;
    const session = await client({ apiKey: secret }).engine.session(agent.id, { heartbeatIntervalMs: 0, onReconnect: () => reconnects++ });
    await session.send(obs);
    await admin.keys.revoke(key.keyId);
    await expect(session.send(obs)).rejects.toMatchObject({ code: Code.Unauthenticated });
    await session.ended;
    expect(reconnects).toBe(0);
    expect((await admin.engine.getState(agent.id)).state.cycleCount).toBe(1n);
  });
});
