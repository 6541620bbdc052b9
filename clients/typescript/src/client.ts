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
// variable is used. Pass `apiKey: ""` to send no key at all (a server run with KEEL_AUTH=off).
//
// Errors: every call rejects with a KeelError (code name, retry delay, field violations). Unary
// calls are retried on UNAVAILABLE (writes with the same request_id each time) and on quota
// refusals after the server's RetryInfo delay; never on anything else (see retry.ts).
import { randomUUID } from "node:crypto";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import { apiKeyInterceptor, resolveApiKey } from "./api-key.js";
import { KeelError } from "./errors.js";
import type { BehavioralContract, BehavioralContractSchema } from "./gen/keel/v1/behavioral_contract_pb.js";
import type { ExecutionContract } from "./gen/keel/v1/contract_pb.js";
import {
  ContractService,
  type FieldChange,
  type GenerateContractResponse,
  type SigningKey,
  type VerifyContractResponse,
} from "./gen/keel/v1/contract_service_pb.js";
import type { DriftEvent, Snapshot } from "./gen/keel/v1/drift_pb.js";
import { EngineService, ResetTarget, type HistoryEntry } from "./gen/keel/v1/engine_service_pb.js";
import type { Instance } from "./gen/keel/v1/instance_pb.js";
import { InstanceService } from "./gen/keel/v1/instance_service_pb.js";
import { KeyScope, KeyService, type ApiKey, type WhoAmIResponse } from "./gen/keel/v1/key_service_pb.js";
import type { IdentityProfileSchema } from "./gen/keel/v1/profile_pb.js";
import type { EngineState } from "./gen/keel/v1/state_pb.js";
import { fromCycleOutcome, toObservation, type ObservationInput, type Outcome } from "./observation.js";
import { withRetries, type RetryPolicy } from "./retry.js";
import { KeelSession, type SessionOptions } from "./session.js";
import { leanSessionCall } from "./session-wire.js";

export type TransportKind = "grpc" | "connect" | "grpc-web";

export interface KeelClientOptions {
  /**
   * "http://127.0.0.1:8080", "https://keel.example:443"; a bare "host:port" means plaintext http
   * (https when `tls` is given). Default: KEEL_ADDR, else 127.0.0.1:8080.
   */
  baseUrl?: string;
  /** Wire protocol, all over HTTP/2; default "grpc". */
  transport?: TransportKind;
  /**
   * Sent as `authorization: Bearer <key>` on every call and stream. When undefined,
   * process.env.KEEL_API_KEY is used; "" sends no key.
   */
  apiKey?: string;
  /** TLS: the CA that signed the server's certificate (PEM), and a client certificate for mTLS. */
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer };
  /** Deadline for each unary call attempt; none by default. Never applied to session streams. */
  timeoutMs?: number;
  /** Retries of unary calls on UNAVAILABLE and quota refusals (see retry.ts). */
  retry?: RetryPolicy;
  /** Extra Connect interceptors, run after the auth header is set. */
  interceptors?: Interceptor[];
}

export interface Page {
  pageSize?: number;
  pageToken?: string;
}

