// Bad input is rejected at the edge with a precise code and a message naming the field, and a
// rejected call changes nothing. The handlers run behind connect's in-memory router transport
// (test/support/router.ts); the message size limit, which needs the wire, is tested in
// test/server/malformed.test.ts.
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { beforeAll, describe, expect, it } from "vitest";
import { EngineService } from "../../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../../gen/keel/v1/instance_service_pb.js";
import { DriftLevel, Mode } from "../../gen/keel/v1/modes_pb.js";
import { DriftDetector } from "../../gen/keel/v1/profile_pb.js";
import { RestrictionCause } from "../../gen/keel/v1/contract_pb.js";
import { startTestRouter } from "../support/router.js";

let engine: Client<typeof EngineService>;
let instances: Client<typeof InstanceService>;
let id: string;

beforeAll(async () => {
  ({ engine, instances } = startTestRouter());
  id = (await instances.createInstance({ name: "target" })).instance!.id;
  await engine.process({ instanceId: id, observation: { mode: Mode.ORDER, signalStrength: 0.5 } });
});

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  const err = await call.then(() => undefined, (e: unknown) => ConnectError.from(e));
  if (!err) throw new Error("the call succeeded");
  return err;
}

const ok = { mode: Mode.ORDER, signalStrength: 0.5 };
const processCases: [string, () => Record<string, unknown>, Code, string][] = [
  ["missing mode", () => ({ instanceId: id, observation: { signalStrength: 0.5 } }), Code.InvalidArgument, "observation.mode"],
  ["unknown mode value", () => ({ instanceId: id, observation: { mode: 42, signalStrength: 0.5 } }), Code.InvalidArgument, "observation.mode"],
  ["strength above 1", () => ({ instanceId: id, observation: { mode: Mode.ORDER, signalStrength: 1.01 } }), Code.InvalidArgument, "observation.signal_strength"],
  ["NaN strength", () => ({ instanceId: id, observation: { mode: Mode.ORDER, signalStrength: Number.NaN } }), Code.InvalidArgument, "observation.signal_strength"],
  ["negative confidence", () => ({ instanceId: id, observation: { ...ok, confidence: -0.1 } }), Code.InvalidArgument, "observation.confidence"],
  ["infinite confidence", () => ({ instanceId: id, observation: { ...ok, confidence: Number.POSITIVE_INFINITY } }), Code.InvalidArgument, "observation.confidence"],
  ["missing observation", () => ({ instanceId: id }), Code.InvalidArgument, "observation"],
  ["empty action", () => ({ instanceId: id, observation: { ...ok, action: "" } }), Code.InvalidArgument, "observation.action"],
  ["missing instance id", () => ({ observation: ok }), Code.InvalidArgument, "instance_id"],
  ["malformed instance id", () => ({ instanceId: "agent-1", observation: ok }), Code.InvalidArgument, "instance_id"],
  ["unknown instance", () => ({ instanceId: "inst_0000000000000000", observation: ok }), Code.NotFound, "inst_0000000000000000"],
];

describe("Process rejects bad input and changes nothing", () => {
  it.each(processCases)("%s", async (_name, request, code, mention) => {
    const before = await engine.getState({ instanceId: id });
    const err = await failure(engine.process(request() as never));
    expect(err.code).toBe(code);
    expect(err.rawMessage).toContain(mention);
    expect(await engine.getState({ instanceId: id })).toEqual(before);
  });

  it("rejects an empty or oversized batch, and a batch with one bad observation, as a whole", async () => {
    const before = await engine.getState({ instanceId: id });
    expect((await failure(engine.processBatch({ instanceId: id, observations: [] }))).code).toBe(Code.InvalidArgument);
    const tooMany = Array.from({ length: 65 }, () => ok);
    expect((await failure(engine.processBatch({ instanceId: id, observations: tooMany }))).code).toBe(Code.InvalidArgument);
    const oneBad = [ok, ok, { mode: Mode.ORDER, signalStrength: 2 }];
    const err = await failure(engine.processBatch({ instanceId: id, observations: oneBad }));
    expect(err.rawMessage).toContain("observations[2].signal_strength");
    expect(await engine.getState({ instanceId: id })).toEqual(before);
  });
});

