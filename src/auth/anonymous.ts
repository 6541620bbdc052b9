// With authentication turned off (KEEL_AUTH=off) every call runs as one principal: the
// operator tenant's admin. Handlers still read their tenant from the context, as with keys.
import type { Interceptor } from "@connectrpc/connect";
import { principalKey, type Principal } from "./principal.js";

export function anonymousPrincipal(tenant: string): Principal {
  return { tenant, keyId: "anonymous", scope: "admin", operator: true };
}

export function anonymousInterceptor(tenant: string): Interceptor {
  const principal = anonymousPrincipal(tenant);
  return (next) => (req) => {
    req.contextValues.set(principalKey, principal);
    return next(req);
  };
}
