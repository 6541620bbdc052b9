// The audit trail and the logs: one audit line per administrative change (which key, what, to
// what, result, when), none for reads or refused calls, and no log line, at any level, that
// contains any part of a secret: not the bootstrap key, not a created key, not a wrong key.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyScope } from "../../gen/keel/v1/key_service_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { ResetTarget } from "../../gen/keel/v1/engine_service_pb.js";
import { generateApiKey } from "../../src/auth/api-key.js";
import { TEST_API_KEY } from "../support/api-key.js";
import { authInterceptor, clientsFor, clientsOn } from "../support/clients.js";
import { captureLogger, startTestServer, type TestServer } from "../support/server.js";
import { createGrpcTransport } from "@connectrpc/connect-node";

let server: TestServer;
let log: ReturnType<typeof captureLogger>;
/** Every secret the test handled; none may appear in any log line. */
const secrets: string[] = [];

beforeAll(async () => {
  log = captureLogger("trace");
  server = await startTestServer({ logger: log.logger });
  secrets.push(TEST_API_KEY.slice(22));
});
afterAll(async () => {
  await server.close();
});

interface AuditLine {
  audit: true;
  keyId: string;
  tenant: string;
  method: string;
  target: string;
  targetTenant?: string;
  code: string;
  time: number;
}

const audits = (): AuditLine[] => log.lines().map((l) => JSON.parse(l)).filter((l) => l.audit === true);

describe("audit log", () => {
  it("writes one line per administrative change, with the key, the method, the target and the result", async () => {
    const c = clientsFor(server.baseUrl);
    const me = await c.keys.whoAmI({});
    const start = audits().length;
    const id = (await c.instances.createInstance({ name: "audited" })).instance!.id;
    await c.instances.updateInstance({ instanceId: id, name: "renamed", updateMask: { paths: ["name"] } });
    await c.engine.process({ instanceId: id, observation: { mode: Mode.ORDER, signalStrength: 0.5 } });
    await c.engine.reset({ instanceId: id, target: ResetTarget.INITIAL });
    await c.contracts.generateContract({ agentId: id, archetype: "customer-experience" }); // a preview changes nothing
    await c.contracts.generateContract({ agentId: id, archetype: "customer-experience", store: true });
    const preview = (await c.contracts.generateContract({ agentId: id, archetype: "customer-experience" })).contract!;
    await c.contracts.putContract({ contract: preview });
    const made = await c.keys.createKey({ name: "team-b", scope: KeyScope.READ, tenant: "team-b" });
    secrets.push(made.secret.slice(22));
    await c.keys.listKeys({ tenant: "team-b" });
    await c.keys.revokeKey({ keyId: made.key!.keyId, tenant: "team-b" });
    await c.instances.deleteInstance({ instanceId: id });
    await c.instances.createInstance({ name: "" }).catch(() => undefined); // invalid: audited with its code
    await c.instances.deleteInstance({ instanceId: id }).catch(() => undefined); // already gone

    const lines = audits().slice(start);
    expect(lines.map((l) => [l.method.split("/")[1], l.target, l.code])).toEqual([
      ["CreateInstance", id, "ok"],
      ["UpdateInstance", id, "ok"],
      ["Reset", id, "ok"],
      ["GenerateContract", id, "ok"],
      ["PutContract", id, "ok"],
      ["CreateKey", made.key!.keyId, "ok"],
      ["RevokeKey", made.key!.keyId, "ok"],
      ["DeleteInstance", id, "ok"],
      ["CreateInstance", "", "InvalidArgument"],
      ["DeleteInstance", id, "NotFound"],
    ]);
    for (const l of lines) {
      expect(l).toMatchObject({ keyId: me.keyId, tenant: "default" });
      expect(typeof l.time).toBe("number");
    }
    expect(lines.find((l) => l.method.endsWith("/CreateKey"))!.targetTenant).toBe("team-b");
  });

  it("writes nothing for a refused call: it changed nothing", async () => {
    const reader = await server.mintKey({ scope: "read" });
    secrets.push(reader.token.slice(22));
    const start = audits().length;
    const c = clientsFor(server.baseUrl, { apiKey: reader.token });
    await expect(c.instances.createInstance({ name: "nope" })).rejects.toMatchObject({ code: Code.PermissionDenied });
    expect(audits().length).toBe(start);
  });
});

describe("secrets in logs", () => {
  it("never appear, whatever the call: valid, wrong, malformed, revoked keys, created keys", async () => {
    const wrong = generateApiKey();
    secrets.push(wrong.secret);
    const headers = [
      `Bearer ${wrong.token}`,
      `Bearer ${wrong.token}x`,
      `Basic ${wrong.token}`,
      wrong.token,
      `Bearer ${TEST_API_KEY.slice(0, 22)}${wrong.secret}`,
    ];
    for (const h of headers) {
      const c = clientsOn(createGrpcTransport({ baseUrl: server.baseUrl, interceptors: authInterceptor(h, true) }));
      const err = await c.keys.whoAmI({}).catch((e: unknown) => ConnectError.from(e));
      expect(err).toMatchObject({ code: Code.Unauthenticated });
    }
    const revoked = await server.mintKey({ scope: "admin" });
    secrets.push(revoked.token.slice(22));
    await server.revokeKey(revoked.keyId);
    await clientsFor(server.baseUrl, { apiKey: revoked.token }).keys.whoAmI({}).catch(() => undefined);

    const all = log.lines();
    expect(all.length).toBeGreaterThan(20);
    for (const secret of secrets) {
      // Any 16-character piece of a secret would be a leak.
      for (let i = 0; i + 16 <= secret.length; i += 8) {
        const piece = secret.slice(i, i + 16);
        expect(all.filter((l) => l.includes(piece)), `a log line holds part of a secret`).toEqual([]);
      }
    }
    // The refusals themselves are logged, by key id at most.
    expect(all.some((l) => l.includes('"code":"Unauthenticated"'))).toBe(true);
  });
});
