// Opaque keyset page tokens shared by both stores, so a token means the same thing whichever
// store issued it. A token names its listing and scope; one presented elsewhere is rejected.
import { InvalidPageTokenError } from "./types.js";

export type Listing = "instances" | "history" | "drift" | "snapshots" | "contracts" | "keys";
type KeyKind = "number" | "string";
type KeyOf<K extends readonly KeyKind[]> = { [I in keyof K]: K[I] extends "number" ? number : string };

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Non-positive sizes mean the default; larger ones are capped. */
export function pageSizeOf(requested: number): number {
  if (!Number.isFinite(requested) || requested <= 0) return DEFAULT_PAGE_SIZE;
  return Math.min(Math.floor(requested), MAX_PAGE_SIZE);
}

export function encodePageToken(listing: Listing, scope: string, key: readonly (number | string)[]): string {
  return Buffer.from(JSON.stringify({ l: listing, s: scope, k: key })).toString("base64url");
}

/** Returns the cursor key, or null for the first page (empty token). */
export function decodePageToken<const K extends readonly KeyKind[]>(
  token: string,
  listing: Listing,
  scope: string,
  kinds: K,
): KeyOf<K> | null {
  if (token === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw new InvalidPageTokenError();
  }
  if (typeof parsed !== "object" || parsed === null) throw new InvalidPageTokenError();
  const { l, s, k } = parsed as { l?: unknown; s?: unknown; k?: unknown };
  if (l !== listing || s !== scope || !Array.isArray(k) || k.length !== kinds.length) {
    throw new InvalidPageTokenError();
  }
  kinds.forEach((kind, i) => {
    const v: unknown = k[i];
    const ok = kind === "number" ? typeof v === "number" && Number.isFinite(v) : typeof v === "string";
    if (!ok) throw new InvalidPageTokenError();
  });
  return k as KeyOf<K>;
}
