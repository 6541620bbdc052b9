// Canonical form and sealing: the properties the issue asks for, plus the structured verdicts.
import { createHash, generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalBytes, canonicalJson, SEAL_DOMAIN, sealedContent } from "../../src/contracts/canonical.js";
import { keyIdOf, keyring, parsePublicKeys, parseSigningKey, publicKeyPem } from "../../src/contracts/keys.js";
import { seal, verifySeal } from "../../src/contracts/seal.js";
import { contractArb, leaves, newSigningKey, sampleContract, shuffledKeys, withLeafChanged } from "./fixtures.js";
import { rng } from "../support/rng.js";

const key = newSigningKey();
const other = newSigningKey();
const trusted = keyring(key, []).verify;

describe("canonical form", () => {
  it("starts with the domain prefix followed by sorted, whitespace-free JSON", () => {
    expect(canonicalJson({ b: [1, -0, 0.1], a: null, c: "é\n", d: true })).toBe('{"a":null,"b":[1,0,0.1],"c":"é\\n","d":true}');
    const bytes = canonicalBytes(sampleContract()).toString("utf8");
    expect(bytes.startsWith(SEAL_DOMAIN)).toBe(true);
    expect(bytes).not.toContain('"signature"');
    expect(bytes).not.toContain('"signer"');
  });

  it("has no form for values JSON would silently drop or mangle", () => {
    for (const bad of [undefined, Number.NaN, Infinity, new Date(0), () => 1]) {
      expect(() => canonicalJson({ x: bad })).toThrow(TypeError);
    }
  });

  it("is identical whatever order the keys were inserted in", () => {
    fc.assert(
      fc.property(contractArb, fc.integer(), (contract, seed) => {
        expect(canonicalBytes(shuffledKeys(contract, rng(seed)))).toEqual(canonicalBytes(contract));
      }),
      { numRuns: 200 },
    );
  });

  it("is identical across runs (a fixed contract has a fixed digest)", () => {
    const digest = createHash("sha256").update(canonicalBytes(sampleContract())).digest("hex");
    expect(digest).toBe(GOLDEN_DIGEST);
  });

  it("covers every field except signature and signer", () => {
    const c = sampleContract();
    expect(Object.keys(sealedContent(c)).sort()).toEqual(Object.keys(c).filter((k) => k !== "signature" && k !== "signer").sort());
  });
});

describe("sealing", () => {
  it("seal then verify succeeds", () => {
    fc.assert(
      fc.property(contractArb, (contract) => {
        const sealed = seal(contract, key);
        expect(sealed.signer).toBe(key.keyId);
        expect(verifySeal(sealed, trusted)).toEqual({ valid: true, status: "valid", signer: key.keyId, problems: [] });
      }),
      { numRuns: 100 },
    );
  });

  it("fails verification after any single-field change", () => {
    fc.assert(
      fc.property(contractArb, fc.nat(), (contract, pick) => {
        const sealed = seal(contract, key);
        const paths = leaves(sealedContent(sealed));
        const path = paths[pick % paths.length]!;
        const tampered = withLeafChanged(sealed, path);
        const result = verifySeal(tampered, trusted);
        expect(result.valid, `changed ${path.join(".")}`).toBe(false);
        expect(result.status).toBe("invalid");
      }),
      { numRuns: 300 },
    );
  });

  it("fails for every field of a full contract, one at a time", () => {
    const sealed = seal(sampleContract(), key);
    const paths = leaves(sealedContent(sealed));
    expect(paths.length).toBeGreaterThan(60);
    for (const path of paths) expect(verifySeal(withLeafChanged(sealed, path), trusted).status, path.join(".")).toBe("invalid");
  });

  it("says what is wrong: unsealed, malformed, unknown signer, another key's signature", () => {
    const c = sampleContract();
    expect(verifySeal(c, trusted)).toMatchObject({ valid: false, status: "unsealed" });
    expect(verifySeal({ ...c, signature: "zz", signer: "me" }, trusted)).toMatchObject({ status: "malformed", problems: [expect.any(String), expect.any(String)] });
    expect(verifySeal(seal(c, other), trusted)).toMatchObject({ status: "unknown_signer", signer: other.keyId });
    const forged = { ...seal(c, other), signer: key.keyId };
    expect(verifySeal(forged, trusted)).toMatchObject({ status: "invalid" });
  });

  it("verifies with the published public key alone, which cannot seal", () => {
    const sealed = seal(sampleContract(), key);
    const published = parsePublicKeys(publicKeyPem(key.publicKey));
    const verifier = keyring(null, published);
    expect(verifier.signing).toBeNull();
    expect(verifySeal(sealed, verifier.verify).valid).toBe(true);
    expect(keyIdOf(published[0]!)).toBe(key.keyId);
  });

  it("accepts only Ed25519 keys", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
    expect(() => parseSigningKey(rsa.privateKey.export({ format: "pem", type: "pkcs8" }).toString())).toThrow(/Ed25519/);
    expect(() => parsePublicKeys(rsa.publicKey.export({ format: "pem", type: "spki" }).toString())).toThrow(/Ed25519/);
    expect(() => parseSigningKey("not a key")).toThrow(/PEM/);
  });
});

const GOLDEN_DIGEST = "ffbc5e9c52ab01cc059f2d5614002b37f6cd379fbbe2ffaf4b17e802a93aa7a3";
