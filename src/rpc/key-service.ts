// KeyService handlers: create, list and revoke API keys, and WhoAmI. Validation at the edge; the
// caller's tenant comes from its principal. A request naming another tenant needs an operator
// key (an admin key of the operator tenant). Keys created and revoked here go into the auth
// cache at once, so a revoked key fails on its next call to this replica (others: within
// KEEL_AUTH_CACHE_MS).
//
// Tenant ceilings: the operator sets them (SetTenantLimits); a tenant's admins read theirs and
// cannot create a key past them: more keys than max_keys, or a key quota above the tenant's.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { KEY_ID_PATTERN, newKeyRecord } from "../auth/api-key.js";
import type { Authenticator } from "../auth/authenticator.js";
import { principalOf, type Principal } from "../auth/principal.js";
import { TENANT_PATTERN } from "../config.js";
import { noCeilings, type TenantCeilings } from "../auth/tenant-ceilings.js";
import { KeyedMutex } from "../service/keyed-mutex.js";
import { KeyExistsError, type KeyStore, type TenantLimitsRecord } from "../store/types.js";
import {
  CreateKeyResponseSchema,
  GetTenantLimitsResponseSchema,
  KeyScope,
  SetTenantLimitsResponseSchema,
  ListKeysResponseSchema,
  RevokeKeyResponseSchema,
  WhoAmIResponseSchema,
  type KeyService,
} from "../../gen/keel/v1/key_service_pb.js";
import { invalidArgument } from "./errors.js";
import { keyToWire, scopeFromWire, scopeToWire, tenantLimitsToWire } from "./key-mapping.js";
import * as v from "./validate.js";

const MAX_CYCLES_PER_SECOND = 10_000_000;
const MAX_SESSIONS = 1_000_000;
const MAX_KEYS = 1_000_000;

export interface KeyServiceDeps {
  keys: KeyStore;
  authenticator: Authenticator;
  /** The gate's view of tenant ceilings, told at once when they are set here. */
  ceilings: TenantCeilings;
  /** Wall-clock milliseconds, for create and revoke times. */
  now: () => number;
}

export function keyService({ keys, authenticator, ceilings, now }: KeyServiceDeps): ServiceImpl<typeof KeyService> {
  // Key creations of one tenant run one at a time here, so two cannot both take its last key slot
  // (replicas can still race: max_keys holds per replica, as the other ceilings do).
  const minting = new KeyedMutex();
  return {
    async createKey(req, ctx) {
      const principal = principalOf(ctx);
      const name = v.text("name", req.name, { min: 1, max: 100 });
      if (req.scope === KeyScope.UNSPECIFIED) {
        throw invalidArgument("scope", "is required - KEY_SCOPE_READ or KEY_SCOPE_ENGINE or KEY_SCOPE_ADMIN");
      }
      const scope = scopeFromWire(req.scope);
      if (!scope) throw invalidArgument("scope", `${req.scope} is not a known KeyScope value`);
      if (req.cyclesPerSecond > MAX_CYCLES_PER_SECOND) {
        throw invalidArgument("cycles_per_second", `must be at most ${MAX_CYCLES_PER_SECOND} (got ${req.cyclesPerSecond})`);
      }
      if (req.maxSessions > MAX_SESSIONS) {
        throw invalidArgument("max_sessions", `must be at most ${MAX_SESSIONS} (got ${req.maxSessions})`);
      }
      const tenant = tenantFor(principal, req.tenant, "create a key for");
      return minting.run(tenant, async () => {
        const limits = (await keys.getTenantLimits(tenant)) ?? noCeilings(tenant);
        await withinCeilings(limits, req.cyclesPerSecond, req.maxSessions, () => keys.countActiveKeys(tenant));
        for (let attempt = 0; ; attempt++) {
          const { record, token } = newKeyRecord({
            name,
            tenant,
            scope,
            cyclesPerSecond: req.cyclesPerSecond,
            maxSessions: req.maxSessions,
            createdBy: principal.keyId,
            createdAtMs: now(),
          });
          try {
            await keys.createKey(record);
          } catch (err) {
            // 64 random bits of id: a collision is astronomically rare, but costs nothing to survive.
            if (err instanceof KeyExistsError && attempt < 3) continue;
            throw err;
          }
          authenticator.remember(record);
          return create(CreateKeyResponseSchema, { key: keyToWire(record), secret: token });
        }
      });
    },

    async listKeys(req, ctx) {
      const principal = principalOf(ctx);
      const pageSize = v.pageSize("page_size", req.pageSize, { fallback: 20, max: 100 });
      const tenant = tenantFor(principal, req.tenant, "list the keys of");
      const page = await keys.listKeys(tenant, { pageSize, pageToken: req.pageToken });
      return create(ListKeysResponseSchema, { keys: page.items.map(keyToWire), nextPageToken: page.nextPageToken });
    },

    async revokeKey(req, ctx) {
      const principal = principalOf(ctx);
      if (req.keyId === "") throw invalidArgument("key_id", "is required");
      // Never echo a key_id that does not parse: it may be a whole key, secret included.
      if (!KEY_ID_PATTERN.test(req.keyId)) {
        throw invalidArgument("key_id", `must be a key id - "keel_" followed by 16 lowercase hex digits (not the whole key)`);
      }
      const tenant = tenantFor(principal, req.tenant, "revoke a key of");
      // Revoking the calling key itself is allowed: its next call is refused.
      const revoked = await keys.revokeKey(tenant, req.keyId, now());
      if (!revoked) throw new ConnectError(`no key ${req.keyId} in tenant ${tenant}`, Code.NotFound);
      authenticator.remember(revoked);
      return create(RevokeKeyResponseSchema, { key: keyToWire(revoked) });
    },

    async setTenantLimits(req, ctx) {
      const principal = principalOf(ctx);
      if (!principal.operator) {
        throw new ConnectError(
          `only an operator key (an admin key of the operator tenant) may set a tenant's ceilings - ${principal.keyId} is not one`,
          Code.PermissionDenied,
        );
      }
      if (req.tenant === "") throw invalidArgument("tenant", "is required - the tenant whose ceilings to set");
      if (!TENANT_PATTERN.test(req.tenant)) throw invalidArgument("tenant", "must be 1 to 64 characters of a-z 0-9 _ -");
      atMost("max_keys", req.maxKeys, MAX_KEYS);
      atMost("cycles_per_second", req.cyclesPerSecond, MAX_CYCLES_PER_SECOND);
      atMost("max_sessions", req.maxSessions, MAX_SESSIONS);
      const limits: TenantLimitsRecord = {
        tenant: req.tenant,
        maxKeys: req.maxKeys,
        cyclesPerSecond: req.cyclesPerSecond,
        maxSessions: req.maxSessions,
        updatedAtMs: now(),
        updatedBy: principal.keyId,
      };
      await keys.setTenantLimits(limits);
      ceilings.remember(limits);
      return create(SetTenantLimitsResponseSchema, { limits: tenantLimitsToWire(limits) });
    },

    async getTenantLimits(req, ctx) {
      const tenant = tenantFor(principalOf(ctx), req.tenant, "read the ceilings of");
      const limits = (await keys.getTenantLimits(tenant)) ?? noCeilings(tenant);
      return create(GetTenantLimitsResponseSchema, { limits: tenantLimitsToWire(limits) });
    },

    async whoAmI(_req, ctx) {
      const p = principalOf(ctx);
      return create(WhoAmIResponseSchema, { keyId: p.keyId, tenant: p.tenant, scope: scopeToWire[p.scope], operator: p.operator });
    },
  };
}

