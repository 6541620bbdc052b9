// Ed25519 keys for sealing: parsing PEM text and naming keys. Pure (no file or env access).
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The keys a server seals and verifies with. Verification only ever uses public keys. */
export interface Keyring {
  signing: SigningKey | null;
  /** By key id; includes the signing key's public half. */
  verify: ReadonlyMap<string, KeyObject>;
}

export const KEY_ID_PATTERN = /^ed25519-[0-9a-f]{16}$/;

export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyError";
  }
}

/** "ed25519-" and the first 16 hex digits of SHA-256 of the raw 32-byte public key. */
export function keyIdOf(publicKey: KeyObject): string {
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url");
  return `ed25519-${createHash("sha256").update(raw).digest("hex").slice(0, 16)}`;
}

/** A PKCS#8 PEM Ed25519 private key. */
export function parseSigningKey(pem: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: "pem" });
  } catch (err) {
    throw new KeyError(`not a PEM private key (${(err as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new KeyError(`the signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  }
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), privateKey, publicKey };
}

/** Every "PUBLIC KEY" block of a PEM text; each must be Ed25519. */
export function parsePublicKeys(pemText: string): KeyObject[] {
  const blocks = pemText.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [];
  if (blocks.length === 0) throw new KeyError("no PEM public key found");
  return blocks.map((block) => {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: block, format: "pem" });
    } catch (err) {
      throw new KeyError(`not a PEM public key (${(err as Error).message})`);
    }
    if (key.asymmetricKeyType !== "ed25519") throw new KeyError(`verify keys must be Ed25519, not ${key.asymmetricKeyType}`);
    return key;
  });
}

export function keyring(signing: SigningKey | null, publicKeys: readonly KeyObject[]): Keyring {
  const verify = new Map<string, KeyObject>();
  for (const key of publicKeys) verify.set(keyIdOf(key), key);
  if (signing) verify.set(signing.keyId, signing.publicKey);
  return { signing, verify };
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ format: "pem", type: "spki" }).toString();
}
