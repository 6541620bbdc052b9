// The API-key gate's acceptance matrix, generated from the service descriptors: every RPC of
// InstanceService, EngineService, ContractService and KeyService, called with
//   no key | a malformed key | a revoked key | a key lacking the scope | another tenant's key | its own key
// answers exactly the expected code. Another tenant's key reads and writes nothing of the
// tenant (NOT_FOUND for agent-scoped calls, lists without the tenant's ids), and a rejected call
// changes nothing: the whole tenant (agents, states, contracts, keys) is compared before and
// after. Then the header on each transport (grpc-js, Connect JSON over HTTP/1.1, gRPC-Web), and
// malformed headers of every shape.
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContractMode, ContractService } from "../../gen/keel/v1/contract_service_pb.js";
import { EngineService, ResetTarget, type SessionRequest, type SessionResponse } from "../../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../../gen/keel/v1/instance_service_pb.js";
import { KeyScope, KeyService } from "../../gen/keel/v1/key_service_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { generateApiKey } from "../../src/auth/api-key.js";
import { requiredScope } from "../../src/auth/method-scopes.js";
import { authInterceptor, clientsOn, type Clients } from "../support/clients.js";
import { grpcClients, unary } from "../support/grpc-js.js";
import { Pushable } from "../support/pushable.js";
import { startTestServer, type MintedKey, type TestServer } from "../support/server.js";

const SERVICES: DescService[] = [InstanceService, EngineService, ContractService, KeyService];
const ROWS = ["no key", "malformed key", "revoked key", "key lacking the scope", "another tenant's key", "own key"] as const;
type Row = (typeof ROWS)[number];

let server: TestServer;
/** Tenant "alpha" is the one under test; "beta" is the other tenant. Neither is the operator. */
const TENANT = "alpha";
let keys: { admin: MintedKey; engine: MintedKey; read: MintedKey; revoked: MintedKey; other: MintedKey };
let clients: Record<Row | "admin" | "engine" | "read", Clients>;
/** alpha's agent with cycles and two contract versions, shared by the calls that do not destroy it. */
let main: string;

function connectClients(authorization: string | null): Clients {
  return clientsOn(createGrpcTransport({ baseUrl: server.baseUrl, interceptors: authInterceptor(authorization, true) }));
}

beforeAll(async () => {
  server = await startTestServer();
  const mint = (tenant: string, scope: "read" | "engine" | "admin") => server.mintKey({ tenant, scope, name: `${tenant}-${scope}` });
  keys = {
    admin: await mint(TENANT, "admin"),
    engine: await mint(TENANT, "engine"),
    read: await mint(TENANT, "read"),
    revoked: await mint(TENANT, "admin"),
    other: await mint("beta", "admin"),
  };
  await server.revokeKey(keys.revoked.keyId, TENANT);
  const bearer = (k: MintedKey) => `Bearer ${k.token}`;
  clients = {
    "no key": connectClients(null),
    "malformed key": connectClients("Bearer keel_not-a-key"),
    "revoked key": connectClients(bearer(keys.revoked)),
    "key lacking the scope": connectClients(null), // replaced per method, see lacking()
    "another tenant's key": connectClients(bearer(keys.other)),
    "own key": connectClients(bearer(keys.admin)),
    admin: connectClients(bearer(keys.admin)),
    engine: connectClients(bearer(keys.engine)),
    read: connectClients(bearer(keys.read)),
  };
  const c = clients.admin;
  main = (await c.instances.createInstance({ name: "main", labels: { team: "a" } })).instance!.id;
  await c.engine.processBatch({ instanceId: main, observations: [obs(), obs(), obs()] });
  await c.contracts.generateContract({ agentId: main, archetype: "customer-experience", store: true });
  await c.contracts.generateContract({ agentId: main, archetype: "customer-experience", store: true });
});
afterAll(async () => {
  await server?.close();
});

const obs = () => ({ mode: Mode.ORDER, signalStrength: 0.5 });

/** The highest scope below the one needed: the key that lacks it. None exists for read methods. */
function lacking(needed: string): Clients | undefined {
  return needed === "admin" ? clients.engine : needed === "engine" ? clients.read : undefined;
}

async function freshAgent(): Promise<string> {
  return (await clients.admin.instances.createInstance({ name: "fresh" })).instance!.id;
}

