// The gate with tenant ceilings: a call the tenant's ceiling refuses takes nothing from the key's
// own quota, and a call the key's quota refuses takes nothing from the tenant's.
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { newKeyRecord } from "../../src/auth/api-key.js";
import { Authenticator, type Credential } from "../../src/auth/authenticator.js";
import { AuthGate } from "../../src/auth/gate.js";
import { QuotaBook } from "../../src/auth/quota.js";
import { TenantCeilings } from "../../src/auth/tenant-ceilings.js";
import { MemoryKeyStore } from "../../src/store/memory-keys.js";

async function setup(tenantCyclesPerSecond: number) {
  const keys = new MemoryKeyStore();
  const now = 0;
  const authenticator = new Authenticator({ keys, operatorTenant: "ops", cacheTtlMs: 5000, now: () => now });
  const quotas = new QuotaBook({ cyclesPerSecond: 0, cyclesBurst: 0, sessions: 0 });
  const ceilings = new TenantCeilings(keys, 5000, () => now);
  await keys.setTenantLimits({ tenant: "acme", maxKeys: 0, cyclesPerSecond: tenantCyclesPerSecond, maxSessions: 1, updatedAtMs: 0, updatedBy: "x" });
  const gate = new AuthGate(authenticator, quotas, undefined, () => now, ceilings);
  const mint = async (cyclesPerSecond: number): Promise<Credential> => {
    const { record, token } = newKeyRecord({ name: "k", tenant: "acme", scope: "engine", cyclesPerSecond, createdBy: "bootstrap", createdAtMs: 0 });
    await keys.createKey(record);
    return (await gate.authorizeValue("keel.v1.EngineService/Process", `Bearer ${token}`)) as Credential;
  };
  return { gate, quotas, mint };
}

const refusal = (f: () => unknown): ConnectError => {
  try {
    f();
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("not refused");
};

describe("AuthGate with tenant ceilings", () => {
  it("takes nothing from the key when the tenant refuses, nor from the tenant when the key refuses", async () => {
    const { gate, quotas, mint } = await setup(5); // tenant bucket of 10
    const a = await mint(100); // key bucket 200
    const b = await mint(2); // key bucket 4
    gate.chargeCycles(a, 5); // the tenant has 5 left
    const keyRefused = refusal(() => gate.chargeCycles(b, 5)); // more than b's burst of 4
    expect(keyRefused.rawMessage).toContain(b.record.id);
    gate.chargeCycles(b, 4); // so the tenant still had its 5; now 1
    const tenantRefused = refusal(() => gate.chargeCycles(a, 2));
    expect(tenantRefused.code).toBe(Code.ResourceExhausted);
    expect(tenantRefused.rawMessage).toContain("tenant acme");
    // a's own bucket lost only the 5 it was charged.
    expect(quotas.takeCycles(a.record, 195, 0)).toBe(0);
  });

  it("frees the tenant's session slot when the key's own limit refuses the session", async () => {
    const { gate, quotas, mint } = await setup(0);
    const a = await mint(0);
    const close = gate.openSession(a);
    expect(quotas.tenantOpenSessions("acme")).toBe(1);
    expect(refusal(() => gate.openSession(a)).rawMessage).toContain("tenant acme");
    close();
    close(); // idempotent
    expect(quotas.tenantOpenSessions("acme")).toBe(0);
    gate.openSession(a);
  });
});
