import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // The SDK package from source, as tsconfig.json's paths map it.
  resolve: { alias: { "@keel/client": fileURLToPath(new URL("clients/typescript/src/index.ts", import.meta.url)) } },
  test: {
    include: ["test/**/*.test.ts", "clients/typescript/test/**/*.test.ts"],
    // Builds the FerretDB test server (MongoDB wire protocol over SQLite) once per run.
    globalSetup: ["test/support/global-setup.ts"],
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: ".vitest-results.json" }]],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: "forks",
  },
});
