// The TypeScript SDK for Keel: a thin, typed layer over the generated Connect clients.
//
//   const keel = createKeelClient({ baseUrl: "http://127.0.0.1:8080", apiKey: process.env.KEEL_API_KEY });
//   const agent = await keel.instances.create({ name: "Aria", description: "Customer service bot" });
//   const { contract } = await keel.engine.process(agent.id, { mode: "exploration", signalStrength: 0.7 });
//   const session = await keel.engine.session(agent.id);
//   const outcome = await session.send({ mode: "stress_response", signalStrength: 0.9 });
//
// Authentication: every call, unary or stream, carries `authorization: Bearer <apiKey>`. The key
// is the `apiKey` option; when the option is left out (undefined) the KEEL_API_KEY environment
// variable is used, so scripts and agents configured the usual way need no code. Pass
// `apiKey: ""` to send no key at all (a server run with KEEL_AUTH=off). A call without a valid
// key fails with UNAUTHENTICATED, one the key's scope does not cover with PERMISSION_DENIED; the
// SDK never retries either. Over the key's quota calls fail with RESOURCE_EXHAUSTED and a retry
// delay (`retryDelayMs(err)`); the session helper waits that long and resumes by itself.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import type { ExecutionContract } from "../../gen/keel/v1/contract_pb.js";
import type { DriftEvent, Snapshot } from "../../gen/keel/v1/drift_pb.js";
import { EngineService, ResetTarget, type HistoryEntry } from "../../gen/keel/v1/engine_service_pb.js";
import type { Instance } from "../../gen/keel/v1/instance_pb.js";
import { InstanceService } from "../../gen/keel/v1/instance_service_pb.js";
import { KeyScope, KeyService, type ApiKey, type WhoAmIResponse } from "../../gen/keel/v1/key_service_pb.js";
import type { IdentityProfileSchema } from "../../gen/keel/v1/profile_pb.js";
import type { EngineState } from "../../gen/keel/v1/state_pb.js";
import { apiKeyInterceptor, isHeaderSafe } from "./api-key.js";
import { fromCycleOutcome, toObservation, type ObservationInput, type Outcome } from "./observation.js";
import { KeelSession, type SessionCall, type SessionOptions } from "./session.js";

export { Code, ConnectError };
export { Action, DriftLevel, Mode, StressLevel, SystemState } from "../../gen/keel/v1/modes_pb.js";
export { ResetTarget } from "../../gen/keel/v1/engine_service_pb.js";
export type { ExecutionContract, DriftEvent, EngineState, HistoryEntry, Instance, Snapshot };
export { toMode, type ModeName, type ObservationInput, type Outcome } from "./observation.js";
export { KeelSession, MAX_BATCH, type SessionOptions, type SessionOutcome } from "./session.js";
export { KeyScope, type ApiKey, type WhoAmIResponse };
export { retryDelayMs } from "./retry.js";
export { API_KEY_PATTERN, generateApiKey, parseApiKey, type ApiKeyParts } from "./api-key.js";

export type TransportKind = "grpc" | "connect" | "grpc-web";

export interface KeelClientOptions {
  /** "http://127.0.0.1:8080"; a bare "host:port" means plaintext http. */
  baseUrl: string;
  /** Wire protocol, all over HTTP/2; default "grpc". */
  transport?: TransportKind;
  /**
   * Sent as `authorization: Bearer <key>` on every call and stream. When undefined,
   * process.env.KEEL_API_KEY is used; "" sends no key.
   */
  apiKey?: string;
  /** Deadline for unary calls; none by default. */
  timeoutMs?: number;
  /** Extra Connect interceptors, run after the auth header is set. */
  interceptors?: Interceptor[];
}

export interface Page {
  pageSize?: number;
  pageToken?: string;
}

export interface CreateInstanceInput {
  name: string;
  description?: string;
  /** Explicit profile; mutually exclusive with personaId. */
  profile?: MessageInitShape<typeof IdentityProfileSchema>;
  /** A built-in persona, e.g. "persona_explorer". */
  personaId?: string;
  labels?: Record<string, string>;
}

export interface UpdateInstanceInput {
  name?: string;
  description?: string;
  labels?: Record<string, string>;
}

export type ScopeName = "read" | "engine" | "admin";

export interface CreateKeyInput {
  /** 1 to 100 characters, e.g. "ci-runner". */
  name: string;
  /** What the key may do; scopes nest (read ⊂ engine ⊂ admin). */
  scope: ScopeName | KeyScope;
  /** Another tenant than the caller's (needs an operator admin key). */
  tenant?: string;
  /** Quota overrides; 0 or unset keeps the server's default. */
  cyclesPerSecond?: number;
  maxSessions?: number;
}

