// Sealing and verification: Ed25519 over canonicalBytes(). Keys are arguments, so these stay pure.
import { sign, verify, type KeyObject } from "node:crypto";
import { canonicalBytes } from "./canonical.js";
import { KEY_ID_PATTERN, type SigningKey } from "./keys.js";
import type { BehavioralContract } from "./model.js";

export type SealStatus = "valid" | "unsealed" | "unknown_signer" | "malformed" | "invalid";

export interface Verification {
  valid: boolean;
  status: SealStatus;
  signer: string;
  /** What is wrong; empty when valid. */
  problems: string[];
}

const SIGNATURE_PATTERN = /^[0-9a-f]{128}$/;

/** The contract with signature and signer set; any previous seal is replaced. */
export function seal(contract: BehavioralContract, key: SigningKey): BehavioralContract {
  const signature = sign(null, canonicalBytes(contract), key.privateKey).toString("hex");
  return { ...contract, signature, signer: key.keyId };
}

/** Checks the seal against public keys only. */
export function verifySeal(contract: BehavioralContract, publicKeys: ReadonlyMap<string, KeyObject>): Verification {
  const { signature, signer } = contract;
  const result = (status: SealStatus, problems: string[]): Verification => ({
    valid: status === "valid",
    status,
    signer,
    problems,
  });
  if (signature === "" && signer === "") return result("unsealed", ["the contract is not sealed"]);
  const malformed: string[] = [];
  if (!SIGNATURE_PATTERN.test(signature)) malformed.push("signature must be 128 lowercase hex digits");
  if (!KEY_ID_PATTERN.test(signer)) malformed.push(`signer must be a key id like ed25519-0123456789abcdef`);
  if (malformed.length > 0) return result("malformed", malformed);
  const key = publicKeys.get(signer);
  if (!key) return result("unknown_signer", [`signer ${signer} is not a key this server knows`]);
  const ok = verify(null, canonicalBytes(contract), key, Buffer.from(signature, "hex"));
  return ok ? result("valid", []) : result("invalid", ["the signature does not match the contract - it changed after sealing or was signed by another key"]);
}