/** Write calls take an idempotency key; one is generated per call when unset, and reused by retries. */
export interface WriteOptions {
  requestId?: string;
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

export type ContractInput = MessageInitShape<typeof BehavioralContractSchema>;

export interface KeelClient {
  instances: {
    create(input: CreateInstanceInput, options?: WriteOptions): Promise<Instance>;
    get(instanceId: string): Promise<Instance>;
    /** Oldest first. */
    list(page?: Page): Promise<{ instances: Instance[]; nextPageToken: string }>;
    /** Changes the given fields only. */
    update(instanceId: string, changes: UpdateInstanceInput): Promise<Instance>;
    delete(instanceId: string): Promise<void>;
  };
  engine: {
    process(instanceId: string, observation: ObservationInput, options?: WriteOptions): Promise<Outcome>;
    /** 1 to 64 observations, committed together; `outcomes` holds the last one unless includeIntermediate. */
    processBatch(
      instanceId: string,
      observations: ObservationInput[],
      options?: WriteOptions & { includeIntermediate?: boolean },
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
      options?: WriteOptions,
    ): Promise<{ contract: ExecutionContract; revision: bigint }>;
    /** Opens a resumable, exactly-once session stream for one agent (no deadline). */
    session(instanceId: string, options?: SessionOptions): Promise<KeelSession>;
  };
  /** Declared, versioned behavioral contracts (ContractService). */
  contracts: {
    /** Stores the contract as its agent's next version; `seal` signs it with the server's key. */
    put(contract: ContractInput, options?: { seal?: boolean }): Promise<BehavioralContract>;
    /** The agent's active contract. */
    getActive(agentId: string): Promise<BehavioralContract>;
    getVersion(agentId: string, version: number): Promise<BehavioralContract>;
    /** Every version, oldest first. */
    history(agentId: string, page?: Page): Promise<{ contracts: BehavioralContract[]; nextPageToken: string }>;
    /** The fields that changed between two versions. */
    diff(agentId: string, fromVersion: number, toVersion: number): Promise<FieldChange[]>;
    /** Checks a contract's seal: one given, or a stored version (the active one when version is 0). */
    verify(target: { contract: ContractInput } | { agentId: string; version?: number }): Promise<VerifyContractResponse>;
    /** A contract generated from an archetype's priors; `store` keeps it, `seal` also signs it. */
    generate(
      agentId: string,
      options?: { archetype?: string; certificateId?: string; store?: boolean; seal?: boolean },
    ): Promise<GenerateContractResponse>;
    /** The public keys the server verifies seals with. */
    signingKeys(): Promise<SigningKey[]>;
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
    contracts: Client<typeof ContractService>;
    keys: Client<typeof KeyService>;
  };
  /** Aborts open sessions and closes the HTTP/2 connection; calls in flight fail. */
  close(): void;
}

export function createKeelClient(options: KeelClientOptions = {}): KeelClient {
  const target = options.baseUrl ?? process.env.KEEL_ADDR ?? "127.0.0.1:8080";
  const scheme = options.tls ? "https" : "http";
  const baseUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target : `${scheme}://${target}`;
  const nodeOptions = options.tls ? { ca: options.tls.ca, cert: options.tls.cert, key: options.tls.key } : undefined;
  // PINGs on connections with open streams detect a dead peer, so sessions notice and resume.
  const sessionManager = new Http2SessionManager(baseUrl, { pingIntervalMs: 30_000, pingTimeoutMs: 15_000 }, nodeOptions);
  const interceptors: Interceptor[] = [];
  const apiKey = resolveApiKey(options.apiKey);
  if (apiKey) interceptors.push(apiKeyInterceptor(apiKey));
  interceptors.push(...(options.interceptors ?? []));
  const kind = options.transport ?? "grpc";
  const common = { baseUrl, interceptors, sessionManager, nodeOptions };
  // Two transports over one connection: unary calls get the deadline, session streams never do.
  const unary = makeTransport(kind, { ...common, defaultTimeoutMs: options.timeoutMs });
  const streams = options.timeoutMs === undefined ? unary : makeTransport(kind, common);
  const instances = createClient(InstanceService, unary);
  const engine = createClient(EngineService, unary);
  const contracts = createClient(ContractService, unary);
  const keys = createClient(KeyService, unary);
  const sessionCall = leanSessionCall(streams);
  const sessions = new Set<KeelSession>();
  const retrying = <T>(attempt: () => Promise<T>): Promise<T> => withRetries(attempt, options.retry);

  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new KeelError(`Keel answered without ${what}`, Code.Internal);
    return value;
  };
  const requestId = (o: WriteOptions | undefined): string => o?.requestId ?? randomUUID();

