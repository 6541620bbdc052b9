// The exact bytes a seal signs: a domain-separation prefix, then the canonical JSON of every
// contract field except signature and signer.
//
// Canonical JSON (a subset of RFC 8785 JCS sufficient for this model):
//   - objects: members sorted by key in UTF-16 code-unit order, every key present (null where
//     a value is absent), no whitespace;
//   - arrays: in order (the model keeps set-like lists sorted);
//   - numbers: finite only, ECMAScript shortest round-trip form (JSON.stringify), -0 as 0;
//   - strings: JSON.stringify escaping; true, false, null as literals.
// Any other value (undefined, NaN, a class instance) is an error, never silently dropped.
import type { BehavioralContract } from "./model.js";

/** Never a prefix of JSON text, and names the format version. */
export const SEAL_DOMAIN = "keel-behavioral-contract-v1\n";

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no form for ${value}`);
    return JSON.stringify(Object.is(value, -0) ? 0 : value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    const members = keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${members.join(",")}}`;
  }
  throw new TypeError(`canonical JSON has no form for ${typeof value}`);
}

/** Everything the seal covers: the contract without signature and signer. */
export function sealedContent(contract: BehavioralContract): Omit<BehavioralContract, "signature" | "signer"> {
  const { signature: _signature, signer: _signer, ...content } = contract;
  return content;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function canonicalBytes(contract: BehavioralContract): Buffer {
  return Buffer.from(SEAL_DOMAIN + canonicalJson(sealedContent(contract)), "utf8");
}
