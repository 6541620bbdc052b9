// Verified replay over the in-process store: a clean history (batches, a D3 rollback, contract
// changes, both resets) verifies; any single changed, deleted, reordered or inserted record is
// found and named. The stored log is altered the way a database edit would alter it, then read
// back through the Store interface the verifier uses.
import { beforeAll, describe, expect, it } from "vitest";
import type { AgentService } from "../../src/service/agent-service.js";
import { MemoryStore } from "../../src/store/memory.js";
import type { LoggedCommit, Store, StoredState } from "../../src/store/types.js";
import { TENANT, buildHistory, services } from "./history-builder.js";

let store: MemoryStore;
let agents: AgentService;
let id: string;
let log: LoggedCommit[];

beforeAll(async () => {
  store = new MemoryStore();
  const s = services(store);
  agents = s.agents;
  ({ id } = await buildHistory(s.agents, s.registry));
  log = await store.readLog(TENANT, id, 0, 1e9);
});

/** The same store, but its log (and optionally its head) as edited by `edit`. */
function edited(edit: (log: LoggedCommit[]) => LoggedCommit[], head?: (h: StoredState) => StoredState): AgentService {
  const copy = edit(structuredClone(log));
  const view = new Proxy(store, {
    get(target, prop) {
      if (prop === "readLog") {
        return async (_t: string, _id: string, after: number, limit: number) => copy.filter((c) => c.revision > after).slice(0, limit);
      }
      if (prop === "loadState" && head) return async (t: string, i: string) => head((await target.loadState(t, i))!);
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Store;
  return services(view).agents;
}

/** Index of the first commit with cycles under a contract (its outcome carries enforcement), and of a reset. */
const commitWith = (p: (c: LoggedCommit) => boolean) => log.findIndex(p);
const enforced = () => commitWith((c) => c.history.length > 1 && c.history.some((h) => "enforcement" in h.result.contract));

describe("a clean history", () => {
  it("verifies across batches, a D3 rollback, two contract versions and both resets", async () => {
    expect(log.some((c) => c.history.some((h) => h.result.rolledBack))).toBe(true);
    expect(log.filter((c) => c.audit?.reset).map((c) => c.audit!.reset!.target)).toEqual(["last_snapshot", "initial"]);
    const versions = new Set(log.flatMap((c) => c.history.map((h) => (h.result.contract as { enforcement?: { contractVersion: number } }).enforcement?.contractVersion)));
    expect(versions).toEqual(new Set([undefined, 1, 2]));
    const r = await agents.verifyHistory(TENANT, id);
    expect(r.difference).toBeNull();
    expect(r).toMatchObject({ cycles: 300, resets: 2, commits: log.length, revision: log.length });
    expect(r.head).toBe(log.at(-1)!.audit!.head);
    expect(r.engineVersions).toEqual([r.engineVersion]);
  });

  it("chains every cycle to the one before it, in the same commit", () => {
    const hashes = log.flatMap((c) => [...c.history.map((h) => h.hash), ...(c.audit?.reset ? [c.audit.reset.hash] : [])]);
    expect(hashes.every((h) => typeof h === "string" && /^[0-9a-f]{64}$/.test(h))).toBe(true);
    expect(new Set(hashes).size).toBe(hashes.length);
    for (const c of log) expect(c.audit!.head).toBe(c.history.at(-1)?.hash ?? c.audit!.reset!.hash);
  });
});

describe("a tampered history", () => {
  const verify = (a: AgentService) => a.verifyHistory(TENANT, id).then((r) => r.difference);

  it("names a changed outcome, with the field", async () => {
    const k = enforced();
    const d = await verify(
      edited((l) => {
        l[k]!.history[1]!.result.contract.allowedActions = ["execute"];
        return l;
      }),
    );
    expect(d).toMatchObject({ revision: log[k]!.revision, seq: 1, field: "outcome.contract.allowedActions" });
    expect(d!.found).toBe('["execute"]');
    expect(d!.message).toContain("was changed");
  });

  it("names a changed observation", async () => {
    const k = enforced();
    const d = await verify(
      edited((l) => {
        l[k]!.history[0]!.signalStrength = 0.123;
        return l;
      }),
    );
    expect(d).toMatchObject({ revision: log[k]!.revision, seq: 0 });
    expect(["hash"].includes(d!.field) || d!.field.startsWith("outcome.")).toBe(true);
  });

  it("names a changed observation tag that the outcome does not show", async () => {
    const d = await verify(
      edited((l) => {
        l[3]!.history[0]!.processedAtMs += 1;
        return l;
      }),
    );
    expect(d).toMatchObject({ revision: 4, seq: 0, field: "hash" });
  });

  it("names a changed hash", async () => {
    const d = await verify(
      edited((l) => {
        l[10]!.history[0]!.hash = "f".repeat(64);
        return l;
      }),
    );
    expect(d).toMatchObject({ revision: 11, seq: 0, field: "hash", found: "f".repeat(64) });
  });

  it("names a deleted commit", async () => {
    const d = await verify(edited((l) => l.filter((c) => c.revision !== 20)));
    expect(d).toMatchObject({ revision: 20, field: "revision", expected: "20", found: "21" });
    expect(d!.message).toContain("missing");
  });

  it("names the last commit deleted", async () => {
    const d = await verify(edited((l) => l.slice(0, -1)));
    expect(d).toMatchObject({ revision: log.length, field: "revision" });
  });

  it("names a cycle deleted from a batch", async () => {
    const k = enforced();
    const d = await verify(
      edited((l) => {
        l[k]!.history.splice(2, 1);
        return l;
      }),
    );
    expect(d).toMatchObject({ revision: log[k]!.revision, seq: 2, field: "seq" });
  });

  it("names a cycle deleted and the rest renumbered", async () => {
    const k = enforced();
    const d = await verify(
      edited((l) => {
        l[k]!.history.splice(2, 1);
        l[k]!.history.forEach((h, i) => (h.seq = i));
        return l;
      }),
    );
    expect(d).toMatchObject({ revision: log[k]!.revision, seq: 2, field: "cycle" });
  });

  it("names two cycles of a batch swapped", async () => {
    const k = enforced();
    const d = await verify(
      edited((l) => {
        const h = l[k]!.history;
        [h[3], h[4]] = [h[4]!, h[3]!];
        return l;
      }),
    );
    expect(d).toMatchObject({ revision: log[k]!.revision, seq: 3, field: "seq" });
  });

  it("names two commits swapped", async () => {
    const d = await verify(
      edited((l) => {
        [l[30]!.history, l[31]!.history] = [l[31]!.history, l[30]!.history];
        return l;
      }),
    );
    expect(d).toMatchObject({ revision: 31, seq: 0, field: "seq" });
  });

  it("names an inserted cycle", async () => {
    const k = enforced();
    const d = await verify(
      edited((l) => {
        const h = l[k]!.history;
        h.splice(1, 0, structuredClone(h[0]!));
        return l;
      }),
    );
    expect(d).toMatchObject({ revision: log[k]!.revision, seq: 1, field: "seq" });
  });

  it("names an inserted cycle filed with correct keys", async () => {
    const d = await verify(
      edited((l) => {
        const forged = structuredClone(l[4]!.history[0]!);
        forged.revision = 6;
        l[5]!.history = [forged];
        return l;
      }),
    );
    expect(d).toMatchObject({ revision: 6, seq: 0 });
  });

  it("names a changed reset", async () => {
    const k = commitWith((c) => c.audit?.reset?.target === "initial");
    const d = await verify(
      edited((l) => {
        l[k]!.committedAtMs += 1;
        return l;
      }),
    );
    expect(d).toMatchObject({ revision: log[k]!.revision, seq: null, field: "hash" });
  });

  it("names a reset that restored another snapshot", async () => {
    const k = commitWith((c) => c.audit?.reset?.target === "last_snapshot");
    const d = await verify(
      edited((l) => {
        l[k]!.audit!.reset!.snapshot = { revision: 1, seq: 0 };
        return l;
      }),
    );
    expect(d).toMatchObject({ revision: log[k]!.revision, field: "reset.snapshot" });
  });

  it("names a removed snapshot", async () => {
    const k = commitWith((c) => c.snapshots.length > 0);
    const d = await verify(
      edited((l) => {
        l[k]!.snapshots = [];
        return l;
      }),
    );
    expect(d).toMatchObject({ revision: log[k]!.revision, field: "snapshot" });
  });

  it("names a changed current state", async () => {
    const d = await verify(edited((l) => l, (h) => ({ ...h, state: { ...h.state, energy: 0.01 } })));
    expect(d).toMatchObject({ revision: log.length, field: "head.state" });
  });

  it("names a contract version changed in the contract store", async () => {
    // A store whose contract version 1 was edited: the version enforced no longer matches it.
    const view = new Proxy(store, {
      get(target, prop) {
        if (prop === "contracts") {
          return new Proxy(target.contracts, {
            get(c, p) {
              if (p === "contractVersion") {
                return async (t: string, agent: string, v: number) => {
                  const found = await c.contractVersion(t, agent, v);
                  return found && { ...found, initialTrust: 0.55 };
                };
              }
              const value = Reflect.get(c, p, c);
              return typeof value === "function" ? value.bind(c) : value;
            },
          });
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as Store;
    const d = await services(view).agents.verifyHistory(TENANT, id).then((r) => r.difference);
    expect(d).toMatchObject({ field: "contract" });
    expect(d!.message).toContain("contract version 1");
  });
});
