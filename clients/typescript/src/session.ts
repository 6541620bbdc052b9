// The session helper over EngineService.Session: numbers observations, matches each outcome to
// its observation, and on a dropped stream reconnects with resume_after_sequence and re-sends
// every unanswered observation with its original sequence number, so each observation is
// processed exactly once (the server answers already-processed sequences with the original
// outcome and replayed = true).
//
// The same resume makes quota refusals safe to retry: a stream ended with RESOURCE_EXHAUSTED and
// a google.rpc.RetryInfo detail (the API key is over its cycles-per-second or session quota) is
// re-opened after the delay the server asked for, and the unanswered observations are re-sent.
// Authentication and authorization failures (UNAUTHENTICATED, PERMISSION_DENIED: a missing,
// wrong or revoked key, or one whose scope is too small) are never retried: they end the session
// and reject every outstanding send, since retrying cannot fix them; so is ABORTED from the
// server (a newer session for the same agent took over: fighting back would steal it again).
//
// The stream carries no deadline (a session is a conversation; the client's unary timeoutMs does
// not apply to it). Idle streams stay open through heartbeat frames and HTTP/2 PINGs.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { KeelError, retryDelayMs } from "./errors.js";
import type { ExecutionContract } from "./gen/keel/v1/contract_pb.js";
import {
  SessionRequestSchema,
  type SequencedObservation,
  type SequencedOutcome,
  type SessionRequest,
  type SessionResponse,
} from "./gen/keel/v1/engine_service_pb.js";
import { fromCycleOutcome, toObservation, type ObservationInput, type Outcome } from "./observation.js";

/** Observations per batch frame, as the server accepts. */
export const MAX_BATCH = 64;

/** The raw bidi call: the generated client's `session` method. */
export type SessionCall = (
  requests: AsyncIterable<SessionRequest>,
  options: { signal: AbortSignal },
) => AsyncIterable<SessionResponse>;

export interface SessionOptions {
  /**
   * The last sequence this agent's stream saw answered, when continuing a session that an
   * earlier process persisted (see `lastAcknowledged`). 0 (default) for a fresh client.
   */
  resumeAfterSequence?: bigint | number;
  /**
   * Reconnect attempts per outage before pending sends fail; default 8. The count restarts each
   * time a stream opens, so a session throttled by its key's quota keeps going at the quota's pace.
   */
  maxReconnectAttempts?: number;
  /** First reconnect delay, doubled per attempt up to maxBackoffMs; default 50. */
  initialBackoffMs?: number;
  /** Default 2000. */
  maxBackoffMs?: number;
  /**
   * Sends a heartbeat frame this often so proxies keep an idle stream open; default 30000,
   * 0 to disable. (The client's HTTP/2 PINGs detect dead connections, but proxies end them.)
   */
  heartbeatIntervalMs?: number;
  /**
   * Called before each reconnect attempt, with the error that ended the stream and the delay
   * before the attempt (a quota refusal's RetryInfo delay, or the backoff).
   */
  onReconnect?: (attempt: number, cause: KeelError, delayMs: number) => void;
}

/** An outcome delivered by a session. */
export interface SessionOutcome extends Outcome {
  sequence: bigint;
  /** True when the server had already processed this sequence and returned the original outcome. */
  replayed: boolean;
}

/** Node network errors that Connect reports as ABORTED: the connection died under the stream. */
const CONNECTION_LOST = new Set(["ECONNRESET", "EPIPE", "ERR_STREAM_DESTROYED", "ERR_HTTP2_INVALID_STREAM", "ERR_HTTP2_STREAM_ERROR"]);

/**
 * Whether a stream error means "re-open and resume": the server is draining or unreachable
 * (UNAVAILABLE), or the connection died under the stream (reported as CANCELED when Node resets
 * the stream, or ABORTED with a network cause). An ABORTED sent by the server means a newer
 * session for the same agent took over, and must not be fought over.
 */
function connectionLost(err: ConnectError, cancelledByUs: boolean): boolean {
  switch (err.code) {
    case Code.Unauthenticated:
    case Code.PermissionDenied:
      // The key is missing, wrong, revoked or too weak: the same request would fail again.
      return false;
    case Code.Unavailable:
      return true;
    case Code.Canceled:
      return !cancelledByUs;
    case Code.Aborted:
      for (let cause: unknown = err.cause; cause instanceof Error; cause = cause.cause) {
        if (CONNECTION_LOST.has((cause as NodeJS.ErrnoException).code ?? "")) return true;
      }
      return false;
    default:
      return false;
  }
}

interface Pending {
  batch: boolean;
  items: SequencedObservation[];
  /** The frame, built once and re-sent as is after a reconnect. */
  frame: SessionRequest;
  resolve(outcomes: SessionOutcome[]): void;
  reject(err: KeelError): void;
}

