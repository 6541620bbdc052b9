// Configuration from environment variables. Every variable is documented in README.md.

export interface Config {
  host: string;
  port: number;
  /** MongoDB connection string; the in-process store is used when empty. */
  mongodbUri: string;
  mongodbDatabase: string;
  logLevel: string;
  /** Largest accepted request message, in bytes. */
  maxMessageBytes: number;
  /** Upper bound for client deadlines; longer ones are capped to it. */
  maxTimeoutMs: number;
  /** How long graceful shutdown waits for in-flight calls before closing connections. */
  shutdownGraceMs: number;
  /** Which server answers HTTP/2 gRPC: "grpc-js" (default) or "connect" (connect-node). */
  grpcServer: "grpc-js" | "connect";
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function text(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw === "" ? fallback : raw;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function grpcServer(raw: string): Config["grpcServer"] {
  if (raw === "grpc-js" || raw === "connect") return raw;
  throw new ConfigError(`KEEL_GRPC_SERVER must be grpc-js or connect, got "${raw}"`);
}

export function loadConfig(env: Env = process.env): Config {
  const logLevel = text(env, "KEEL_LOG_LEVEL", "info");
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`KEEL_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  }
  return {
    host: text(env, "KEEL_HOST", "127.0.0.1"),
    port: integer(env, "KEEL_PORT", 8080, 0, 65535),
    mongodbUri: text(env, "MONGODB_URI", ""),
    mongodbDatabase: text(env, "KEEL_MONGODB_DATABASE", "keel"),
    logLevel,
    maxMessageBytes: integer(env, "KEEL_MAX_MESSAGE_BYTES", 1024 * 1024, 1024, 4 * 1024 * 1024),
    maxTimeoutMs: integer(env, "KEEL_MAX_TIMEOUT_MS", 60_000, 1, 3_600_000),
    shutdownGraceMs: integer(env, "KEEL_SHUTDOWN_GRACE_MS", 10_000, 0, 600_000),
    grpcServer: grpcServer(text(env, "KEEL_GRPC_SERVER", "grpc-js")),
  };
}
