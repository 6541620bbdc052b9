// One key for "this id within this tenant", for in-process maps (caches, locks, sessions) and page
// token scopes. The tenant is length-prefixed, so no choice of tenant and id can produce the key of
// another pair: tenants never share an entry.

export function tenantKey(tenant: string, id: string): string {
  return `${tenant.length}:${tenant}:${id}`;
}
