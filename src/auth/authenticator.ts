// Authentication: from an `authorization` header to the key it proves, through a small cache of
// key records so that a call costs a map lookup and one SHA-256, not a database read.
//
// Cache: key id -> record (or "no such key"), fetched at most once per KEEL_AUTH_CACHE_MS per id
// (concurrent misses share one read). Keys created and revoked through this replica update the
// cache at once; another replica sees a revocation when its entry expires, so within the TTL
// (default 5 s). A revocation is never undone by a stale read: once this replica has seen a key
// revoked, it stays revoked here.
//
// Unknown ids are remembered in a cache of their own (a flood of random ids cannot evict valid
// keys' records), so a repeated unknown id costs no store read; and an unknown id costs the same
// SHA-256 and comparison as a wrong secret, so the two cannot be told apart by timing.
//
// Failures carry a reason for the auth-failures metric. An unknown id and a wrong secret get the
// same answer, so key ids cannot be probed; a key is reported revoked only to a caller who showed
// its secret. Messages say what to do and never repeat anything secret.
import { Code, ConnectError } from "@connectrpc/connect";
import { BoundedMap } from "../bounded-map.js";
import type { ApiKeyRecord, KeyStore } from "../store/types.js";
import { hashBytes, parseAuthorization, verifySecret } from "./api-key.js";
import type { Principal } from "./principal.js";

export type AuthFailureReason = "missing" | "malformed" | "unknown" | "revoked" | "scope";
export const AUTH_FAILURE_REASONS: readonly AuthFailureReason[] = ["missing", "malformed", "unknown", "revoked", "scope"];

/**
 * A refused call: PERMISSION_DENIED for a key without the scope, UNAUTHENTICATED otherwise. A plain
 * ConnectError (connect recognises its errors by name, so subclasses would turn INTERNAL).
 */
export function authError(reason: AuthFailureReason, message: string): ConnectError {
  return new ConnectError(message, reason === "scope" ? Code.PermissionDenied : Code.Unauthenticated);
}

/** A key that proved itself: the principal a call runs as, and the record behind it. */
export interface Credential {
  readonly principal: Principal;
  readonly record: ApiKeyRecord;
}

interface Entry {
  /** Null: the store has no key with this id. */
  record: ApiKeyRecord | null;
  hash: Buffer | null;
  principal: Principal | null;
  fetchedAt: number;
}

export interface AuthenticatorOptions {
  keys: KeyStore;
  /** Admin keys of this tenant are operator keys (they manage every tenant's keys). */
  operatorTenant: string;
  /** How long a fetched record is trusted before it is read again; 0 reads on every call. */
  cacheTtlMs: number;
  /** Records kept at most; the least recently fetched go first. */
  maxEntries?: number;
  /** Monotonic milliseconds. */
  now?: () => number;
  /** Told about every refused call (metrics). */
  onFailure?: (reason: AuthFailureReason) => void;
}

const SEE = "(see README Getting a key)";
/** 32 bytes no SHA-256 output is known to equal: what an unknown id's secret is compared with. */
const NO_KEY_HASH = Buffer.alloc(32, 0);

export class Authenticator {
  readonly #keys: KeyStore;
  readonly #operatorTenant: string;
  readonly #ttl: number;
  readonly #now: () => number;
  readonly #onFailure: (reason: AuthFailureReason) => void;
  readonly #cache: BoundedMap<string, Entry>;
  /** Ids the store does not have: kept apart so they never push out real keys' records. */
  readonly #unknown: BoundedMap<string, Entry>;
  readonly #inflight = new Map<string, Promise<Entry>>();

  constructor(options: AuthenticatorOptions) {
    this.#keys = options.keys;
    this.#operatorTenant = options.operatorTenant;
    this.#ttl = options.cacheTtlMs;
    this.#cache = new BoundedMap(options.maxEntries ?? 10_000);
    this.#unknown = new BoundedMap(options.maxEntries ?? 10_000);
    this.#now = options.now ?? (() => performance.now());
    this.#onFailure = options.onFailure ?? (() => {});
  }

