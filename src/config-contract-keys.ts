// The contract keyring from the environment:
//   KEEL_CONTRACT_SIGNING_KEY  an Ed25519 PKCS#8 PEM, inline or a path to a file
//   KEEL_CONTRACT_VERIFY_KEYS  further Ed25519 SPKI PEM public keys, inline or comma-separated paths
import { readFileSync } from "node:fs";
import { ConfigError } from "./config-error.js";
import { KeyError, keyring, parsePublicKeys, parseSigningKey, type Keyring } from "./contracts/keys.js";

type Env = Record<string, string | undefined>;

export function keyringFromEnv(env: Env, readFile: (path: string) => string = (p) => readFileSync(p, "utf8")): Keyring {
  const pemOrFiles = (name: string, raw: string): string => {
    if (raw.includes("-----BEGIN")) return raw;
    try {
      return raw
        .split(",")
        .map((path) => path.trim())
        .filter((path) => path !== "")
        .map((path) => readFile(path))
        .join("\n");
    } catch (err) {
      throw new ConfigError(`${name} names a file that cannot be read (${(err as Error).message})`);
    }
  };
  const parse = <T>(name: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof KeyError) throw new ConfigError(`${name} - ${err.message}`);
      throw err;
    }
  };
  const signingRaw = env.KEEL_CONTRACT_SIGNING_KEY ?? "";
  const verifyRaw = env.KEEL_CONTRACT_VERIFY_KEYS ?? "";
  const signing = signingRaw
    ? parse("KEEL_CONTRACT_SIGNING_KEY", () => parseSigningKey(pemOrFiles("KEEL_CONTRACT_SIGNING_KEY", signingRaw)))
    : null;
  const verify = verifyRaw
    ? parse("KEEL_CONTRACT_VERIFY_KEYS", () => parsePublicKeys(pemOrFiles("KEEL_CONTRACT_VERIFY_KEYS", verifyRaw)))
    : [];
  return keyring(signing, verify);
}
