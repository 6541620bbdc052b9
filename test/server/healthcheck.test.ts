// The image's health check (src/healthcheck.ts) asks the health service named by its argument:
// Kubernetes runs it per probe under mutual TLS (deploy/helm/keel), so a name must reach the server.
import { execFile } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

function healthcheck(...args: string[]): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "src/healthcheck.ts", ...args], { cwd: root, env: { ...process.env, KEEL_PORT: String(server.port) } }, (err) =>
      resolve(err ? Number(err.code ?? 1) : 0),
    );
  });
}

describe("container health check", () => {
  it("exits 0 for the whole server and for the probes' service names while the server is SERVING", async () => {
    expect(await healthcheck()).toBe(0);
    expect(await healthcheck("liveness")).toBe(0);
    expect(await healthcheck("readiness")).toBe(0);
    expect(await healthcheck("keel.v1.EngineService")).toBe(0);
  });

  it("exits 1 for a health service the server does not know", async () => {
    expect(await healthcheck("no.such.Service")).toBe(1);
  });
});
