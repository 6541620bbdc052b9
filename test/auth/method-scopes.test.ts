// Every method of every service the server registers has a scope (or is explicitly open), read
// from the generated descriptors: a new RPC cannot ship unclassified.
import type { DescService } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ContractService } from "../../gen/keel/v1/contract_service_pb.js";
import { EngineService } from "../../gen/keel/v1/engine_service_pb.js";
import { InstanceService } from "../../gen/keel/v1/instance_service_pb.js";
import { KeyService } from "../../gen/keel/v1/key_service_pb.js";
import { Health } from "../../gen/health/v1/health_pb.js";
import * as reflection1 from "../../gen/grpc/reflection/v1/reflection_pb.js";
import * as reflection1alpha from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { ADMIN_CHANGES, METHOD_SCOPES, requiredScope } from "../../src/auth/method-scopes.js";

const KEEL: DescService[] = [InstanceService, EngineService, ContractService, KeyService];
const OPEN: DescService[] = [Health, reflection1.ServerReflection, reflection1alpha.ServerReflection];
const path = (s: DescService, m: { name: string }) => `${s.typeName}/${m.name}`;
const all = [...KEEL, ...OPEN].flatMap((s) => s.methods.map((m) => path(s, m)));

describe("method scope table", () => {
  it("classifies every method of every served service", () => {
    const missing = all.filter((m) => requiredScope(m) === undefined);
    expect(missing).toEqual([]);
  });

  it("names no method that does not exist", () => {
    expect(Object.keys(METHOD_SCOPES).filter((m) => !all.includes(m))).toEqual([]);
    expect([...ADMIN_CHANGES].filter((m) => !all.includes(m))).toEqual([]);
  });

  it("keeps health and reflection open and every Keel method behind a key", () => {
    for (const s of OPEN) for (const m of s.methods) expect(requiredScope(path(s, m)), path(s, m)).toBe("open");
    for (const s of KEEL) for (const m of s.methods) expect(requiredScope(path(s, m)), path(s, m)).not.toBe("open");
  });

  it("gives the issue's scopes: reads, the engine, administration", () => {
    expect(requiredScope("keel.v1.EngineService/Process")).toBe("engine");
    expect(requiredScope("keel.v1.EngineService/ProcessBatch")).toBe("engine");
    expect(requiredScope("keel.v1.EngineService/Session")).toBe("engine");
    for (const m of ["GetState", "GetContract", "ListHistory", "ListDriftEvents", "ListSnapshots"]) {
      expect(requiredScope(`keel.v1.EngineService/${m}`), m).toBe("read");
    }
    for (const m of ["GetInstance", "ListInstances"]) expect(requiredScope(`keel.v1.InstanceService/${m}`), m).toBe("read");
    for (const m of ["CreateInstance", "UpdateInstance", "DeleteInstance"]) expect(requiredScope(`keel.v1.InstanceService/${m}`), m).toBe("admin");
    expect(requiredScope("keel.v1.EngineService/Reset")).toBe("admin");
    expect(requiredScope("keel.v1.ContractService/PutContract")).toBe("admin");
    expect(requiredScope("keel.v1.ContractService/GenerateContract")).toBe("admin");
    for (const m of ["CreateKey", "ListKeys", "RevokeKey"]) expect(requiredScope(`keel.v1.KeyService/${m}`), m).toBe("admin");
    expect(requiredScope("keel.v1.KeyService/WhoAmI")).toBe("read");
  });

  it("audits exactly the admin methods that change something", () => {
    for (const m of ADMIN_CHANGES) expect(requiredScope(m), m).toBe("admin");
    expect(ADMIN_CHANGES.has("keel.v1.KeyService/ListKeys")).toBe(false);
  });

  it("knows nothing of methods outside the table (the gate refuses them)", () => {
    expect(requiredScope("keel.v1.EngineService/Nope")).toBeUndefined();
    expect(requiredScope("toString")).toBeUndefined();
    expect(requiredScope("__proto__")).toBeUndefined();
  });
});
