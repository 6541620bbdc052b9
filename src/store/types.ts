// The storage boundary. The service depends on this interface only; the in-process store and the
// MongoDB store implement it and pass one shared contract test suite (test/store/contract.ts).
import type { BehavioralContract } from "../contracts/model.js";
import type { RolloutState, VersionRollout } from "../contracts/rollout.js";
import type { EnforcementState } from "../contracts/state.js";
import type { Scope } from "../scope.js";
import type { DriftEvent, DriftResult, EngineState, ExecutionContract, IdentityProfile, StableSnapshot } from "../engine/index.js";

/** An agent's identity record (everything but its evolving engine state). */
export interface InstanceRecord {
  /**
   * Server-generated. Unique within the tenant; every read and write of the agent names the
   * tenant too, so the same id in another tenant would be another, unrelated agent.
   */
  id: string;
  /** The tenant the agent belongs to; fixed at create. */
  tenant: string;
  name: string;
  description: string;
  profile: IdentityProfile;
  /** Free-form operator labels. */
  labels: Record<string, string>;
  createdAtMs: number;
  updatedAtMs: number;
  /** The idempotency key the agent was created with, if any (its id derives from it). */
  createRequest?: { id: string; fingerprint: string };
}

/** What one processed observation answered; kept so a session can replay it exactly. */
export interface RecordedOutcome {
  contract: ExecutionContract;
  drift: DriftResult;
  driftEvent: DriftEvent | null;
  rolledBack: boolean;
  /** The agent's revision once this outcome was committed. */
  revision: number;
}

/** The current engine state of one agent, with the revision that guards concurrent writers. */
export interface StoredState {
  instanceId: string;
  /**
   * Commit sequence of this agent: 0 after create, +1 per committed cycle or reset. Unlike the
   * engine's cycle count it never goes backwards (reset and rollback advance it), so it can be the
   * unique key of the commit log.
   */
  revision: number;
  state: EngineState;
  /**
   * The last client sequence number processed on the agent's session stream (0 before any).
   * A re-sent sequence at or below it is answered from the history instead of processed again.
   */
  lastSequence: number;
  /** Behavioral-contract enforcement state; absent until a cycle ran under a contract. */
  enforcement?: EnforcementState;
  /** Contract rollout: promotions and shadow evaluation; absent until either happened. */
  rollout?: RolloutState;
  /** The audit chain's hash after this revision (CommitAudit.head); absent before the first chained commit. */
  auditHead?: string;
  updatedAtMs: number;
}

/** One processed observation, as kept for ListHistory. */
export interface HistoryEntry {
  instanceId: string;
  revision: number;
  /** Position within its commit: a batch commits several observations under one revision. */
  seq: number;
  /** The client's session sequence number; null for unary calls. */
  sequence: number | null;
  /** Engine cycle count after this observation was processed. */
  cycle: number;
  mode: string;
  signalStrength: number;
  confidence: number;
  context: Record<string, string>;
  action: string | null;
  target: string | null;
  outcome: string | null;
  /** The number the action carried (SUM invariants); absent when none. */
  amount?: number | null;
  /** Caller-supplied timestamp, else server receive time. */
  observedAtMs: number;
  processedAtMs: number;
  /** What the observation was answered with. */
  result: RecordedOutcome;
  /**
   * The audit chain: SHA-256 (hex) of this cycle's canonical bytes, which begin with the previous
   * cycle's (or reset's) hash. Absent on entries written before the chain existed.
   */
  hash?: string;
}

/** A reset as the audit chain records it: what the state was reset to. */
export interface ResetRecord {
  target: "initial" | "last_snapshot";
  /** The snapshot restored (LAST_SNAPSHOT), by the commit that recorded it. */
  snapshot: { revision: number; seq: number } | null;
  /** The engine version hash of the server that reset. */
  engineVersion: string;
  /** SHA-256 (hex) of the reset's canonical bytes, chained like a cycle's. */
  hash: string;
}

/** The audit chain's part of one commit. */
export interface CommitAudit {
  /** The chain's hash after this commit: its last cycle's hash, or its reset's. */
  head: string;
  /** Set on a reset commit (which has no history entries). */
  reset: ResetRecord | null;
  /** Set on a promotion commit (no history entries): a shadow contract version became enforced. */
  promotion?: PromotionRecord | null;
}

/** A shadow contract version made the enforced one (PromoteContract), as chained. */
export interface PromotionRecord {
  contractId: string;
  version: number;
  /** The promoted version's contract_version_hash. */
  versionHash: string;
  /** The version enforced before (0 when none). */
  previous: number;
  hash: string;
}

/** One committed revision as the audit log replays it. */
export interface LoggedCommit {
  revision: number;
  committedAtMs: number;
  /** In processing order (ascending seq). */
  history: HistoryEntry[];
  snapshots: SnapshotRecord[];
  /** Null on commits written before the chain existed. */
  audit: CommitAudit | null;
}

export interface DriftEventRecord {
  instanceId: string;
  revision: number;
  /** Position of this event within its commit (a commit may carry several). */
  seq: number;
  event: DriftEvent;
  createdAtMs: number;
}

