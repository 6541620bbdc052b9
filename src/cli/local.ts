// Commands that need no server: contract key generation, sealing a contract file, and API key
// generation.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { fromJson, toJsonString, type JsonValue } from "@bufbuild/protobuf";
import { parseSigningKey } from "../contracts/keys.js";
import { normalizeContract } from "../contracts/normalize.js";
import { seal } from "../contracts/seal.js";
import { validateContract } from "../contracts/validate.js";
import { contractFromWire, contractToWire } from "../rpc/contract-mapping.js";
import { BehavioralContractSchema } from "../../gen/keel/v1/behavioral_contract_pb.js";
import { generateApiKey } from "../auth/key-format.js";
import { UsageError, type CliIo } from "./io.js";

/** A new Ed25519 key pair: the private key (for KEEL_CONTRACT_SIGNING_KEY) and its public key. */
export function keygen(io: CliIo): void {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  io.stdout(privateKey.export({ format: "pem", type: "pkcs8" }).toString());
  io.stdout(publicKey.export({ format: "pem", type: "spki" }).toString());
}

/**
 * A new random API key, alone on one line, for KEEL_BOOTSTRAP_KEY (the server accepts it as the
 * operator's admin key) or KEEL_API_KEY:  KEEL_BOOTSTRAP_KEY=$(keel keys generate) npm start
 */
export function generateKey(io: CliIo): void {
  io.stdout(`${generateApiKey().token}\n`);
}

/**
 * Seals a contract file with a private key, exactly as the server would store it: defaults
 * applied and normalized first. The file must name its version; an empty contract_id or
 * created_at is filled in, since the seal covers them.
 */
export function sealFile(io: CliIo, file: string, keyFile: string): void {
  const key = parseSigningKey(io.readFile(keyFile));
  const { contract: draft, problems } = contractFromWire(fromJson(BehavioralContractSchema, readJson(io, file)));
  if (draft.version === 0) problems.push("version must be set - a sealed contract carries its version");
  const contract = normalizeContract({
    ...draft,
    contractId: draft.contractId || randomUUID(),
    createdAtMs: draft.createdAtMs ?? io.now(),
    signature: "",
    signer: "",
  });
  problems.push(...validateContract({ ...contract, version: contract.version || 1 }));
  if (problems.length > 0) throw new UsageError(`the contract is invalid\n${problems.join("\n")}`);
  io.stdout(`${toJsonString(BehavioralContractSchema, contractToWire(seal(contract, key)), { prettySpaces: 2 })}\n`);
}

export function readJson(io: CliIo, file: string): JsonValue {
  try {
    return JSON.parse(io.readFile(file)) as JsonValue;
  } catch (err) {
    throw new UsageError(`${file} is not readable JSON (${(err as Error).message})`);
  }
}
