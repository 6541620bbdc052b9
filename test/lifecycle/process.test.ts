// Keel as a process, as Kubernetes runs it: started before MongoDB it stays up (alive, not ready)
// and becomes ready when the database arrives; failures to start print one line and exit 3 without
// a stack trace or a bootstrap key banner; SIGTERM to `npm start` reaches the server.
import { spawn } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { grpcClients, unary } from "../support/grpc-js.js";
import { externalServer, startMongoServer, type MongoServer } from "../support/mongo-server.js";
import { freePort, startKeelProcess, type KeelProcess } from "../support/process.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

async function status(port: number, probe: "/livez" | "/readyz"): Promise<number | null> {
  try {
    // Generous: a loaded CI machine can take over a second to answer, which is not "no answer".
    return (await fetch(`http://127.0.0.1:${port}${probe}`, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return null;
  }
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs src/main.ts to its exit; resolves with the code and everything it printed. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { ...process.env, KEEL_LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
}

let keel: KeelProcess | undefined;
afterEach(() => {
  keel?.child.kill("SIGKILL");
  keel = undefined;
});

describe.skipIf(externalServer)("started before MongoDB", () => {
  let mongo: MongoServer;
  beforeAll(async () => {
    mongo = await startMongoServer();
    await mongo.stop();
  });
  afterAll(async () => {
    await mongo?.dispose();
  });

  it("stays up, alive but not ready, and becomes ready once the database is reachable", async () => {
    keel = await startKeelProcess({ MONGODB_URI: mongo.uri, KEEL_MONGODB_DATABASE: mongo.database("early") }, { ready: false });
    expect(await status(keel.port, "/livez")).toBe(200);
    expect(await status(keel.port, "/readyz")).toBe(503);
    // Connection attempts fail and are retried; the process stays up and not ready meanwhile.
    await until("a retried connection attempt", async () => keel!.output().includes("database not reachable yet; retrying"));
    expect(keel.child.exitCode).toBeNull();
    expect(await status(keel.port, "/readyz")).toBe(503);

    await mongo.restart();
    await until("ready", async () => (await status(keel!.port, "/readyz")) === 200);
    const clients = grpcClients(keel.address, undefined, { apiKey: keel.apiKey });
    try {
      const created = await unary(clients.instances, "CreateInstance", { name: "after the database arrived" });
      expect(created.instance.id).toMatch(/^inst_/);
    } finally {
      clients.close();
    }
  });

  it("gives up after KEEL_STARTUP_TIMEOUT_MS with one line and exit code 3", async () => {
    await mongo.stop();
    const { code, stderr } = await runToExit({
      KEEL_PORT: String(await freePort()),
      MONGODB_URI: mongo.uri,
      KEEL_STARTUP_TIMEOUT_MS: "1500",
    });
    expect(code).toBe(3);
    const lines = stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^keel: cannot start - the database was not reachable within 1500 ms/);
  });
});

describe("startup failures", () => {
  it("a port in use: one line, exit 3, no stack trace and no bootstrap key announced", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      // No bootstrap key configured: a server that started would generate and announce one.
      const { code, stderr, stdout } = await runToExit({ KEEL_PORT: String(port), KEEL_BOOTSTRAP_KEY: "" });
      expect(code).toBe(3);
      expect(stderr.trim()).toBe(`keel: cannot listen on 127.0.0.1:${port} - the address is already in use (KEEL_HOST, KEEL_PORT)`);
      expect(stdout + stderr).not.toMatch(/\n\s+at |KEEL_API_KEY|bootstrap/i);
    } finally {
      blocker.close();
    }
  });
});

describe("npm start", () => {
  it("passes SIGTERM to the server, which drains and exits", async () => {
    const port = await freePort();
    const npm = spawn("npm", ["start", "--silent"], {
      cwd: root,
      env: { ...process.env, KEEL_PORT: String(port), KEEL_LOG_LEVEL: "info", KEEL_BOOTSTRAP_KEY: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    npm.stdout.on("data", (d: Buffer) => (out += d.toString()));
    npm.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => npm.once("exit", (code) => resolve(code)));
    try {
      await until("serving", async () => (await status(port, "/livez")) === 200, 60_000);
      npm.kill("SIGTERM");
      await exited;
      // The server itself is gone, not orphaned: its port no longer answers.
      await until("the server's exit", async () => (await status(port, "/livez")) === null, 10_000);
      expect(out).toContain('"msg":"stopped"');
    } finally {
      npm.kill("SIGKILL");
    }
  });
});
