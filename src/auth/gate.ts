// The API-key gate in front of every RPC: authenticate the key, check its scope, charge its
// quotas, and put the Principal into the call's context; health and reflection stay open.
//
// The core (AuthGate) takes plain values (method name, header value, cycles) and is tested and
// benchmarked on its own. gateInterceptor() adapts it to a connect Interceptor, placed after
// callInterceptor so refused calls are logged and counted like any other; the server runs that
// interceptor list on the connect-node and the grpc-js paths alike.
//
// Streams (EngineService.Session): the key is checked when the stream opens, and again through
// the cache before each later frame reaches the handler, so a revoked key ends the session at its
// next frame with UNAUTHENTICATED. Each observation frame is charged to the key's cycle quota
// before the handler sees it, and the session counts against the key's open sessions from its
// first frame until the call ends: a stream that never sends a frame holds no session slot (and is
// ended by the session's open-frame timeout). Past a quota: RESOURCE_EXHAUSTED with a google.rpc.RetryInfo detail, and the
// refused call or frame changes nothing.
//
// Tenant ceilings (src/auth/tenant-ceilings.ts): when the operator set them, the tenant's keys
// together draw on one more bucket and one more session count, checked before the key's own; a
// call the tenant's ceiling refuses takes nothing from the key's quota.
import { Code, ConnectError, type Interceptor, type StreamRequest, type UnaryRequest } from "@connectrpc/connect";
import type { Logger } from "../logger.js";
import { MAX_BATCH } from "../protocol-limits.js";
import { RetryInfoSchema } from "../../gen/google/rpc/error_details_pb.js";
import type { ProcessBatchRequest, SessionRequest } from "../../gen/keel/v1/engine_service_pb.js";
import type { GenerateContractRequest } from "../../gen/keel/v1/contract_service_pb.js";
import { auditLog, auditTarget } from "./audit.js";
import type { Authenticator, Credential } from "./authenticator.js";
import { ADMIN_CHANGES, requiredScope, type Requirement } from "./method-scopes.js";
import { principalKey } from "./principal.js";
import type { QuotaBook, QuotaName, TenantCeiling } from "./quota.js";
import type { TenantCeilings } from "./tenant-ceilings.js";
import { allows } from "../scope.js";

const SESSION = "keel.v1.EngineService/Session";
/** How long a client refused for too many open sessions is told to wait. */
const SESSION_RETRY_MS = 1000;

export interface QuotaObserver {
  quotaRejection(quota: QuotaName): void;
}

export class AuthGate {
  readonly #now: () => number;

  constructor(
    readonly authenticator: Authenticator,
    readonly quotas: QuotaBook,
    private readonly observer?: QuotaObserver,
    now?: () => number,
    /** The operator's per-tenant ceilings; none are enforced without. */
    private readonly ceilings?: TenantCeilings,
  ) {
    this.#now = now ?? (() => performance.now());
  }

  /**
   * Authenticates and authorizes one call: null for an open method (no key needed), else the
   * credential the call runs as. Throws UNAUTHENTICATED or PERMISSION_DENIED.
   * Synchronous while the key is cached.
   */
  authorize(method: string, headers: Headers): Credential | null | Promise<Credential> {
    return this.authorizeValue(method, headers.get("authorization"));
  }

  authorizeValue(method: string, authorization: string | null): Credential | null | Promise<Credential> {
    const needed = requiredScope(method);
    if (needed === "open") return null;
    const credential = this.authenticator.authenticate(authorization);
    return credential instanceof Promise
      ? credential.then((c) => this.#withCeilings(this.#permit(method, needed, c)))
      : this.#withCeilings(this.#permit(method, needed, credential));
  }

  /** The credential once its tenant's ceilings are known here (a store read for a tenant's first call only). */
  #withCeilings(credential: Credential): Credential | Promise<Credential> {
    const limits = this.ceilings?.get(credential.principal.tenant);
    return limits instanceof Promise ? limits.then(() => credential) : credential;
  }