/** A fresh agent with a shadow contract version (to promote, or to report on). */
async function shadowedAgent(): Promise<string> {
  const agentId = await freshAgent();
  await clients.admin.contracts.putContract({ contract: { agentId }, mode: ContractMode.SHADOW });
  return agentId;
}

/** What another tenant's key gets: NOT_FOUND for calls naming alpha's agent or key, else OK. */
type Other = "not_found" | "ok";

interface Fixture {
  /** A valid request for alpha's own admin key (fresh targets for calls that destroy them). */
  request(): Promise<Record<string, unknown>>;
  other: Other;
  /** Extra checks of another tenant's OK answer: it shows nothing of alpha. */
  otherShows?(res: any): void;
}

const agentCall = (request: () => Record<string, unknown>): Fixture => ({ request: async () => request(), other: "not_found" });

const FIXTURES: Record<string, Fixture> = {
  "keel.v1.InstanceService/CreateInstance": { request: async () => ({ name: "made" }), other: "ok" },
  "keel.v1.InstanceService/GetInstance": agentCall(() => ({ instanceId: main })),
  "keel.v1.InstanceService/ListInstances": {
    request: async () => ({ pageSize: 100 }),
    other: "ok",
    otherShows: (res) => expect(res.instances.map((i: { id: string }) => i.id)).not.toContain(main),
  },
  "keel.v1.InstanceService/UpdateInstance": agentCall(() => ({ instanceId: main, name: "renamed", updateMask: { paths: ["name"] } })),
  "keel.v1.InstanceService/DeleteInstance": { request: async () => ({ instanceId: await freshAgent() }), other: "not_found" },

  "keel.v1.EngineService/Process": agentCall(() => ({ instanceId: main, observation: obs() })),
  "keel.v1.EngineService/ProcessBatch": agentCall(() => ({ instanceId: main, observations: [obs(), obs()] })),
  "keel.v1.EngineService/Session": agentCall(() => ({ instanceId: main })),
  "keel.v1.EngineService/GetState": agentCall(() => ({ instanceId: main })),
  "keel.v1.EngineService/GetContract": agentCall(() => ({ instanceId: main })),
  "keel.v1.EngineService/Reset": { request: async () => ({ instanceId: await freshAgent(), target: ResetTarget.INITIAL }), other: "not_found" },
  "keel.v1.EngineService/ListHistory": agentCall(() => ({ instanceId: main })),
  "keel.v1.EngineService/ListDriftEvents": agentCall(() => ({ instanceId: main })),
  "keel.v1.EngineService/ListSnapshots": agentCall(() => ({ instanceId: main })),
  "keel.v1.EngineService/VerifyHistory": agentCall(() => ({ instanceId: main })),

  "keel.v1.ContractService/PutContract": {
    // The next version, as GenerateContract previews it (without storing).
    request: async () => ({ contract: (await clients.admin.contracts.generateContract({ agentId: main, archetype: "customer-experience" })).contract }),
    other: "not_found",
  },
  "keel.v1.ContractService/GetActiveContract": agentCall(() => ({ agentId: main })),
  "keel.v1.ContractService/GetContractVersion": agentCall(() => ({ agentId: main, version: 1 })),
  "keel.v1.ContractService/ListContractHistory": agentCall(() => ({ agentId: main })),
  "keel.v1.ContractService/DiffContracts": agentCall(() => ({ agentId: main, fromVersion: 1, toVersion: 2 })),
  "keel.v1.ContractService/VerifyContract": agentCall(() => ({ agentId: main, version: 0 })),
  "keel.v1.ContractService/GenerateContract": agentCall(() => ({ agentId: main, archetype: "customer-experience", store: true })),
  "keel.v1.ContractService/ListSigningKeys": { request: async () => ({}), other: "ok" },
  "keel.v1.ContractService/PromoteContract": { request: async () => ({ agentId: await shadowedAgent() }), other: "not_found" },
  "keel.v1.ContractService/GetShadowReport": { request: async () => ({ agentId: await shadowedAgent() }), other: "not_found" },

  "keel.v1.KeyService/CreateKey": { request: async () => ({ name: "made", scope: KeyScope.READ }), other: "ok" },
  "keel.v1.KeyService/ListKeys": {
    request: async () => ({}),
    other: "ok",
    otherShows: (res) => {
      const ids = res.keys.map((k: { keyId: string; tenant: string }) => k.keyId);
      expect(ids).not.toContain(keys.admin.keyId);
      expect(res.keys.every((k: { tenant: string }) => k.tenant === "beta")).toBe(true);
    },
  },
  "keel.v1.KeyService/RevokeKey": {
    request: async () => ({ keyId: (await server.mintKey({ tenant: TENANT, scope: "read", name: "doomed" })).keyId }),
    other: "not_found",
  },
  "keel.v1.KeyService/WhoAmI": {
    request: async () => ({}),
    other: "ok",
    otherShows: (res) => expect(res).toMatchObject({ tenant: "beta", keyId: keys.other.keyId, operator: false }),
  },
};

