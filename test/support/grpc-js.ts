// Classic gRPC clients built by @grpc/grpc-js from the .proto files at run time, to prove that
// Keel interoperates with gRPC implementations that know nothing of Connect. Every call carries
// `authorization: Bearer <key>` metadata: the test servers' bootstrap key unless told otherwise.
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { bearer, TEST_API_KEY } from "./api-key.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const LOAD_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [
    path.join(root, "proto"),
    path.join(root, "node_modules/grpc-health-check/proto"),
    path.join(root, "node_modules/@grpc/reflection/build/proto"),
  ],
};

type Ctor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => grpc.Client;

function load(file: string): grpc.GrpcObject {
  return grpc.loadPackageDefinition(protoLoader.loadSync(file, LOAD_OPTIONS));
}

function lookup(obj: grpc.GrpcObject, name: string): Ctor {
  const found = name.split(".").reduce<unknown>((o, part) => (o as Record<string, unknown>)[part], obj);
  return found as Ctor;
}

export interface GrpcClients {
  instances: grpc.Client;
  engine: grpc.Client;
  contracts: grpc.Client;
  keys: grpc.Client;
  health: grpc.Client;
  reflection: grpc.Client;
  close(): void;
}

export interface GrpcClientOptions {
  /** Sent as `authorization: Bearer <apiKey>` metadata; TEST_API_KEY when undefined, none when null. */
  apiKey?: string | null;
  /** Sent as the authorization metadata exactly as given (for malformed-header tests). */
  authorization?: string;
  /** More channel options (e.g. grpc.service_config). */
  channel?: grpc.ChannelOptions;
}

/** A client interceptor adding `authorization` metadata to every call (unary and streaming). */
export function authMetadata(value: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set("authorization", value);
        next(metadata, listener);
      },
    });
}

export function grpcClients(
  address: string,
  credentials = grpc.credentials.createInsecure(),
  options: GrpcClientOptions = {},
): GrpcClients {
  const keel = load("keel/v1/engine_service.proto");
  const inst = load("keel/v1/instance_service.proto");
  const contract = load("keel/v1/contract_service.proto");
  const key = load("keel/v1/key_service.proto");
  const health = load("health/v1/health.proto");
  const reflection = load("grpc/reflection/v1/reflection.proto");
  const apiKey = options.apiKey === undefined ? TEST_API_KEY : options.apiKey;
  const value = options.authorization ?? (apiKey === null ? undefined : bearer(apiKey));
  const channelOptions: grpc.ClientOptions = {
    ...options.channel,
    ...(value === undefined ? {} : { interceptors: [authMetadata(value)] }),
  };
  const make = (obj: grpc.GrpcObject, name: string) => new (lookup(obj, name))(address, credentials, channelOptions);
  const clients = {
    instances: make(inst, "keel.v1.InstanceService"),
    engine: make(keel, "keel.v1.EngineService"),
    contracts: make(contract, "keel.v1.ContractService"),
    keys: make(key, "keel.v1.KeyService"),
    health: make(health, "grpc.health.v1.Health"),
    reflection: make(reflection, "grpc.reflection.v1.ServerReflection"),
  };
  return {
    ...clients,
    close() {
      for (const c of Object.values(clients)) c.close();
    },
  };
}

type UnaryFn = (req: unknown, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;

/** Promisifies a unary grpc-js call. Responses use the proto field names (keepCase). */
export function unary<T = Record<string, any>>(client: grpc.Client, method: string, request: unknown, deadlineMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const fn = (client as unknown as Record<string, UnaryFn>)[method];
    if (!fn) throw new Error(`no method ${method}`);
    fn.call(client, request, { deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(err) : resolve(res as T)));
  });
}

/** Opens a bidi stream by method name. */
export function bidi(client: grpc.Client, method: string): grpc.ClientDuplexStream<unknown, any> {
  const fn = (client as unknown as Record<string, () => grpc.ClientDuplexStream<unknown, unknown>>)[method];
  if (!fn) throw new Error(`no method ${method}`);
  return fn.call(client);
}
