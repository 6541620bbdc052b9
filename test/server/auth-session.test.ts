// Streams and keys: a session authenticates when it opens, and a key revoked while its session
// is open ends that session at its next frame with UNAUTHENTICATED, processing nothing more. On
// the replica that revoked it at once; on another replica once its key cache expires.
import { Code, ConnectError } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { MemoryStore } from "../../src/store/memory.js";
import { clientsFor } from "../support/clients.js";
import { bidi, grpcClients, unary } from "../support/grpc-js.js";
import { nextFrame, openSession, type SessionFrame } from "../support/session-stream.js";
import { sharedStore } from "../support/shared-store.js";
import { startTestServer, type TestServer } from "../support/server.js";

type Frame = SessionFrame;
const frame = (sequence: number): Frame => ({
  frame: { case: "observation", value: { sequence: BigInt(sequence), observation: { mode: Mode.ORDER, signalStrength: 0.5 } } },
});



async function failure(p: Promise<unknown>): Promise<ConnectError> {
  const err = await p.then(() => undefined, (e: unknown) => ConnectError.from(e));
  if (!err) throw new Error("did not fail");
  return err;
}

describe("revocation during a session", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("ends the session at its next frame with UNAUTHENTICATED, processing nothing more", async () => {
    const agent = (await clientsFor(server.baseUrl).instances.createInstance({ name: "revoked mid-session" })).instance!.id;
    const key = await server.mintKey({ tenant: "default", scope: "engine" });
    const { engine } = clientsFor(server.baseUrl, { apiKey: key.token });
    const s = openSession(engine, agent);
    expect((await nextFrame(s.responses)).frame.case).toBe("opened");
    s.requests.push(frame(1));
    expect((await nextFrame(s.responses)).frame.case).toBe("outcome");

    await server.revokeKey(key.keyId);
    s.requests.push(frame(2));
    const err = await failure(nextFrame(s.responses));
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.rawMessage).toContain("revoked");
    const state = await clientsFor(server.baseUrl).engine.getState({ instanceId: agent });
    expect(state.state!.cycleCount).toBe(1n);
    // And the key cannot open a new one.
    const again = openSession(engine, agent);
    expect((await failure(nextFrame(again.responses))).code).toBe(Code.Unauthenticated);
  });

  it("does the same over grpc-js", async () => {
    const agent = (await clientsFor(server.baseUrl).instances.createInstance({ name: "grpc-js" })).instance!.id;
    const key = await server.mintKey({ tenant: "default", scope: "engine" });
    const c = grpcClients(server.address, grpc.credentials.createInsecure(), { apiKey: key.token });
    try {
      const call = bidi(c.engine, "Session");
      const answers: unknown[] = [];
      const ended = new Promise<grpc.ServiceError>((resolve) => call.on("error", resolve));
      const got = (n: number) =>
        new Promise<void>((resolve) => {
          const check = () => (answers.length >= n ? resolve() : setTimeout(check, 5));
          check();
        });
      call.on("data", (m) => answers.push(m));
      call.write({ open: { instance_id: agent } });
      call.write({ observation: { sequence: "1", observation: { mode: "MODE_ORDER", signal_strength: 0.5 } } });
      await got(2);
      await server.revokeKey(key.keyId);
      call.write({ observation: { sequence: "2", observation: { mode: "MODE_ORDER", signal_strength: 0.5 } } });
      const err = await ended;
      expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(answers).toHaveLength(2);
      const admin = grpcClients(server.address);
      try {
        expect((await unary(admin.engine, "GetState", { instance_id: agent })).state.cycle_count).toBe("1");
      } finally {
        admin.close();
      }
    } finally {
      c.close();
    }
  });
});

describe("revocation through another replica", () => {
  it("ends the session on this one once its key cache expires (KEEL_AUTH_CACHE_MS)", async () => {
    const memory = new MemoryStore();
    // Two replicas on one store; closing either must not close the store under the other.
    const shared = sharedStore(memory);
    const env = { KEEL_AUTH_CACHE_MS: "300" };
    const a = await startTestServer({ store: shared, env });
    const b = await startTestServer({ store: shared, env });
    try {
      const agent = (await clientsFor(b.baseUrl).instances.createInstance({ name: "two replicas" })).instance!.id;
      const key = await a.mintKey({ scope: "engine" });
      const s = openSession(clientsFor(b.baseUrl, { apiKey: key.token }).engine, agent);
      await nextFrame(s.responses);
      s.requests.push(frame(1));
      await nextFrame(s.responses);

      await a.revokeKey(key.keyId);
      // Refused on replica A at once; B learns within its cache TTL.
      expect((await failure(clientsFor(a.baseUrl, { apiKey: key.token }).keys.whoAmI({}))).code).toBe(Code.Unauthenticated);
      await new Promise((r) => setTimeout(r, 400));
      s.requests.push(frame(2));
      expect((await failure(nextFrame(s.responses))).code).toBe(Code.Unauthenticated);
      expect((await clientsFor(b.baseUrl).engine.getState({ instanceId: agent })).state!.cycleCount).toBe(1n);
    } finally {
      await a.close();
      await b.close();
      await memory.close();
    }
  });
});
