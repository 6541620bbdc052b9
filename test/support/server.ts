// Starts the real Keel server (the same startApp main.ts uses) on a free loopback port, with
// authentication on, as in production: its bootstrap admin key (KEEL_BOOTSTRAP_KEY) is
// TEST_API_KEY unless env sets another, and clientsFor() sends that key by default.
import { pino } from "pino";
import { startApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { Keyring } from "../../src/contracts/keys.js";
import { createLogger, type Logger } from "../../src/logger.js";
import { MemoryStore } from "../../src/store/memory.js";
import type { Store } from "../../src/store/types.js";
import { KeyScope } from "../../gen/keel/v1/key_service_pb.js";
import { TEST_API_KEY } from "./api-key.js";
import { clientsFor } from "./clients.js";

export interface TestServer {
  app: App;
  port: number;
  /** http://127.0.0.1:PORT (https:// when env sets KEEL_TLS_*, see test/support/certs.ts) */
  baseUrl: string;
  /** 127.0.0.1:PORT, for grpc-js. */
  address: string;
  store: Store;
  /** The server's bootstrap key: an admin key of the operator tenant ("default"). */
  apiKey: string;
  /** What the server announced on "stderr" (a generated bootstrap key's banner). */
  announced: string[];
  /** Creates a key through KeyService with the bootstrap key (so other tenants work too). */
  mintKey(options?: MintOptions): Promise<MintedKey>;
  /** Revokes a key through KeyService (so this server's auth cache knows at once). */
  revokeKey(keyId: string, tenant?: string): Promise<void>;
  close(): Promise<void>;
}

export interface MintOptions {
  /** Default: the operator tenant. */
  tenant?: string;
  scope?: "read" | "engine" | "admin";
  name?: string;
  cyclesPerSecond?: number;
  maxSessions?: number;
}

export interface MintedKey {
  /** The whole key, to send. */
  token: string;
  keyId: string;
  tenant: string;
}

const SCOPES = { read: KeyScope.READ, engine: KeyScope.ENGINE, admin: KeyScope.ADMIN };

export async function startTestServer(
  options: { store?: Store; env?: Record<string, string>; contractKeys?: Keyring; logger?: Logger } = {},
): Promise<TestServer> {
  const config = loadConfig({
    KEEL_PORT: "0",
    KEEL_SHUTDOWN_GRACE_MS: "2000",
    KEEL_BOOTSTRAP_KEY: TEST_API_KEY,
    // Tests drive thousands of cycles a second through one key; quota tests set their own limits.
    KEEL_QUOTA_CYCLES_PER_SECOND: "0",
    ...options.env,
  });
  const store = options.store ?? new MemoryStore();
  const announced: string[] = [];
  const app = await startApp({
    config,
    logger: options.logger ?? createLogger("silent"),
    store,
    announce: (text) => announced.push(text),
    ...(options.contractKeys ? { contractKeys: options.contractKeys } : {}),
  });
  const baseUrl = `${config.tls ? "https" : "http"}://127.0.0.1:${app.port}`;
  // With KEEL_BOOTSTRAP_KEY set to "" the server generates its first key and announces it.
  const generated = /export KEEL_API_KEY=(\S+)/.exec(announced.join(""))?.[1];
  const apiKey = config.auth.bootstrapKey ?? generated ?? TEST_API_KEY;
  const admin = () => clientsFor(baseUrl, { apiKey }).keys;
  return {
    app,
    port: app.port,
    baseUrl,
    address: `127.0.0.1:${app.port}`,
    store,
    apiKey,
    announced,
    async mintKey(mint = {}) {
      const res = await admin().createKey({
        name: mint.name ?? "test",
        scope: SCOPES[mint.scope ?? "admin"],
        tenant: mint.tenant ?? "",
        cyclesPerSecond: mint.cyclesPerSecond ?? 0,
        maxSessions: mint.maxSessions ?? 0,
      });
      return { token: res.secret, keyId: res.key!.keyId, tenant: res.key!.tenant };
    },
    async revokeKey(keyId, tenant = "") {
      await admin().revokeKey({ keyId, tenant });
    },
    close: () => app.shutdown(),
  };
}

/** A logger at `level` whose JSON lines are kept in memory, for tests that read the logs. */
export function captureLogger(level = "info"): { logger: Logger; lines(): string[] } {
  const lines: string[] = [];
  const logger = pino({ level, base: { service: "keel" } }, { write: (line: string) => void lines.push(line.trimEnd()) });
  return { logger, lines: () => lines };
}
