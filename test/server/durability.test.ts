// Durability on the real MongoDB-wire server (FerretDB, or MONGODB_URI): a killed server loses
// no acknowledged cycle, two servers on one database never lose an update, and a database
// outage turns into UNAVAILABLE and recovers without restarting Keel.
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineService, SessionRequest } from "../../gen/keel/v1/engine_service_pb.js";
import type { InstanceService } from "../../gen/keel/v1/instance_service_pb.js";
import { Mode } from "../../gen/keel/v1/modes_pb.js";
import { clientsFor } from "../support/clients.js";
import { externalServer, startMongoServer, type MongoServer } from "../support/mongo-server.js";
import { startKeelProcess, type KeelProcess } from "../support/process.js";
import { Pushable } from "../support/pushable.js";

let mongo: MongoServer;
const running: KeelProcess[] = [];

beforeAll(async () => {
  mongo = await startMongoServer();
});
afterAll(async () => {
  for (const k of running) k.child.kill("SIGKILL");
  await mongo.dispose();
});

async function keelOn(db: string): Promise<{ keel: KeelProcess; engine: Client<typeof EngineService>; instances: Client<typeof InstanceService> }> {
  const keel = await startKeelProcess({ MONGODB_URI: mongo.uri, KEEL_MONGODB_DATABASE: db, KEEL_LOG_LEVEL: "warn" });
  running.push(keel);
  const { engine, instances } = clientsFor(`http://${keel.address}`);
  return { keel, engine, instances };
}

const observation = (i: number) => ({ mode: [Mode.PERCEPTION, Mode.ORDER, Mode.CONNECTION][i % 3]!, signalStrength: 0.6 });

/** Every history entry of an agent, oldest first. */
async function fullHistory(engine: Client<typeof EngineService>, instanceId: string) {
  const entries = [];
  let pageToken = "";
  do {
    const page = await engine.listHistory({ instanceId, pageSize: 1000, pageToken });
    entries.push(...page.entries);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return entries.reverse();
}

function expectGapless(cycles: bigint[], count: number): void {
  expect(cycles).toEqual(Array.from({ length: count }, (_, i) => BigInt(i + 1)));
}

describe("durability on MongoDB", () => {
  it("after SIGKILL mid-stream, every acknowledged cycle survives and the session resumes exactly once", async () => {
    const db = mongo.database("crash");
    const first = await keelOn(db);
    const id = (await first.instances.createInstance({ name: "crash" })).instance!.id;

    const requests = new Pushable<any>();
    requests.push({ frame: { case: "open", value: { instanceId: id } } });
    const responses = first.engine.session(requests as AsyncIterable<SessionRequest>)[Symbol.asyncIterator]();
    await responses.next();
    let acked = 0;
    const killAfter = 150;
    try {
      for (let seq = 1; ; seq++) {
        requests.push({ frame: { case: "observation", value: { sequence: BigInt(seq), observation: observation(seq) } } });
        if (seq === killAfter) first.keel.child.kill("SIGKILL"); // with observation `seq` in flight
        const r = await responses.next();
        if (r.done) break;
        acked = seq;
      }
    } catch {
      // the stream dies with the process
    }
    await first.keel.exited;
    expect(acked).toBeGreaterThanOrEqual(killAfter - 1);

    const second = await keelOn(db);
    const state = (await second.engine.getState({ instanceId: id })).state!;
    // The in-flight observation may or may not have committed; nothing acknowledged is missing.
    expect([BigInt(acked), BigInt(acked + 1)]).toContain(state.cycleCount);

    // Resume from the last acknowledged sequence and re-send the in-flight one.
    const again = new Pushable<any>();
    again.push({ frame: { case: "open", value: { instanceId: id, resumeAfterSequence: BigInt(acked) } } });
    again.push({ frame: { case: "observation", value: { sequence: BigInt(acked + 1), observation: observation(acked + 1) } } });
    const replies = second.engine.session(again as AsyncIterable<SessionRequest>)[Symbol.asyncIterator]();
    await replies.next();
    const resumed = (await replies.next()).value;
    again.end();
    expect(resumed.frame.value.outcome.contract.cycleCount).toBe(BigInt(acked + 1));

    const history = await fullHistory(second.engine, id);
    expectGapless(history.map((h) => h.cycle), acked + 1);
    second.keel.child.kill("SIGTERM");
    await second.keel.exited;
  }, 120_000);

  it("two servers on one database processing one agent concurrently never lose an update", async () => {
    const db = mongo.database("race");
    const a = await keelOn(db);
    const b = await keelOn(db);
    const id = (await a.instances.createInstance({ name: "race" })).instance!.id;
    const perServer = 60;
    const hammer = async (engine: Client<typeof EngineService>) => {
      let ok = 0;
      await Promise.all(
        Array.from({ length: 4 }, async (_, worker) => {
          for (let i = 0; i < perServer / 4; i++) {
            try {
              await engine.process({ instanceId: id, observation: observation(worker + i) });
              ok++;
            } catch (err) {
              // A writer that keeps losing races gets ABORTED; anything else is a bug.
              expect(ConnectError.from(err).code).toBe(Code.Aborted);
            }
          }
        }),
      );
      return ok;
    };
    const [okA, okB] = await Promise.all([hammer(a.engine), hammer(b.engine)]);
    const acknowledged = okA + okB;
    expect(acknowledged).toBeGreaterThan(perServer); // both servers made progress
    const state = (await a.engine.getState({ instanceId: id })).state!;
    expect(state.cycleCount).toBe(BigInt(acknowledged));
    const history = await fullHistory(b.engine, id);
    expectGapless(history.map((h) => h.cycle), acknowledged);
    for (const k of [a, b]) k.keel.child.kill("SIGTERM");
    await Promise.all([a.keel.exited, b.keel.exited]);
  }, 120_000);

  it.skipIf(externalServer)("turns a database outage into UNAVAILABLE within the deadline, then recovers without a restart", async () => {
    const db = mongo.database("outage");
    const { keel, engine, instances } = await keelOn(db);
    const id = (await instances.createInstance({ name: "outage" })).instance!.id;
    await engine.process({ instanceId: id, observation: observation(1) });

    await mongo.stop();
    const started = Date.now();
    const err = await engine
      .process({ instanceId: id, observation: observation(2) }, { timeoutMs: 8000 })
      .then(() => undefined, (e: unknown) => ConnectError.from(e));
    expect(err?.code).toBe(Code.Unavailable);
    expect(Date.now() - started).toBeLessThan(8000);

    await mongo.restart();
    let recovered = false;
    for (let i = 0; i < 40 && !recovered; i++) {
      recovered = await engine.process({ instanceId: id, observation: observation(2) }).then(
        () => true,
        () => new Promise<boolean>((r) => setTimeout(() => r(false), 250)),
      );
    }
    expect(recovered).toBe(true);
    expect((await engine.getState({ instanceId: id })).state!.cycleCount).toBe(2n);
    keel.child.kill("SIGTERM");
    await keel.exited;
  }, 120_000);
});
