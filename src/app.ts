// Wires the service together: store, engine service, RPC handlers, health, reflection, server.
// Tests start the real thing through startApp(), exactly as main.ts does.
import { randomBytes, randomUUID } from "node:crypto";
import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { anonymousInterceptor } from "./auth/anonymous.js";
import { Authenticator } from "./auth/authenticator.js";
import { bootstrapBanner, bootstrapKeys } from "./auth/bootstrap.js";
import { AuthGate, gateInterceptor } from "./auth/gate.js";
import { QuotaBook } from "./auth/quota.js";
import { DEFAULT_CONFIG, type EngineConfig } from "./engine/index.js";
import type { Config } from "./config.js";
import type { Keyring } from "./contracts/keys.js";
import { FailClosedPolicy } from "./contracts/fail-closed.js";
import type { Logger } from "./logger.js";
import { KeelMetrics } from "./metrics/metrics.js";
import { AgentService } from "./service/agent-service.js";
import { ContractRegistry } from "./service/contract-registry.js";
import type { Store } from "./store/types.js";
import { contractService } from "./rpc/contract-service.js";
import { engineService } from "./rpc/engine-service.js";
import { instanceService } from "./rpc/instance-service.js";
import { keyService } from "./rpc/key-service.js";
import { SessionRegistry } from "./rpc/session.js";
import { HealthRegistry, healthService } from "./server/health.js";
import { ReflectionIndex, reflectionV1, reflectionV1alpha } from "./server/reflection.js";
import { toConnectError } from "./rpc/errors.js";
import { startServer } from "./server/server.js";
import { ContractService } from "../gen/keel/v1/contract_service_pb.js";
import { EngineService } from "../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../gen/keel/v1/instance_service_pb.js";
import { KeyService } from "../gen/keel/v1/key_service_pb.js";
import { Health } from "../gen/health/v1/health_pb.js";
import { file_google_rpc_error_details } from "../gen/google/rpc/error_details_pb.js";
import { file_google_rpc_status } from "../gen/google/rpc/status_pb.js";
import * as reflection1 from "../gen/grpc/reflection/v1/reflection_pb.js";
import * as reflection1alpha from "../gen/grpc/reflection/v1alpha/reflection_pb.js";

