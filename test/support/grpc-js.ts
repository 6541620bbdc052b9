// Classic gRPC clients built by @grpc/grpc-js from the .proto files at run time, to prove that
// Keel interoperates with gRPC implementations that know nothing of Connect.
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

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

type Ctor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => grpc.Client;

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
  health: grpc.Client;
  reflection: grpc.Client;
  close(): void;
}

export function grpcClients(address: string, credentials = grpc.credentials.createInsecure()): GrpcClients {
  const keel = load("keel/v1/engine_service.proto");
  const inst = load("keel/v1/instance_service.proto");
  const health = load("health/v1/health.proto");
  const reflection = load("grpc/reflection/v1/reflection.proto");
  const clients = {
    instances: new (lookup(inst, "keel.v1.InstanceService"))(address, credentials),
    engine: new (lookup(keel, "keel.v1.EngineService"))(address, credentials),
    health: new (lookup(health, "grpc.health.v1.Health"))(address, credentials),
    reflection: new (lookup(reflection, "grpc.reflection.v1.ServerReflection"))(address, credentials),
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
