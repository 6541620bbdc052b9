// The gate's cache of tenant ceilings: one store read per tenant per cache time, never a wait once
// a tenant was seen (a stale entry is used while it is read again), and ceilings set on this
// replica count at once even against a read already in flight.
import { describe, expect, it } from "vitest";
import { TenantCeilings } from "../../src/auth/tenant-ceilings.js";
import { MemoryKeyStore } from "../../src/store/memory-keys.js";
import type { TenantLimitsRecord } from "../../src/store/types.js";

class CountingKeys extends MemoryKeyStore {
  reads = 0;
  override async getTenantLimits(tenant: string): Promise<TenantLimitsRecord | null> {
    this.reads++;
    return super.getTenantLimits(tenant);
  }
}

const limits = (cyclesPerSecond: number): TenantLimitsRecord => ({
  tenant: "acme",
  maxKeys: 0,
  cyclesPerSecond,
  maxSessions: 0,
  updatedAtMs: 1,
  updatedBy: "keel_00000000000000ff",
});

function setup() {
  const keys = new CountingKeys();
  let now = 0;
  const ceilings = new TenantCeilings(keys, 5000, () => now);
  return { keys, ceilings, advance: (ms: number) => (now += ms) };
}

describe("TenantCeilings", () => {
  it("reads a tenant once, answers synchronously after, and reads again in the background once stale", async () => {
    const { keys, ceilings, advance } = setup();
    await keys.setTenantLimits(limits(10));
    const first = ceilings.get("acme");
    expect(first).toBeInstanceOf(Promise);
    expect((await first).cyclesPerSecond).toBe(10);
    expect(ceilings.get("acme")).toMatchObject({ cyclesPerSecond: 10 });
    expect(keys.reads).toBe(1);

    await keys.setTenantLimits(limits(20));
    advance(5000);
    expect(ceilings.get("acme")).toMatchObject({ cyclesPerSecond: 10 }); // stale, no wait
    await new Promise((r) => setImmediate(r));
    expect(keys.reads).toBe(2);
    expect(ceilings.get("acme")).toMatchObject({ cyclesPerSecond: 20 });
  });

  it("answers no ceilings for a tenant the operator never limited", async () => {
    const { ceilings } = setup();
    expect(await ceilings.get("nobody")).toMatchObject({ tenant: "nobody", maxKeys: 0, cyclesPerSecond: 0, maxSessions: 0 });
  });

  it("keeps ceilings remembered here over an older read still in flight", async () => {
    const { keys, ceilings } = setup();
    await keys.setTenantLimits(limits(10));
    const inflight = ceilings.get("acme");
    ceilings.remember(limits(30));
    expect((await inflight).cyclesPerSecond).toBe(30);
    expect(ceilings.get("acme")).toMatchObject({ cyclesPerSecond: 30 });
  });
});
