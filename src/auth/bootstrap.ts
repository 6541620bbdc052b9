// The first key. `npm start` on a bare machine must lead a newcomer to a working call, with auth
// on: so when no key exists at all and none is configured, one admin key of the operator tenant
// is generated and printed once, on stderr, as a plain banner. The banner is written directly
// (never through the logger): secrets never reach logs, and log shippers read stdout.
//
// KEEL_BOOTSTRAP_KEY names that first key instead (a whole token, e.g. from `npx keel keys
// generate`): it is ensured to exist as the operator tenant's admin key "bootstrap". That is
// idempotent across restarts and replicas; a bootstrap key that was revoked stays revoked.
import type { Logger } from "../logger.js";
import { KeyExistsError, type KeyStore } from "../store/types.js";
import { hashSecret, newKeyRecord, parseApiKey } from "./api-key.js";
import type { Authenticator } from "./authenticator.js";
import { ConfigError } from "../config-error.js";

export interface BootstrapOptions {
  keys: KeyStore;
  /** KEEL_BOOTSTRAP_KEY, or null. */
  token: string | null;
  operatorTenant: string;
  /** Generate (and announce) a key when the store holds none and no token is configured. */
  generate: boolean;
  logger: Logger;
  now: () => number;
  /** Told about a key it created, so the cache knows it before the first call. */
  authenticator?: Authenticator;
}

export interface Bootstrap {
  /** The whole token of a key generated just now, to announce once; null otherwise. */
  generated: string | null;
  /** The bootstrap key's id, when there is one. */
  keyId: string | null;
}

export async function bootstrapKeys(options: BootstrapOptions): Promise<Bootstrap> {
  const { keys, operatorTenant, logger, now } = options;
  const base = { name: "bootstrap", tenant: operatorTenant, scope: "admin" as const, createdBy: "bootstrap" };
  if (options.token !== null) {
    const parts = parseApiKey(options.token);
    if (!parts) throw new ConfigError("KEEL_BOOTSTRAP_KEY is not a whole API key - generate one with npx keel keys generate");
    const { record } = newKeyRecord({ ...base, createdAtMs: now() }, parts);
    let existing = await keys.getKey(parts.keyId);
    if (!existing) {
      try {
        await keys.createKey(record);
        options.authenticator?.remember(record);
        logger.info({ keyId: record.id, tenant: operatorTenant }, "bootstrap key created from KEEL_BOOTSTRAP_KEY");
        return { generated: null, keyId: record.id };
      } catch (err) {
        // Another replica created it first: check what it stored, as below.
        if (!(err instanceof KeyExistsError)) throw err;
        existing = await keys.getKey(parts.keyId);
        if (!existing) throw err;
      }
    }
    if (existing.secretHash !== hashSecret(parts.secret)) {
      throw new ConfigError(
        `KEEL_BOOTSTRAP_KEY names key ${parts.keyId}, which exists with another secret - set the key that was stored, or a new one`,
      );
    }
    if (existing.revokedAtMs !== null) {
      logger.warn(
        { keyId: existing.id },
        "KEEL_BOOTSTRAP_KEY names a key that was revoked - it stays revoked; set a new key or unset KEEL_BOOTSTRAP_KEY",
      );
    }
    return { generated: null, keyId: existing.id };
  }
  if (!options.generate || !(await keys.isEmpty())) return { generated: null, keyId: null };
  const { record, token } = newKeyRecord({ ...base, createdAtMs: now() });
  await keys.createKey(record);
  options.authenticator?.remember(record);
  logger.info({ keyId: record.id, tenant: operatorTenant }, "no API keys existed - generated a bootstrap admin key (printed once on stderr)");
  return { generated: token, keyId: record.id };
}

/** The once-only announcement of a generated key, for stderr. */
export function bootstrapBanner(token: string, options: { tenant: string; baseUrl: string; persistent: boolean }): string {
  const rule = "=".repeat(78);
  return [
    "",
    rule,
    `keel: no API keys existed, so this admin key of tenant "${options.tenant}" was generated.`,
    "It is shown only this once (the server keeps only its hash). Every call needs it:",
    "",
    `    export KEEL_API_KEY=${token}`,
    "",
    "Try it:",
    "",
    `    curl -s ${options.baseUrl}/keel.v1.KeyService/WhoAmI \\`,
    `      -H "authorization: Bearer $KEEL_API_KEY" -H 'content-type: application/json' -d '{}'`,
    "",
    "    npx keel instance create --name Aria      # the CLI and SDK read KEEL_API_KEY",
    "",
    options.persistent
      ? "Create keys for your agents and teammates with KeyService/CreateKey (npx keel keys create)."
      : "The in-process store forgets keys on exit: to keep this key across restarts, start with\n" +
        "KEEL_BOOTSTRAP_KEY set to it. Other keys: KeyService/CreateKey (npx keel keys create).",
    "(README: Getting a key)",
    rule,
    "",
    "",
  ].join("\n");
}
