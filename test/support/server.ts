// Starts the real Keel server (the same startApp main.ts uses) on a free loopback port.
import { startApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { Keyring } from "../../src/contracts/keys.js";
import { createLogger } from "../../src/logger.js";
import { MemoryStore } from "../../src/store/memory.js";
import type { Store } from "../../src/store/types.js";

export interface TestServer {
  app: App;
  port: number;
  /** http://127.0.0.1:PORT (https:// when env sets KEEL_TLS_*, see test/support/certs.ts) */
  baseUrl: string;
  /** 127.0.0.1:PORT, for grpc-js. */
  address: string;
  store: Store;
  close(): Promise<void>;
}

export async function startTestServer(
  options: { store?: Store; env?: Record<string, string>; contractKeys?: Keyring } = {},
): Promise<TestServer> {
  const config = loadConfig({ KEEL_PORT: "0", KEEL_SHUTDOWN_GRACE_MS: "2000", ...options.env });
  const store = options.store ?? new MemoryStore();
  const app = await startApp({
    config,
    logger: createLogger("silent"),
    store,
    ...(options.contractKeys ? { contractKeys: options.contractKeys } : {}),
  });
  return {
    app,
    port: app.port,
    baseUrl: `${config.tls ? "https" : "http"}://127.0.0.1:${app.port}`,
    address: `127.0.0.1:${app.port}`,
    store,
    close: () => app.shutdown(),
  };
}
