// Token buckets and the per-key book. Properties: whatever the traffic, a bucket never admits more
// than burst + rate x t in any window of length t; and traffic within that envelope (a bucket
// that starts full) is never refused.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QuotaBook, TokenBucket } from "../../src/auth/quota.js";

interface Arrival {
  at: number;
  n: number;
}

/** Arrivals at non-decreasing times (ms) asking for 1..maxN tokens. */
function arrivals(maxN: number, maxGap: number) {
  return fc
    .array(fc.record({ gap: fc.double({ min: 0, max: maxGap, noNaN: true }), n: fc.integer({ min: 1, max: maxN }) }), { maxLength: 200 })
    .map((xs) => {
      let t = 0;
      return xs.map(({ gap, n }) => ({ at: (t += gap), n }));
    });
}

/** Most admitted in any window [a, a + t] is at most burst + rate x t. */
function withinEnvelope(admitted: Arrival[], rate: number, burst: number, slack = 1e-6): boolean {
  for (let i = 0; i < admitted.length; i++) {
    let sum = 0;
    for (let j = i; j < admitted.length; j++) {
      sum += admitted[j]!.n;
      const t = (admitted[j]!.at - admitted[i]!.at) / 1000;
      if (sum > burst + rate * t + slack) return false;
    }
  }
  return true;
}

describe("TokenBucket", () => {
  it("never admits more than burst + rate x t in any window", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 1000 }), arrivals(64, 50), (rate, burst, traffic) => {
        const bucket = new TokenBucket(rate, burst, 0);
        const admitted = traffic.filter((a) => bucket.take(a.n, a.at) === 0);
        return withinEnvelope(admitted, rate, burst);
      }),
      { numRuns: 300 },
    );
  });

  it("never refuses traffic within the envelope", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 64, max: 1000 }), arrivals(64, 200), (rate, burst, traffic) => {
        // Keep only traffic inside the envelope: drop arrivals that would leave it.
        const within: Arrival[] = [];
        for (const a of traffic) if (withinEnvelope([...within, a], rate, burst, -1e-6)) within.push(a);
        const bucket = new TokenBucket(rate, burst, 0);
        return within.every((a) => bucket.take(a.n, a.at) === 0);
      }),
      { numRuns: 200 },
    );
  });

  it("answers the wait until enough tokens, and that wait is enough", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 64 }), (rate, n) => {
        const burst = 64;
        const bucket = new TokenBucket(rate, burst, 0);
        expect(bucket.take(burst, 0)).toBe(0); // empty it
        const wait = bucket.take(n, 0);
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBe(Math.max(1, Math.ceil((n * 1000) / rate)));
        expect(bucket.take(n, wait)).toBe(0);
      }),
    );
  });

  it("refuses with Infinity what can never fit, and takes nothing on refusal", () => {
    const bucket = new TokenBucket(10, 20, 0);
    expect(bucket.take(21, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(bucket.available(0)).toBe(20);
    expect(bucket.take(15, 0)).toBe(0);
    expect(bucket.take(10, 0)).toBeGreaterThan(0);
    expect(bucket.available(0)).toBe(5);
  });

  it("ignores a clock that goes backwards", () => {
    const bucket = new TokenBucket(1000, 10, 1000);
    expect(bucket.take(10, 1000)).toBe(0);
    expect(bucket.take(1, 500)).toBeGreaterThan(0);
    expect(bucket.take(1, 1001)).toBe(0);
  });
});

describe("QuotaBook", () => {
  const defaults = { cyclesPerSecond: 100, cyclesBurst: 200, sessions: 2 };
  const key = (id: string, cyclesPerSecond = 0, maxSessions = 0) => ({ id, cyclesPerSecond, maxSessions });

  it("keeps one bucket per key with the server's defaults", () => {
    const book = new QuotaBook(defaults);
    expect(book.takeCycles(key("a"), 200, 0)).toBe(0);
    expect(book.takeCycles(key("a"), 1, 0)).toBe(10);
    expect(book.takeCycles(key("b"), 200, 0)).toBe(0); // another key is not affected
  });

  it("uses a key's override as its rate, with twice the rate as its burst", () => {
    const book = new QuotaBook(defaults);
    const fast = key("fast", 1000);
    expect(book.burstOf(fast)).toBe(2000);
    expect(book.takeCycles(fast, 2000, 0)).toBe(0);
    expect(book.takeCycles(fast, 1, 0)).toBe(1);
  });

  it("is unlimited when the server's rate is 0 and the key has no override", () => {
    const book = new QuotaBook({ cyclesPerSecond: 0, cyclesBurst: 64, sessions: 0 });
    for (let i = 0; i < 100; i++) expect(book.takeCycles(key("a"), 64, 0)).toBe(0);
    for (let i = 0; i < 100; i++) expect(book.openSession(key("a"))).toBe(true);
    expect(book.takeCycles(key("slow", 10), 20, 0)).toBe(0);
    expect(book.takeCycles(key("slow", 10), 1, 0)).toBeGreaterThan(0);
  });

  it("counts open sessions per key up to the limit, and frees them on close", () => {
    const book = new QuotaBook(defaults);
    expect(book.openSession(key("a"))).toBe(true);
    expect(book.openSession(key("a"))).toBe(true);
    expect(book.openSession(key("a"))).toBe(false);
    expect(book.openSession(key("b"))).toBe(true);
    book.closeSession("a");
    expect(book.openSessions("a")).toBe(1);
    expect(book.openSession(key("a"))).toBe(true);
    expect(book.openSession(key("big", 0, 3))).toBe(true);
    expect(book.sessionLimitOf(key("big", 0, 3))).toBe(3);
  });

  it("keeps one bucket and one session count per tenant with a ceiling, shared by its keys", () => {
    const book = new QuotaBook(defaults);
    const acme = { tenant: "acme", cyclesPerSecond: 10, maxSessions: 2 };
    expect(book.tenantBurstOf(acme)).toBe(20);
    expect(book.tenantCyclesWait(acme, 20, 0)).toBe(0);
    expect(book.tenantCyclesWait(acme, 20, 0)).toBe(0); // waiting takes nothing
    book.takeTenantCycles(acme, 20, 0);
    expect(book.tenantCyclesWait(acme, 1, 0)).toBe(100);
    expect(book.tenantCyclesWait(acme, 21, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(book.tenantCyclesWait({ ...acme, tenant: "other" }, 20, 0)).toBe(0);
    // The operator changed the rate: a new, full bucket.
    expect(book.tenantCyclesWait({ ...acme, cyclesPerSecond: 5 }, 10, 0)).toBe(0);
    // No ceiling: never a wait.
    expect(book.tenantCyclesWait({ ...acme, cyclesPerSecond: 0 }, 1_000_000, 0)).toBe(0);

    expect(book.openTenantSession(acme)).toBe(true);
    expect(book.openTenantSession(acme)).toBe(true);
    expect(book.openTenantSession(acme)).toBe(false);
    book.closeTenantSession("acme");
    expect(book.tenantOpenSessions("acme")).toBe(1);
    expect(book.openTenantSession(acme)).toBe(true);
  });
});