/** Calls `method` with `request` through `c`; a Session opens the stream and reads its first answer. */
async function call(c: Clients, service: DescService, method: DescMethod, request: Record<string, unknown>): Promise<unknown> {
  const client = {
    [InstanceService.typeName]: c.instances,
    [EngineService.typeName]: c.engine,
    [ContractService.typeName]: c.contracts,
    [KeyService.typeName]: c.keys,
  }[service.typeName] as unknown as Record<string, (req: unknown) => unknown>;
  if (method.methodKind === "bidi_streaming") {
    const requests = new Pushable<unknown>();
    requests.push({ frame: { case: "open", value: request } });
    const responses = (c.engine as Client<typeof EngineService>).session(requests as AsyncIterable<SessionRequest>)[Symbol.asyncIterator]();
    try {
      const first = await responses.next();
      expect((first.value as SessionResponse).frame.case).toBe("opened");
      return first.value;
    } finally {
      requests.end();
      await responses.return?.();
    }
  }
  return client[method.localName]!(request);
}

/** Everything alpha has: agents, their states and contracts, and its keys. */
async function tenantSnapshot(): Promise<string> {
  const c = clients.admin;
  const instances = (await c.instances.listInstances({ pageSize: 100 })).instances;
  const agents = [];
  for (const i of instances) {
    const { state, revision } = await c.engine.getState({ instanceId: i.id });
    const contracts = (await c.contracts.listContractHistory({ agentId: i.id, pageSize: 100 })).contracts;
    agents.push({ instance: i, revision, cycles: state!.cycleCount, contracts: contracts.map((k) => [k.version, k.contractId]) });
  }
  const keyList = (await c.keys.listKeys({ pageSize: 100 })).keys.map((k) => [k.keyId, k.revokeTime?.seconds ?? null]);
  return JSON.stringify({ agents, keyList }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

function expected(row: Row, fixture: Fixture): Code | 0 {
  switch (row) {
    case "no key":
    case "malformed key":
    case "revoked key":
      return Code.Unauthenticated;
    case "key lacking the scope":
      return Code.PermissionDenied;
    case "another tenant's key":
      return fixture.other === "not_found" ? Code.NotFound : 0;
    case "own key":
      return 0; // OK
  }
}

describe.each(SERVICES.map((s) => [s.typeName, s] as const))("%s", (_name, service) => {
  it.each(service.methods.map((m) => [m.name, m] as const))("%s answers every kind of key exactly", async (_m, method) => {
    const path = `${service.typeName}/${method.name}`;
    const fixture = FIXTURES[path];
    expect(fixture, `no matrix fixture for ${path}: add one`).toBeDefined();
    const needed = requiredScope(path)!;
    const results: string[] = [];
    const wanted: string[] = [];
    for (const row of ROWS) {
      const c = row === "key lacking the scope" ? lacking(needed) : clients[row];
      if (!c) continue; // every key holds read: no key lacks it
      const request = await fixture!.request();
      const rejected = row !== "own key";
      const before = rejected ? await tenantSnapshot() : "";
      let code: Code | 0 = 0;
      let res: unknown;
      try {
        res = await call(c, service, method, request);
      } catch (err) {
        code = ConnectError.from(err).code;
      }
      results.push(`${row} -> ${code === 0 ? "OK" : Code[code]}`);
      const want = expected(row, fixture!);
      wanted.push(`${row} -> ${want === 0 ? "OK" : Code[want]}`);
      if (row === "another tenant's key" && code === 0) fixture!.otherShows?.(res);
      // Nothing of alpha changed: not by a refused call, not by another tenant's call.
      if (rejected) expect(await tenantSnapshot(), `${row} changed tenant ${TENANT}`).toBe(before);
    }
    expect(results).toEqual(wanted);
  });
});

describe("key management across tenants", () => {
  it("refuses a non-operator admin naming another tenant, and lets an operator do it", async () => {
    const beta = clients["another tenant's key"].keys;
    for (const request of [
      () => beta.createKey({ name: "x", scope: KeyScope.READ, tenant: TENANT }),
      () => beta.listKeys({ tenant: TENANT }),
      () => beta.revokeKey({ keyId: keys.admin.keyId, tenant: TENANT }),
    ]) {
      await expect(request()).rejects.toMatchObject({ code: Code.PermissionDenied });
    }
    expect((await clients.admin.keys.whoAmI({})).operator).toBe(false);
    const operator = connectClients(`Bearer ${server.apiKey}`).keys;
    expect((await operator.whoAmI({})).operator).toBe(true);
    const listed = await operator.listKeys({ tenant: TENANT, pageSize: 100 });
    expect(listed.keys.map((k) => k.keyId)).toContain(keys.admin.keyId);
  });

  it("validates key requests at the edge, naming the field", async () => {
    const k = clients.admin.keys;
    const cases: [() => Promise<unknown>, string][] = [
      [() => k.createKey({ name: "", scope: KeyScope.READ }), "name"],
      [() => k.createKey({ name: "x" }), "scope"],
      [() => k.createKey({ name: "x", scope: 9 as KeyScope }), "scope"],
      [() => k.createKey({ name: "x", scope: KeyScope.READ, tenant: "Not Valid" }), "tenant"],
      [() => k.createKey({ name: "x", scope: KeyScope.READ, cyclesPerSecond: 20_000_000 }), "cycles_per_second"],
      [() => k.revokeKey({ keyId: "" }), "key_id"],
      [() => k.listKeys({ pageSize: 101 }), "page_size"],
    ];
    for (const [request, field] of cases) {
      const err = ConnectError.from(await request().catch((e: unknown) => e));
      expect(err.code, field).toBe(Code.InvalidArgument);
      expect(err.rawMessage).toContain(field);
    }
  });

  it("never echoes a whole key given where a key id belongs", async () => {
    const { token, secret } = generateApiKey();
    const err = ConnectError.from(await clients.admin.keys.revokeKey({ keyId: token }).catch((e: unknown) => e));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).not.toContain(secret.slice(0, 8));
  });

  it("creates keys whose secret is shown once and never listed, and lets a key revoke itself", async () => {
    const made = await clients.admin.keys.createKey({ name: "self", scope: KeyScope.ENGINE, cyclesPerSecond: 50, maxSessions: 2 });
    expect(made.secret.startsWith(`${made.key!.keyId}_`)).toBe(true);
    expect(made.key).toMatchObject({ tenant: TENANT, name: "self", scope: KeyScope.ENGINE, cyclesPerSecond: 50, maxSessions: 2, createdBy: keys.admin.keyId });
    const listed = await clients.admin.keys.listKeys({ pageSize: 100 });
    expect(JSON.stringify(listed, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain(made.secret.slice(22));

    const self = await server.mintKey({ tenant: TENANT, scope: "admin", name: "self-revoking" });
    const selfClient = connectClients(`Bearer ${self.token}`).keys;
    const revoked = await selfClient.revokeKey({ keyId: self.keyId });
    expect(revoked.key!.revokeTime).toBeDefined();
    await expect(selfClient.whoAmI({})).rejects.toMatchObject({ code: Code.Unauthenticated });
  });
});

describe("the header on each transport", () => {
  it("works over grpc-js: no key, a malformed key, a revoked key, the own key", async () => {
    const expectCode = async (options: Parameters<typeof grpcClients>[2], code: number) => {
      const c = grpcClients(server.address, grpc.credentials.createInsecure(), options);
      try {
        const got = await unary(c.engine, "GetState", { instance_id: main }).then(
          () => 0,
          (e: grpc.ServiceError) => e.code,
        );
        expect(got).toBe(code);
        if (code === 0) expect((await unary(c.keys, "WhoAmI", {})).tenant).toBe(TENANT);
      } finally {
        c.close();
      }
    };
    await expectCode({ apiKey: null }, grpc.status.UNAUTHENTICATED);
    await expectCode({ authorization: "Bearer nope" }, grpc.status.UNAUTHENTICATED);
    await expectCode({ apiKey: keys.revoked.token }, grpc.status.UNAUTHENTICATED);
    await expectCode({ apiKey: keys.other.token }, grpc.status.NOT_FOUND);
    await expectCode({ apiKey: keys.read.token }, grpc.status.OK);
  });

  it("refuses over grpc-js a key lacking the scope with PERMISSION_DENIED, changing nothing", async () => {
    const c = grpcClients(server.address, grpc.credentials.createInsecure(), { apiKey: keys.read.token });
    try {
      const before = await tenantSnapshot();
      const err = await unary(c.engine, "Process", { instance_id: main, observation: { mode: "MODE_ORDER", signal_strength: 0.5 } }).catch(
        (e: grpc.ServiceError) => e,
      );
      expect((err as grpc.ServiceError).code).toBe(grpc.status.PERMISSION_DENIED);
      expect((err as grpc.ServiceError).details).toContain("needs engine");
      expect(await tenantSnapshot()).toBe(before);
    } finally {
      c.close();
    }
  });

  it.each([
    [
      "Connect JSON over HTTP/1.1",
      (interceptors: Interceptor[]) =>
        createConnectTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", useBinaryFormat: false, interceptors }),
    ],
    ["gRPC-Web over HTTP/1.1", (interceptors: Interceptor[]) => createGrpcWebTransport({ baseUrl: server.baseUrl, httpVersion: "1.1", interceptors })],
  ] as const)("works over %s", async (_name, transport) => {
    const on = (authorization: string | null) => clientsOn(transport(authInterceptor(authorization, true)));
    const codeOf = (p: Promise<unknown>) => p.then(() => 0, (e: unknown) => ConnectError.from(e).code);
    expect(await codeOf(on(null).engine.getState({ instanceId: main }))).toBe(Code.Unauthenticated);
    expect(await codeOf(on("Bearer keel_x").engine.getState({ instanceId: main }))).toBe(Code.Unauthenticated);
    expect(await codeOf(on(`Bearer ${keys.revoked.token}`).engine.getState({ instanceId: main }))).toBe(Code.Unauthenticated);
    expect(await codeOf(on(`Bearer ${keys.read.token}`).engine.process({ instanceId: main, observation: obs() }))).toBe(Code.PermissionDenied);
    expect(await codeOf(on(`Bearer ${keys.other.token}`).engine.getState({ instanceId: main }))).toBe(Code.NotFound);
    expect(await codeOf(on(`bearer ${keys.read.token}`).engine.getState({ instanceId: main }))).toBe(0);
    expect((await on(`Bearer ${keys.engine.token}`).keys.whoAmI({})).scope).toBe(KeyScope.ENGINE);
  });
});

describe("malformed and wrong keys", () => {
  it("refuses every malformed shape with UNAUTHENTICATED and a message that repeats none of it", async () => {
    const { token, secret } = generateApiKey();
    const real = keys.read.token;
    const shapes = [
      "",
      "Bearer",
      `Basic ${real}`,
      real,
      `Bearer  ${real}`,
      `Bearer ${real}x`,
      `Bearer ${real.slice(0, -1)}`,
      `Bearer ${real.toUpperCase()}`,
      `Token ${real}`,
      `Bearer ${secret}`,
    ];
    for (const header of shapes) {
      const err = ConnectError.from(await connectClients(header || null).keys.whoAmI({}).then(() => "ok", (e: unknown) => e));
      expect(err.code, JSON.stringify(header)).toBe(Code.Unauthenticated);
      expect(err.rawMessage).not.toContain(secret);
      expect(err.rawMessage).not.toContain(real.slice(22));
    }
    // Well-formed but unknown, and a known id with a wrong secret: the same answer.
    const unknown = ConnectError.from(await connectClients(`Bearer ${token}`).keys.whoAmI({}).catch((e: unknown) => e));
    const wrong = ConnectError.from(
      await connectClients(`Bearer ${keys.read.keyId}_${secret}`).keys.whoAmI({}).catch((e: unknown) => e),
    );
    expect(unknown.code).toBe(Code.Unauthenticated);
    expect(wrong.code).toBe(Code.Unauthenticated);
    expect(unknown.rawMessage.replace(/keel_[0-9a-f]{16}/, "ID")).toBe(wrong.rawMessage.replace(/keel_[0-9a-f]{16}/, "ID"));
  });
});
