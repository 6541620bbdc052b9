// ghz (a Go gRPC load generator) for the unary phases of bench/sessions.ts and bench/floor.ts:
// built once from the Go module proxy into .cache/bin, so the client is not Node sharing the
// server's cores.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function ghzBinary(): string {
  const bin = path.join(root, ".cache/bin/ghz");
  if (!existsSync(bin)) {
    console.log("building ghz from the Go module proxy (first run only)…");
    execFileSync("go", ["install", "github.com/bojand/ghz/cmd/ghz@v0.121.0"], {
      env: { ...process.env, GOBIN: path.dirname(bin) },
      stdio: ["ignore", "inherit", "inherit"],
    });
  }
  return bin;
}