export interface SnapshotRecord {
  instanceId: string;
  revision: number;
  /** Position of this snapshot within its commit (a batch may take several). */
  seq: number;
  snapshot: StableSnapshot;
  createdAtMs: number;
}

/**
 * Everything one commit changes: one cycle, a batch of cycles, or a reset. Atomic from the
 * client's point of view: all of it is durable or none of it is visible.
 */
export interface CycleCommit {
  /** The agent's tenant: a commit for an agent of another tenant is a RevisionConflictError. */
  tenant: string;
  instanceId: string;
  /** The revision the writer read; the commit succeeds only if it is still current. */
  expectedRevision: number;
  state: EngineState;
  /** lastSequence after this commit (unchanged by unary calls). */
  lastSequence: number;
  /** Enforcement state after this commit; absent when the agent has none. */
  enforcement?: EnforcementState;
  /** Rollout state after this commit; absent when the agent has none. */
  rollout?: RolloutState;
  /** In processing order; empty for a reset. */
  history: HistoryEntry[];
  driftEvents: DriftEventRecord[];
  snapshots: SnapshotRecord[];
  committedAtMs: number;
  /** The audit chain's link for this commit (written by the service; stored as given). */
  audit?: CommitAudit;
  /**
   * The client's idempotency key, committed with the cycle itself (docs/idempotency.md): once the
   * commit is durable, findRequest finds it, on any replica and after restarts.
   */
  request?: CommitRequest;
}

/** Committed request ids are kept at least this long unless configured otherwise (24 h). */
export const DEFAULT_REQUEST_RETENTION_MS = 24 * 60 * 60 * 1000;

/** A write request's idempotency key as committed. */
export interface CommitRequest {
  /** Client-chosen, validated at the edge. Scoped to the agent written to. */
  id: string;
  /** Digest of the request's content: a repeat must carry the same. */
  fingerprint: string;
  /** JSON of an answer that history cannot rebuild (a reset's contract); null for cycles. */
  reply: string | null;
}

/** A committed request found by its id: enough to answer a repeat without processing it. */
export interface CommittedRequest extends CommitRequest {
  revision: number;
  committedAtMs: number;
  /** The commit's history entries' outcomes, in order (empty for a reset). */
  outcomes: RecordedOutcome[];
}

export interface Page<T> {
  items: T[];
  /** Opaque; empty when there is no further page. */
  nextPageToken: string;
}

export interface PageRequest {
  pageSize: number;
  pageToken: string;
}

/** The writer's expected revision is stale: another writer committed first. Reload and retry. */
export class RevisionConflictError extends Error {
  constructor(
    readonly instanceId: string,
    readonly expectedRevision: number,
  ) {
    super(`instance ${instanceId} changed since revision ${expectedRevision}`);
    this.name = "RevisionConflictError";
  }
}

/** createInstance was given an id that already exists. */
export class InstanceExistsError extends Error {
  constructor(readonly instanceId: string) {
    super(`instance ${instanceId} already exists`);
    this.name = "InstanceExistsError";
  }
}

/** appendContract was given a version that is not exactly one above the agent's newest. */
export class ContractVersionConflictError extends Error {
  constructor(
    readonly agentId: string,
    readonly version: number,
  ) {
    super(`contract version ${version} of ${agentId} does not follow the newest version`);
    this.name = "ContractVersionConflictError";
  }
}

/** The backing database cannot be reached; nothing was written. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}

/** A page token that this store did not issue (or for another listing). */
export class InvalidPageTokenError extends Error {
  constructor() {
    super("page_token is not one this server issued for this listing");
    this.name = "InvalidPageTokenError";
  }
}

/**
 * Declared behavioral contracts, append-only per (tenant, agent). Versions are gapless (1, 2, 3,
 * …), so the unique (tenant, agent, version) key alone keeps them strictly increasing under
 * concurrent appends. Agent ids of contracts are chosen by the client, so two tenants may each
 * keep contracts for the same agent id, independently.
 */
export interface ContractStore {
  /**
   * Appends the agent's next version in the tenant. Throws ContractVersionConflictError unless the
   * version is exactly one above the tenant's newest for the agent (1 for the first).
   */
  appendContract(tenant: string, contract: BehavioralContract, rollout?: VersionRollout): Promise<void>;
  /** How a version was put (ENFORCE with base 0 when it was put without a rollout); null when it does not exist. */
  versionRollout(tenant: string, agentId: string, version: number): Promise<VersionRollout | null>;
  /** The newest version (which may be a shadow version), or null. */
  activeContract(tenant: string, agentId: string): Promise<BehavioralContract | null>;
  contractVersion(tenant: string, agentId: string, version: number): Promise<BehavioralContract | null>;
  /** Oldest first. */
  listContracts(tenant: string, agentId: string, page: PageRequest): Promise<Page<BehavioralContract>>;
}