export class KeelSession {
  private readonly pending: Pending[] = [];
  private nextSequence = 1n;
  private acked = 0n;
  private current: ExecutionContract | undefined;
  /** The request stream of the live connection, once it is open. */
  private out: RequestQueue | undefined;
  private readonly cancel = new AbortController();
  private failure: KeelError | undefined;
  private closing = false;
  /** close() waiting for the pending list to empty. */
  private drained: (() => void)[] = [];
  /** Resolves when the session has ended: closed, aborted or failed. */
  readonly ended: Promise<void>;
  private readonly firstOpen: Promise<void>;
  private settleFirstOpen!: (err?: KeelError) => void;

  private constructor(
    readonly instanceId: string,
    private readonly call: SessionCall,
    private readonly options: SessionOptions,
  ) {
    this.acked = BigInt(options.resumeAfterSequence ?? 0);
    this.firstOpen = new Promise((resolve, reject) => {
      this.settleFirstOpen = (err) => (err ? reject(err) : resolve());
    });
    this.ended = this.run();
  }

  /** Opens a session; resolves once the server has answered the open frame. */
  static async open(instanceId: string, call: SessionCall, options: SessionOptions = {}): Promise<KeelSession> {
    const session = new KeelSession(instanceId, call, options);
    await session.firstOpen;
    return session;
  }

  /** The highest sequence whose outcome this session has received (or the server reported). */
  get lastAcknowledged(): bigint {
    return this.acked;
  }

  /** The latest contract: from the open frame or the last outcome. */
  get contract(): ExecutionContract | undefined {
    return this.current;
  }

  /** Sends one observation; resolves with its outcome, exactly once across reconnects. */
  async send(observation: ObservationInput): Promise<SessionOutcome> {
    const [outcome] = await this.enqueue([observation], false);
    return outcome!;
  }

  /** Sends 1 to 64 observations in one frame, processed and committed together. */
  async sendBatch(observations: ObservationInput[]): Promise<SessionOutcome[]> {
    if (observations.length === 0 || observations.length > MAX_BATCH) {
      throw new KeelError(`a batch holds 1 to ${MAX_BATCH} observations (got ${observations.length})`, Code.InvalidArgument);
    }
    return this.enqueue(observations, true);
  }

  /**
   * Sends any number of observations as batch frames of up to `batchSize` (default and at most
   * 64), all in flight at once; resolves with every outcome, in order.
   */
  async sendMany(observations: ObservationInput[], options: { batchSize?: number } = {}): Promise<SessionOutcome[]> {
    const size = Math.min(MAX_BATCH, Math.max(1, Math.floor(options.batchSize ?? MAX_BATCH)));
    const frames: Promise<SessionOutcome[]>[] = [];
    for (let i = 0; i < observations.length; i += size) frames.push(this.enqueue(observations.slice(i, i + size), true));
    return (await Promise.all(frames)).flat();
  }

  /** Waits for every outstanding outcome, then ends the stream. */
  async close(): Promise<void> {
    this.closing = true;
    while (this.pending.length > 0 && !this.failure) {
      await new Promise<void>((resolve) => this.drained.push(resolve));
    }
    this.out?.end();
    await this.ended;
  }

  /** Ends the session at once; outstanding sends reject with CANCELED. */
  abort(reason = "session aborted by the client"): void {
    this.closing = true;
    if (!this.failure) this.fail(new KeelError(reason, Code.Canceled));
  }