  return {
    instances: {
      async create(input, opts) {
        const req = { ...input, requestId: requestId(opts) };
        const res = await retrying(() => instances.createInstance(req));
        return required(res.instance, "an instance");
      },
      async get(instanceId) {
        return required((await retrying(() => instances.getInstance({ instanceId }))).instance, "an instance");
      },
      async list(page = {}) {
        const { instances: list, nextPageToken } = await retrying(() => instances.listInstances(page));
        return { instances: list, nextPageToken };
      },
      async update(instanceId, changes) {
        // Setting the same fields twice is harmless, so UNAVAILABLE is retried like a read.
        const paths = (["name", "description", "labels"] as const).filter((k) => changes[k] !== undefined);
        const res = await retrying(() => instances.updateInstance({ instanceId, ...changes, updateMask: { paths } }));
        return required(res.instance, "an instance");
      },
      async delete(instanceId) {
        await retrying(() => instances.deleteInstance({ instanceId }));
      },
    },
    engine: {
      async process(instanceId, observation, opts) {
        const req = { instanceId, observation: toObservation(observation), requestId: requestId(opts) };
        const res = await retrying(() => engine.process(req));
        return fromCycleOutcome(res.outcome);
      },
      async processBatch(instanceId, observations, opts = {}) {
        const req = {
          instanceId,
          observations: observations.map(toObservation),
          includeIntermediate: opts.includeIntermediate ?? false,
          requestId: requestId(opts),
        };
        const res = await retrying(() => engine.processBatch(req));
        return { outcomes: res.outcomes.map(fromCycleOutcome), processedCount: res.processedCount };
      },
      async getContract(instanceId) {
        return required((await retrying(() => engine.getContract({ instanceId }))).contract, "a contract");
      },
      async getState(instanceId) {
        const res = await retrying(() => engine.getState({ instanceId }));
        return { state: required(res.state, "a state"), revision: res.revision };
      },
      async getDrift(instanceId, page = {}) {
        const { events, nextPageToken } = await retrying(() => engine.listDriftEvents({ instanceId, ...page }));
        return { events, nextPageToken };
      },
      async getHistory(instanceId, page = {}) {
        const { entries, nextPageToken } = await retrying(() => engine.listHistory({ instanceId, ...page }));
        return { entries, nextPageToken };
      },
      async getSnapshots(instanceId, page = {}) {
        const { snapshots, nextPageToken } = await retrying(() => engine.listSnapshots({ instanceId, ...page }));
        return { snapshots, nextPageToken };
      },
      async reset(instanceId, target = ResetTarget.INITIAL, opts) {
        const wire =
          target === "initial" ? ResetTarget.INITIAL : target === "last_snapshot" ? ResetTarget.LAST_SNAPSHOT : target;
        const req = { instanceId, target: wire, requestId: requestId(opts) };
        const res = await retrying(() => engine.reset(req));
        return { contract: required(res.contract, "a contract"), revision: res.revision };
      },
      async session(instanceId, sessionOptions) {
        const session = await KeelSession.open(instanceId, sessionCall, sessionOptions);
        sessions.add(session);
        void session.ended.then(() => sessions.delete(session));
        return session;
      },
    },
    contracts: {
      async put(contract, opts = {}) {
        // A repeated put stores another version, so it is not retried on UNAVAILABLE.
        const res = await withRetries(() => contracts.putContract({ contract, seal: opts.seal ?? false }), {
          ...options.retry,
          maxRetries: 0,
        });
        return required(res.contract, "a contract");
      },
      async getActive(agentId) {
        return required((await retrying(() => contracts.getActiveContract({ agentId }))).contract, "a contract");
      },
      async getVersion(agentId, version) {
        return required((await retrying(() => contracts.getContractVersion({ agentId, version }))).contract, "a contract");
      },
      async history(agentId, page = {}) {
        const { contracts: list, nextPageToken } = await retrying(() => contracts.listContractHistory({ agentId, ...page }));
        return { contracts: list, nextPageToken };
      },
      async diff(agentId, fromVersion, toVersion) {
        return (await retrying(() => contracts.diffContracts({ agentId, fromVersion, toVersion }))).changes;
      },
      async verify(target) {
        const req = "contract" in target ? { contract: target.contract } : { agentId: target.agentId, version: target.version ?? 0 };
        return retrying(() => contracts.verifyContract(req));
      },
      async generate(agentId, opts = {}) {
        const req = { agentId, ...opts };
        // Stored generation adds a version: no blind retry.
        return opts.store
          ? withRetries(() => contracts.generateContract(req), { ...options.retry, maxRetries: 0 })
          : retrying(() => contracts.generateContract(req));
      },
      async signingKeys() {
        return (await retrying(() => contracts.listSigningKeys({}))).keys;
      },
    },
    keys: {
      async create(input) {
        const req = {
          name: input.name,
          scope: toKeyScope(input.scope),
          tenant: input.tenant ?? "",
          cyclesPerSecond: input.cyclesPerSecond ?? 0,
          maxSessions: input.maxSessions ?? 0,
        };
        // A repeated create makes a second key: no blind retry.
        const res = await withRetries(() => keys.createKey(req), { ...options.retry, maxRetries: 0 });
        return { key: required(res.key, "a key"), secret: res.secret };
      },
      async list(page = {}) {
        const { keys: list, nextPageToken } = await retrying(() =>
          keys.listKeys({ tenant: page.tenant ?? "", pageSize: page.pageSize ?? 0, pageToken: page.pageToken ?? "" }),
        );
        return { keys: list, nextPageToken };
      },
      async revoke(keyId, opts = {}) {
        return required((await retrying(() => keys.revokeKey({ keyId, tenant: opts.tenant ?? "" }))).key, "a key");
      },
      async whoAmI() {
        return retrying(() => keys.whoAmI({}));
      },
    },
    raw: { instances, engine, contracts, keys },
    close() {
      for (const session of sessions) session.abort("the client was closed");
      sessionManager.abort();
    },
  };
}

const SCOPES: Record<ScopeName, KeyScope> = { read: KeyScope.READ, engine: KeyScope.ENGINE, admin: KeyScope.ADMIN };

function toKeyScope(scope: ScopeName | KeyScope): KeyScope {
  const wire = typeof scope === "number" ? scope : SCOPES[scope];
  if (wire === undefined || wire === KeyScope.UNSPECIFIED || KeyScope[wire] === undefined) {
    throw new KeelError(`unknown key scope "${String(scope)}" (read, engine or admin)`, Code.InvalidArgument);
  }
  return wire;
}

type TransportOptions = {
  baseUrl: string;
  interceptors: Interceptor[];
  sessionManager: Http2SessionManager;
  nodeOptions: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer } | undefined;
  defaultTimeoutMs?: number | undefined;
};

function makeTransport(kind: TransportKind, common: TransportOptions): Transport {
  switch (kind) {
    case "grpc":
      return createGrpcTransport(common);
    case "connect":
      return createConnectTransport({ ...common, httpVersion: "2" });
    case "grpc-web":
      return createGrpcWebTransport({ ...common, httpVersion: "2" });
    default:
      throw new TypeError(`unknown transport "${String(kind)}" (grpc, connect or grpc-web)`);
  }
}
