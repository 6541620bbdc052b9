// Wires the service together: store, engine service, RPC handlers, health, reflection, server.
// Tests start the real thing through startApp(), exactly as main.ts does.
import { randomBytes, randomUUID } from "node:crypto";
import type { ConnectRouter } from "@connectrpc/connect";
import { DEFAULT_CONFIG, type EngineConfig } from "./engine/index.js";
import type { Config } from "./config.js";
import type { Keyring } from "./contracts/keys.js";
import type { Logger } from "./logger.js";
import { KeelMetrics } from "./metrics/metrics.js";
import { AgentService } from "./service/agent-service.js";
import { keyringFromEnv } from "./service/contract-keys.js";
import { ContractRegistry } from "./service/contract-registry.js";
import type { Store } from "./store/types.js";
import { contractService } from "./rpc/contract-service.js";
import { engineService } from "./rpc/engine-service.js";
import { instanceService } from "./rpc/instance-service.js";
import { SessionRegistry } from "./rpc/session.js";
import { HealthRegistry, healthService } from "./server/health.js";
import { ReflectionIndex, reflectionV1, reflectionV1alpha } from "./server/reflection.js";
import { startServer } from "./server/server.js";
import { ContractService, file_keel_v1_contract_service } from "../gen/keel/v1/contract_service_pb.js";
import { EngineService } from "../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../gen/keel/v1/instance_service_pb.js";
import { file_health_v1_health, Health } from "../gen/health/v1/health_pb.js";
import * as reflection1 from "../gen/grpc/reflection/v1/reflection_pb.js";
import * as reflection1alpha from "../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { file_keel_v1_engine_service } from "../gen/keel/v1/engine_service_pb.js";
import { file_keel_v1_instance_service } from "../gen/keel/v1/instance_service_pb.js";

export interface App {
  readonly port: number;
  readonly health: HealthRegistry;
  /** Graceful drain, then the store is flushed and closed. */
  shutdown(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  logger: Logger;
  store: Store;
  engineConfig?: EngineConfig;
  now?: () => number;
  /** Contract sealing keys; from KEEL_CONTRACT_SIGNING_KEY and KEEL_CONTRACT_VERIFY_KEYS when unset. */
  contractKeys?: Keyring;
}

export function newInstanceId(): string {
  return `inst_${randomBytes(8).toString("hex")}`;
}

export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger, store } = options;
  const now = options.now ?? Date.now;
  const contracts = new ContractRegistry({
    store,
    keys: options.contractKeys ?? keyringFromEnv(process.env),
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
  });
  const drain = new AbortController();
  const serviceNames = [
    InstanceService.typeName,
    EngineService.typeName,
    ContractService.typeName,
    Health.typeName,
    reflection1.ServerReflection.typeName,
    reflection1alpha.ServerReflection.typeName,
  ];
  const health = new HealthRegistry([InstanceService.typeName, EngineService.typeName, ContractService.typeName]);
  const reflectionIndex = new ReflectionIndex(
    [
      file_keel_v1_instance_service,
      file_keel_v1_engine_service,
      file_keel_v1_contract_service,
      file_health_v1_health,
      reflection1.file_grpc_reflection_v1_reflection,
      reflection1alpha.file_grpc_reflection_v1alpha_reflection,
    ],
    serviceNames,
  );

  const routes = (router: ConnectRouter): void => {
    router.service(InstanceService, instanceService(agents));
    router.service(EngineService, engineService(agents, sessions, drain.signal));
    router.service(ContractService, contractService(contracts));
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
    drain,
    metrics,
  });
  health.setAll(store.healthy());
  store.onHealthChange((healthy) => {
    if (!drain.signal.aborted) health.setAll(healthy);
    logger.warn({ healthy }, healthy ? "store reachable again" : "store unreachable");
  });

  return {
    port: server.port,
    health,
    async shutdown() {
      health.setAll(false);
      await server.shutdown(config.shutdownGraceMs);
      await store.close();
    },
  };
}
