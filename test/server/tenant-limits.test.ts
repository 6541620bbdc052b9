// Tenant ceilings on a real server (issue 15): the operator sets them, a tenant's admins read but
// cannot change them, cannot mint keys past them, and the tenant's keys together cannot pass them
// at run time - RESOURCE_EXHAUSTED with RetryInfo, as a key's own quota answers, and nothing changes.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RetryInfoSchema } from "../../gen/google/rpc/error_details_pb.js";
import { KeyScope } from "../../gen/keel/v1/key_service_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { clientsFor, type Clients } from "../support/clients.js";
import { nextFrame, openSession } from "../support/session-stream.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let operator: Clients;

beforeAll(async () => {
  server = await startTestServer();
  operator = clientsFor(server.baseUrl);
});
afterAll(async () => {
  await server.close();
});

const obs = () => ({ mode: Mode.ORDER, signalStrength: 0.5 });

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  const err = await p.then(() => undefined, (e: unknown) => ConnectError.from(e));
  if (!err) throw new Error("did not fail");
  return err;
}

function retryDelayMs(err: ConnectError): number | undefined {
  const [info] = err.findDetails(RetryInfoSchema);
  return info?.retryDelay ? Number(info.retryDelay.seconds) * 1000 + info.retryDelay.nanos / 1e6 : undefined;
}

/** A tenant with ceilings, and the clients of an admin key of it. */
async function limitedTenant(tenant: string, limits: { maxKeys?: number; cyclesPerSecond?: number; maxSessions?: number }) {
  await operator.keys.setTenantLimits({ tenant, maxKeys: 0, cyclesPerSecond: 0, maxSessions: 0, ...limits });
  const admin = clientsFor(server.baseUrl, { apiKey: (await server.mintKey({ tenant, scope: "admin" })).token });
  return { admin };
}

describe("setting and reading ceilings", () => {
  it("only an operator key sets them; the tenant's admins read their own, not others'", async () => {
    const set = await operator.keys.setTenantLimits({ tenant: "ceil-a", maxKeys: 5, cyclesPerSecond: 100, maxSessions: 7 });
    expect(set.limits).toMatchObject({ tenant: "ceil-a", maxKeys: 5, cyclesPerSecond: 100, maxSessions: 7 });
    expect(set.limits!.updateTime).toBeDefined();
    expect(set.limits!.updatedBy).toMatch(/^keel_/);

    const admin = clientsFor(server.baseUrl, { apiKey: (await server.mintKey({ tenant: "ceil-a", scope: "admin" })).token });
    expect((await admin.keys.getTenantLimits({})).limits).toMatchObject({ tenant: "ceil-a", maxKeys: 5, cyclesPerSecond: 100, maxSessions: 7 });
    const raise = await failure(admin.keys.setTenantLimits({ tenant: "ceil-a", maxKeys: 0, cyclesPerSecond: 0, maxSessions: 0 }));
    expect(raise.code).toBe(Code.PermissionDenied);
    expect(raise.rawMessage).toContain("operator");
    expect((await failure(admin.keys.getTenantLimits({ tenant: "default" }))).code).toBe(Code.PermissionDenied);
    // The refused change changed nothing.
    expect((await operator.keys.getTenantLimits({ tenant: "ceil-a" })).limits).toMatchObject({ maxKeys: 5, cyclesPerSecond: 100, maxSessions: 7 });
  });

  it("reads a tenant the operator never limited as no ceilings, and refuses bad input", async () => {
    const none = (await operator.keys.getTenantLimits({ tenant: "never-limited" })).limits!;
    expect(none).toMatchObject({ tenant: "never-limited", maxKeys: 0, cyclesPerSecond: 0, maxSessions: 0, updatedBy: "" });
    expect(none.updateTime).toBeUndefined();
    expect((await failure(operator.keys.setTenantLimits({ tenant: "" }))).code).toBe(Code.InvalidArgument);
    expect((await failure(operator.keys.setTenantLimits({ tenant: "Bad Tenant" }))).code).toBe(Code.InvalidArgument);
    const tooHigh = await failure(operator.keys.setTenantLimits({ tenant: "ceil-x", cyclesPerSecond: 20_000_000 }));
    expect(tooHigh.code).toBe(Code.InvalidArgument);
    expect(tooHigh.rawMessage).toContain("cycles_per_second");
  });
});

