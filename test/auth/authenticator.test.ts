// Authentication through the key cache, driven by a fake clock: refusal reasons and messages,
// revocation seen at once through this replica and within the TTL through another, one store
// read per key per TTL, and never a secret in a message.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { newKeyRecord, parseApiKey } from "../../src/auth/api-key.js";
import { Authenticator, type AuthFailureReason, type Credential } from "../../src/auth/authenticator.js";
import { AuthGate } from "../../src/auth/gate.js";
import { QuotaBook } from "../../src/auth/quota.js";
import type { Scope } from "../../src/scope.js";
import { MemoryKeyStore } from "../../src/store/memory-keys.js";
import type { ApiKeyRecord, KeyStore } from "../../src/store/types.js";

/** A KeyStore that counts reads. */
class CountingKeys extends MemoryKeyStore {
  reads = 0;
  override async getKey(id: string): Promise<ApiKeyRecord | null> {
    this.reads++;
    return super.getKey(id);
  }
}

function setup(options: { ttl?: number; keys?: KeyStore } = {}) {
  const keys = (options.keys as CountingKeys | undefined) ?? new CountingKeys();
  let now = 0;
  const failures: AuthFailureReason[] = [];
  const auth = new Authenticator({
    keys,
    operatorTenant: "ops",
    cacheTtlMs: options.ttl ?? 5000,
    now: () => now,
    onFailure: (r) => failures.push(r),
  });
  const mint = async (tenant = "acme", scope: Scope = "admin") => {
    const { record, token } = newKeyRecord({ name: "k", tenant, scope, createdBy: "bootstrap", createdAtMs: 0 });
    await keys.createKey(record);
    return { record, token, header: `Bearer ${token}` };
  };
  return { keys, auth, failures, mint, advance: (ms: number) => (now += ms) };
}

