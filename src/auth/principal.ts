// Who is calling: the tenant and API key a call runs as, and what the key may do. The auth gate
// at the edge puts a Principal into the call's context values; handlers read the tenant from it
// and never from the request, so a caller cannot name another tenant's data.
import { Code, ConnectError, createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { Scope } from "../scope.js";

export interface Principal {
  tenant: string;
  /** The key's public id ("anonymous" when auth is off); safe to log. */
  keyId: string;
  scope: Scope;
  /** Keys of the operator tenant may manage keys of every tenant. */
  operator: boolean;
}

export const principalKey = createContextKey<Principal | undefined>(undefined, { description: "keel principal" });

/** The principal of a call; fails closed if the auth gate did not run. */
export function principalOf(ctx: HandlerContext): Principal {
  const principal = ctx.values.get(principalKey);
  if (!principal) throw new ConnectError("call reached a handler without authentication", Code.Internal);
  return principal;
}

/** The tenant whose data a call may read and write. */
export function tenantOf(ctx: HandlerContext): string {
  return principalOf(ctx).tenant;
}