/** An API key as stored: never the secret, only its SHA-256. */
export interface ApiKeyRecord {
  /** Public, non-secret id ("keel_" + 16 hex, the start of the key itself); names the key in logs and listings. */
  id: string;
  tenant: string;
  name: string;
  scope: Scope;
  /** Hex SHA-256 of the secret part. The secret is 256 random bits, so no slow KDF is needed. */
  secretHash: string;
  /** Per-key quota overrides; 0 means the server's default. */
  cyclesPerSecond: number;
  maxSessions: number;
  createdAtMs: number;
  /** Id of the key that created this one, or "bootstrap". */
  createdBy: string;
  /** Null while the key is valid. */
  revokedAtMs: number | null;
}

/** createKey was given an id that already exists. */
export class KeyExistsError extends Error {
  constructor(readonly keyId: string) {
    super(`key ${keyId} already exists`);
    this.name = "KeyExistsError";
  }
}

/** API keys. Keys are looked up by id alone (authentication), listed and revoked within a tenant. */
export interface KeyStore {
  /** Throws KeyExistsError if the id exists. */
  createKey(key: ApiKeyRecord): Promise<void>;
  /** Any tenant's key: authentication does not know the tenant yet. */
  getKey(id: string): Promise<ApiKeyRecord | null>;
  /** The tenant's keys, revoked ones included, ordered by creation time then id. */
  listKeys(tenant: string, page: PageRequest): Promise<Page<ApiKeyRecord>>;
  /** Marks the tenant's key revoked (idempotent: keeps the first revocation time); null if the tenant has no such key. */
  revokeKey(tenant: string, id: string, atMs: number): Promise<ApiKeyRecord | null>;
  /** True when no key exists at all (first start: a bootstrap key is generated). */
  isEmpty(): Promise<boolean>;
}

export interface Store {
  /** The agent's contracts; deleteInstance removes them with the agent. */
  readonly contracts: ContractStore;
  /** API keys of every tenant. */
  readonly keys: KeyStore;
  /**
   * Creates the instance in `instance.tenant` with its initial state at revision 0. Fails with
   * InstanceExistsError if the tenant has an agent with that id.
   */
  createInstance(instance: InstanceRecord, state: EngineState): Promise<void>;
  /**
   * Every method below names the tenant. An agent of another tenant is indistinguishable from a
   * missing one: null, empty, false or RevisionConflictError, exactly as for an unknown id, and
   * nothing is changed.
   */
  getInstance(tenant: string, id: string): Promise<InstanceRecord | null>;
  /** The tenant's agents, ordered by creation time, then id (stable across pages). */
  listInstances(tenant: string, page: PageRequest): Promise<Page<InstanceRecord>>;
  /** Replaces name/description/labels/updatedAtMs; returns the updated record or null if missing. */
  updateInstance(
    tenant: string,
    id: string,
    patch: Pick<InstanceRecord, "name" | "description" | "labels" | "updatedAtMs">,
  ): Promise<InstanceRecord | null>;
  /** Removes the instance and every document belonging to it. Returns false if it did not exist. */
  deleteInstance(tenant: string, id: string): Promise<boolean>;

  loadState(tenant: string, instanceId: string): Promise<StoredState | null>;
  /**
   * Durably commits one cycle of `commit.tenant`'s agent. Resolves only once the state, history
   * entry, drift events and snapshots are durable. Throws RevisionConflictError if
   * expectedRevision is stale (or the tenant has no such agent).
   */
  commit(commit: CycleCommit): Promise<StoredState>;

  /**
   * The commit that carried this request id for the agent, or null. Ids are kept at least for the
   * store's retention window (then they may be forgotten). Complete once loadState has returned a
   * head at or after that commit (the Mongo store rolls the newest commit's projections forward there).
   */
  findRequest(tenant: string, instanceId: string, requestId: string): Promise<CommittedRequest | null>;

  /** Newest first. */
  listHistory(tenant: string, instanceId: string, page: PageRequest): Promise<Page<HistoryEntry>>;
  /**
   * The commit log for audit replay: commits with revision > afterRevision, oldest first, at most
   * `limit`. Empty for an unknown agent (or another tenant's).
   */
  readLog(tenant: string, instanceId: string, afterRevision: number, limit: number): Promise<LoggedCommit[]>;
  /** History entries with a session sequence in [from, to], ascending by sequence. */
  historyBySequence(tenant: string, instanceId: string, from: number, to: number): Promise<HistoryEntry[]>;
  /** Newest first. */
  listDriftEvents(tenant: string, instanceId: string, page: PageRequest): Promise<Page<DriftEventRecord>>;
  /** Newest first. */
  latestSnapshot(tenant: string, instanceId: string): Promise<SnapshotRecord | null>;
  listSnapshots(tenant: string, instanceId: string, page: PageRequest): Promise<Page<SnapshotRecord>>;

  /** True when the store can serve requests now. */
  healthy(): boolean;
  /** Called with the new health whenever it changes. */
  onHealthChange(listener: (healthy: boolean) => void): void;
  /** Waits for in-flight writes, then releases resources. */
  close(): Promise<void>;
}
