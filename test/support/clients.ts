// Connect clients for every Keel service, sharing one transport to a test server. They send the
// test servers' bootstrap key (TEST_API_KEY) unless told to send another key, or none (null).
import { createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ContractService } from "../../gen/keel/v1/contract_service_pb.js";
import { EngineService } from "../../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../../gen/keel/v1/instance_service_pb.js";
import { KeyService } from "../../gen/keel/v1/key_service_pb.js";
import { bearer, TEST_API_KEY } from "./api-key.js";

export interface Clients {
  contracts: Client<typeof ContractService>;
  engine: Client<typeof EngineService>;
  instances: Client<typeof InstanceService>;
  keys: Client<typeof KeyService>;
}

export interface ClientOptions {
  /** Sent as `authorization: Bearer <apiKey>`; TEST_API_KEY when undefined, no header when null. */
  apiKey?: string | null;
}

/** Sets the authorization header on every call (or sends the value as given with `raw`). */
export function authInterceptor(apiKey: string | null | undefined, raw = false): Interceptor[] {
  const key = apiKey === undefined ? TEST_API_KEY : apiKey;
  if (key === null) return [];
  const value = raw ? key : bearer(key);
  return [
    (next) => (req) => {
      req.header.set("authorization", value);
      return next(req);
    },
  ];
}

export function clientsFor(baseUrl: string, options: ClientOptions = {}): Clients {
  return clientsOn(createGrpcTransport({ baseUrl, interceptors: authInterceptor(options.apiKey) }));
}

/** The same clients over any transport (build it with authInterceptor() for a key). */
export function clientsOn(transport: Transport): Clients {
  return {
    contracts: createClient(ContractService, transport),
    engine: createClient(EngineService, transport),
    instances: createClient(InstanceService, transport),
    keys: createClient(KeyService, transport),
  };
}
