// The engine version hash: SHA-256 over the engine's code (every module file of src/engine, by
// name), its constants and the engine configuration the server runs with. Any change to what a
// replay would compute changes the hash. Reading the files is I/O, so this lives in the shell and
// runs once per process; the engine itself stays pure.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { canonicalJson } from "../contracts/canonical.js";
import type { EngineConfig } from "../engine/index.js";
import * as constants from "../engine/constants.js";

const ENGINE_DIR = fileURLToPath(new URL("../engine/", import.meta.url));
const DOMAIN = "keel-engine-version-v1\n";

let codeDigest: Buffer | null = null;

/** The engine's module files (.ts in a checkout, .js in a build: each names the code that runs). */
function engineCode(): Buffer {
  if (codeDigest) return codeDigest;
  const hash = createHash("sha256");
  const files = readdirSync(ENGINE_DIR)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
    .sort();
  for (const file of files) {
    const text = readFileSync(ENGINE_DIR + file);
    hash.update(`${file}\n${text.length}\n`).update(text);
  }
  codeDigest = hash.digest();
  return codeDigest;
}

const cache = new Map<string, string>();

export function engineVersionHash(config: EngineConfig): string {
  const key = canonicalJson(config);
  let hash = cache.get(key);
  if (hash === undefined) {
    hash = createHash("sha256")
      .update(DOMAIN)
      .update(engineCode())
      .update(JSON.stringify(constants)) // namespace keys are sorted; the file itself is in the code digest too
      .update(key)
      .digest("hex");
    cache.set(key, hash);
  }
  return hash;
}
