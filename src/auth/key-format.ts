// The API key token format, in one small pure module that the server and the CLI share. The
// TypeScript SDK (clients/typescript) only sends a key as given, so it needs none of this: the
// server says what is wrong with a malformed key (UNAUTHENTICATED with the reason).
//
//   keel_0123456789abcdef_<43 base64url characters>
//   \__________________/ \________________________/
//     key id: public        secret: 32 random bytes,
//     (8 random bytes hex)  base64url without padding
//
// The key id is safe to log and names the key in listings; the whole token is the credential,
// sent as `authorization: Bearer <token>`.
import { randomBytes } from "node:crypto";
import type { Interceptor } from "@connectrpc/connect";

/** The whole token: "keel_", 16 lowercase hex digits, "_", 43 base64url characters. */
export const API_KEY_PATTERN = /^(keel_[0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
/** A key id alone: "keel_" and 16 lowercase hex digits. */
export const KEY_ID_PATTERN = /^keel_[0-9a-f]{16}$/;

export interface ApiKeyParts {
  /** "keel_" + 16 hex digits: the public id. */
  keyId: string;
  /** The 43-character base64url secret (32 bytes). */
  secret: string;
  /** keyId + "_" + secret: what a client sends. */
  token: string;
}

/** A fresh random key (8 random bytes of id, 32 random bytes of secret). */
export function generateApiKey(random: (size: number) => Buffer = randomBytes): ApiKeyParts {
  const keyId = `keel_${random(8).toString("hex")}`;
  const secret = random(32).toString("base64url");
  return { keyId, secret, token: `${keyId}_${secret}` };
}

/** Splits a well-formed token into id and secret; null for anything else. */
export function parseApiKey(token: string): ApiKeyParts | null {
  const match = API_KEY_PATTERN.exec(token);
  if (!match) return null;
  return { keyId: match[1]!, secret: match[2]!, token };
}

/** True when the key can travel in a header: visible ASCII, no spaces or control characters. */
export function isHeaderSafe(apiKey: string): boolean {
  return /^[\x21-\x7e]+$/.test(apiKey);
}

/** The `authorization` header value that carries a key. */
export function bearer(apiKey: string): string {
  return `Bearer ${apiKey}`;
}

/** Sends the key on every call (unary and streaming) of a Connect transport. */
export function apiKeyInterceptor(apiKey: string): Interceptor {
  const value = bearer(apiKey);
  return (next) => (req) => {
    req.header.set("authorization", value);
    return next(req);
  };
}
