// The server side of API keys: the header's format, hashing and constant-time verification, and
// the record stored for a new key (never the secret itself).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  API_KEY_PATTERN,
  bearerToken,
  generateApiKey,
  hashBytes,
  hashSecret,
  newKeyRecord,
  parseApiKey,
  parseAuthorization,
  verifySecret,
} from "../../src/auth/api-key.js";

describe("key format", () => {
  it("is the SDK's format: keel_<16 hex>_<43 base64url>, the id being the readable prefix", () => {
    const key = generateApiKey();
    expect(key.token).toMatch(API_KEY_PATTERN);
    expect(key.token.startsWith(`${key.keyId}_`)).toBe(true);
    expect(parseApiKey(key.token)).toEqual(key);
    expect(Buffer.from(key.secret, "base64url")).toHaveLength(32);
  });
});

describe("authorization header", () => {
  const { token, keyId, secret } = generateApiKey();

  it("accepts exactly 'Bearer <token>', the scheme in any case", () => {
    for (const scheme of ["Bearer", "bearer", "BEARER", "bEaReR"]) {
      expect(bearerToken(`${scheme} ${token}`)).toBe(token);
      expect(parseAuthorization(`${scheme} ${token}`)).toEqual({ keyId, secret, token });
    }
  });

  it("rejects other schemes, missing or extra spaces, and malformed tokens", () => {
    const bad = [
      "",
      "Bearer",
      "Bearer ",
      token,
      `Basic ${token}`,
      `Bearer  ${token}`,
      `Bearer\t${token}`,
      `Bearer ${token} `,
      `Bearer ${token}x`,
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${keyId}`,
      `Bearer ${secret}`,
      "Bearer keel_sk_test",
      `Bearer ${token.replace("keel_", "KEEL_")}`,
    ];
    for (const header of bad) expect(parseAuthorization(header), JSON.stringify(header)).toBeNull();
  });
});

describe("hashing", () => {
  it("stores the hex SHA-256 of the secret part only", () => {
    const { secret } = generateApiKey();
    expect(hashSecret(secret)).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(hashSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("verifies the right secret and nothing else", () => {
    const a = generateApiKey();
    const b = generateApiKey();
    const stored = hashBytes(hashSecret(a.secret));
    expect(verifySecret(a.secret, stored)).toBe(true);
    expect(verifySecret(b.secret, stored)).toBe(false);
    expect(verifySecret(a.secret.slice(0, -1) + (a.secret.endsWith("A") ? "B" : "A"), stored)).toBe(false);
    expect(verifySecret("", stored)).toBe(false);
  });

  it("never matches a malformed stored hash (instead of throwing)", () => {
    const { secret } = generateApiKey();
    expect(verifySecret(secret, hashBytes(""))).toBe(false);
    expect(verifySecret(secret, hashBytes("abc"))).toBe(false);
  });
});

describe("newKeyRecord", () => {
  it("builds the stored record: id, hash, no secret anywhere", () => {
    const { record, token } = newKeyRecord({ name: "ci", tenant: "acme", scope: "engine", createdBy: "keel_0000000000000000", createdAtMs: 5 });
    const parts = parseApiKey(token)!;
    expect(record).toEqual({
      id: parts.keyId,
      tenant: "acme",
      name: "ci",
      scope: "engine",
      secretHash: hashSecret(parts.secret),
      cyclesPerSecond: 0,
      maxSessions: 0,
      createdAtMs: 5,
      createdBy: "keel_0000000000000000",
      revokedAtMs: null,
    });
    expect(JSON.stringify(record)).not.toContain(parts.secret);
  });

  it("stores a given token (KEEL_BOOTSTRAP_KEY) under its own id", () => {
    const parts = generateApiKey();
    const { record, token } = newKeyRecord({ name: "bootstrap", tenant: "default", scope: "admin", createdBy: "bootstrap", createdAtMs: 0 }, parts);
    expect(token).toBe(parts.token);
    expect(record.id).toBe(parts.keyId);
  });
});