describe("InstanceService validation", () => {
  it.each([
    ["empty name", { name: "" }, "name"],
    ["name over 100 characters", { name: "n".repeat(101) }, "name"],
    ["unknown persona", { name: "a", personaId: "persona_nobody" }, "persona_id"],
    ["profile strength out of range", { name: "a", profile: { initialModeStrengths: { perception: 1.5 } } }, "profile.initial_mode_strengths.perception"],
    ["core mode also suppressed", { name: "a", profile: { coreModes: [Mode.ORDER], suppressedModes: [Mode.ORDER] } }, "profile.suppressed_modes"],
    ["bad label key", { name: "a", labels: { "Bad Key": "v" } }, "labels"],
    ["drift acting at D0 (always)", { name: "a", profile: { driftRestrictsAt: DriftLevel.D0_NOISE } }, "profile.drift_restricts_at"],
    ["unknown drift detector", { name: "a", profile: { driftDetector: 9 } }, "profile.drift_detector"],
  ])("CreateInstance: %s", async (_name, request, mention) => {
    const before = (await instances.listInstances({ pageSize: 100 })).instances.length;
    const err = await failure(instances.createInstance(request as never));
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.rawMessage).toContain(mention);
    expect((await instances.listInstances({ pageSize: 100 })).instances.length).toBe(before);
  });

  it("UpdateInstance needs an update mask naming updatable fields", async () => {
    expect((await failure(instances.updateInstance({ instanceId: id, name: "x" }))).code).toBe(Code.InvalidArgument);
    const err = await failure(instances.updateInstance({ instanceId: id, updateMask: { paths: ["profile"] } }));
    expect(err.rawMessage).toContain("profile");
    const updated = await instances.updateInstance({ instanceId: id, name: "renamed", updateMask: { paths: ["name"] } });
    expect(updated.instance!.name).toBe("renamed");
  });

  it("keeps the drift detector and drift_restricts_at a profile chose, and drives contracts with them", async () => {
    const profile = { driftDetector: DriftDetector.SEQUENTIAL, driftRestrictsAt: DriftLevel.D1_CONTEXT };
    const created = await instances.createInstance({ name: "watched", profile });
    expect(created.instance!.profile).toMatchObject(profile);
    const plain = await instances.createInstance({ name: "plain" });
    expect(plain.instance!.profile).toMatchObject({ driftDetector: DriftDetector.UNSPECIFIED, driftRestrictsAt: DriftLevel.UNSPECIFIED });
    // A stable agent, then a sudden change of mix: the sequential detector raises D1 and drift removes the risky actions, naming itself.
    const observe = (mode: Mode, signalStrength: number) => ({ mode, signalStrength, confidence: 0.9 });
    const steady = Array.from({ length: 200 }, (_, t) => observe([Mode.PERCEPTION, Mode.ORDER, Mode.CONNECTION][t % 3]!, 0.5 + 0.05 * (t % 3)));
    const changed = Array.from({ length: 60 }, (_, t) => observe(t % 2 ? Mode.EXPLORATION : Mode.ASSERTION, 0.95));
    let restricted = null;
    for (let k = 0; k < steady.length + changed.length && restricted === null; k += 20) {
      const batch = [...steady, ...changed].slice(k, k + 20);
      const out = await engine.processBatch({ instanceId: created.instance!.id, observations: batch, includeIntermediate: true });
      restricted = out.outcomes.map((o) => o.contract!).find((c) => c.restrictions.some((r) => r.causes.includes(RestrictionCause.DRIFT))) ?? null;
    }
    expect(restricted).not.toBeNull();
    expect(restricted!.driftLevel).not.toBe(DriftLevel.D0_NOISE);
    // Every action drift names is gone from the allowed set.
    const byDrift = restricted!.restrictions.filter((r) => r.causes.includes(RestrictionCause.DRIFT));
    for (const r of byDrift) expect(restricted!.allowedActions).not.toContain(r.action);
  });

  it("creates from a persona and lists with paging", async () => {
    const created = await instances.createInstance({ name: "explorer", personaId: "persona_explorer" });
    expect(created.instance!.profile!.initialModeStrengths).toBeDefined();
    const seen = new Set<string>();
    let pageToken = "";
    do {
      const page = await instances.listInstances({ pageSize: 1, pageToken });
      page.instances.forEach((i) => seen.add(i.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toContain(created.instance!.id);
    expect(seen).toContain(id);
  });

  it("deletes an agent and then answers NOT_FOUND for it", async () => {
    const doomed = (await instances.createInstance({ name: "doomed" })).instance!.id;
    await instances.deleteInstance({ instanceId: doomed });
    expect((await failure(instances.getInstance({ instanceId: doomed }))).code).toBe(Code.NotFound);
    expect((await failure(engine.listHistory({ instanceId: doomed }))).code).toBe(Code.NotFound);
  });
});

describe("Reset", () => {
  it("needs a target, refuses LAST_SNAPSHOT before any snapshot, and resets to INITIAL", async () => {
    const agent = (await instances.createInstance({ name: "reset" })).instance!.id;
    await engine.process({ instanceId: agent, observation: { mode: Mode.STRESS_RESPONSE, signalStrength: 0.9 } });
    expect((await failure(engine.reset({ instanceId: agent }))).code).toBe(Code.InvalidArgument);
    expect((await failure(engine.reset({ instanceId: agent, target: 2 }))).code).toBe(Code.FailedPrecondition);
    const reset = await engine.reset({ instanceId: agent, target: 1 });
    expect(reset.contract!.cycleCount).toBe(0n);
    expect((await engine.getState({ instanceId: agent })).state!.cycleCount).toBe(0n);
  });
});
