// keelTool / keelGuardrail with the real @openai/agents package: its Runner drives an Agent whose
// model is scripted (a Model returning canned tool calls: no network, no weights), against a real
// Keel server.
import { Agent, Runner, setTracingDisabled, Usage, type Model, type ModelRequest, type ModelResponse } from "@openai/agents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createKeelClient, KeelGuard, type KeelClient } from "../src/index.js";
import { keelTool } from "../src/openai-agents.js";
import { startTestServer, type TestServer } from "../../../test/support/server.js";

setTracingDisabled(true); // no trace export: tests stay on loopback

/** Answers each turn with the next scripted tool call, then a final message; records the tool outputs it was shown. */
class ScriptedModel implements Model {
  readonly outputs = new Map<string, string>(); // call id -> the tool output the model was shown
  private turn = 0;

  constructor(private readonly calls: [string, unknown][]) {}

  get seen(): string[] {
    return [...this.outputs.values()];
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    for (const item of Array.isArray(request.input) ? request.input : []) {
      if (item.type === "function_call_result") {
        const out = item.output;
        this.outputs.set(item.callId, typeof out === "string" ? out : "text" in out ? out.text : JSON.stringify(out));
      }
    }
    const next = this.calls.shift();
    this.turn += 1;
    const output: ModelResponse["output"] =
      next === undefined
        ? [{ type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "done" }] }]
        : [{ type: "function_call", id: `fc_${this.turn}`, callId: `call_${this.turn}`, name: next[0], arguments: typeof next[1] === "string" ? next[1] : JSON.stringify(next[1]), status: "completed" }];
    return { usage: new Usage(), output };
  }

  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error("the scripted model does not stream");
  }
}

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

describe("OpenAI Agents SDK (JS): keelTool", () => {
  it("runs allowed calls through the guard; a refusal comes from the Keel tool guardrail, before the tool, as text the model reads", async () => {
    const id = (await keel.instances.create({ name: "oa-js" })).id;
    const session = await keel.engine.session(id);
    const guard = new KeelGuard(session);
    const ran: string[] = [];
    const refund = keelTool(
      guard,
      {
        name: "refund",
        description: "Refund an order.",
        parameters: z.object({ orderId: z.string(), amount: z.number() }),
        execute: ({ orderId, amount }) => {
          ran.push(orderId);
          return `refunded ${amount} on ${orderId}`;
        },
      },
      { mode: "order", action: "execute", target: "orderId" },
    );
    const escalate = keelTool(
      guard,
      {
        name: "escalate",
        description: "Hand the conversation to a human.",
        parameters: z.object({ reason: z.string() }),
        execute: ({ reason }) => {
          ran.push("escalate");
          return `ticket opened: ${reason}`;
        },
      },
      { mode: "connection", action: "defer" },
    );
    expect(refund.name).toBe("refund");
    expect(Object.keys((refund.parameters as { properties: object }).properties)).toEqual(["orderId", "amount"]);
    expect(guard.has("refund") && guard.has("escalate")).toBe(true);
    const runner = new Runner({ tracingDisabled: true });

    let model = new ScriptedModel([["refund", { orderId: "orders/1", amount: 5 }]]);
    let result = await runner.run(new Agent({ name: "support", model, tools: [refund, escalate] }), "refund me");
    expect(result.finalOutput).toBe("done");
    expect(model.seen).toEqual(["refunded 5 on orders/1"]);

    for (let i = 0; i < 2; i++) await session.send({ mode: "stress_response", signalStrength: 0.95 });
    model = new ScriptedModel([
      ["refund", { orderId: "orders/2", amount: 480 }],
      ["escalate", { reason: "big refund" }],
    ]);
    result = await runner.run(new Agent({ name: "support", model, tools: [refund, escalate] }), "refund me 480");
    const rejected = result.toolInputGuardrailResults.filter((r) => r.output.behavior.type === "rejectContent");
    expect(rejected.length).toBe(1);
    expect(rejected[0]!.guardrail.name).toBe("keel");
    expect(rejected[0]!.output.outputInfo.reasons[0]).toMatch(/^action 'execute' is not allowed: stress/);
    expect(rejected[0]!.output.outputInfo.causes).toEqual(["stress"]);
    expect(model.seen[0]).toMatch(/^REFUSED: refund was not run\..*defer/);
    expect(model.seen[1]).toBe("ticket opened: big refund");
    expect(result.finalOutput).toBe("done");
    expect(ran).toEqual(["orders/1", "escalate"]);

    const page = await keel.engine.getHistory(id);
    const outcomes = page.entries.map((h) => [h.observation?.action ?? "", h.observation?.outcome ?? ""]).filter(([a]) => a !== "").reverse();
    expect(outcomes).toEqual([
      ["refund", "success"],
      ["refund", "denied"],
      ["escalate", "success"],
    ]);
    await session.close();
  });

  it("a tool's exception is reported as its outcome and reaches the Agents SDK unchanged", async () => {
    const id = (await keel.instances.create({ name: "oa-js-err" })).id;
    const session = await keel.engine.session(id);
    const guard = new KeelGuard(session);
    const boom = new RangeError("no such order");
    let seenByErrorFunction: unknown;
    const lookup = keelTool(
      guard,
      {
        name: "lookup",
        description: "Look an order up.",
        parameters: z.object({ orderId: z.string() }),
        execute: () => {
          throw boom;
        },
        errorFunction: (_context, error) => {
          seenByErrorFunction = error;
          return "lookup failed";
        },
      },
      { mode: "perception", action: "explore", target: "orderId" },
    );
    const model = new ScriptedModel([
      ["lookup", "{orderId: oops"], // malformed arguments: the SDK answers them before the guardrail; nothing runs or is reported
      ["lookup", { orderId: "orders/404" }],
    ]);
    const result = await new Runner({ tracingDisabled: true }).run(new Agent({ name: "support", model, tools: [lookup] }), "where is my order");
    expect(result.finalOutput).toBe("done");
    expect(seenByErrorFunction).toBe(boom);
    expect(model.seen.length).toBe(2);
    expect(model.seen[1]).toBe("lookup failed");
    const page = await keel.engine.getHistory(id);
    expect(page.entries.map((h) => [h.observation?.action, h.observation?.target, h.observation?.outcome])).toEqual([["lookup", "orders/404", "error:RangeError"]]);
    await session.close();
  });
});