export interface App {
  readonly port: number;
  readonly health: HealthRegistry;
  /**
   * Settles once startup is complete (store connected, bootstrap key ensured, readiness on); rejects
   * if it cannot complete (the store never became reachable). Already settled without `storeReady`.
   */
  readonly started: Promise<void>;
  /**
   * Readiness NOT_SERVING at once, everything still served for KEEL_DRAIN_DELAY_MS (so endpoints
   * are removed before connections close), then the graceful drain; then the store is closed.
   */
  shutdown(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  logger: Logger;
  store: Store;
  engineConfig?: EngineConfig;
  now?: () => number;
  /** Contract sealing keys; the configuration's (KEEL_CONTRACT_SIGNING_KEY, KEEL_CONTRACT_VERIFY_KEYS) when unset. */
  contractKeys?: Keyring;
  /**
   * Where a generated bootstrap key is announced, once: stderr by default. Never the logger, so
   * the secret never reaches a log line.
   */
  announce?: (text: string) => void;
  /**
   * When given, the server listens at once and completes startup (bootstrap key, readiness) only
   * once this resolves: meanwhile it is alive but not ready, and store calls fail with UNAVAILABLE.
   */
  storeReady?: Promise<void>;
}

export function newInstanceId(): string {
  return `inst_${randomBytes(8).toString("hex")}`;
}

export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger, store } = options;
  const now = options.now ?? Date.now;
  const contracts = new ContractRegistry({
    store,
    keys: options.contractKeys ?? config.contractKeys,
    now,
    newContractId: randomUUID,
  });
  const sessions = new SessionRegistry();
  const metrics = new KeelMetrics(() => sessions.size);
  const agents = new AgentService({
    store,
    metrics,
    contracts,
    engineConfig: options.engineConfig ?? DEFAULT_CONFIG,
    now,
    newId: newInstanceId,
    failClosed: FailClosedPolicy.parse(config.failClosed),
  });
  const drain = new AbortController();

  // API keys: the gate in front of every call, unless KEEL_AUTH=off.
  const authenticator = new Authenticator({
    keys: store.keys,
    operatorTenant: config.auth.operatorTenant,
    cacheTtlMs: config.auth.cacheMs,
    onFailure: (reason) => metrics.authFailure(reason),
  });
  const gate = new AuthGate(authenticator, new QuotaBook(config.quota), metrics);
  let auth: Interceptor;
  if (config.auth.enabled) {
    auth = gateInterceptor(gate, logger, (err) => toConnectError(err).code);
  } else {
    auth = anonymousInterceptor(config.auth.operatorTenant);
    logger.warn(
      { tenant: config.auth.operatorTenant },
      `authentication is off (KEEL_AUTH=off) - every caller is an admin of tenant ${config.auth.operatorTenant}; never expose this server`,
    );
  }
  // Keel's own services: health reports them, reflection describes them with the standard ones.
  const keelServices = [InstanceService, EngineService, ContractService, KeyService];
  const standardServices = [Health, reflection1.ServerReflection, reflection1alpha.ServerReflection];
  const health = new HealthRegistry(keelServices.map((s) => s.typeName));
  // The error-detail types too (no service names them): clients decode RetryInfo and BadRequest
  // from grpc-status-details-bin with them.
  const reflectionIndex = new ReflectionIndex(
    [...[...keelServices, ...standardServices].map((s) => s.file), file_google_rpc_status, file_google_rpc_error_details],
    [...keelServices, ...standardServices].map((s) => s.typeName),
  );

  const routes = (router: ConnectRouter): void => {
    router.service(InstanceService, instanceService(agents));
    router.service(EngineService, engineService(agents, sessions, drain.signal, config.sessionOpenTimeoutMs));
    router.service(ContractService, contractService(contracts, agents));
    router.service(KeyService, keyService({ keys: store.keys, authenticator, now }));
    router.service(Health, healthService(health));
    router.service(reflection1.ServerReflection, reflectionV1(reflectionIndex));
    router.service(reflection1alpha.ServerReflection, reflectionV1alpha(reflectionIndex));
  };

  const server = await startServer({
    host: config.host,
    port: config.port,
    logger,
    routes,
    maxMessageBytes: config.maxMessageBytes,
    maxTimeoutMs: config.maxTimeoutMs,
    grpcServer: config.grpcServer,
    limits: { idleMs: config.idleTimeoutMs, requestMs: config.requestTimeoutMs },
    drain,
    metrics,
    tls: config.tls,
    auth,
    probes: health,
    connections: config.lifecycle,
  });

  // After listening, so that a server that cannot start never announces a key it will not serve.
  const finishStartup = async (): Promise<void> => {
    const bootstrap = await bootstrapKeys({
      keys: store.keys,
      token: config.auth.bootstrapKey,
      operatorTenant: config.auth.operatorTenant,
      generate: config.auth.enabled,
      logger,
      now,
      authenticator,
    });
    if (bootstrap.generated) {
      const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
      const announce = options.announce ?? ((text: string) => void process.stderr.write(text));
      announce(
        bootstrapBanner(bootstrap.generated, {
          tenant: config.auth.operatorTenant,
          baseUrl: `${config.tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${server.port}`,
          persistent: Boolean(config.mongodbUri),
        }),
      );
    }
    health.setStoreHealthy(store.healthy());
    store.onHealthChange((healthy) => {
      health.setStoreHealthy(healthy);
      logger.warn({ healthy }, healthy ? "store reachable again" : "store unreachable");
    });
  };
  let started: Promise<void>;
  if (options.storeReady) {
    started = options.storeReady.then(finishStartup);
    started.catch(() => {}); // the caller decides (main.ts exits)
  } else {
    try {
      await finishStartup();
    } catch (err) {
      await server.shutdown(0);
      throw err;
    }
    started = Promise.resolve();
  }

  return {
    port: server.port,
    health,
    started,
    async shutdown() {
      health.startDraining();
      if (config.lifecycle.drainDelayMs > 0) await new Promise((r) => setTimeout(r, config.lifecycle.drainDelayMs));
      await server.shutdown(config.shutdownGraceMs);
      await store.close();
    },
  };
}
