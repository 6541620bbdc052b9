// Process entry point: configuration, logging, the store, the server, and signal handling.
import { startApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { openStore } from "./store/open.js";
import { KEEL_VERSION } from "./version.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const store = await openStore(config, logger);
  const app = await startApp({ config, logger, store });
  // tls: "off" (cleartext), "tls", or "mtls" (client certificates required).
  const tls = config.tls ? (config.tls.clientCa ? "mtls" : "tls") : "off";
  const mode = { off: "", tls: " (TLS)", mtls: " (TLS, client certificates required)" }[tls];
  logger.info(
    { version: KEEL_VERSION, host: config.host, port: app.port, store: config.mongodbUri ? "mongodb" : "memory", tls },
    `keel ${KEEL_VERSION} listening on ${config.host}:${app.port}${mode}`,
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "draining");
    // A hard bound: whatever the drain is waiting on, the process exits.
    setTimeout(() => {
      logger.error("drain did not finish in time; exiting");
      process.exit(1);
    }, config.shutdownGraceMs + 5_000).unref();
    app.shutdown().then(
      () => {
        logger.info("stopped");
        logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err: unknown) => {
  // A configuration mistake is the operator's to fix: say what, without a stack trace.
  if (err instanceof ConfigError) {
    process.stderr.write(`keel: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
});
