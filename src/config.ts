// Configuration from environment variables. Every variable is documented in README.md.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { parseApiKey } from "./auth/key-format.js";
import { ConfigError } from "./config-error.js";
import type { Keyring } from "./contracts/keys.js";
import { keyringFromEnv } from "./config-contract-keys.js";

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
  /** TLS on the port (KEEL_TLS_*), or null for cleartext. */
  tls: TlsConfig | null;
  /** API keys (KEEL_AUTH, KEEL_OPERATOR_TENANT, KEEL_AUTH_CACHE_MS, KEEL_BOOTSTRAP_KEY). */
  auth: AuthConfig;
  /** Per-key quotas (KEEL_QUOTA_*); 0 means unlimited. */
  quota: QuotaConfig;
  /** Which server answers HTTP/2 gRPC: "grpc-js" (default) or "connect" (connect-node). */
  grpcServer: "grpc-js" | "connect";
  /** Contract sealing and trusted verify keys (KEEL_CONTRACT_SIGNING_KEY, KEEL_CONTRACT_VERIFY_KEYS). */
  contractKeys: Keyring;
  /** Connections idle (no open stream) this long are closed; 0 turns it off. */
  idleTimeoutMs: number;
  /** A request's headers and non-streaming body must arrive within this; 0 turns it off. */
  requestTimeoutMs: number;
  /** A session stream that sends no open frame within this is ended (DEADLINE_EXCEEDED). */
  sessionOpenTimeoutMs: number;
  /** KEEL_FAIL_CLOSED: the agents that fail closed, "*", tenants, tenant/agent, "!" to exempt (docs/audit.md). */
  failClosed: string;
  /** Committed request ids are kept at least this long (KEEL_REQUEST_ID_RETENTION_MS; docs/idempotency.md). */
  requestRetentionMs: number;
  /** Probes, drain and connection lifetimes (docs/observability.md). */
  lifecycle: LifecycleConfig;
}

export interface LifecycleConfig {
  /** On SIGTERM, how long readiness reports NOT_SERVING while everything is still served (KEEL_DRAIN_DELAY_MS). */
  drainDelayMs: number;
  /** HTTP/2 connections are sent GOAWAY after this long, so clients rebalance (KEEL_MAX_CONNECTION_AGE_MS; 0: never). */
  maxConnectionAgeMs: number;
  /** Then calls on them may finish for this long before the connection closes (KEEL_MAX_CONNECTION_AGE_GRACE_MS). */
  maxConnectionAgeGraceMs: number;
  /** Server PING on an HTTP/2 connection idle this long (KEEL_KEEPALIVE_TIME_MS; 0: never). */
  keepaliveTimeMs: number;
  /** A PING unanswered this long closes the connection (KEEL_KEEPALIVE_TIMEOUT_MS). */
  keepaliveTimeoutMs: number;
  /** How long startup keeps retrying an unreachable MongoDB before it gives up (KEEL_STARTUP_TIMEOUT_MS; 0: forever). */
  startupTimeoutMs: number;
}

export interface AuthConfig {
  /** False only with KEEL_AUTH=off: every call then runs as an admin of the operator tenant. */
  enabled: boolean;
  /** Admin keys of this tenant manage every tenant's keys. */
  operatorTenant: string;
  /** How long a key record is trusted before it is read again (revocation on other replicas). */
  cacheMs: number;
  /** A whole API key ensured to exist as the operator's admin key; null when unset. Secret: never log. */
  bootstrapKey: string | null;
}

export interface QuotaConfig {
  cyclesPerSecond: number;
  cyclesBurst: number;
  sessions: number;
}

/** Paths as configured, and their PEM contents, read and checked once at startup. */
export interface TlsConfig {
  certFile: string;
  keyFile: string;
  /** Client certificates are required and verified against this CA bundle (mTLS) when set. */
  clientCaFile: string | null;
  cert: Buffer;
  key: Buffer;
  clientCa: Buffer | null;
}

export { ConfigError };

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
    tls: tlsConfig(env),
    auth: authConfig(env),
    quota: quotaConfig(env),
    grpcServer: grpcServer(text(env, "KEEL_GRPC_SERVER", "grpc-js")),
    contractKeys: keyringFromEnv(env),
    idleTimeoutMs: integer(env, "KEEL_IDLE_TIMEOUT_MS", 30_000, 0, 3_600_000),
    requestTimeoutMs: integer(env, "KEEL_REQUEST_TIMEOUT_MS", 30_000, 0, 600_000),
    sessionOpenTimeoutMs: integer(env, "KEEL_SESSION_OPEN_TIMEOUT_MS", 10_000, 1, 600_000),
    failClosed: text(env, "KEEL_FAIL_CLOSED", ""),
    requestRetentionMs: integer(env, "KEEL_REQUEST_ID_RETENTION_MS", 24 * 3_600_000, 60_000, 30 * 24 * 3_600_000),
    lifecycle: lifecycleConfig(env),
  };
}

