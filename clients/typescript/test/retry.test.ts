// The session helper's retry rules against a scripted stream (no server): a quota refusal with
// RetryInfo is waited out and resumed, one without RetryInfo and authentication failures are
// surfaced at once. The same against the real server is in auth.test.ts.
import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { Code, ConnectError, KeelSession, retryDelayMs } from "../src/index.js";
import type { SessionCall } from "../src/session.js";
import { RetryInfoSchema } from "../src/gen/google/rpc/error_details_pb.js";
import { ExecutionContractSchema } from "../src/gen/keel/v1/contract_pb.js";
import { SessionResponseSchema, type SessionRequest, type SessionResponse } from "../src/gen/keel/v1/engine_service_pb.js";

const retryInfo = (ms: number) => ({ retryDelay: { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 } });

/** A RESOURCE_EXHAUSTED error as it arrives off the wire, with a google.rpc.RetryInfo detail. */
function overQuota(delayMs: number): ConnectError {
  const value = toBinary(RetryInfoSchema, create(RetryInfoSchema, retryInfo(delayMs)));
  return new ConnectError("key keel_0000000000000000 is over its quota", Code.ResourceExhausted, undefined, [
    { type: "google.rpc.RetryInfo", value, debug: undefined },
  ] as never);
}

const contract = (cycle: number) => create(ExecutionContractSchema, { instanceId: "inst_a", cycleCount: BigInt(cycle) });
const opened = (last: number): SessionResponse =>
  create(SessionResponseSchema, { frame: { case: "opened", value: { instanceId: "inst_a", lastSequence: BigInt(last), contract: contract(last) } } });
const outcome = (seq: bigint): SessionResponse =>
  create(SessionResponseSchema, { frame: { case: "outcome", value: { sequence: seq, outcome: { contract: contract(Number(seq)) } } } });

/**
 * A fake server: each connection reads the open frame, answers opened with the last processed
 * sequence, then processes observations, except that `refuse(connection, sequence)` may throw
 * instead (ending the stream) before processing one.
 */
function scripted(refuse: (connection: number, sequence: bigint) => ConnectError | undefined) {
  const log = { connections: 0, opens: [] as bigint[], processed: [] as bigint[], openedAt: [] as number[] };
  let last = 0n;
  const call: SessionCall = (requests) =>
    (async function* () {
      const connection = ++log.connections;
      log.openedAt.push(Date.now());
      for await (const req of requests as AsyncIterable<SessionRequest>) {
        if (req.frame.case === "open") {
          log.opens.push(req.frame.value.resumeAfterSequence);
          yield opened(Number(last));
        } else if (req.frame.case === "observation") {
          const seq = req.frame.value.sequence;
          const err = refuse(connection, seq);
          if (err) throw err;
          if (seq <= last) {
            yield outcome(seq);
            continue;
          }
          last = seq;
          log.processed.push(seq);
          yield outcome(seq);
        }
      }
    })();
  return { call, log };
}

const obs = { mode: "order" as const, signalStrength: 0.5 };

describe("retryDelayMs", () => {
  it("reads RetryInfo from a RESOURCE_EXHAUSTED error, and nothing from anything else", () => {
    expect(retryDelayMs(overQuota(1500))).toBe(1500);
    expect(retryDelayMs(overQuota(0))).toBe(0);
    const local = new ConnectError("over", Code.ResourceExhausted, undefined, [{ desc: RetryInfoSchema, value: retryInfo(2001) }]);
    expect(retryDelayMs(local)).toBe(2001);
    expect(retryDelayMs(new ConnectError("too big", Code.ResourceExhausted))).toBeUndefined();
    expect(retryDelayMs(new ConnectError("no", Code.Unauthenticated))).toBeUndefined();
    expect(retryDelayMs(new Error("plain"))).toBeUndefined();
  });
});

