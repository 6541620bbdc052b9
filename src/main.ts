// Process entry point: configuration, logging, the store, the server, and signal handling.
// Exit codes (docs/observability.md): 0 stopped cleanly; 1 the drain failed or an unexpected
// error; 2 invalid configuration; 3 could not start (port taken, database unreachable within
// KEEL_STARTUP_TIMEOUT_MS). Startup failures print one line on stderr, never a stack trace.
import { startApp, type App } from "./app.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { deferredStore } from "./store/deferred.js";
import { openStore } from "./store/open.js";
import { KEEL_VERSION } from "./version.js";
import { startTracing, stopTracing } from "./tracing/tracing.js";

const EXIT_FAILED = 1;
const EXIT_CONFIG = 2;
const EXIT_STARTUP = 3;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // Before anything else, so every span has its SDK; nothing is loaded when OTEL_* asks for no traces.
  if (await startTracing(process.env)) logger.info("tracing on: spans exported over OTLP/HTTP (OTEL_* variables)");
  // The server listens at once; the database may come up later (bounded backoff, alive but not ready).
  const { store, ready } = deferredStore({
    connect: () => openStore(config, logger),
    timeoutMs: config.lifecycle.startupTimeoutMs,
    logger,
  });
  let app: App;
  try {
    app = await startApp({ config, logger, store, storeReady: ready });
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  // tls: "off" (cleartext), "tls", or "mtls" (client certificates required).
  const tls = config.tls ? (config.tls.clientCa ? "mtls" : "tls") : "off";
  const mode = { off: "", tls: " (TLS)", mtls: " (TLS, client certificates required)" }[tls];
  logger.info(
    { version: KEEL_VERSION, host: config.host, port: app.port, store: config.mongodbUri ? "mongodb" : "memory", tls },
    `keel ${KEEL_VERSION} listening on ${config.host}:${app.port}${mode}`,
  );
  app.started.then(
    () => logger.info("ready"),
    (err: unknown) => fail(logger, `cannot start - ${(err as Error).message}`),
  );
  handleSignals(config, logger, app);
}

function handleSignals(config: Config, logger: Logger, app: App): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, drainDelayMs: config.lifecycle.drainDelayMs }, "draining");
    // A hard bound: whatever the drain is waiting on, the process exits.
    setTimeout(() => {
      logger.error("drain did not finish in time; exiting");
      process.exit(EXIT_FAILED);
    }, config.lifecycle.drainDelayMs + config.shutdownGraceMs + 5_000).unref();
    app.shutdown().then(stopTracing).then(
      () => {
        logger.info("stopped");
        logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(EXIT_FAILED);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

function fail(logger: Logger | null, line: string): never {
  logger?.flush();
  process.stderr.write(`keel: ${line}\n`);
  process.exit(EXIT_STARTUP);
}

/** One line an operator can act on, for failures to bind the port. */
function listenProblem(err: unknown): string | null {
  const code = (err as NodeJS.ErrnoException)?.code;
  const { address, port } = err as { address?: string; port?: number };
  const where = `${address ?? "?"}:${port ?? "?"}`;
  if (code === "EADDRINUSE") return `cannot listen on ${where} - the address is already in use (KEEL_HOST, KEEL_PORT)`;
  if (code === "EACCES") return `cannot listen on ${where} - permission denied (ports below 1024 need privileges; KEEL_PORT)`;
  if (code === "EADDRNOTAVAIL") return `cannot listen on ${where} - no such local address (KEEL_HOST)`;
  return null;
}

main().catch((err: unknown) => {
  // A configuration mistake is the operator's to fix: say what, without a stack trace.
  if (err instanceof ConfigError) {
    process.stderr.write(`keel: ${err.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  const listen = listenProblem(err);
  if (listen) fail(null, listen);
  fail(null, `cannot start - ${(err as Error)?.message ?? String(err)}`);
});