function lifecycleConfig(env: Env): LifecycleConfig {
  return {
    drainDelayMs: integer(env, "KEEL_DRAIN_DELAY_MS", 0, 0, 600_000),
    maxConnectionAgeMs: integer(env, "KEEL_MAX_CONNECTION_AGE_MS", 0, 0, 86_400_000),
    maxConnectionAgeGraceMs: integer(env, "KEEL_MAX_CONNECTION_AGE_GRACE_MS", 30_000, 0, 3_600_000),
    keepaliveTimeMs: integer(env, "KEEL_KEEPALIVE_TIME_MS", 0, 0, 86_400_000),
    keepaliveTimeoutMs: integer(env, "KEEL_KEEPALIVE_TIMEOUT_MS", 20_000, 1000, 600_000),
    startupTimeoutMs: integer(env, "KEEL_STARTUP_TIMEOUT_MS", 0, 0, 86_400_000),
  };
}

/** Tenant names: what KeyService accepts and what the operator tenant may be. */
export const TENANT_PATTERN = /^[a-z0-9_-]{1,64}$/;

function authConfig(env: Env): AuthConfig {
  const mode = text(env, "KEEL_AUTH", "on");
  if (mode !== "on" && mode !== "off") {
    throw new ConfigError(`KEEL_AUTH must be "on" or "off", got "${mode}"`);
  }
  const operatorTenant = text(env, "KEEL_OPERATOR_TENANT", "default");
  if (!TENANT_PATTERN.test(operatorTenant)) {
    throw new ConfigError(`KEEL_OPERATOR_TENANT must be 1 to 64 characters of a-z 0-9 _ -, got "${operatorTenant}"`);
  }
  const bootstrapKey = text(env, "KEEL_BOOTSTRAP_KEY", "") || null;
  // Never echo the value: it is a secret, and a near-miss may be one.
  if (bootstrapKey !== null && !parseApiKey(bootstrapKey)) {
    throw new ConfigError(
      "KEEL_BOOTSTRAP_KEY is not a whole API key (keel_ then 16 hex digits then _ then 43 base64url characters) - generate one with npx keel keys generate, or unset it",
    );
  }
  return {
    enabled: mode === "on",
    operatorTenant,
    cacheMs: integer(env, "KEEL_AUTH_CACHE_MS", 5000, 0, 600_000),
    bootstrapKey,
  };
}

function quotaConfig(env: Env): QuotaConfig {
  const cyclesPerSecond = integer(env, "KEEL_QUOTA_CYCLES_PER_SECOND", 1000, 0, 10_000_000);
  return {
    cyclesPerSecond,
    // At least one batch (64 observations) must fit, or batched clients could never send.
    cyclesBurst: integer(env, "KEEL_QUOTA_CYCLES_BURST", Math.max(2 * cyclesPerSecond, 64), 64, 20_000_000),
    sessions: integer(env, "KEEL_QUOTA_SESSIONS", 16, 0, 1_000_000),
  };
}

/** Reads a PEM file and checks it with `parse`; any failure is a ConfigError naming `name`. */
function pemFile(name: string, file: string, what: string, parse: (pem: Buffer) => unknown): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${name}: cannot read "${file}": ${(err as Error).message}`);
  }
  try {
    parse(pem);
  } catch (err) {
    throw new ConfigError(`${name}: "${file}" is not ${what}: ${(err as Error).message}`);
  }
  return pem;
}

function tlsConfig(env: Env): TlsConfig | null {
  const certFile = text(env, "KEEL_TLS_CERT_FILE", "");
  const keyFile = text(env, "KEEL_TLS_KEY_FILE", "");
  const clientCaFile = text(env, "KEEL_TLS_CLIENT_CA_FILE", "");
  if (!certFile && !keyFile) {
    if (clientCaFile) {
      throw new ConfigError(
        "KEEL_TLS_CLIENT_CA_FILE requires TLS: set KEEL_TLS_CERT_FILE and KEEL_TLS_KEY_FILE to the server's certificate and key",
      );
    }
    return null;
  }
  if (!certFile || !keyFile) {
    const [set, missing] = certFile ? ["KEEL_TLS_CERT_FILE", "KEEL_TLS_KEY_FILE"] : ["KEEL_TLS_KEY_FILE", "KEEL_TLS_CERT_FILE"];
    throw new ConfigError(`${set} is set but ${missing} is not: TLS needs both (PEM files), or neither for cleartext`);
  }
  const cert = pemFile("KEEL_TLS_CERT_FILE", certFile, "a PEM certificate", (pem) => new X509Certificate(pem));
  const key = pemFile("KEEL_TLS_KEY_FILE", keyFile, "an unencrypted PEM private key", (pem) => createPrivateKey(pem));
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new ConfigError(`KEEL_TLS_KEY_FILE does not match KEEL_TLS_CERT_FILE: ${(err as Error).message}`);
  }
  const clientCa = clientCaFile
    ? pemFile("KEEL_TLS_CLIENT_CA_FILE", clientCaFile, "a PEM CA certificate bundle", (pem) => new X509Certificate(pem))
    : null;
  return { certFile, keyFile, clientCaFile: clientCaFile || null, cert, key, clientCa };
}
