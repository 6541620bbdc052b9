#!/usr/bin/env node
// The `keel` command (src/cli/main.ts). In a checkout it runs the TypeScript source through tsx,
// so it is never stale; where only the build exists (npm run build, the container) it runs that.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
const built = new URL("../dist/src/cli/main.js", import.meta.url);

async function load() {
  if (existsSync(source)) {
    try {
      const { register } = await import("tsx/esm/api");
      register();
      return await import(source.href);
    } catch (err) {
      if (err?.code !== "ERR_MODULE_NOT_FOUND" || !existsSync(built)) throw err;
    }
  }
  return import(built.href);
}

await (await load()).run();
