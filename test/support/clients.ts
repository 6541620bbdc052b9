// Connect gRPC clients for every Keel service, sharing one transport to a test server.
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ContractService } from "../../gen/keel/v1/contract_service_pb.js";
import { EngineService } from "../../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../../gen/keel/v1/instance_service_pb.js";

export interface Clients {
  contracts: Client<typeof ContractService>;
  engine: Client<typeof EngineService>;
  instances: Client<typeof InstanceService>;
}

export function clientsFor(baseUrl: string): Clients {
  const transport = createGrpcTransport({ baseUrl });
  return {
    contracts: createClient(ContractService, transport),
    engine: createClient(EngineService, transport),
    instances: createClient(InstanceService, transport),
  };
}
