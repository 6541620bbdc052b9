// Typed errors, unary retries with a stable request_id, sessions free of the unary deadline,
// batch frames through sendMany, and the ContractService wrapper — against a real server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code, ConnectError, KeelError, createKeelClient, type KeelClient } from "../src/index.js";
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

async function failure(p: Promise<unknown>): Promise<KeelError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof KeelError)) throw new Error(`expected a KeelError, got ${String(err)}`);
  return err;
}

describe("typed errors", () => {
  it("INVALID_ARGUMENT names the field from the server's BadRequest, and nothing was processed", async () => {
    const agent = await keel.instances.create({ name: "typed" });
    const err = await failure(keel.engine.process(agent.id, { mode: "order", signalStrength: 1.5 }));
    expect(err).toBeInstanceOf(ConnectError);
    expect(err.codeName).toBe("INVALID_ARGUMENT");
    expect(err.fieldViolations.map((v) => v.field)).toEqual(["observation.signal_strength"]);
    expect(err.retryDelayMs).toBeUndefined();
    expect((await keel.engine.getState(agent.id)).state.cycleCount).toBe(0n);
  });

  it("an unknown mode is refused before sending, naming the field the same way", async () => {
    const err = await failure(keel.engine.process("inst_0000000000000000", { mode: "bogus" as never, signalStrength: 0.5 }));
    expect(err.codeName).toBe("INVALID_ARGUMENT");
    expect(err.fieldViolations[0]?.field).toBe("observation.mode");
  });

  it("NOT_FOUND and UNAUTHENTICATED surface with their names", async () => {
    expect((await failure(keel.engine.getState("inst_0000000000000000"))).codeName).toBe("NOT_FOUND");
    const stranger = createKeelClient({ baseUrl: server.baseUrl, apiKey: `keel_0123456789abcdef_${"A".repeat(43)}` });
    expect((await failure(stranger.instances.list())).codeName).toBe("UNAUTHENTICATED");
    stranger.close();
  });
});

describe("unary retries", () => {
  /** A client whose first `failures` attempts of each call fail with `code` before reaching the server. */
  function flaky(code: Code, failures: number) {
    const seen: { method: string; requestId: unknown }[] = [];
    let left = failures;
    const client = createKeelClient({
      baseUrl: server.baseUrl,
      apiKey: server.apiKey,
      retry: { initialBackoffMs: 1, maxBackoffMs: 2 },
      interceptors: [
        (next) => async (req) => {
          seen.push({ method: req.method.name, requestId: (req as { message?: { requestId?: unknown } }).message?.requestId });
          if (left-- > 0) throw new ConnectError("injected", code);
          return next(req);
        },
      ],
    });
    return { client, seen };
  }

  it("retries UNAVAILABLE on a write with the same request_id on every attempt", async () => {
    const agent = await keel.instances.create({ name: "retry" });
    const { client, seen } = flaky(Code.Unavailable, 2);
    const out = await client.engine.process(agent.id, { mode: "order", signalStrength: 0.5 });
    expect(out.contract.cycleCount).toBe(1n);
    expect(seen).toHaveLength(3);
    const ids = new Set(seen.map((s) => s.requestId));
    expect(ids.size).toBe(1);
    expect(String([...ids][0])).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    client.close();
  });

  it("gives each call its own request_id, or the caller's", async () => {
    const agent = await keel.instances.create({ name: "ids" });
    const { client, seen } = flaky(Code.Unavailable, 0);
    await client.engine.process(agent.id, { mode: "order", signalStrength: 0.5 });
    await client.engine.processBatch(agent.id, [{ mode: "order", signalStrength: 0.5 }], { requestId: "batch-1" });
    expect(seen[0]!.requestId).not.toBe(seen[1]!.requestId);
    expect(seen[1]!.requestId).toBe("batch-1");
    client.close();
  });

  it.each([Code.Aborted, Code.Unauthenticated, Code.PermissionDenied, Code.InvalidArgument])(
    "never retries code %s",
    async (code) => {
      const { client, seen } = flaky(code, 1);
      const err = await failure(client.instances.list());
      expect(err.code).toBe(code);
      expect(seen).toHaveLength(1);
      client.close();
    },
  );
});

describe("deadlines", () => {
  it("timeoutMs bounds unary calls but never ends a session (issue 15 item 6)", async () => {
    const client = createKeelClient({ baseUrl: server.baseUrl, apiKey: server.apiKey, timeoutMs: 200 });
    const agent = await client.instances.create({ name: "idle" });
    const session = await client.engine.session(agent.id);
    await session.send({ mode: "order", signalStrength: 0.5 });
    await new Promise((r) => setTimeout(r, 600));
    const later = await session.send({ mode: "order", signalStrength: 0.5 });
    expect(later.sequence).toBe(2n);
    await session.close();
    client.close();
  });
});

describe("sendMany", () => {
  it("splits into batch frames, all in flight, and returns every outcome in order", async () => {
    const agent = await keel.instances.create({ name: "many" });
    const session = await keel.engine.session(agent.id);
    const outs = await session.sendMany(
      Array.from({ length: 150 }, () => ({ mode: "order" as const, signalStrength: 0.5 })),
      { batchSize: 32 },
    );
    expect(outs.map((o) => o.sequence)).toEqual(Array.from({ length: 150 }, (_, i) => BigInt(i + 1)));
    expect(outs.at(-1)!.contract.cycleCount).toBe(150n);
    await session.close();
  });

  it("a fresh client on an agent with session history continues its numbering", async () => {
    const agent = await keel.instances.create({ name: "history" });
    const first = await keel.engine.session(agent.id);
    await first.sendMany(Array.from({ length: 10 }, () => ({ mode: "order" as const, signalStrength: 0.5 })));
    await first.close();
    const fresh = createKeelClient({ baseUrl: server.baseUrl, apiKey: server.apiKey });
    const session = await fresh.engine.session(agent.id);
    const [out] = await session.sendMany([{ mode: "order", signalStrength: 0.5 }]);
    expect(out!.sequence).toBe(11n);
    expect(out!.contract.cycleCount).toBe(11n);
    await session.close();
    fresh.close();
  });
});

describe("contracts", () => {
  it("generates and stores a contract, reads it back, lists, verifies and diffs versions", async () => {
    const agent = await keel.instances.create({ name: "contracted" });
    const generated = await keel.contracts.generate(agent.id, { archetype: "sales-assistant", store: true });
    expect(generated.contract?.agentId).toBe(agent.id);
    const active = await keel.contracts.getActive(agent.id);
    expect(active.version).toBe(generated.contract!.version);
    const again = await keel.contracts.put({ ...active, version: active.version + 1, signature: "", signer: "" });
    expect(again.version).toBe(active.version + 1);
    expect((await keel.contracts.getVersion(agent.id, active.version)).version).toBe(active.version);
    expect((await keel.contracts.history(agent.id)).contracts.map((c) => c.version)).toEqual([active.version, again.version]);
    expect(await keel.contracts.diff(agent.id, active.version, again.version)).toEqual(expect.any(Array));
    const verdict = await keel.contracts.verify({ agentId: agent.id });
    expect(verdict.problems).toEqual(expect.any(Array));
    expect(await keel.contracts.signingKeys()).toEqual(expect.any(Array));
  });
});
