// The gate's pure helpers: what a request costs in cycles, and what an audit line names as the
// target (an id, never a secret).
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { CreateKeyResponseSchema } from "../../gen/keel/v1/key_service_pb.js";
import { ProcessBatchRequestSchema, ProcessRequestSchema, SessionRequestSchema } from "../../gen/keel/v1/engine_service_pb.js";
import { auditTarget } from "../../src/auth/audit.js";
import { generateApiKey } from "../../src/auth/api-key.js";
import { frameCycles, unaryCycles } from "../../src/auth/gate.js";

const obs = { mode: 3, signalStrength: 0.5 };

describe("cycle cost", () => {
  it("is 1 for Process, the observations of a batch, and 0 for everything else", () => {
    expect(unaryCycles("keel.v1.EngineService/Process", create(ProcessRequestSchema))).toBe(1);
    const batch = (n: number) => create(ProcessBatchRequestSchema, { observations: Array.from({ length: n }, () => obs) });
    expect(unaryCycles("keel.v1.EngineService/ProcessBatch", batch(7))).toBe(7);
    expect(unaryCycles("keel.v1.EngineService/ProcessBatch", batch(64))).toBe(64);
    // Batches the handler refuses for their size cost nothing: they change nothing.
    expect(unaryCycles("keel.v1.EngineService/ProcessBatch", batch(0))).toBe(0);
    expect(unaryCycles("keel.v1.EngineService/ProcessBatch", batch(65))).toBe(0);
    expect(unaryCycles("keel.v1.EngineService/GetState", {})).toBe(0);
  });

  it("is 1 for an observation frame, a batch frame's size, 0 for open and heartbeat", () => {
    const frame = (init: object) => create(SessionRequestSchema, init);
    expect(frameCycles(frame({ frame: { case: "observation", value: { sequence: 1n, observation: obs } } }))).toBe(1);
    const items = Array.from({ length: 5 }, (_, i) => ({ sequence: BigInt(i + 1), observation: obs }));
    expect(frameCycles(frame({ frame: { case: "batch", value: { observations: items } } }))).toBe(5);
    expect(frameCycles(frame({ frame: { case: "open", value: { instanceId: "inst_0000000000000000" } } }))).toBe(0);
    expect(frameCycles(frame({ frame: { case: "heartbeat", value: {} } }))).toBe(0);
  });
});

describe("audit target", () => {
  it("names the new key by id and never carries the secret of a CreateKey response", () => {
    const { token, keyId } = generateApiKey();
    const res = create(CreateKeyResponseSchema, { key: { keyId, tenant: "t" }, secret: token });
    const target = auditTarget("keel.v1.KeyService/CreateKey", { tenant: "t" }, res);
    expect(target).toEqual({ target: keyId, targetTenant: "t" });
    expect(JSON.stringify(target)).not.toContain(token.slice(22));
  });

  it("takes the instance or agent id from the request, or the created one from the response", () => {
    expect(auditTarget("keel.v1.InstanceService/CreateInstance", {}, { instance: { id: "inst_1" } })).toEqual({ target: "inst_1" });
    expect(auditTarget("keel.v1.InstanceService/CreateInstance", {}, undefined)).toEqual({ target: "" });
    expect(auditTarget("keel.v1.EngineService/Reset", { instanceId: "inst_2" }, undefined)).toEqual({ target: "inst_2" });
    expect(auditTarget("keel.v1.ContractService/PutContract", { contract: { agentId: "inst_3" } }, undefined)).toEqual({ target: "inst_3" });
    expect(auditTarget("keel.v1.KeyService/RevokeKey", { keyId: "keel_0000000000000000", tenant: "" }, undefined)).toEqual({
      target: "keel_0000000000000000",
    });
  });
});