export interface KeelClient {
  instances: {
    create(input: CreateInstanceInput): Promise<Instance>;
    get(instanceId: string): Promise<Instance>;
    /** Oldest first. */
    list(page?: Page): Promise<{ instances: Instance[]; nextPageToken: string }>;
    /** Changes the given fields only. */
    update(instanceId: string, changes: UpdateInstanceInput): Promise<Instance>;
    delete(instanceId: string): Promise<void>;
  };
  engine: {
    process(instanceId: string, observation: ObservationInput): Promise<Outcome>;
    /** 1 to 64 observations, committed together; `outcomes` holds the last one unless includeIntermediate. */
    processBatch(
      instanceId: string,
      observations: ObservationInput[],
      options?: { includeIntermediate?: boolean },
    ): Promise<{ outcomes: Outcome[]; processedCount: number }>;
    getContract(instanceId: string): Promise<ExecutionContract>;
    getState(instanceId: string): Promise<{ state: EngineState; revision: bigint }>;
    /** Drift events at D1 or above, newest first. */
    getDrift(instanceId: string, page?: Page): Promise<{ events: DriftEvent[]; nextPageToken: string }>;
    /** Processed observations, newest first. */
    getHistory(instanceId: string, page?: Page): Promise<{ entries: HistoryEntry[]; nextPageToken: string }>;
    /** Stable snapshots, newest first. */
    getSnapshots(instanceId: string, page?: Page): Promise<{ snapshots: Snapshot[]; nextPageToken: string }>;
    reset(
      instanceId: string,
      target?: ResetTarget | "initial" | "last_snapshot",
    ): Promise<{ contract: ExecutionContract; revision: bigint }>;
    /** Opens a resumable, exactly-once session stream for one agent. */
    session(instanceId: string, options?: SessionOptions): Promise<KeelSession>;
  };
  /** API keys. Managing them needs an admin key; whoAmI works with any valid key. */
  keys: {
    /** The new key and its whole secret token, which the server never shows again. */
    create(input: CreateKeyInput): Promise<{ key: ApiKey; secret: string }>;
    /** A tenant's keys (the caller's when unset), revoked ones included, oldest first; never secrets. */
    list(options?: Page & { tenant?: string }): Promise<{ keys: ApiKey[]; nextPageToken: string }>;
    /** Revokes a key by its id ("keel_" + 16 hex); idempotent. */
    revoke(keyId: string, options?: { tenant?: string }): Promise<ApiKey>;
    /** The calling key's id, tenant, scope and whether it is an operator key. */
    whoAmI(): Promise<WhoAmIResponse>;
  };
  /** The generated Connect clients, for anything the SDK does not wrap (call options, signals). */
  raw: {
    instances: Client<typeof InstanceService>;
    engine: Client<typeof EngineService>;
    keys: Client<typeof KeyService>;
  };
  /** Aborts open sessions and closes the HTTP/2 connection; calls in flight fail. */
  close(): void;
}

