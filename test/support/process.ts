// Runs Keel as a real child process (as `npm start` does), for signal and crash tests. Its
// bootstrap admin key is TEST_API_KEY unless env sets KEEL_BOOTSTRAP_KEY.
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { TEST_API_KEY } from "./api-key.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

export interface KeelProcess {
  child: ChildProcess;
  port: number;
  address: string;
  /** The process's bootstrap admin key (KEEL_BOOTSTRAP_KEY). */
  apiKey: string;
  /** Everything the process wrote to stdout (JSON log lines). */
  output(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

/**
 * Starts `src/main.ts` and resolves once its health check answers SERVING: readiness by default
 * (store connected), or liveness only with `{ ready: false }`.
 */
export async function startKeelProcess(env: Record<string, string> = {}, options: { ready?: boolean } = {}): Promise<KeelProcess> {
  const service = options.ready === false ? "liveness" : "readiness";
  const port = await freePort();
  const apiKey = env.KEEL_BOOTSTRAP_KEY ?? TEST_API_KEY;
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { ...process.env, KEEL_PORT: String(port), KEEL_LOG_LEVEL: "info", KEEL_BOOTSTRAP_KEY: apiKey, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  let exitCode: number | string | undefined;
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve((exitCode = code ?? signal ?? -1))),
  );
  const deadline = Date.now() + 60_000;
  while (!(await serving(port, service))) {
    if (exitCode !== undefined) throw new Error(`keel exited with ${exitCode} before serving:\n${out}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`keel did not serve within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, address: `127.0.0.1:${port}`, apiKey, output: () => out, exited };
}

/** grpc.health.v1.Health/Check over Connect JSON (HTTP/1.1). */
async function serving(port: number, service: string): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/grpc.health.v1.Health/Check`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ service }),
      signal: AbortSignal.timeout(1000),
    });
    return res.ok && ((await res.json()) as { status?: string }).status === "SERVING"; // not NOT_SERVING
  } catch {
    return false;
  }
}
