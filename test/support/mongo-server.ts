// A real MongoDB-wire server for tests and benchmarks: the one in MONGODB_URI if set, otherwise a
// private FerretDB (SQLite) process built from test/ferretdb on first use.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MongoClient } from "mongodb";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const wrapperDir = join(root, "test/ferretdb");
const cacheDir = join(root, ".cache/ferretdb");
const ferretDbBinary = join(cacheDir, "ferretdb");
const lockFile = join(cacheDir, "build.lock");
const sources = ["main.go", "go.mod", "go.sum"].map((f) => join(wrapperDir, f));
const BUILD_TIMEOUT_MS = 600_000;
const START_TIMEOUT_MS = 30_000;

export interface MongoServer {
  uri: string;
  /** False when MONGODB_URI points at a server this helper does not control. */
  controlled: boolean;
  /** A fresh database name (valid on FerretDB and MongoDB), dropped again by dispose(). */
  database(label: string): string;
  /** SIGTERM; the data directory is kept for restart(). */
  stop(): Promise<void>;
  /** SIGKILL, like a crash; the data directory is kept for restart(). */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory (stopping first if running). */
  restart(): Promise<void>;
  /** Stops the server and removes its data directory; on MONGODB_URI, drops the databases it named. */
  dispose(): Promise<void>;
}

/** True when tests run against the server in MONGODB_URI, which they cannot stop. */
export const externalServer = Boolean(process.env.MONGODB_URI);

export async function startMongoServer(): Promise<MongoServer> {
  const names: string[] = [];
  const database = (label: string) => {
    const name = `keel_${label.replace(/[^A-Za-z0-9_]/g, "_").slice(0, 30)}_${randomBytes(4).toString("hex")}`;
    names.push(name);
    return name;
  };
  const external = process.env.MONGODB_URI;
  if (external) {
    const unsupported = async () => {
      throw new Error("cannot stop or restart the server given in MONGODB_URI");
    };
    const dispose = async () => {
      const client = await new MongoClient(external).connect();
      await Promise.all(names.map((name) => client.db(name).dropDatabase()));
      await client.close();
    };
    return { uri: external, controlled: false, database, stop: unsupported, kill: unsupported, restart: unsupported, dispose };
  }
  await ensureFerretDbBinary();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "keel-ferretdb-"));
  const uri = `mongodb://127.0.0.1:${port}/?directConnection=true`;
  let child: ChildProcess | null = null;

  const launch = async () => {
    child = await launchFerretDb(port, dataDir, uri);
  };
  const halt = async (signal: NodeJS.Signals) => {
    const running = child;
    child = null;
    if (running) await terminate(running, signal);
  };
  await launch();
  return {
    uri,
    controlled: true,
    database,
    stop: () => halt("SIGTERM"),
    kill: () => halt("SIGKILL"),
    restart: async () => {
      await halt("SIGTERM");
      await launch();
    },
    dispose: async () => {
      await halt("SIGTERM");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Builds the wrapper if the binary is missing or older than its sources. Safe to call from
 * parallel test workers: one builds under a lock file, the others wait for it.
 */
export async function ensureFerretDbBinary(): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  while (!isFresh()) {
    const lock = await open(lockFile, "wx").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "EEXIST") return null;
      throw err;
    });
    if (lock) {
      try {
        await lock.writeFile(String(process.pid));
        if (!isFresh()) await goBuild();
      } finally {
        await lock.close();
        await rm(lockFile, { force: true });
      }
      return;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the FerretDB build (lock ${lockFile})`);
    await removeLockOfDeadBuilder();
    await sleep(500);
  }
}

function isFresh(): boolean {
  try {
    const built = statSync(ferretDbBinary).mtimeMs;
    return sources.every((src) => statSync(src).mtimeMs <= built);
  } catch {
    return false;
  }
}

async function removeLockOfDeadBuilder(): Promise<void> {
  const pid = Number(await readFile(lockFile, "utf8").catch(() => ""));
  const age = Date.now() - ((await stat(lockFile).catch(() => null))?.mtimeMs ?? Date.now());
  // An empty lock may be one that is being written right now; give it a moment.
  if ((pid > 0 && !isAlive(pid)) || (pid === 0 && age > 10_000)) await rm(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Builds to a temporary name and renames, so no worker ever runs a half-written binary. */
async function goBuild(): Promise<void> {
  const tmp = `${ferretDbBinary}.${process.pid}.tmp`;
  const stderr: Buffer[] = [];
  const child = spawn("go", ["build", "-o", tmp, "."], {
    cwd: wrapperDir,
    env: { ...process.env, CGO_ENABLED: "0" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const code = await new Promise<number | null>((done, fail) => {
    child.on("error", fail);
    child.on("exit", done);
  });
  if (code !== 0) {
    await rm(tmp, { force: true });
    throw new Error(`go build of ${wrapperDir} failed (${code}):\n${Buffer.concat(stderr).toString()}`);
  }
  await rename(tmp, ferretDbBinary);
}

async function launchFerretDb(port: number, dataDir: string, uri: string): Promise<ChildProcess> {
  // Its stdin is a pipe from us: if this process dies without stopping it, it exits too.
  const child = spawn(
    ferretDbBinary,
    ["-listen-addr", `127.0.0.1:${port}`, "-data-dir", dataDir, "-stop-on-stdin-close"],
    { stdio: ["pipe", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new Error(`FerretDB exited during start-up:\n${log}`);
    if (await answersPing(uri)) return child;
    if (Date.now() > deadline) {
      await terminate(child, "SIGKILL");
      throw new Error(`FerretDB did not answer ping on ${uri} within ${START_TIMEOUT_MS} ms:\n${log}`);
    }
    await sleep(50);
  }
}

async function answersPing(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 250, connectTimeoutMS: 250 });
  try {
    await client.db("admin").command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