export function createKeelClient(options: KeelClientOptions): KeelClient {
  const baseUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(options.baseUrl) ? options.baseUrl : `http://${options.baseUrl}`;
  // PINGs on connections with open streams detect a dead peer, so sessions notice and resume.
  const sessionManager = new Http2SessionManager(baseUrl, { pingIntervalMs: 30_000, pingTimeoutMs: 15_000 });
  const interceptors: Interceptor[] = [];
  const apiKey = resolveApiKey(options.apiKey);
  if (apiKey) interceptors.push(apiKeyInterceptor(apiKey));
  interceptors.push(...(options.interceptors ?? []));
  const common = { baseUrl, interceptors, sessionManager, defaultTimeoutMs: options.timeoutMs };
  const transport = makeTransport(options.transport ?? "grpc", common);
  const instances = createClient(InstanceService, transport);
  const engine = createClient(EngineService, transport);
  const keys = createClient(KeyService, transport);
  const sessions = new Set<KeelSession>();

  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new ConnectError(`Keel answered without ${what}`, Code.Internal);
    return value;
  };

  return {
    instances: {
      async create(input) {
        const res = await instances.createInstance(input);
        return required(res.instance, "an instance");
      },
      async get(instanceId) {
        return required((await instances.getInstance({ instanceId })).instance, "an instance");
      },
      async list(page = {}) {
        const { instances: list, nextPageToken } = await instances.listInstances(page);
        return { instances: list, nextPageToken };
      },
      async update(instanceId, changes) {
        const paths = (["name", "description", "labels"] as const).filter((k) => changes[k] !== undefined);
        const res = await instances.updateInstance({ instanceId, ...changes, updateMask: { paths } });
        return required(res.instance, "an instance");
      },
      async delete(instanceId) {
        await instances.deleteInstance({ instanceId });
      },
    },
    engine: {
      async process(instanceId, observation) {
        const res = await engine.process({ instanceId, observation: toObservation(observation) });
        return fromCycleOutcome(res.outcome);
      },
      async processBatch(instanceId, observations, opts = {}) {
        const res = await engine.processBatch({
          instanceId,
          observations: observations.map(toObservation),
          includeIntermediate: opts.includeIntermediate ?? false,
        });
        return { outcomes: res.outcomes.map(fromCycleOutcome), processedCount: res.processedCount };
      },
      async getContract(instanceId) {
        return required((await engine.getContract({ instanceId })).contract, "a contract");
      },
      async getState(instanceId) {
        const res = await engine.getState({ instanceId });
        return { state: required(res.state, "a state"), revision: res.revision };
      },
      async getDrift(instanceId, page = {}) {
        const { events, nextPageToken } = await engine.listDriftEvents({ instanceId, ...page });
        return { events, nextPageToken };
      },
      async getHistory(instanceId, page = {}) {
        const { entries, nextPageToken } = await engine.listHistory({ instanceId, ...page });
        return { entries, nextPageToken };
      },
      async getSnapshots(instanceId, page = {}) {
        const { snapshots, nextPageToken } = await engine.listSnapshots({ instanceId, ...page });
        return { snapshots, nextPageToken };
      },
      async reset(instanceId, target = ResetTarget.INITIAL) {
        const wire =
          target === "initial" ? ResetTarget.INITIAL : target === "last_snapshot" ? ResetTarget.LAST_SNAPSHOT : target;
        const res = await engine.reset({ instanceId, target: wire });
        return { contract: required(res.contract, "a contract"), revision: res.revision };
      },
      async session(instanceId, sessionOptions) {
        const call: SessionCall = (requests, callOptions) => engine.session(requests, callOptions);
        const session = await KeelSession.open(instanceId, call, sessionOptions);
        sessions.add(session);
        void session.ended.then(() => sessions.delete(session));
        return session;
      },
    },
    keys: {
      async create(input) {
        const res = await keys.createKey({
          name: input.name,
          scope: toKeyScope(input.scope),
          tenant: input.tenant ?? "",
          cyclesPerSecond: input.cyclesPerSecond ?? 0,
          maxSessions: input.maxSessions ?? 0,
        });
        return { key: required(res.key, "a key"), secret: res.secret };
      },
      async list(page = {}) {
        const { keys: list, nextPageToken } = await keys.listKeys({
          tenant: page.tenant ?? "",
          pageSize: page.pageSize ?? 0,
          pageToken: page.pageToken ?? "",
        });
        return { keys: list, nextPageToken };
      },
      async revoke(keyId, opts = {}) {
        return required((await keys.revokeKey({ keyId, tenant: opts.tenant ?? "" })).key, "a key");
      },
      async whoAmI() {
        return keys.whoAmI({});
      },
    },
    raw: { instances, engine, keys },
    close() {
      for (const session of sessions) session.abort("the client was closed");
      sessionManager.abort();
    },
  };
}

/** The option, else KEEL_API_KEY; surrounding whitespace (a newline from a file) is dropped. */
function resolveApiKey(option: string | undefined): string {
  const key = (option ?? process.env.KEEL_API_KEY ?? "").trim();
  // Header values must be visible ASCII; say so now rather than on the first call.
  if (key !== "" && !isHeaderSafe(key)) throw new TypeError("apiKey must be printable ASCII without spaces (a Keel key looks like keel_<16 hex>_<43 base64url>)");
  return key;
}

const SCOPES: Record<ScopeName, KeyScope> = { read: KeyScope.READ, engine: KeyScope.ENGINE, admin: KeyScope.ADMIN };

function toKeyScope(scope: ScopeName | KeyScope): KeyScope {
  const wire = typeof scope === "number" ? scope : SCOPES[scope];
  if (wire === undefined || wire === KeyScope.UNSPECIFIED || KeyScope[wire] === undefined) {
    throw new ConnectError(`unknown key scope "${String(scope)}" (read, engine or admin)`, Code.InvalidArgument);
  }
  return wire;
}

function makeTransport(
  kind: TransportKind,
  common: { baseUrl: string; interceptors: Interceptor[]; sessionManager: Http2SessionManager; defaultTimeoutMs: number | undefined },
): Transport {
  switch (kind) {
    case "grpc":
      return createGrpcTransport(common);
    case "connect":
      return createConnectTransport({ ...common, httpVersion: "2" });
    case "grpc-web":
      return createGrpcWebTransport({ ...common, httpVersion: "2" });
    default:
      throw new Error(`unknown transport "${String(kind)}" (grpc, connect or grpc-web)`);
  }
}
