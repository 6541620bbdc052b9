// Issue 15 #3: every blocked session read used to add (and remove) a listener on the one
// server-wide drain signal; with thousands of sessions both scanned thousands of listeners, so
// sessions ending at once stalled the event loop quadratically and Node printed
// MaxListenersExceededWarning. The drain signal must keep a constant number of listeners however
// many sessions are open, and still end every one of them.
import { getEventListeners } from "node:events";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createContextValues, createHandlerContext } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { EngineService, SessionRequestSchema, type SessionRequest } from "../../gen/keel/v1/engine_service_pb.js";
import { principalKey } from "../../src/auth/principal.js";
import { DEFAULT_CONFIG, defaultProfile } from "../../src/engine/index.js";
import { engineService } from "../../src/rpc/engine-service.js";
import { SessionRegistry } from "../../src/rpc/session.js";
import { AgentService } from "../../src/service/agent-service.js";
import { MemoryStore } from "../../src/store/memory.js";
import { Pushable } from "../support/pushable.js";

function context() {
  const values = createContextValues().set(principalKey, { tenant: "default", keyId: "k", scope: "admin", operator: false });
  return createHandlerContext({
    service: EngineService,
    method: EngineService.method.session,
    protocolName: "grpc",
    requestMethod: "POST",
    url: "http://localhost/keel.v1.EngineService/Session",
    contextValues: values,
  });
}

describe("session reads and the server's drain signal", () => {
  it("keep one listener on the drain signal for any number of sessions, and drain ends them all", async () => {
    let n = 0;
    const agents = new AgentService({
      store: new MemoryStore(),
      engineConfig: DEFAULT_CONFIG,
      now: () => 1_700_000_000_000,
      newId: () => `inst_${(n++).toString(16).padStart(16, "0")}`,
    });
    const drain = new AbortController();
    const service = engineService(agents, new SessionRegistry(), drain.signal);
    const baseline = getEventListeners(drain.signal, "abort").length;
    const SESSIONS = 300;
    const ends: Promise<unknown>[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const requests = new Pushable<SessionRequest>();
      // Half the sessions are opened (blocked on their next frame), half never send a frame.
      if (i % 2 === 0) {
        const { id } = await agents.createInstance("default", { name: `a${i}`, description: "", profile: defaultProfile(), labels: {} });
        requests.push(create(SessionRequestSchema, { frame: { case: "open", value: { instanceId: id } } }));
      }
      const responses = service.session!(requests, context()) as AsyncIterable<unknown>;
      const it = responses[Symbol.asyncIterator]();
      ends.push(
        (async () => {
          for (;;) if ((await it.next()).done) return "ended";
        })().catch((e: unknown) => e),
      );
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(getEventListeners(drain.signal, "abort").length).toBe(baseline);

    drain.abort(new ConnectError("draining", Code.Unavailable));
    const results = await Promise.all(ends);
    expect(results.every((r) => r instanceof ConnectError && r.code === Code.Unavailable)).toBe(true);
  });
});
