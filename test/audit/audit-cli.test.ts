// `keel audit verify` and the contract's restriction reasons, through a real server and the wire.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { MemoryStore } from "../../src/store/memory.js";
import type { LoggedCommit, Store } from "../../src/store/types.js";
import { startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
/** When set, the store's log reads come back edited, as after a database edit. */
let edit: ((log: LoggedCommit[]) => void) | null = null;

beforeAll(async () => {
  const memory = new MemoryStore();
  const store = new Proxy(memory, {
    get(target, prop) {
      if (prop === "readLog") {
        return async (t: string, id: string, after: number, limit: number) => {
          const log = await target.readLog(t, id, after, limit);
          edit?.(log);
          return log;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Store;
  server = await startTestServer({ store });
});
afterAll(async () => {
  await server.close();
});

async function keel(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io = {
    stdout: (t: string) => void (out += t),
    stderr: (t: string) => void (err += t),
    env: { KEEL_SERVER: server.baseUrl, KEEL_API_KEY: server.apiKey },
    readFile: (p: string) => readFileSync(p, "utf8"),
    now: () => 1_800_000_000_000,
  };
  return { code: await main(args, io), out, err };
}

describe("keel audit verify", () => {
  it("verifies a clean history, names a changed one, and refuses what it cannot check", async () => {
    const id = JSON.parse((await keel(["instance", "create", "--name", "audited"])).out).instance.id as string;
    for (const [mode, strength] of [["order", "0.6"], ["stress_response", "0.9"], ["stress_response", "0.95"], ["perception", "0.4"]]) {
      expect((await keel(["process", id, "--mode", mode!, "--strength", strength!, "--action", "read"])).code).toBe(0);
    }
    const clean = await keel(["audit", "verify", id]);
    expect(clean.code).toBe(0);
    const report = JSON.parse(clean.out);
    expect(report).toMatchObject({ verified: true, revision: "4", commitsVerified: "4", cyclesVerified: "4" });
    expect(report.headHash).toMatch(/^[0-9a-f]{64}$/);
    expect(report.recordedEngineVersionHashes).toEqual([report.engineVersionHash]);

    edit = (log) => {
      for (const c of log) if (c.revision === 3) c.history[0]!.signalStrength = 0.1;
    };
    try {
      const changed = await keel(["audit", "verify", id]);
      expect(changed.code).toBe(1);
      expect(JSON.parse(changed.out)).toMatchObject({ cyclesVerified: "2", difference: { revision: "3", seq: 0 } });
      expect(changed.err).toContain(`the history of ${id} differs at revision 3`);
    } finally {
      edit = null;
    }

    expect((await keel(["audit", "verify"])).code).toBe(2);
    const missing = await keel(["audit", "verify", "inst_ffffffffffffffff"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("NOT_FOUND");
  });

  it("shows why every action outside the allowed set is not allowed, and the engine version", async () => {
    const id = JSON.parse((await keel(["instance", "create", "--name", "stressed"])).out).instance.id as string;
    for (let i = 0; i < 10; i++) await keel(["process", id, "--mode", "stress_response", "--strength", "1"]);
    const contract = JSON.parse((await keel(["contract-of", id])).out).contract;
    expect(contract.currentStressLevel).toBe("STRESS_LEVEL_OVER");
    expect(contract.engineVersionHash).toMatch(/^[0-9a-f]{64}$/);
    const restricted = contract.restrictions.map((r: { action: string }) => r.action);
    expect(restricted).toContain("ACTION_EXECUTE");
    expect(restricted).toContain("ACTION_IDENTITY_OVERRIDE");
    for (const r of contract.restrictions) {
      expect(r.causes.length).toBeGreaterThan(0);
      expect(contract.allowedActions).not.toContain(r.action);
    }
    expect(contract.restrictions.find((r: { action: string }) => r.action === "ACTION_EXECUTE").causes).toEqual([
      "RESTRICTION_CAUSE_STRESS",
      "RESTRICTION_CAUSE_HARD_LOCK",
    ]);
  });
});

describe("a SUM invariant over observation amounts, end to end", () => {
  it("reports the window's spend as a violation, keeps the amount in history, and verifies", async () => {
    const id = JSON.parse((await keel(["instance", "create", "--name", "spender"])).out).instance.id as string;
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(mkdtempSync(join(tmpdir(), "keel-sum-")), "c.json");
    writeFileSync(
      file,
      JSON.stringify({
        agentId: id,
        invariants: [{ id: "spend", sum: { action: "refund", windowSeconds: 3600, comparison: "COMPARISON_LESS_OR_EQUAL", threshold: 100 } }],
      }),
    );
    expect((await keel(["contract", "put", file])).code).toBe(0);
    const at = (s: number) => new Date(1_790_000_000_000 + s * 1000).toISOString();
    const spend = async (amount: string, s: number) =>
      JSON.parse((await keel(["process", id, "--mode", "order", "--strength", "0.5", "--action", "refund", "--amount", amount, "--at", at(s)])).out).outcome
        .contract.enforcement;
    expect((await spend("60", 0)).violations ?? []).toEqual([]);
    const over = await spend("45.5", 10);
    expect(over.violations).toEqual([expect.objectContaining({ name: "invariant/spend", value: 105.5, threshold: 100 })]);
    expect((await spend("1", 4000)).violations ?? []).toEqual([]); // both earlier refunds left the hour
    const bad = await keel(["process", id, "--mode", "order", "--strength", "0.5", "--amount", "1e12"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("observation.amount");
    const history = JSON.parse((await keel(["audit", "verify", id])).out);
    expect(history).toMatchObject({ verified: true, cyclesVerified: "3" });
  });
});
