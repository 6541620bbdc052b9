// For each of the seven invariant types, end to end through a real server: a violating stream
// produces the named violation on exactly the cycle it happens, a non-violating one never does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Comparison, Dimension, DriftDistribution } from "../../gen/keel/v1/behavioral_contract_pb.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { clientsFor, cyclesWith, newAgent, run, T0, type Clients, type ContractInit, type Step } from "./harness.js";

let server: TestServer;
let c: Clients;
beforeAll(async () => {
  server = await startTestServer();
  c = clientsFor(server.baseUrl);
});
afterAll(async () => {
  await server.close();
});

const range = (n: number, f: (i: number) => Step): Step[] => Array.from({ length: n }, (_, i) => f(i));
const policy = { window: 10, minObservations: 10 };

interface Case {
  contract: Omit<ContractInit, "agentId">;
  violating: Step[];
  /** The first cycle (1-based) on which the violation holds. */
  firstCycle: number;
  clean: Step[];
}

const cases: Record<string, Case> = {
  ratio: {
    // write/read <= 0.5 over 10 cycles: 6 reads then writes; the 4th write makes it 4/6.
    contract: { invariants: [{ id: "ratio", rule: { case: "ratio", value: { dimension: Dimension.ACTION, numerator: "write", denominator: "read", comparison: Comparison.LESS_OR_EQUAL, threshold: 0.5, window: 10 } } }] },
    violating: range(14, (i) => ({ action: i < 6 ? "read" : "write" })),
    firstCycle: 10,
    clean: range(40, (i) => ({ action: i % 4 === 3 ? "write" : "read" })),
  },
  distribution: {
    // No target above 60% of the last 10: alternating a/b, then only a from cycle 21.
    contract: { invariants: [{ id: "distribution", rule: { case: "distribution", value: { dimension: Dimension.TARGET, comparison: Comparison.LESS_OR_EQUAL, threshold: 0.6, window: 10 } } }] },
    violating: range(30, (i) => ({ target: i < 20 && i % 2 === 1 ? "b/2" : "a/1" })),
    firstCycle: 24,
    clean: range(40, (i) => ({ target: i % 2 === 1 ? "b/2" : "a/1" })),
  },
  drift: {
    // Action drift below 0.3 against read/write 50/50: after 30 balanced cycles, deletes; the
    // 5th delete in the 10-cycle window takes the divergence to about 0.31.
    contract: {
      expectedActionDistribution: { read: 0.5, write: 0.5 },
      policy,
      invariants: [{ id: "drift", rule: { case: "drift", value: { distribution: DriftDistribution.ACTION, comparison: Comparison.LESS, threshold: 0.3 } } }],
    },
    violating: range(40, (i) => ({ action: i >= 30 ? "delete" : i % 2 === 0 ? "read" : "write" })),
    firstCycle: 35,
    clean: range(60, (i) => ({ action: i % 2 === 0 ? "read" : "write" })),
  },
  semantic: {
    // Fidelity of "research" above 0.85: 9 reads and a query per 10, then writes; the 3rd write
    // takes the term's drift to about 0.17.
    contract: {
      policy,
      semanticAnchors: [{ term: "research", expectedActionDistribution: { read: 0.9, query: 0.1 }, tolerance: 1 }],
      invariants: [{ id: "semantic", rule: { case: "semantic", value: { term: "research", comparison: Comparison.GREATER, threshold: 0.85 } } }],
    },
    violating: range(20, (i) => ({ term: "research", action: i >= 10 ? "write" : i === 9 ? "query" : "read" })),
    firstCycle: 13,
    clean: range(40, (i) => ({ term: "research", action: i % 10 === 9 ? "query" : "read" })),
  },
  temporal: {
    // Only from 08:00 to 18:00 UTC: cycle 6 happens at 19:00.
    contract: { invariants: [{ id: "temporal", rule: { case: "temporal", value: { startHour: 8, endHour: 18 } } }] },
    violating: range(8, (i) => ({ atMs: i === 5 ? T0 + 10 * 3_600_000 : T0 + i * 60_000 })),
    firstCycle: 6,
    clean: range(36, (i) => ({ atMs: T0 + i * 15 * 60_000 })), // 09:00 to 17:45
  },
  rate: {
    // At most 1.5 × 2 sends per minute: sends 10 s apart, the 4th within a minute breaks it.
    contract: { invariants: [{ id: "rate", rule: { case: "rate", value: { action: "send", windowSeconds: 60, baseline: 2, comparison: Comparison.LESS_OR_EQUAL, threshold: 1.5 } } }] },
    violating: range(8, (i) => ({ action: "send", atMs: T0 + i * 10_000 })),
    firstCycle: 4,
    clean: range(40, (i) => ({ action: i % 2 === 0 ? "send" : "read", atMs: T0 + i * 15_000 })),
  },
  count: {
    // At most 3 distinct targets in 10 cycles: three in turn, a fourth at cycle 10.
    contract: { invariants: [{ id: "count", rule: { case: "count", value: { dimension: Dimension.TARGET, window: 10, comparison: Comparison.LESS_OR_EQUAL, threshold: 3 } } }] },
    violating: range(12, (i) => ({ target: i === 9 ? "t4" : `t${i % 3}` })),
    firstCycle: 10,
    clean: range(40, (i) => ({ target: `t${i % 3}` })),
  },
};

async function agentUnder(contract: Omit<ContractInit, "agentId">): Promise<string> {
  const id = await newAgent(c);
  await c.contracts.putContract({ contract: { ...contract, agentId: id } });
  return id;
}

describe.each(Object.entries(cases))("%s invariant", (type, k) => {
  const name = `invariant/${type}`;

  it("is violated on exactly the cycle the stream breaks it", async () => {
    const contracts = await run(c, await agentUnder(k.contract), k.violating);
    const cycles = cyclesWith(contracts, name);
    expect(cycles[0]).toBe(k.firstCycle);
    const first = contracts[k.firstCycle - 1]!.enforcement!.violations.find((v) => v.name === name)!;
    expect(first).toMatchObject({ sinceCycle: BigInt(k.firstCycle), restricting: false });
    expect(first.detail).not.toBe("");
  });

  it("is never violated by a stream that keeps it", async () => {
    const contracts = await run(c, await agentUnder(k.contract), k.clean);
    expect(contracts.every((x) => x.enforcement !== undefined)).toBe(true);
    expect(cyclesWith(contracts, name)).toEqual([]);
  });
});