  private enqueue(inputs: ObservationInput[], batch: boolean): Promise<SessionOutcome[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new KeelError("session is closed", Code.FailedPrecondition));
    // Convert before numbering, so a bad observation never consumes a sequence number.
    const observations = inputs.map(toObservation);
    return new Promise((resolve, reject) => {
      const items = observations.map((observation): SequencedObservation => ({
        $typeName: "keel.v1.SequencedObservation",
        sequence: this.nextSequence++,
        observation,
      }));
      const entry: Pending = { batch, items, frame: frameOf(batch, items), resolve, reject };
      this.pending.push(entry);
      this.out?.push(entry.frame);
    });
  }

  /** One connection after another until closed or failed. Never rejects. */
  private async run(): Promise<void> {
    let attempt = 0;
    for (;;) {
      if (this.failure || (this.closing && this.pending.length === 0)) return;
      let reopen = false;
      let heartbeat: ReturnType<typeof setInterval> | undefined;
      const queue = new RequestQueue();
      queue.push(create(SessionRequestSchema, {
        frame: { case: "open", value: { instanceId: this.instanceId, resumeAfterSequence: this.acked } },
      }));
      try {
        for await (const res of this.call(queue, { signal: this.cancel.signal })) {
          if (res.frame.case === "opened") {
            attempt = 0;
            const last = res.frame.value.lastSequence;
            this.current = res.frame.value.contract;
            if (this.pending.length === 0 && last > this.acked) {
              // A fresh client on an agent whose stream is already at `last`: continue the
              // numbering from there, and re-open resuming after it, since the server expects the
              // next sequence right after resume_after_sequence.
              this.acked = last;
              this.nextSequence = last + 1n;
              reopen = true;
              queue.end();
              continue;
            }
            // Re-send everything unanswered, with its original sequence numbers, then go live.
            for (const entry of this.pending) queue.push(entry.frame);
            this.out = queue;
            if (this.closing && this.pending.length === 0) queue.end();
            const every = this.options.heartbeatIntervalMs ?? 30_000;
            if (every > 0) heartbeat = setInterval(() => queue.push(HEARTBEAT), every).unref();
            this.settleFirstOpen();
          } else if (res.frame.case === "outcome") {
            this.deliver(false, [res.frame.value]);
          } else if (res.frame.case === "batch") {
            this.deliver(true, res.frame.value.outcomes);
          }
        }
        // The server ended the stream cleanly.
        clearInterval(heartbeat);
        if (reopen) continue;
        if (this.closing && this.pending.length === 0) return;
        throw new KeelError("session stream ended by the server", Code.Unavailable);
      } catch (raw) {
        clearInterval(heartbeat);
        const err = KeelError.from(raw);
        this.out = undefined;
        queue.end();
        if (this.failure || (this.closing && this.pending.length === 0)) return;
        attempt++;
        const limit = this.options.maxReconnectAttempts ?? 8;
        // Over quota: the server says when to come back (RESOURCE_EXHAUSTED without RetryInfo,
        // e.g. an oversized message, is not retryable).
        const quotaDelay = retryDelayMs(err);
        if ((quotaDelay === undefined && !connectionLost(err, this.cancel.signal.aborted)) || attempt > limit) {
          this.fail(err);
          return;
        }
        let delay: number;
        if (quotaDelay !== undefined) {
          // Never earlier than asked; up to 10% later, so throttled sessions do not return in step.
          delay = quotaDelay + Math.random() * Math.max(quotaDelay / 10, 5);
        } else {
          const initial = this.options.initialBackoffMs ?? 50;
          const max = this.options.maxBackoffMs ?? 2000;
          const backoff = Math.min(max, initial * 2 ** (attempt - 1));
          delay = backoff / 2 + (Math.random() * backoff) / 2;
        }
        this.options.onReconnect?.(attempt, err, delay);
        await sleep(delay, this.cancel.signal);
      }
    }
  }

  /** Matches one frame's outcomes to the oldest pending entry. */
  private deliver(batch: boolean, outcomes: SequencedOutcome[]): void {
    const entry = this.pending[0];
    const matches =
      entry !== undefined &&
      entry.batch === batch &&
      entry.items.length === outcomes.length &&
      entry.items.every((item, i) => item.sequence === outcomes[i]!.sequence);
    if (!matches) {
      const got = outcomes.map((o) => o.sequence).join(",");
      const want = entry ? entry.items.map((i) => i.sequence).join(",") : "none";
      const err = new KeelError(`session protocol error: outcome for sequence ${got}, expected ${want}`, Code.Internal);
      this.fail(err);
      throw err;
    }
    const delivered = outcomes.map(toSessionOutcome);
    this.pending.shift();
    this.acked = delivered[delivered.length - 1]!.sequence;
    this.current = delivered[delivered.length - 1]!.contract;
    entry.resolve(delivered);
    if (this.pending.length === 0) this.wakeDrained();
  }

  private wakeDrained(): void {
    for (const wake of this.drained.splice(0)) wake();
  }

  /** Terminal: every outstanding and later send rejects with err. */
  private fail(err: KeelError): void {
    this.failure = err;
    this.settleFirstOpen(err);
    this.cancel.abort(err);
    for (const entry of this.pending.splice(0)) entry.reject(err);
    this.wakeDrained();
  }
}

/**
 * One outcome as the session delivers it, built as a single literal of one shape (a spread of
 * fromCycleOutcome's object cost ~2 µs per outcome in batched sessions, most of it garbage).
 */
function toSessionOutcome(o: SequencedOutcome): SessionOutcome {
  const outcome = o.outcome;
  if (outcome?.contract === undefined) fromCycleOutcome(outcome); // throws its INTERNAL error
  return {
    contract: outcome!.contract!,
    drift: outcome!.drift,
    driftEvent: outcome!.driftEvent,
    rolledBack: outcome!.rolledBack,
    revision: outcome!.revision,
    sequence: o.sequence,
    replayed: o.replayed,
  };
}

/** Waits ms, or less if the session is aborted meanwhile. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

const HEARTBEAT = create(SessionRequestSchema, { frame: { case: "heartbeat", value: {} } });

/** The frame as create(SessionRequestSchema, ...) makes it, as a literal (see toObservation). */
function frameOf(batch: boolean, items: SequencedObservation[]): SessionRequest {
  return batch
    ? { $typeName: "keel.v1.SessionRequest", frame: { case: "batch", value: { $typeName: "keel.v1.ObservationBatch", observations: items } } }
    : { $typeName: "keel.v1.SessionRequest", frame: { case: "observation", value: items[0]! } };
}

/** An async iterable the request side of one connection reads from. */
class RequestQueue implements AsyncIterable<SessionRequest> {
  private readonly items: SessionRequest[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  push(item: SessionRequest): void {
    if (this.ended) return;
    this.items.push(item);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SessionRequest> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        yield item;
      } else if (this.ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    }
  }
}