describe("session helper retries", () => {
  it("waits out RESOURCE_EXHAUSTED with RetryInfo, reconnects and resumes, processing each observation once", async () => {
    const { call, log } = scripted((connection, seq) => (connection === 1 && seq === 2n ? overQuota(150) : undefined));
    const reconnects: { code: Code; delayMs: number }[] = [];
    const session = await KeelSession.open("inst_a", call, {
      heartbeatIntervalMs: 0,
      onReconnect: (_attempt, cause, delayMs) => reconnects.push({ code: cause.code, delayMs }),
    });
    const first = await session.send(obs);
    const second = await session.send(obs);
    const third = await session.send(obs);
    await session.close();

    expect([first.sequence, second.sequence, third.sequence]).toEqual([1n, 2n, 3n]);
    expect(log.processed).toEqual([1n, 2n, 3n]);
    expect(log.connections).toBe(2);
    expect(log.opens).toEqual([0n, 1n]); // resumed after the last answered sequence
    expect(reconnects).toHaveLength(1);
    expect(reconnects[0]!.code).toBe(Code.ResourceExhausted);
    expect(reconnects[0]!.delayMs).toBeGreaterThanOrEqual(150);
    expect(log.openedAt[1]! - log.openedAt[0]!).toBeGreaterThanOrEqual(145);
  });

  it("keeps going at the quota's pace when every stream is cut short", async () => {
    // Each connection processes one observation, then is refused for a short while.
    const { call, log } = scripted((connection, seq) => (seq > BigInt(connection) ? overQuota(5) : undefined));
    const session = await KeelSession.open("inst_a", call, { heartbeatIntervalMs: 0, maxReconnectAttempts: 2 });
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => session.send(obs)));
    await session.close();
    expect(outcomes.map((o) => o.sequence)).toEqual(Array.from({ length: 12 }, (_, i) => BigInt(i + 1)));
    expect(log.processed).toEqual(outcomes.map((o) => o.sequence));
  });

  it.each([
    ["UNAUTHENTICATED", new ConnectError("key revoked", Code.Unauthenticated)],
    ["PERMISSION_DENIED", new ConnectError("scope read does not allow Session", Code.PermissionDenied)],
    ["RESOURCE_EXHAUSTED without RetryInfo", new ConnectError("message too large", Code.ResourceExhausted)],
  ])("does not retry %s: the send rejects with it and nothing reconnects", async (_name, refusal) => {
    const { call, log } = scripted((_connection, seq) => (seq === 2n ? refusal : undefined));
    let reconnects = 0;
    const session = await KeelSession.open("inst_a", call, { heartbeatIntervalMs: 0, onReconnect: () => reconnects++ });
    await session.send(obs);
    await expect(session.send(obs)).rejects.toMatchObject({ code: refusal.code });
    await expect(session.send(obs)).rejects.toMatchObject({ code: refusal.code });
    await session.ended;
    expect(reconnects).toBe(0);
    expect(log.connections).toBe(1);
  });

  it("fails to open with UNAUTHENTICATED without retrying", async () => {
    let calls = 0;
    const call: SessionCall = () =>
      (async function* (): AsyncGenerator<SessionResponse> {
        calls++;
        throw new ConnectError("missing API key", Code.Unauthenticated);
      })();
    await expect(KeelSession.open("inst_a", call, { heartbeatIntervalMs: 0 })).rejects.toMatchObject({ code: Code.Unauthenticated });
    expect(calls).toBe(1);
  });

  it("gives up after maxReconnectAttempts if the open itself keeps being refused for quota", async () => {
    let calls = 0;
    const call: SessionCall = () =>
      (async function* (): AsyncGenerator<SessionResponse> {
        calls++;
        throw overQuota(1);
      })();
    await expect(KeelSession.open("inst_a", call, { heartbeatIntervalMs: 0, maxReconnectAttempts: 3 })).rejects.toMatchObject({
      code: Code.ResourceExhausted,
    });
    expect(calls).toBe(4);
  });

  it("abort() cuts a long quota wait short", async () => {
    const { call } = scripted((connection, seq) => (connection === 1 && seq === 2n ? overQuota(60_000) : undefined));
    const session = await KeelSession.open("inst_a", call, { heartbeatIntervalMs: 0 });
    await session.send(obs);
    const pending = session.send(obs);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    session.abort();
    await expect(pending).rejects.toMatchObject({ code: Code.Canceled });
    await session.ended;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
