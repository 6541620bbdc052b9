// KeelGuard against the real server: declaration checks, one observation per call, refusals that
// never run the tool and name the contract's causes, tool errors rethrown unchanged, fail-closed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Code, ConnectError, createKeelClient, KeelDenied, KeelGuard, KeelUnreachable, refusalText, type KeelClient, type KeelSession } from "../src/index.js";
import { startTestServer, type TestServer } from "../../../test/support/server.js";

let server: TestServer;
let keel: KeelClient;

beforeAll(async () => {
  server = await startTestServer();
  keel = createKeelClient({ baseUrl: server.baseUrl, apiKey: server.apiKey });
});
afterAll(async () => {
  keel?.close();
  await server?.close();
});

async function reported(id: string): Promise<[string, string, string][]> {
  const page = await keel.engine.getHistory(id);
  return page.entries.map((h) => [h.observation?.action ?? "", h.observation?.target ?? "", h.observation?.outcome ?? ""] as [string, string, string]).reverse();
}

async function stressed(session: KeelSession): Promise<void> {
  for (let i = 0; i < 2; i++) await session.send({ mode: "stress_response", signalStrength: 0.95 });
}

describe("KeelGuard", () => {
  it("refuses an unknown mode or action when the tool is declared", async () => {
    const session = await keel.engine.session((await keel.instances.create({ name: "g1" })).id);
    const guard = new KeelGuard(session);
    expect(() => guard.tool({ name: "refund", mode: "order", action: "refund" as never }, () => 1)).toThrow(/unknown Keel action "refund"/);
    expect(() => guard.tool({ name: "x", mode: "greedy" as never, action: "execute" }, () => 1)).toThrow(/unknown mode "greedy"/);
    expect(guard.has("refund")).toBe(false);
    await session.close();
  });

  it("runs an allowed call and reports it once; refuses without running; rethrows tool errors unchanged", async () => {
    const id = (await keel.instances.create({ name: "g2" })).id;
    const session = await keel.engine.session(id);
    const guard = new KeelGuard(session, { scope: ["orders/"] });
    const ran: string[] = [];
    const refund = guard.tool({ name: "refund", mode: "order", action: "execute", target: "orderId" }, (a: { orderId: string; amount: number }) => {
      ran.push(a.orderId);
      return `refunded ${a.amount}`;
    });
    const boom = new RangeError("no such order");
    const lookup = guard.tool({ name: "lookup", mode: "perception", action: "explore", target: (a: { id: string }) => a.id }, () => {
      throw boom;
    });
    expect(await refund({ orderId: "orders/1", amount: 5 })).toBe("refunded 5");
    expect(session.lastAcknowledged).toBe(1n);
    await expect(refund({ orderId: "payroll/1", amount: 5 })).rejects.toThrow(/outside the declared scope/);
    await expect(lookup({ id: "orders/404" })).rejects.toBe(boom);
    await stressed(session);
    const denied = await refund({ orderId: "orders/2", amount: 480 }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(KeelDenied);
    expect((denied as KeelDenied).reasons[0]).toMatch(/^action 'execute' is not allowed: stress/);
    expect((denied as KeelDenied).causes).toEqual(["stress"]);
    expect(refusalText(denied as KeelDenied)).toMatch(/^REFUSED: refund was not run\..*defer/);
    expect(ran).toEqual(["orders/1"]);
    expect(await guard.call("refund", { orderId: "orders/3", amount: 1 }).catch((e: unknown) => e)).toBeInstanceOf(KeelDenied);
    expect((await reported(id)).filter(([a]) => a !== "")).toEqual([
      ["refund", "orders/1", "success"],
      ["refund", "payroll/1", "denied"],
      ["lookup", "orders/404", "error:RangeError"],
      ["refund", "orders/2", "denied"],
      ["refund", "orders/3", "denied"],
    ]);
    await session.close();
  });

  it("precheck checks without running: nothing reported when allowed, the refusal reported once; later arguments pass through", async () => {
    const id = (await keel.instances.create({ name: "g4" })).id;
    const session = await keel.engine.session(id);
    const guard = new KeelGuard(session);
    const refund = guard.tool({ name: "refund", mode: "order", action: "execute", target: "orderId" }, (a: { orderId: string }, context: { user: string }) => `${a.orderId} for ${context.user}`);
    expect(await guard.precheck("refund", { orderId: "orders/1" })).toBeUndefined();
    expect(await refund({ orderId: "orders/1" }, { user: "ada" })).toBe("orders/1 for ada");
    await stressed(session);
    const denied = await guard.precheck("refund", { orderId: "orders/2" });
    expect(denied).toBeInstanceOf(KeelDenied);
    expect(denied!.causes).toEqual(["stress"]);
    await expect(guard.precheck("wire", {})).rejects.toThrow(/no guarded tool named "wire"/);
    expect((await reported(id)).filter(([a]) => a !== "")).toEqual([
      ["refund", "orders/1", "success"],
      ["refund", "orders/2", "denied"],
    ]);
    await session.close();
  });

  it("fails closed while Keel cannot be reached, keeping what it could not report", async () => {
    const contract = (await keel.engine.process((await keel.instances.create({ name: "g3" })).id, { mode: "perception", signalStrength: 0.5 })).contract;
    let up = true;
    const sent: string[] = [];
    const session = {
      contract,
      async send(o: { outcome?: string }) {
        if (!up) throw new ConnectError("connection refused", Code.Unavailable);
        sent.push(o.outcome ?? "");
        return { contract } as never;
      },
    };
    const guard = new KeelGuard(session);
    const ran: string[] = [];
    const refund = guard.tool({ name: "refund", mode: "order", action: "execute" }, () => ran.push("refund"));
    const lookup = guard.tool({ name: "lookup", mode: "perception", action: "explore", failOpen: true }, () => ran.push("lookup"));
    up = false;
    await refund({});
    expect(guard.pending.length).toBe(1);
    await expect(refund({})).rejects.toBeInstanceOf(KeelUnreachable);
    expect(await guard.precheck("refund", {})).toBeInstanceOf(KeelUnreachable);
    expect(await guard.precheck("lookup", {})).toBeUndefined();
    await lookup({});
    expect(ran).toEqual(["refund", "lookup"]);
    up = true;
    await refund({});
    expect(sent).toEqual(["success", "success", "success"]);
    expect(guard.pending.length).toBe(0);
  });
});