  /** The ceilings of the credential's tenant, when it has any this replica knows of. */
  #ceiling(credential: Credential): TenantCeiling | undefined {
    const limits = this.ceilings?.get(credential.principal.tenant);
    return limits === undefined || limits instanceof Promise ? undefined : limits;
  }

  /** Charges `n` cycles to the key; throws RESOURCE_EXHAUSTED (nothing charged) when over quota. */
  chargeCycles(credential: Credential, n: number): void {
    const now = this.#now();
    const ceiling = this.#ceiling(credential);
    if (ceiling && ceiling.cyclesPerSecond > 0) this.#checkTenantCycles(ceiling, n, now);
    const wait = this.quotas.takeCycles(credential.record, n, now);
    if (wait === 0) {
      if (ceiling) this.quotas.takeTenantCycles(ceiling, n, now);
      return;
    }
    this.observer?.quotaRejection("cycles");
    const { id } = credential.record;
    const burst = this.quotas.burstOf(credential.record);
    if (!Number.isFinite(wait)) {
      // Waiting cannot help, so no RetryInfo: the client must split the batch.
      throw new ConnectError(
        `a batch of ${n} observations is more than API key ${id} may send at once (its burst is ${burst}) - send smaller batches`,
        Code.ResourceExhausted,
      );
    }
    throw overQuota(
      `API key ${id} is over its cycle quota (burst ${burst}) - retry after ${(wait / 1000).toFixed(3)} s or ask an admin for a key with a higher cycles_per_second`,
      wait,
    );
  }

  #checkTenantCycles(ceiling: TenantCeiling, n: number, now: number): void {
    const wait = this.quotas.tenantCyclesWait(ceiling, n, now);
    if (wait === 0) return;
    this.observer?.quotaRejection("cycles");
    const { tenant, cyclesPerSecond } = ceiling;
    const burst = this.quotas.tenantBurstOf(ceiling);
    if (!Number.isFinite(wait)) {
      throw new ConnectError(
        `a batch of ${n} observations is more than tenant ${tenant} may send at once (its ceiling, set by the operator, is ${cyclesPerSecond} cycles per second, burst ${burst}) - send smaller batches`,
        Code.ResourceExhausted,
      );
    }
    throw overQuota(
      `tenant ${tenant} is at its ceiling of ${cyclesPerSecond} cycles per second across all its keys (set by the operator, burst ${burst}) - retry after ${(wait / 1000).toFixed(3)} s or ask the operator to raise the tenant's cycles_per_second`,
      wait,
    );
  }

  /** Counts an open session for the key (and its tenant); the returned function (idempotent) closes it. */
  openSession(credential: Credential): () => void {
    const { record } = credential;
    const ceiling = this.#ceiling(credential);
    if (ceiling && !this.quotas.openTenantSession(ceiling)) {
      this.observer?.quotaRejection("sessions");
      throw overQuota(
        `tenant ${ceiling.tenant} already has ${ceiling.maxSessions} open sessions across its keys, its ceiling set by the operator - close one, retry after 1 s, or ask the operator to raise the tenant's max_sessions`,
        SESSION_RETRY_MS,
      );
    }
    if (!this.quotas.openSession(record)) {
      if (ceiling) this.quotas.closeTenantSession(ceiling.tenant);
      this.observer?.quotaRejection("sessions");
      throw overQuota(
        `API key ${record.id} already has ${this.quotas.sessionLimitOf(record)} open sessions, its limit - close one or retry after 1 s`,
        SESSION_RETRY_MS,
      );
    }
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.quotas.closeSession(record.id);
      if (ceiling) this.quotas.closeTenantSession(ceiling.tenant);
    };
  }

  /**
   * Before a later frame of a stream reaches the handler: the key must still be valid, and the
   * frame's observations are charged. Synchronous while the key is cached.
   */
  frame(credential: Credential, cycles: number): void | Promise<void> {
    const pending = this.authenticator.recheck(credential);
    if (pending) return pending.then(() => this.#charge(credential, cycles));
    this.#charge(credential, cycles);
  }

  #charge(credential: Credential, cycles: number): void {
    if (cycles > 0) this.chargeCycles(credential, cycles);
  }

  #permit(method: string, needed: Requirement | undefined, credential: Credential): Credential {
    const { keyId, scope } = credential.principal;
    if (needed === undefined) {
      throw this.authenticator.fail("scope", `${method} is not open to any API key scope - nothing to do but report it`);
    }
    if (!allows(scope, needed as Exclude<Requirement, "open">)) {
      throw this.authenticator.fail(
        "scope",
        `API key ${keyId} has the ${scope} scope but ${method} needs ${needed} - use a key with the ${needed} scope (an admin can create one)`,
      );
    }
    return credential;
  }
}

/**
 * RESOURCE_EXHAUSTED with the wait twice: a RetryInfo detail for gRPC and SDKs, and Retry-After
 * (whole seconds, rounded up) as error metadata, which Connect sends as an HTTP header, so plain
 * HTTP/1.1 clients and proxies see it on the 429.
 */
