// The API key token format shared by the server and the CLI.
import { describe, expect, it } from "vitest";
import { API_KEY_PATTERN, KEY_ID_PATTERN, generateApiKey, parseApiKey } from "../../src/auth/key-format.js";

describe("API key format", () => {
  it("generates keel_<16 hex>_<43 base64url> from 8 + 32 random bytes", () => {
    const key = generateApiKey();
    expect(key.token).toMatch(API_KEY_PATTERN);
    expect(key.keyId).toMatch(KEY_ID_PATTERN);
    expect(key.token).toBe(`${key.keyId}_${key.secret}`);
    expect(Buffer.from(key.secret, "base64url")).toHaveLength(32);
    expect(new Set(Array.from({ length: 100 }, () => generateApiKey().token)).size).toBe(100);
  });

  it("splits at fixed positions, so a secret starting with _ or - parses", () => {
    const fixed = generateApiKey((n) => Buffer.alloc(n, 0xff));
    expect(fixed.keyId).toBe("keel_ffffffffffffffff");
    expect(fixed.secret).toBe(`${"_".repeat(42)}8`);
    expect(parseApiKey(fixed.token)).toEqual(fixed);
  });

  it("rejects anything else", () => {
    const { token } = generateApiKey();
    for (const bad of ["", token.slice(0, -1), `${token}x`, token.replace("keel_", "key_"), token.toUpperCase(), ` ${token}`, "keel_sk_test"]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });
});
