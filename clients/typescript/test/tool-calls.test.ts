// LLM tool calls through a KeelGuard against the real server: Anthropic tool_use blocks, OpenAI
// chat tool_calls and Responses function_call items in, the vendors' result shapes out; a refusal
// is a result the model reads (the tool did not run), a tool's exception is rethrown unchanged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeelClient, KeelGuard, runAnthropic, runOpenAI, runOpenAIResponses, type KeelClient, type KeelSession } from "../src/index.js";
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

async function guarded(name: string): Promise<{ id: string; session: KeelSession; guard: KeelGuard; ran: string[]; boom: RangeError }> {
  const id = (await keel.instances.create({ name })).id;
  const session = await keel.engine.session(id);
  const guard = new KeelGuard(session);
  const ran: string[] = [];
  const boom = new RangeError("backend down");
  guard.tool({ name: "refund", mode: "order", action: "execute", target: "order_id" }, (a: { order_id: string; amount: number }) => {
    ran.push(a.order_id);
    return { refunded: a.amount, order: a.order_id };
  });
  guard.tool({ name: "escalate", mode: "perception", action: "defer" }, (a: { reason: string }) => {
    ran.push("escalate");
    return `ticket opened: ${a.reason}`;
  });
  guard.tool({ name: "broken", mode: "perception", action: "defer" }, () => {
    throw boom;
  });
  return { id, session, guard, ran, boom };
}

async function stress(session: KeelSession): Promise<void> {
  for (let i = 0; i < 2; i++) await session.send({ mode: "stress_response", signalStrength: 0.95 });
}

async function outcomes(id: string): Promise<[string, string][]> {
  const page = await keel.engine.getHistory(id);
  return page.entries.map((h) => [h.observation?.action ?? "", h.observation?.outcome ?? ""] as [string, string]).filter(([a]) => a !== "").reverse();
}

describe("LLM tool-call adapters", () => {
  it("Anthropic: runs tool_use blocks in order, answers tool_result blocks, a refusal is an is_error result", async () => {
    const { id, session, guard, ran, boom } = await guarded("anthropic");
    const first = await runAnthropic(guard, [
      { type: "text", text: "Let me refund that." },
      { type: "tool_use", id: "toolu_1", name: "refund", input: { order_id: "orders/1", amount: 5 } },
      { type: "tool_use", id: "toolu_2", name: "wire_money", input: {} },
    ]);
    expect(first).toEqual([
      { type: "tool_result", tool_use_id: "toolu_1", content: '{"refunded":5,"order":"orders/1"}' },
      { type: "tool_result", tool_use_id: "toolu_2", content: "ERROR: there is no tool named 'wire_money'.", is_error: true },
    ]);
    await stress(session);
    const [refused, escalated] = await runAnthropic(guard, [
      { type: "tool_use", id: "toolu_3", name: "refund", input: { order_id: "orders/2", amount: 480 } },
      { type: "tool_use", id: "toolu_4", name: "escalate", input: { reason: "big refund" } },
    ]);
    expect(refused).toMatchObject({ type: "tool_result", tool_use_id: "toolu_3", is_error: true });
    expect(refused!.content).toMatch(/^REFUSED: refund was not run\. Keel refused the action 'execute' now: action 'execute' is not allowed: stress.*Actions allowed now: .*defer/);
    expect(escalated).toEqual({ type: "tool_result", tool_use_id: "toolu_4", content: "ticket opened: big refund" });
    expect(ran).toEqual(["orders/1", "escalate"]);

    await expect(runAnthropic(guard, [{ type: "tool_use", id: "toolu_5", name: "broken", input: {} }])).rejects.toBe(boom);
    const asResult = await runAnthropic(guard, [{ type: "tool_use", id: "toolu_6", name: "broken", input: {} }], { toolErrors: true });
    expect(asResult).toEqual([{ type: "tool_result", tool_use_id: "toolu_6", content: "ERROR: broken failed: RangeError: backend down", is_error: true }]);
    expect(await outcomes(id)).toEqual([
      ["refund", "success"],
      ["refund", "denied"],
      ["escalate", "success"],
      ["broken", "error:RangeError"],
      ["broken", "error:RangeError"],
    ]);
    await session.close();
  });

  it("OpenAI chat completions: tool_calls with JSON arguments in, role tool messages out; bad JSON runs nothing", async () => {
    const { session, guard, ran } = await guarded("openai-chat");
    const call = (id: string, name: string, args: string) => ({ id, type: "function", function: { name, arguments: args } });
    expect(await runOpenAI(guard, [call("call_1", "refund", '{"order_id":"orders/1","amount":5}'), call("call_2", "escalate", '{"reason":"x"}')])).toEqual([
      { role: "tool", tool_call_id: "call_1", content: '{"refunded":5,"order":"orders/1"}' },
      { role: "tool", tool_call_id: "call_2", content: "ticket opened: x" },
    ]);
    expect(await runOpenAI(guard, null)).toEqual([]);
    await expect(runOpenAI(guard, [call("call_3", "escalate", '{"reason":"y"}'), call("call_4", "refund", "{order_id:")])).rejects.toThrow(
      /tool call call_4: arguments are not JSON/,
    );
    await stress(session);
    const [refused] = await runOpenAI(guard, [call("call_5", "refund", '{"order_id":"orders/2","amount":480}')]);
    expect(refused).toMatchObject({ role: "tool", tool_call_id: "call_5" });
    expect(refused!.content).toMatch(/^REFUSED: refund was not run\./);
    expect(ran).toEqual(["orders/1", "escalate"]);
    await session.close();
  });

  it("OpenAI Responses API: function_call items in, function_call_output items out, other items skipped", async () => {
    const { session, guard, ran } = await guarded("openai-responses");
    await stress(session);
    const out = await runOpenAIResponses(guard, [
      { type: "reasoning", id: "rs_1", summary: [] },
      { type: "function_call", id: "fc_1", call_id: "call_a", name: "refund", arguments: '{"order_id":"orders/9","amount":480}', status: "completed" },
      { type: "function_call", id: "fc_2", call_id: "call_b", name: "escalate", arguments: '{"reason":"refund refused"}', status: "completed" },
      { type: "message", id: "msg_1", role: "assistant", content: [] },
    ]);
    expect(out.map((o) => [o.type, o.call_id])).toEqual([
      ["function_call_output", "call_a"],
      ["function_call_output", "call_b"],
    ]);
    expect(out[0]!.output).toMatch(/^REFUSED: refund was not run\..*not allowed: stress/);
    expect(out[1]!.output).toBe("ticket opened: refund refused");
    expect(ran).toEqual(["escalate"]);
    await session.close();
  });
});