  /**
   * The key an `authorization` header value proves. Synchronous while the key's record is
   * cached; throws (or rejects with) UNAUTHENTICATED.
   */
  authenticate(authorization: string | null): Credential | Promise<Credential> {
    if (!authorization) {
      throw this.fail("missing", `missing API key - send the header authorization Bearer keel_... ${SEE}`);
    }
    const parts = parseAuthorization(authorization);
    if (!parts) {
      throw this.fail(
        "malformed",
        `malformed API key - send the header authorization Bearer followed by the whole key (keel_ then 16 hex digits then _ then 43 characters) ${SEE}`,
      );
    }
    const entry = this.#lookup(parts.keyId);
    return entry instanceof Promise
      ? entry.then((e) => this.#verify(e, parts.keyId, parts.secret))
      : this.#verify(entry, parts.keyId, parts.secret);
  }

  /**
   * Checks again that an authenticated key is still valid (each frame of a stream). Synchronous
   * while cached; throws UNAUTHENTICATED when the key was revoked since.
   */
  recheck(credential: Credential): void | Promise<void> {
    const id = credential.principal.keyId;
    const entry = this.#lookup(id);
    if (entry instanceof Promise) return entry.then((e) => this.#stillValid(e, id));
    this.#stillValid(entry, id);
  }

  /** Puts a record this replica just created or revoked into the cache, so it counts at once. */
  remember(record: ApiKeyRecord): void {
    this.#inflight.delete(record.id);
    this.#unknown.delete(record.id);
    this.#cache.set(record.id, this.#entry(record));
  }

  /** Counts a refusal and builds its error (also used by the gate for scope failures). */
  fail(reason: AuthFailureReason, message: string): ConnectError {
    this.#onFailure(reason);
    return authError(reason, message);
  }

  #verify(entry: Entry, id: string, secret: string): Credential {
    // An unknown id hashes and compares too, against a hash nothing matches: same work, same time.
    if (!verifySecret(secret, entry.hash ?? NO_KEY_HASH) || entry.record === null) {
      throw this.fail("unknown", `API key ${id} is not valid - check that the whole key was sent, or create a new one ${SEE}`);
    }
    if (entry.record.revokedAtMs !== null) throw this.#revoked(id);
    return entry as Credential;
  }

  #stillValid(entry: Entry, id: string): void {
    if (entry.record === null) {
      throw this.fail("unknown", `API key ${id} is no longer valid - reconnect with a valid key ${SEE}`);
    }
    if (entry.record.revokedAtMs !== null) throw this.#revoked(id);
  }

  #revoked(id: string): ConnectError {
    return this.fail("revoked", `API key ${id} was revoked - use another key of your tenant or ask its admin for a new one ${SEE}`);
  }

  #lookup(id: string): Entry | Promise<Entry> {
    const cached = this.#cache.get(id) ?? this.#unknown.get(id);
    if (cached && this.#now() - cached.fetchedAt < this.#ttl) return cached;
    let pending = this.#inflight.get(id);
    if (!pending) {
      const fetch: Promise<Entry> = this.#keys.getKey(id).then(
        (record) => {
          const entry = this.#merge(id, record);
          // A remember() while this read was in flight is newer than what it read.
          if (this.#inflight.get(id) === fetch) {
            this.#inflight.delete(id);
            if (entry.record === null) {
              this.#cache.delete(id);
              this.#unknown.set(id, entry);
            } else {
              this.#unknown.delete(id);
              this.#cache.set(id, entry);
            }
          }
          return entry;
        },
        (err: unknown) => {
          if (this.#inflight.get(id) === fetch) this.#inflight.delete(id);
          throw err;
        },
      );
      pending = fetch;
      this.#inflight.set(id, pending);
    }
    return pending;
  }

  /** A fresh entry for a fetched record; a revocation already seen here is kept (never undone). */
  #merge(id: string, record: ApiKeyRecord | null): Entry {
    const known = this.#cache.get(id)?.record;
    if (record && known && known.revokedAtMs !== null && record.revokedAtMs === null) {
      return this.#entry({ ...record, revokedAtMs: known.revokedAtMs });
    }
    return this.#entry(record);
  }

  #entry(record: ApiKeyRecord | null): Entry {
    if (record === null) return { record: null, hash: null, principal: null, fetchedAt: this.#now() };
    const principal: Principal = Object.freeze({
      tenant: record.tenant,
      keyId: record.id,
      scope: record.scope,
      operator: record.tenant === this.#operatorTenant && record.scope === "admin",
    });
    return { record, hash: hashBytes(record.secretHash), principal, fetchedAt: this.#now() };
  }

}
