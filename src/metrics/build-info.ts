// What keel_build_info reports: the package version (read from package.json, found upwards from
// this file so the tsx and the compiled dist/ layouts both work), the source revision when the
// build passed one (KEEL_BUILD_REVISION), the Node version and the configured server paths.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface BuildInfo {
  version: string;
  revision: string;
  node_version: string;
  grpc_server: string;
  store: string;
}

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "keel" && pkg.version) return pkg.version;
    } catch {
      // not here; look further up
    }
  }
  return "unknown";
}

export function buildInfo(env: Record<string, string | undefined> = process.env): BuildInfo {
  return {
    version: packageVersion(),
    revision: env.KEEL_BUILD_REVISION || "unknown",
    node_version: process.version,
    grpc_server: env.KEEL_GRPC_SERVER || "grpc-js",
    store: env.MONGODB_URI ? "mongodb" : "memory",
  };
}