async function refusal(run: () => unknown): Promise<ConnectError> {
  try {
    await run();
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("not refused");
}

describe("Authenticator", () => {
  it("answers the key's principal; operator only for admin keys of the operator tenant", async () => {
    const { auth, mint } = setup();
    for (const [tenant, scope, operator] of [
      ["ops", "admin", true],
      ["ops", "engine", false],
      ["acme", "admin", false],
    ] as const) {
      const { record, header } = await mint(tenant, scope);
      const c = (await auth.authenticate(header)) as Credential;
      expect(c.principal).toEqual({ tenant, keyId: record.id, scope, operator });
    }
  });

  it("is synchronous once the key is cached, and reads the store once per TTL", async () => {
    const { auth, keys, mint, advance } = setup({ ttl: 1000 });
    const { header } = await mint();
    const reads = keys.reads;
    expect(auth.authenticate(header)).toBeInstanceOf(Promise);
    await auth.authenticate(header);
    expect(keys.reads).toBe(reads + 1);
    for (let i = 0; i < 100; i++) expect(auth.authenticate(header)).not.toBeInstanceOf(Promise);
    expect(keys.reads).toBe(reads + 1);
    advance(1000);
    await auth.authenticate(header);
    expect(keys.reads).toBe(reads + 2);
  });

  it("shares one store read among concurrent calls of an uncached key", async () => {
    const { auth, keys, mint } = setup();
    const { header } = await mint();
    const reads = keys.reads;
    await Promise.all(Array.from({ length: 20 }, () => auth.authenticate(header)));
    expect(keys.reads).toBe(reads + 1);
  });

  it("refuses missing and malformed headers without reading the store", async () => {
    const { auth, keys, failures } = setup();
    const missing = await refusal(() => auth.authenticate(null));
    expect(missing.code).toBe(Code.Unauthenticated);
    expect(missing.rawMessage).toContain("authorization Bearer");
    expect(missing.rawMessage).toContain("README Getting a key");
    const malformed = await refusal(() => auth.authenticate("Bearer keel_not-a-key"));
    expect(malformed.code).toBe(Code.Unauthenticated);
    expect(malformed.rawMessage).not.toContain("keel_not-a-key");
    expect(await refusal(() => auth.authenticate(""))).toMatchObject({ code: Code.Unauthenticated });
    expect(keys.reads).toBe(0);
    expect(failures).toEqual(["missing", "malformed", "missing"]);
  });

  it("gives an unknown id and a wrong secret the same answer, never repeating the secret", async () => {
    const { auth, mint, failures } = setup();
    const { record, token } = await mint();
    const parts = parseApiKey(token)!;
    const wrong = `Bearer ${parts.keyId}_${"A".repeat(43)}`;
    const unknown = `Bearer keel_0123456789abcdef_${parts.secret}`;
    const a = await refusal(() => auth.authenticate(wrong));
    const b = await refusal(() => auth.authenticate(unknown));
    expect(a.code).toBe(Code.Unauthenticated);
    expect(b.code).toBe(Code.Unauthenticated);
    expect(a.rawMessage.replace(record.id, "ID")).toBe(b.rawMessage.replace("keel_0123456789abcdef", "ID"));
    expect(a.rawMessage + b.rawMessage).not.toContain(parts.secret);
    expect(a.rawMessage).not.toContain("A".repeat(43));
    expect(failures).toEqual(["unknown", "unknown"]);
  });

  it("reports a revoked key as revoked only to a caller who showed its secret", async () => {
    const { auth, keys, mint, failures } = setup();
    const { record, token, header } = await mint();
    auth.remember((await keys.revokeKey("acme", record.id, 1))!);
    const revoked = await refusal(() => auth.authenticate(header));
    expect(revoked.code).toBe(Code.Unauthenticated);
    expect(revoked.rawMessage).toContain("revoked");
    const guess = await refusal(() => auth.authenticate(`Bearer ${parseApiKey(token)!.keyId}_${"B".repeat(43)}`));
    expect(guess.rawMessage).not.toContain("revoked");
    expect(failures).toEqual(["revoked", "unknown"]);
  });

  it("sees a revocation through this replica at once, through another within the TTL", async () => {
    const keys = new CountingKeys();
    const here = setup({ keys, ttl: 5000 });
    const there = setup({ keys, ttl: 5000 });
    const { record, header } = await here.mint();
    const cHere = (await here.auth.authenticate(header)) as Credential;
    const cThere = (await there.auth.authenticate(header)) as Credential;

    here.auth.remember((await keys.revokeKey("acme", record.id, 1))!);
    await expect(async () => here.auth.authenticate(header)).rejects.toMatchObject({ code: Code.Unauthenticated });
    expect(() => here.auth.recheck(cHere)).toThrow(/revoked/);

    // The other replica trusts its cached record until the TTL passes.
    expect(() => there.auth.authenticate(header)).not.toThrow();
    expect(there.auth.recheck(cThere)).toBeUndefined();
    there.advance(5000);
    await expect(Promise.resolve().then(() => there.auth.recheck(cThere))).rejects.toThrow(/revoked/);
    await expect(Promise.resolve().then(() => there.auth.authenticate(header))).rejects.toMatchObject({ code: Code.Unauthenticated });
  });

  it("never un-revokes a key because of a read that started before the revocation", async () => {
    const { auth, keys, mint, advance } = setup({ ttl: 10 });
    const { record, header } = await mint();
    await auth.authenticate(header);
    advance(10);
    const stale = auth.authenticate(header); // a read in flight
    expect(stale).toBeInstanceOf(Promise);
    auth.remember((await keys.revokeKey("acme", record.id, 1))!);
    await Promise.resolve(stale).catch(() => undefined);
    await expect(async () => auth.authenticate(header)).rejects.toMatchObject({ code: Code.Unauthenticated });
  });

  it("keeps a revocation it has seen even when the store answers with an older record", async () => {
    const { record, token } = newKeyRecord({ name: "k", tenant: "acme", scope: "admin", createdBy: "x", createdAtMs: 0 });
    // A lagging database replica: it never learns of the revocation.
    const lagging = { getKey: async () => ({ ...record }) } as unknown as KeyStore;
    let now = 0;
    const auth = new Authenticator({ keys: lagging, operatorTenant: "ops", cacheTtlMs: 10, now: () => now });
    await auth.authenticate(`Bearer ${token}`);
    auth.remember({ ...record, revokedAtMs: 1 });
    now += 100;
    await expect(Promise.resolve().then(() => auth.authenticate(`Bearer ${token}`))).rejects.toThrow(/revoked/);
  });

  it("knows keys created through this replica before any read", async () => {
    const { auth, keys } = setup();
    const { record, token } = newKeyRecord({ name: "k", tenant: "acme", scope: "read", createdBy: "x", createdAtMs: 0 });
    await keys.createKey(record);
    auth.remember(record);
    const reads = keys.reads;
    expect(auth.authenticate(`Bearer ${token}`)).not.toBeInstanceOf(Promise);
    expect(keys.reads).toBe(reads);
  });

  it("reads the store on every call with a TTL of 0", async () => {
    const { auth, keys, mint } = setup({ ttl: 0 });
    const { header } = await mint();
    const reads = keys.reads;
    for (let i = 0; i < 3; i++) await auth.authenticate(header);
    expect(keys.reads).toBe(reads + 3);
  });
});

describe("AuthGate.authorizeValue", () => {
  it("lets open methods through without a key, refuses a missing scope, and unknown methods fail closed", async () => {
    const { auth, mint, failures } = setup();
    const gate = new AuthGate(auth, new QuotaBook({ cyclesPerSecond: 0, cyclesBurst: 64, sessions: 0 }));
    expect(gate.authorizeValue("grpc.health.v1.Health/Check", null)).toBeNull();
    const read = await mint("acme", "read");
    await gate.authorizeValue("keel.v1.EngineService/GetState", read.header);
    const denied = await refusal(() => gate.authorizeValue("keel.v1.EngineService/Process", read.header));
    expect(denied.code).toBe(Code.PermissionDenied);
    expect(denied.rawMessage).toContain("needs engine");
    const admin = await mint("acme", "admin");
    const unknown = await refusal(() => gate.authorizeValue("keel.v1.EngineService/Nope", admin.header));
    expect(unknown.code).toBe(Code.PermissionDenied);
    const anonymous = await refusal(() => gate.authorizeValue("keel.v1.EngineService/Nope", null));
    expect(anonymous.code).toBe(Code.Unauthenticated);
    expect(failures).toEqual(["scope", "scope", "missing"]);
  });
});
