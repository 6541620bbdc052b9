// EngineService.Session: one bidirectional stream per agent. The first frame opens the session;
// every observation is answered by exactly one outcome, in order, exactly once per sequence
// number across reconnects (AgentService.processSequenced). Every read races one per-session stop
// signal, fed once by the call's signal, the server's drain (through an AbortFanout, never a listener
// per session on the shared signal) and a takeover, so cancellation and shutdown end the stream
// promptly and ten thousand sessions ending at once cost linear time. The tenant comes from the
// call's principal, never from the request.
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { tenantOf } from "../auth/principal.js";
import { callTraceOf } from "./call-trace.js";
import type { AgentService } from "../service/agent-service.js";
import { tenantKey } from "../store/tenant.js";
import {
  SessionResponseSchema,
  type SequencedObservation,
  type SessionRequest,
  type SessionResponse,
} from "../../gen/keel/v1/engine_service_pb.js";
import { pacedTurn } from "../paced-queue.js";
import { MAX_BATCH } from "../protocol-limits.js";
import type { AbortFanout } from "./abort-fanout.js";
import { AbortableReader } from "./abortable.js";
import { contractToWire, outcomeToWire } from "./engine-mapping.js";
import { invalidArgument, toConnectError } from "./errors.js";
import { observationFromWire } from "./observation-mapping.js";
import * as v from "./validate.js";

const DEFAULT_OPEN_TIMEOUT_MS = 10_000;

/**
 * One open session per agent per server: opening a new one ends the previous one with ABORTED.
 * A client that reconnects after a dropped connection thus never waits for the server to notice
 * the dead stream. Sessions on other replicas are kept consistent by the sequence check. Keyed by
 * tenant and agent: a session can only ever take over one of its own tenant's.
 */
export class SessionRegistry {
  private readonly open = new Map<string, AbortController>();

  claim(tenant: string, instanceId: string): AbortController {
    const key = tenantKey(tenant, instanceId);
    this.open.get(key)?.abort(
      new ConnectError(`a newer session for instance ${instanceId} took over this one`, Code.Aborted),
    );
    const mine = new AbortController();
    this.open.set(key, mine);
    return mine;
  }

  release(tenant: string, instanceId: string, mine: AbortController): void {
    const key = tenantKey(tenant, instanceId);
    if (this.open.get(key) === mine) this.open.delete(key);
  }

  get size(): number {
    return this.open.size;
  }
}

export async function* runSession(
  agents: AgentService,
  sessions: SessionRegistry,
  requests: AsyncIterable<SessionRequest>,
  ctx: HandlerContext,
  drain: AbortFanout,
  openTimeoutMs: number = DEFAULT_OPEN_TIMEOUT_MS,
): AsyncGenerator<SessionResponse> {
  const frames = requests[Symbol.asyncIterator]();
  let claim: { tenant: string; id: string; controller: AbortController } | undefined;
  const stop = new AbortController();
  const leaveDrain = drain.join(stop);
  const onCallEnd = (): void => stop.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onCallEnd();
  else ctx.signal.addEventListener("abort", onCallEnd, { once: true });
  const reader = new AbortableReader(frames, stop.signal);
  // A stream that never sends its open frame would hold a socket and a stream slot for good.
  const openTimer = setTimeout(
    () => stop.abort(new ConnectError(`no open frame within ${openTimeoutMs} ms - send open first`, Code.DeadlineExceeded)),
    openTimeoutMs,
  );
  try {
    const first = await reader.next();
    clearTimeout(openTimer);
    if (first.done) return await pacedTurn();
    if (first.value.frame.case !== "open") throw invalidArgument("frame", "the first frame of a session must be open");
    const open = first.value.frame.value;
    const id = v.instanceId("open.instance_id", open.instanceId);
    const tenant = tenantOf(ctx);
    const trace = callTraceOf(ctx);
    const { contract, lastSequence } = await agents.sessionStart(tenant, id);
    if (open.resumeAfterSequence > BigInt(lastSequence)) {
      throw new ConnectError(
        `resume_after_sequence ${open.resumeAfterSequence} is ahead of the last processed sequence ${lastSequence}`,
        Code.FailedPrecondition,
      );
    }
    claim = { tenant, id, controller: sessions.claim(tenant, id) };
    const takenOver = claim.controller.signal;
    takenOver.addEventListener("abort", () => stop.abort(takenOver.reason), { once: true });
    // This stream's position: frames continue from the client's resume point without gaps.
    let expected = Number(open.resumeAfterSequence) + 1;
    yield create(SessionResponseSchema, {
      frame: {
        case: "opened",
        value: { instanceId: id, contract: contractToWire(id, contract), lastSequence: BigInt(lastSequence) },
      },
    });

    for (;;) {
      const next = await reader.next();
      // A closed connection ends every request stream on it in one turn: unwind paced.
      if (next.done) return await pacedTurn();
      const frame = next.value.frame;
      switch (frame.case) {
        case "observation":
        case "batch": {
          const items = frame.case === "observation" ? [frame.value] : frame.value.observations;
          if (items.length === 0 || items.length > MAX_BATCH) {
            throw invalidArgument("batch.observations", `must hold 1 to ${MAX_BATCH} observations (got ${items.length})`);
          }
          const inputs = sequencedInputs(items, frame.case === "observation" ? "observation" : "batch.observations[");
          const firstSequence = inputs[0]!.sequence;
          if (firstSequence !== expected) {
            throw new ConnectError(
              `sequence ${firstSequence} ${firstSequence < expected ? "goes backwards" : "leaves a gap"} - this session expects ${expected} next`,
              Code.FailedPrecondition,
            );
          }
          const outcomes = await agents.processSequenced(tenant, id, inputs, trace);
          expected = inputs[inputs.length - 1]!.sequence + 1;
          const sequenced = outcomes.map((o) => ({
            sequence: BigInt(o.sequence),
            outcome: outcomeToWire(id, o.outcome),
            replayed: o.replayed,
          }));
          yield frame.case === "observation"
            ? create(SessionResponseSchema, { frame: { case: "outcome", value: sequenced[0]! } })
            : create(SessionResponseSchema, { frame: { case: "batch", value: { outcomes: sequenced } } });
          break;
        }
        case "heartbeat":
          yield create(SessionResponseSchema, { frame: { case: "heartbeat", value: { time: timestampNow() } } });
          break;
        case "open":
          throw invalidArgument("frame", "the session is already open");
        default:
          throw invalidArgument("frame", "is required");
      }
    }
  } catch (err) {
    // A dropped connection ends all its sessions at once: unwind on a paced turn (src/paced-queue.ts).
    await pacedTurn();
    throw toConnectError(err);
  } finally {
    clearTimeout(openTimer);
    leaveDrain();
    ctx.signal.removeEventListener("abort", onCallEnd);
    if (claim) sessions.release(claim.tenant, claim.id, claim.controller);
  }
}

/** `at` is the frame's field path: "observation", or "batch.observations[" (closed per item). */
function sequencedInputs(items: SequencedObservation[], at: string) {
  const now = Date.now();
  return items.map((item, i) => {
    const field = at.endsWith("[") ? `${at}${i}]` : at;
    if (item.sequence < 1n || item.sequence > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw invalidArgument(`${field}.sequence`, `must be from 1 to ${Number.MAX_SAFE_INTEGER} (got ${item.sequence})`);
    }
    return {
      sequence: Number(item.sequence),
      observation: observationFromWire(`${field}.observation`, item.observation, now),
    };
  });
}