function overQuota(message: string, waitMs: number): ConnectError {
  const ms = Math.max(1, Math.ceil(waitMs));
  return new ConnectError(message, Code.ResourceExhausted, { "retry-after": String(Math.ceil(ms / 1000)) }, [
    {
      desc: RetryInfoSchema,
      value: { retryDelay: { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 } },
    },
  ]);
}

/** Cycles a unary request asks for: Process 1, ProcessBatch its observations (0 if it is invalid anyway). */
export function unaryCycles(method: string, message: unknown): number {
  if (method === "keel.v1.EngineService/Process") return 1;
  if (method === "keel.v1.EngineService/ProcessBatch") return batchCycles((message as ProcessBatchRequest).observations.length);
  return 0;
}

/** Cycles a session frame asks for: an observation 1, a batch its observations. */
export function frameCycles(frame: SessionRequest): number {
  switch (frame.frame.case) {
    case "observation":
      return 1;
    case "batch":
      return batchCycles(frame.frame.value.observations.length);
    default:
      return 0;
  }
}

/** A batch the handler will refuse for its size is not charged: it changes nothing anyway. */
function batchCycles(n: number): number {
  return n >= 1 && n <= MAX_BATCH ? n : 0;
}

function isAdminChange(method: string, message: unknown): boolean {
  if (!ADMIN_CHANGES.has(method)) return false;
  return method !== "keel.v1.ContractService/GenerateContract" || (message as GenerateContractRequest).store;
}

/** The gate as a connect interceptor; `logger` receives the audit lines. */
/**
 * `codeOf` is the code a failed call ends with, as the RPC layer maps errors: the audit line
 * records what the client saw, and the gate need not know the RPC layer's error types.
 */
export function gateInterceptor(gate: AuthGate, logger: Logger, codeOf: (err: unknown) => Code): Interceptor {
  return (next) => async (req) => {
    const method = `${req.service.typeName}/${req.method.name}`;
    const pending = gate.authorize(method, req.header);
    const credential = pending instanceof Promise ? await pending : pending;
    if (credential === null) return next(req);
    req.contextValues.set(principalKey, credential.principal);

    if (!req.stream) {
      const cycles = unaryCycles(method, req.message);
      if (cycles > 0) gate.chargeCycles(credential, cycles);
      if (!isAdminChange(method, req.message)) return next(req);
      return audited(method, credential, req, () => next(req), logger, codeOf);
    }

    let release: (() => void) | undefined;
    const onFirstFrame =
      method === SESSION
        ? () => {
            release = gate.openSession(credential);
            req.signal.addEventListener("abort", release, { once: true });
          }
        : undefined;
    const releaseIfOpen = (): void => release?.();
    try {
      const frames = guarded(gate, credential, req.message as AsyncIterable<SessionRequest>, method, onFirstFrame);
      const res = await next({ ...req, message: frames });
      if (!onFirstFrame || !res.stream) return res;
      return { ...res, message: releasing(res.message, releaseIfOpen) };
    } catch (err) {
      releaseIfOpen();
      throw err;
    }
  };
}

async function audited<T extends { message: unknown }>(
  method: string,
  credential: Credential,
  req: UnaryRequest | StreamRequest,
  call: () => Promise<T>,
  logger: Logger,
  codeOf: (err: unknown) => Code,
): Promise<T> {
  const { keyId, tenant } = credential.principal;
  try {
    const res = await call();
    auditLog(logger, { keyId, tenant, method, ...auditTarget(method, req.message, res.message), code: "ok" });
    return res;
  } catch (err) {
    const code = codeOf(err);
    auditLog(logger, { keyId, tenant, method, ...auditTarget(method, req.message, undefined), code: Code[code] });
    throw err;
  }
}

/** The client's frames, each after the first checked and charged before the handler gets it. */
async function* guarded(
  gate: AuthGate,
  credential: Credential,
  frames: AsyncIterable<SessionRequest>,
  method: string,
  onFirstFrame?: () => void,
): AsyncGenerator<SessionRequest> {
  const session = method === SESSION;
  let first = true;
  for await (const frame of frames) {
    if (first) onFirstFrame?.();
    else {
      const pending = gate.frame(credential, session ? frameCycles(frame) : 0);
      if (pending) await pending;
    }
    first = false;
    yield frame;
  }
}

async function* releasing<T>(messages: AsyncIterable<T>, release: () => void): AsyncGenerator<T> {
  try {
    yield* messages;
  } finally {
    release();
  }
}
