// EngineService.Session: ordered answers, exactly-once across reconnects, sequence errors,
// takeover by a newer session, and batches.
import { ConnectError, Code, type Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineService } from "../../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../../gen/keel/v1/instance_service_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { nextFrame, openSession, type SessionFrame } from "../support/session-stream.js";
import { clientsFor } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let engine: Client<typeof EngineService>;
let instances: Client<typeof InstanceService>;

beforeAll(async () => {
  // Thousands of observations as fast as the server answers: no cycle quota here (quotas have
  // their own tests in quota.test.ts).
  server = await startTestServer({ env: { KEEL_QUOTA_CYCLES_PER_SECOND: "0" } });
  ({ engine, instances } = clientsFor(server.baseUrl));
});
afterAll(async () => {
  await server.close();
});

type Frame = SessionFrame;
const MODES = [Mode.PERCEPTION, Mode.EXPLORATION, Mode.ORDER, Mode.ASSERTION, Mode.CONNECTION, Mode.IDENTITY];

function sequenced(sequence: number) {
  return { sequence: BigInt(sequence), observation: { mode: MODES[sequence % MODES.length]!, signalStrength: 0.5 } };
}

function observationFrame(sequence: number): Frame {
  return { frame: { case: "observation", value: sequenced(sequence) } };
}

/** Opens a session; returns the request pusher and an iterator over responses. */


async function newAgent(): Promise<string> {
  return (await instances.createInstance({ name: "session" })).instance!.id;
}

async function cycles(id: string): Promise<bigint> {
  return (await engine.getState({ instanceId: id })).state!.cycleCount;
}

describe("Session", () => {
  it("answers 10,000 observations in order, one outcome each", async () => {
    const id = await newAgent();
    const { requests, responses } = openSession(engine, id);
    const opened = await nextFrame(responses);
    expect(opened.frame.case).toBe("opened");
    const n = 10_000;
    for (let s = 1; s <= n; s++) requests.push(observationFrame(s));
    for (let s = 1; s <= n; s++) {
      const r = await nextFrame(responses);
      if (r.frame.case !== "outcome") throw new Error(`unexpected ${r.frame.case}`);
      expect(r.frame.value.sequence).toBe(BigInt(s));
      expect(r.frame.value.outcome!.contract!.cycleCount).toBe(BigInt(s));
    }
    requests.end();
    expect(await cycles(id)).toBe(BigInt(n));
  }, 120_000);

  it("resumes after a dropped connection without losing or double-processing anything", async () => {
    const id = await newAgent();
    const drop = new AbortController();
    const first = openSession(engine, id, { resumeAfter: 0, signal: drop.signal });
    await nextFrame(first.responses);
    for (let s = 1; s <= 100; s++) first.requests.push(observationFrame(s));
    // The server answers all 100, but the client sees only the first 40 before the connection
    // drops: answers 41–100 are lost in flight, so resuming must replay them, never reprocess.
    const original = new Map<number, unknown>();
    for (let s = 1; s <= 100; s++) {
      const r = await nextFrame(first.responses);
      if (r.frame.case !== "outcome") throw new Error("expected outcome");
      original.set(Number(r.frame.value.sequence), r.frame.value.outcome);
    }
    const lastSeen = 40;
    drop.abort();

    const second = openSession(engine, id, { resumeAfter: lastSeen });
    const opened = await nextFrame(second.responses);
    if (opened.frame.case !== "opened") throw new Error("expected opened");
    expect(opened.frame.value.lastSequence).toBe(100n);
    for (let s = lastSeen + 1; s <= 110; s++) second.requests.push(observationFrame(s));
    let replayed = 0;
    for (let s = lastSeen + 1; s <= 110; s++) {
      const r = await nextFrame(second.responses);
      if (r.frame.case !== "outcome") throw new Error("expected outcome");
      expect(r.frame.value.sequence).toBe(BigInt(s));
      expect(r.frame.value.outcome!.contract!.cycleCount).toBe(BigInt(s));
      expect(r.frame.value.replayed).toBe(s <= 100);
      // A replay is the original outcome, not a second processing of the observation.
      if (s <= 100) expect(r.frame.value.outcome).toEqual(original.get(s));
      if (r.frame.value.replayed) replayed++;
    }
    expect(replayed).toBe(60);
    second.requests.end();
    expect(await cycles(id)).toBe(110n);
  });

  it("rejects a gap and a sequence going backwards with FAILED_PRECONDITION, changing nothing", async () => {
    const id = await newAgent();
    const gap = openSession(engine, id);
    await nextFrame(gap.responses);
    gap.requests.push(observationFrame(2));
    await expect(nextFrame(gap.responses)).rejects.toMatchObject({ code: Code.FailedPrecondition });
    expect(await cycles(id)).toBe(0n);

    const back = openSession(engine, id);
    await nextFrame(back.responses);
    back.requests.push(observationFrame(1));
    await nextFrame(back.responses);
    back.requests.push(observationFrame(1));
    await expect(nextFrame(back.responses)).rejects.toMatchObject({ code: Code.FailedPrecondition });
    expect(await cycles(id)).toBe(1n);
  });

  it("refuses to resume from a point the server never reached", async () => {
    const id = await newAgent();
    const s = openSession(engine, id, { resumeAfter: 5 });
    await expect(nextFrame(s.responses)).rejects.toMatchObject({ code: Code.FailedPrecondition });
  });

  it("lets a newer session take over: the older one ends with ABORTED", async () => {
    const id = await newAgent();
    const older = openSession(engine, id);
    await nextFrame(older.responses);
    older.requests.push(observationFrame(1));
    await nextFrame(older.responses);

    const newer = openSession(engine, id, { resumeAfter: 1 });
    await nextFrame(newer.responses);
    const err = await nextFrame(older.responses).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Aborted);

    newer.requests.push(observationFrame(2));
    const r = await nextFrame(newer.responses);
    expect(r.frame.case === "outcome" && r.frame.value.outcome!.contract!.cycleCount).toBe(2n);
    newer.requests.end();
  });

  it("answers a batch frame with one message holding every outcome in order", async () => {
    const id = await newAgent();
    const s = openSession(engine, id);
    await nextFrame(s.responses);
    const batch = Array.from({ length: 64 }, (_, i) => sequenced(i + 1));
    s.requests.push({ frame: { case: "batch", value: { observations: batch } } });
    const r = await nextFrame(s.responses);
    if (r.frame.case !== "batch") throw new Error("expected batch");
    expect(r.frame.value.outcomes.map((o) => Number(o.sequence))).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
    expect(r.frame.value.outcomes.at(-1)!.outcome!.contract!.cycleCount).toBe(64n);
    s.requests.end();
  });
});
