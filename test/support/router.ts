// Keel's RPC handlers behind connect's in-memory router transport: the same handlers and call
// interceptor the server runs, over an in-process store, with no socket, port or HTTP framing.
// For tests of what the handlers do (validation, codes, paging, state changes); what needs the
// wire (limits, transports, TLS, auth headers, shutdown) stays with startTestServer().
import { randomUUID } from "node:crypto";
import { createRouterTransport, type Interceptor } from "@connectrpc/connect";
import { newInstanceId } from "../../src/app.js";
import { anonymousInterceptor } from "../../src/auth/anonymous.js";
import { keyring } from "../../src/contracts/keys.js";
import { DEFAULT_CONFIG } from "../../src/engine/index.js";
import { createLogger } from "../../src/logger.js";
import { contractService } from "../../src/rpc/contract-service.js";
import { engineService } from "../../src/rpc/engine-service.js";
import { instanceService } from "../../src/rpc/instance-service.js";
import { callInterceptor } from "../../src/rpc/interceptors.js";
import { SessionRegistry } from "../../src/rpc/session.js";
import { AgentService } from "../../src/service/agent-service.js";
import { ContractRegistry } from "../../src/service/contract-registry.js";
import { MemoryStore } from "../../src/store/memory.js";
import type { Store } from "../../src/store/types.js";
import { ContractService } from "../../gen/keel/v1/contract_service_pb.js";
import { EngineService } from "../../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../../gen/keel/v1/instance_service_pb.js";
import { clientsOn, type Clients } from "./clients.js";

export interface TestRouter extends Omit<Clients, "keys"> {
  store: Store;
  agents: AgentService;
}

/**
 * Clients of InstanceService, EngineService and ContractService answered in memory. Every call is
 * an admin of tenant "default" (the anonymous principal auth-off servers use).
 */
export function startTestRouter(options: { store?: Store; now?: () => number } = {}): TestRouter {
  const store = options.store ?? new MemoryStore();
  const now = options.now ?? Date.now;
  const contracts = new ContractRegistry({ store, keys: keyring(null, []), now, newContractId: randomUUID });
  const agents = new AgentService({ store, contracts, engineConfig: DEFAULT_CONFIG, now, newId: newInstanceId });
  const interceptors: Interceptor[] = [callInterceptor(createLogger("silent"), { draining: false, inFlight: 0 }), anonymousInterceptor("default")];
  const transport = createRouterTransport(
    (router) => {
      router.service(InstanceService, instanceService(agents));
      router.service(EngineService, engineService(agents, new SessionRegistry(), new AbortController().signal));
      router.service(ContractService, contractService(contracts, agents));
    },
    { router: { interceptors } },
  );
  const { keys: _keys, ...clients } = clientsOn(transport);
  return { ...clients, store, agents };
}
