// A Session stream driven by hand: push frames, pull responses one at a time.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import type { EngineService, SessionRequest, SessionRequestSchema, SessionResponse } from "../../gen/keel/v1/engine_service_pb.js";
import { Pushable } from "./pushable.js";

export type SessionFrame = MessageInitShape<typeof SessionRequestSchema>;

/** Opens a session for the agent (resuming after `resumeAfter`) with the open frame already queued. */
export function openSession(
  engine: Client<typeof EngineService>,
  instanceId: string,
  options: { resumeAfter?: number; signal?: AbortSignal } = {},
) {
  const requests = new Pushable<SessionFrame>();
  requests.push({ frame: { case: "open", value: { instanceId, resumeAfterSequence: BigInt(options.resumeAfter ?? 0) } } });
  const responses = engine.session(requests as AsyncIterable<SessionRequest>, { signal: options.signal })[Symbol.asyncIterator]();
  return { requests, responses };
}

/** The next response; fails if the stream ended instead. */
export async function nextFrame(it: AsyncIterator<SessionResponse>): Promise<SessionResponse> {
  const r = await it.next();
  if (r.done) throw new Error("stream ended");
  return r.value;
}