/** The tenant a request acts on: the caller's own unless it names another (operators only). */
function tenantFor(principal: Principal, requested: string, what: string): string {
  if (requested === "" || requested === principal.tenant) return principal.tenant;
  if (!TENANT_PATTERN.test(requested)) {
    throw invalidArgument("tenant", "must be 1 to 64 characters of a-z 0-9 _ - (or empty for your own tenant)");
  }
  if (!principal.operator) {
    throw new ConnectError(
      `only an operator key (an admin key of the operator tenant) may ${what} another tenant - leave tenant empty for your own (${principal.tenant})`,
      Code.PermissionDenied,
    );
  }
  return requested;
}

function atMost(field: string, value: number, max: number): void {
  if (value > max) throw invalidArgument(field, `must be at most ${max} (got ${value}; 0 means no ceiling)`);
}

/** FAILED_PRECONDITION naming the ceiling a new key would pass; nothing is created. */
async function withinCeilings(
  limits: TenantLimitsRecord,
  cyclesPerSecond: number,
  maxSessions: number,
  activeKeys: () => Promise<number>,
): Promise<void> {
  const { tenant } = limits;
  const ask = "or ask the operator to raise the tenant's ceiling";
  if (limits.cyclesPerSecond > 0 && cyclesPerSecond > limits.cyclesPerSecond) {
    throw new ConnectError(
      `cycles_per_second ${cyclesPerSecond} is above tenant ${tenant}'s ceiling of ${limits.cyclesPerSecond} set by the operator - ask for at most ${limits.cyclesPerSecond} ${ask}`,
      Code.FailedPrecondition,
    );
  }
  if (limits.maxSessions > 0 && maxSessions > limits.maxSessions) {
    throw new ConnectError(
      `max_sessions ${maxSessions} is above tenant ${tenant}'s ceiling of ${limits.maxSessions} set by the operator - ask for at most ${limits.maxSessions} ${ask}`,
      Code.FailedPrecondition,
    );
  }
  if (limits.maxKeys > 0) {
    const active = await activeKeys();
    if (active >= limits.maxKeys) {
      throw new ConnectError(
        `tenant ${tenant} already holds ${active} keys that are not revoked, its ceiling (max_keys ${limits.maxKeys}) set by the operator - revoke one first ${ask}`,
        Code.FailedPrecondition,
      );
    }
  }
}
