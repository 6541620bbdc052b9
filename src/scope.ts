// What a key may do, shared by the key store and the auth gate. Scopes nest: `read` ⊂ `engine` ⊂ `admin`.

export type Scope = "read" | "engine" | "admin";
export const SCOPES: readonly Scope[] = ["read", "engine", "admin"];

/** True when a key holding `held` may make a call that needs `needed`. */
export function allows(held: Scope, needed: Scope): boolean {
  return SCOPES.indexOf(held) >= SCOPES.indexOf(needed);
}
