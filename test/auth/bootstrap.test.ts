// The first key: KEEL_BOOTSTRAP_KEY ensured idempotently, a generated key announced once on
// "stderr" (never the logs), a revoked bootstrap key left revoked, and KEEL_AUTH=off.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { generateApiKey, hashSecret } from "../../src/auth/api-key.js";
import { bootstrapKeys } from "../../src/auth/bootstrap.js";
import { ConfigError } from "../../src/config.js";
import { MemoryKeyStore } from "../../src/store/memory-keys.js";
import { MemoryStore } from "../../src/store/memory.js";
import { clientsFor } from "../support/clients.js";
import { captureLogger, startTestServer } from "../support/server.js";

const base = { operatorTenant: "default", generate: true, now: () => 1000 };

describe("bootstrapKeys", () => {
  it("creates KEEL_BOOTSTRAP_KEY as the operator's admin key, once, whatever the number of starts", async () => {
    const keys = new MemoryKeyStore();
    const { token, keyId, secret } = generateApiKey();
    const { logger, lines } = captureLogger();
    for (let i = 0; i < 3; i++) {
      expect(await bootstrapKeys({ ...base, keys, token, logger })).toEqual({ generated: null, keyId });
    }
    const page = await keys.listKeys("default", { pageSize: 10, pageToken: "" });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ id: keyId, tenant: "default", name: "bootstrap", scope: "admin", createdBy: "bootstrap", revokedAtMs: null });
    expect(page.items[0]!.secretHash).toBe(hashSecret(secret));
    expect(lines().join("\n")).not.toContain(secret);
  });

  it("leaves a revoked bootstrap key revoked, with a warning", async () => {
    const keys = new MemoryKeyStore();
    const { token, keyId } = generateApiKey();
    const { logger, lines } = captureLogger();
    await bootstrapKeys({ ...base, keys, token, logger });
    await keys.revokeKey("default", keyId, 2000);
    await bootstrapKeys({ ...base, keys, token, logger });
    expect((await keys.getKey(keyId))!.revokedAtMs).toBe(2000);
    const warning = lines().map((l) => JSON.parse(l)).find((l) => l.level === 40);
    expect(warning.msg).toContain("revoked");
  });

  it("refuses a bootstrap key whose id exists with another secret", async () => {
    const keys = new MemoryKeyStore();
    const first = generateApiKey();
    const { logger } = captureLogger();
    await bootstrapKeys({ ...base, keys, token: first.token, logger });
    const impostor = `${first.keyId}_${generateApiKey().secret}`;
    await expect(bootstrapKeys({ ...base, keys, token: impostor, logger })).rejects.toBeInstanceOf(ConfigError);
  });

  it("generates a key only when the store has none and none is configured", async () => {
    const keys = new MemoryKeyStore();
    const { logger } = captureLogger();
    const first = await bootstrapKeys({ ...base, keys, token: null, logger });
    expect(first.generated).toMatch(/^keel_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(await bootstrapKeys({ ...base, keys, token: null, logger })).toEqual({ generated: null, keyId: null });
    expect(await bootstrapKeys({ ...base, keys: new MemoryKeyStore(), token: null, generate: false, logger })).toEqual({
      generated: null,
      keyId: null,
    });
  });
});

describe("starting with no keys and no KEEL_BOOTSTRAP_KEY", () => {
  it("announces a generated admin key once, outside the logs, and that key works", async () => {
    const { logger, lines } = captureLogger("trace");
    const server = await startTestServer({ env: { KEEL_BOOTSTRAP_KEY: "" }, logger });
    try {
      const banner = server.announced.join("");
      const token = /export KEEL_API_KEY=(\S+)/.exec(banner)![1]!;
      expect(server.apiKey).toBe(token);
      expect(banner).toContain(`curl -s ${server.baseUrl}/keel.v1.KeyService/WhoAmI`);
      expect(banner).toContain("KEEL_BOOTSTRAP_KEY");
      const who = await clientsFor(server.baseUrl, { apiKey: token }).keys.whoAmI({});
      expect(who).toMatchObject({ tenant: "default", operator: true });
      const secret = token.slice(22);
      expect(lines().some((l) => l.includes(secret))).toBe(false);
      expect(lines().join("\n")).toContain(who.keyId); // the id is logged; the secret never
    } finally {
      await server.close();
    }
  });

  it("announces nothing when the store already has keys", async () => {
    const store = new MemoryStore();
    const first = await startTestServer({ store, env: { KEEL_BOOTSTRAP_KEY: "" } });
    await first.close();
    const second = await startTestServer({ store, env: { KEEL_BOOTSTRAP_KEY: "" } });
    try {
      expect(first.announced).toHaveLength(1);
      expect(second.announced).toHaveLength(0);
    } finally {
      await second.close();
    }
  });
});

describe("KEEL_AUTH=off", () => {
  it("serves calls without a key as the operator tenant's admin, and warns at start", async () => {
    const { logger, lines } = captureLogger();
    const server = await startTestServer({ env: { KEEL_AUTH: "off", KEEL_BOOTSTRAP_KEY: "" }, logger });
    try {
      const c = clientsFor(server.baseUrl, { apiKey: null });
      expect(await c.keys.whoAmI({})).toMatchObject({ keyId: "anonymous", tenant: "default", operator: true });
      await c.instances.createInstance({ name: "open" });
      expect(server.announced).toHaveLength(0);
      const warning = lines().map((l) => JSON.parse(l)).find((l) => l.level === 40);
      expect(warning.msg).toContain("KEEL_AUTH=off");
      // Even a garbage header is ignored: there is no gate.
      const g = clientsFor(server.baseUrl, { apiKey: "nonsense" });
      await expect(g.instances.listInstances({})).resolves.toBeDefined();
    } finally {
      await server.close();
    }
  });

  it("once turned back on, what was made anonymously belongs to the operator tenant and needs its key", async () => {
    const store = new MemoryStore();
    const open = await startTestServer({ store, env: { KEEL_AUTH: "off" } });
    const id = (await clientsFor(open.baseUrl, { apiKey: null }).instances.createInstance({ name: "before" })).instance!.id;
    await open.close();
    const closed = await startTestServer({ store });
    try {
      const anonymous = await clientsFor(closed.baseUrl, { apiKey: null })
        .instances.getInstance({ instanceId: id })
        .catch((e: unknown) => ConnectError.from(e));
      expect(anonymous).toMatchObject({ code: Code.Unauthenticated });
      expect((await clientsFor(closed.baseUrl).instances.getInstance({ instanceId: id })).instance!.name).toBe("before");
    } finally {
      await closed.close();
    }
  });
});
