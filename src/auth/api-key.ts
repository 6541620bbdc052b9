// API keys on the server side: the token format (shared with the CLI in src/auth/key-format.ts,
// so there is exactly one definition of it), hashing of the secret part,
// constant-time verification, and the stored record of a new key. Pure apart from randomness.
//
//   keel_0123456789abcdef_<43 base64url characters>
//   \__________________/ \________________________/
//     key id: public,      secret: 32 random bytes; only its SHA-256 is stored.
//     the record's id
//
// The secret carries 256 random bits, so a plain SHA-256 is as good as a slow KDF here: there is
// no dictionary to attack, and verification stays well under a microsecond.
import { hash, timingSafeEqual } from "node:crypto";
import type { ApiKeyRecord } from "../store/types.js";
import type { Scope } from "../scope.js";
import { generateApiKey, parseApiKey, type ApiKeyParts } from "./key-format.js";

export { API_KEY_PATTERN, KEY_ID_PATTERN, generateApiKey, parseApiKey, type ApiKeyParts } from "./key-format.js";

/** Hex SHA-256 of the secret part, as stored in ApiKeyRecord.secretHash. */
export function hashSecret(secret: string): string {
  return hash("sha256", secret, "hex");
}

/** The stored hash as bytes, for verifySecret; computed once per cached record. */
export function hashBytes(secretHash: string): Buffer {
  return Buffer.from(secretHash, "hex");
}

/**
 * True when `secret` hashes to `expected` (32 bytes). The comparison takes the same time
 * wherever the hashes differ; a malformed stored hash never matches.
 */
export function verifySecret(secret: string, expected: Buffer): boolean {
  // crypto.hash: one call, no Hash object (a third faster than createHash for 43 bytes).
  const actual = hash("sha256", secret, "buffer");
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

export interface NewKey {
  name: string;
  tenant: string;
  scope: Scope;
  cyclesPerSecond?: number;
  maxSessions?: number;
  /** Id of the key that creates this one, or "bootstrap". */
  createdBy: string;
  createdAtMs: number;
}

/**
 * The record to store for a key, and the whole token to show once. Pass `parts` to store a
 * token made elsewhere (KEEL_BOOTSTRAP_KEY); a fresh random key otherwise.
 */
export function newKeyRecord(key: NewKey, parts: ApiKeyParts = generateApiKey()): { record: ApiKeyRecord; token: string } {
  return {
    record: {
      id: parts.keyId,
      tenant: key.tenant,
      name: key.name,
      scope: key.scope,
      secretHash: hashSecret(parts.secret),
      cyclesPerSecond: key.cyclesPerSecond ?? 0,
      maxSessions: key.maxSessions ?? 0,
      createdAtMs: key.createdAtMs,
      createdBy: key.createdBy,
      revokedAtMs: null,
    },
    token: parts.token,
  };
}

/** The token of an `authorization` header value: exactly "Bearer <token>", the scheme in any case. */
export function bearerToken(header: string): string | null {
  // "Bearer " is 7 characters; anything else before the token (another scheme, two spaces) fails.
  if (header.length < 8 || header.charCodeAt(6) !== 32 || header.slice(0, 6).toLowerCase() !== "bearer") return null;
  return header.slice(7);
}

/** Splits an `authorization` header value into key id and secret; null unless well-formed. */
export function parseAuthorization(header: string): ApiKeyParts | null {
  const token = bearerToken(header);
  return token === null ? null : parseApiKey(token);
}
