// EngineService.Session: one bidirectional stream per agent. The first frame opens the session;
// every observation is answered by exactly one outcome, in order. Reads race the call's signal
// and the server's drain signal, so cancellation and shutdown end the stream promptly.
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { HandlerContext } from "@connectrpc/connect";
import type { AgentService } from "../service/agent-service.js";
import {
  SessionResponseSchema,
  type SequencedObservation,
  type SessionRequest,
  type SessionResponse,
} from "../../gen/keel/v1/engine_service_pb.js";
import { nextOrAbort } from "./abortable.js";
import { contractToWire, outcomeToWire } from "./engine-mapping.js";
import { MAX_BATCH } from "./engine-service.js";
import { invalidArgument, toConnectError } from "./errors.js";
import { observationFromWire } from "./observation-mapping.js";
import * as v from "./validate.js";
import { Code, ConnectError } from "@connectrpc/connect";

export async function* runSession(
  agents: AgentService,
  requests: AsyncIterable<SessionRequest>,
  ctx: HandlerContext,
  drain: AbortSignal,
): AsyncGenerator<SessionResponse> {
  const frames = requests[Symbol.asyncIterator]();
  const signals = [ctx.signal, drain];
  try {
    const first = await nextOrAbort(frames, signals);
    if (first.done) return;
    if (first.value.frame.case !== "open") throw invalidArgument("frame", "the first frame of a session must be open");
    const open = first.value.frame.value;
    const id = v.instanceId("open.instance_id", open.instanceId);
    let lastSequence = open.resumeAfterSequence;
    const contract = await agents.getContract(id);
    yield create(SessionResponseSchema, {
      frame: { case: "opened", value: { instanceId: id, contract: contractToWire(id, contract), lastSequence } },
    });

    for (;;) {
      const next = await nextOrAbort(frames, signals);
      if (next.done) return;
      const frame = next.value.frame;
      switch (frame.case) {
        case "observation":
        case "batch": {
          const items = frame.case === "observation" ? [frame.value] : frame.value.observations;
          if (items.length === 0 || items.length > MAX_BATCH) {
            throw invalidArgument("batch.observations", `must hold 1 to ${MAX_BATCH} observations (got ${items.length})`);
          }
          checkSequences(items, lastSequence);
          const now = Date.now();
          const obs = items.map((o, i) => observationFromWire(`observations[${i}].observation`, o.observation, now));
          const outcomes = await agents.process(id, obs);
          const sequenced = outcomes.map((o, i) => ({
            sequence: items[i]!.sequence,
            outcome: outcomeToWire(id, o),
            replayed: false,
          }));
          lastSequence = items[items.length - 1]!.sequence;
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
    throw toConnectError(err);
  }
}

/** Sequence numbers continue from the last answered one without gaps. */
function checkSequences(items: SequencedObservation[], lastSequence: bigint): void {
  let expected = lastSequence + 1n;
  for (const item of items) {
    if (item.sequence !== expected) {
      throw new ConnectError(
        `observation sequence ${item.sequence} out of order - expected ${expected}`,
        Code.FailedPrecondition,
      );
    }
    expected++;
  }
}
