// Streams that open and never send a frame used to count against the key's session limit for as
// long as the client kept them, and lived for good. A session now counts from its first frame, and
// one that sends no open frame within KEEL_SESSION_OPEN_TIMEOUT_MS ends with DEADLINE_EXCEEDED.
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionRequest } from "../../gen/keel/v1/engine_service_pb.js";
import { clientsFor } from "../support/clients.js";
import { Pushable } from "../support/pushable.js";
import { nextFrame, openSession } from "../support/session-stream.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { KEEL_SESSION_OPEN_TIMEOUT_MS: "400" } });
});
afterAll(() => server.close());

describe("a session stream that sends nothing", () => {
  it("holds no session slot, and ends with DEADLINE_EXCEEDED after the open-frame timeout", async () => {
    const key = await server.mintKey({ scope: "engine", maxSessions: 1 });
    const { engine } = clientsFor(server.baseUrl, { apiKey: key.token });
    const silent = Array.from({ length: 3 }, () => engine.session(new Pushable<SessionRequest>())[Symbol.asyncIterator]());
    const ends = silent.map((s) => s.next().then(() => "ended", (e: unknown) => ConnectError.from(e)));
    await new Promise((r) => setTimeout(r, 100));

    // The one slot is free for a real session while the silent streams are still open.
    const id = (await clientsFor(server.baseUrl).instances.createInstance({ name: "s" })).instance!.id;
    const real = openSession(engine, id);
    expect((await nextFrame(real.responses)).frame.case).toBe("opened");

    for (const end of await Promise.all(ends)) {
      expect(end).toBeInstanceOf(ConnectError);
      expect((end as ConnectError).code).toBe(Code.DeadlineExceeded);
    }
    real.requests.end();
  });
});
