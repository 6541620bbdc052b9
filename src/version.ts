// Keel's version, from its package.json: the nearest one above this module, which is the
// repository's in a checkout (src/) and the image's /app/package.json in a build (dist/src/).
import { readFileSync } from "node:fs";

function readVersion(): string {
  for (let dir = new URL(".", import.meta.url); ; dir = new URL("..", dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "keel" && pkg.version) return pkg.version;
    } catch {
      // No package.json here: keep climbing.
    }
    if (dir.pathname === "/") return "unknown";
  }
}

export const KEEL_VERSION = readVersion();