describe("minting keys", () => {
  it("refuses a key whose quota is above the tenant's ceiling, naming the ceiling", async () => {
    const { admin } = await limitedTenant("ceil-b", { cyclesPerSecond: 100, maxSessions: 10 });
    const cycles = await failure(admin.keys.createKey({ name: "big", scope: KeyScope.ENGINE, cyclesPerSecond: 10_000_000 }));
    expect(cycles.code).toBe(Code.FailedPrecondition);
    expect(cycles.rawMessage).toContain("ceiling of 100");
    const sessions = await failure(admin.keys.createKey({ name: "big", scope: KeyScope.ENGINE, maxSessions: 1_000_000 }));
    expect(sessions.code).toBe(Code.FailedPrecondition);
    expect(sessions.rawMessage).toContain("ceiling of 10");
    // Within the ceilings is fine, and the refusals created nothing.
    await admin.keys.createKey({ name: "ok", scope: KeyScope.ENGINE, cyclesPerSecond: 100, maxSessions: 10 });
    expect((await admin.keys.listKeys({})).keys.map((k) => k.name).sort()).toEqual(["ok", "test"]);
  });

  it("refuses a key past max_keys until one is revoked", async () => {
    const { admin } = await limitedTenant("ceil-c", { maxKeys: 3 }); // the admin key is the first
    await admin.keys.createKey({ name: "two", scope: KeyScope.READ });
    const three = await admin.keys.createKey({ name: "three", scope: KeyScope.READ });
    const four = await failure(admin.keys.createKey({ name: "four", scope: KeyScope.READ }));
    expect(four.code).toBe(Code.FailedPrecondition);
    expect(four.rawMessage).toContain("max_keys 3");
    expect((await admin.keys.listKeys({})).keys).toHaveLength(3);
    await admin.keys.revokeKey({ keyId: three.key!.keyId });
    await admin.keys.createKey({ name: "four", scope: KeyScope.READ });
  });
});

describe("at run time", () => {
  it("bounds the cycles of all the tenant's keys together, with RetryInfo, changing nothing", async () => {
    // 2 cycles/s for the tenant (a bucket of 4); each key alone may send far more.
    const { admin } = await limitedTenant("ceil-d", { cyclesPerSecond: 2 });
    const id = (await admin.instances.createInstance({ name: "ceil" })).instance!.id;
    const keys = await Promise.all([0, 1].map(() => admin.keys.createKey({ name: "k", scope: KeyScope.ENGINE })));
    const [a, b] = keys.map((k) => clientsFor(server.baseUrl, { apiKey: k.secret }).engine);
    await a!.processBatch({ instanceId: id, observations: [obs(), obs(), obs()] });
    await b!.process({ instanceId: id, observation: obs() });
    const before = await admin.engine.getState({ instanceId: id });

    const err = await failure(b!.process({ instanceId: id, observation: obs() }));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toContain("tenant ceil-d");
    const delay = retryDelayMs(err);
    expect(delay).toBeGreaterThan(0);
    expect(delay).toBeLessThanOrEqual(500);
    expect(await admin.engine.getState({ instanceId: id })).toEqual(before);

    // A batch past the tenant's whole bucket can never fit: no RetryInfo.
    const tooBig = await failure(a!.processBatch({ instanceId: id, observations: Array.from({ length: 5 }, obs) }));
    expect(tooBig.code).toBe(Code.ResourceExhausted);
    expect(retryDelayMs(tooBig)).toBeUndefined();

    await new Promise((r) => setTimeout(r, delay! + 20));
    await a!.process({ instanceId: id, observation: obs() });
    expect((await admin.engine.getState({ instanceId: id })).state!.cycleCount).toBe(5n);
  });

  it("bounds the open sessions of all the tenant's keys together, and frees slots as sessions end", async () => {
    const { admin } = await limitedTenant("ceil-e", { maxSessions: 2 });
    const agent = async () => (await admin.instances.createInstance({ name: "s" })).instance!.id;
    const engines = await Promise.all(
      [0, 1].map(async () => clientsFor(server.baseUrl, { apiKey: (await admin.keys.createKey({ name: "k", scope: KeyScope.ENGINE })).secret }).engine),
    );
    const first = openSession(engines[0]!, await agent());
    const second = openSession(engines[1]!, await agent());
    await nextFrame(first.responses);
    await nextFrame(second.responses);
    const third = openSession(engines[1]!, await agent());
    const err = await failure(nextFrame(third.responses));
    expect(err.code).toBe(Code.ResourceExhausted);
    expect(err.rawMessage).toContain("tenant ceil-e");
    expect(retryDelayMs(err)).toBe(1000);

    second.requests.end();
    expect((await second.responses.next()).done).toBe(true);
    const fourth = openSession(engines[0]!, await agent());
    expect((await nextFrame(fourth.responses)).frame.case).toBe("opened");
    first.requests.end();
    fourth.requests.end();
  });

  it("applies a ceiling set after the tenant's keys were made, at once on this replica", async () => {
    const admin = clientsFor(server.baseUrl, { apiKey: (await server.mintKey({ tenant: "ceil-f", scope: "admin" })).token });
    const id = (await admin.instances.createInstance({ name: "late" })).instance!.id;
    const engine = clientsFor(server.baseUrl, { apiKey: (await admin.keys.createKey({ name: "k", scope: KeyScope.ENGINE })).secret }).engine;
    await engine.processBatch({ instanceId: id, observations: Array.from({ length: 8 }, obs) });
    await operator.keys.setTenantLimits({ tenant: "ceil-f", cyclesPerSecond: 1 });
    await engine.processBatch({ instanceId: id, observations: [obs(), obs()] }); // a fresh bucket of 2
    expect((await failure(engine.process({ instanceId: id, observation: obs() }))).code).toBe(Code.ResourceExhausted);
  });
});
