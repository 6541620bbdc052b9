// OpenAI Agents SDK for JavaScript (@openai/agents, an optional peer dependency): Keel-guarded
// function tools with a tool input guardrail — the same integration as the Python SDK's
// keel_client.integrations.openai_agents.
//
//   import { keelTool } from "@keel/client/openai-agents";
//   const refund = keelTool(guard, { name: "refund", description: "Refund an order", parameters: z.object({ orderId: z.string() }), execute: doRefund },
//                           { mode: "order", action: "execute", target: "orderId" });
//   const agent = new Agent({ name: "support", tools: [refund] });
//
// Before the tool runs, the guardrail checks the call against the agent's contract and, on a
// refusal (reported to Keel), rejects it with text the model reads and recovers from. An allowed
// call runs through the guard: the tool, then one observation with its outcome.
import {
  defineToolInputGuardrail,
  tool,
  ToolGuardrailFunctionOutputFactory,
  type FunctionTool,
  type ToolExecuteArgument,
  type ToolInputGuardrailDefinition,
  type ToolInputParameters,
  type ToolOptions,
  type UnknownContext,
} from "@openai/agents";
import { KeelDenied, refusalText, type KeelGuard, type ToolDeclaration } from "./guard.js";

/** A tool input guardrail checking any tool declared on `guard` (others pass untouched). */
export function keelGuardrail<Context = UnknownContext>(guard: KeelGuard): ToolInputGuardrailDefinition<Context> {
  return defineToolInputGuardrail<Context>({
    name: "keel",
    run: async ({ toolCall }) => {
      if (!guard.has(toolCall.name)) return ToolGuardrailFunctionOutputFactory.allow();
      const denied = await guard.precheck(toolCall.name, JSON.parse(toolCall.arguments || "{}"));
      if (denied === undefined) return ToolGuardrailFunctionOutputFactory.allow();
      return ToolGuardrailFunctionOutputFactory.rejectContent(refusalText(denied), { reasons: denied.reasons, causes: denied.causes });
    },
  });
}

/**
 * Declares the tool on the guard (mode, action, target as KeelGuard.tool takes them) and returns
 * it as a FunctionTool carrying keelGuardrail. `options` are `tool()`'s, with a name.
 */
export function keelTool<TParameters extends ToolInputParameters, Context = UnknownContext>(
  guard: KeelGuard,
  options: ToolOptions<TParameters, Context> & { name: string },
  declaration: Omit<ToolDeclaration<ToolExecuteArgument<TParameters>>, "name">,
): FunctionTool<Context, TParameters, unknown> {
  type Execute = (input: ToolExecuteArgument<TParameters>, ...rest: unknown[]) => unknown;
  const guarded = guard.tool({ ...declaration, name: options.name }, options.execute as Execute);
  const execute: Execute = async (input, ...rest) => {
    // A refusal between the guardrail's check and the run (the contract changed) is still text.
    try {
      return await guarded(input, ...rest);
    } catch (err) {
      if (err instanceof KeelDenied) return refusalText(err);
      throw err;
    }
  };
  return tool({
    ...options,
    inputGuardrails: [...(options.inputGuardrails ?? []), keelGuardrail<Context>(guard)],
    execute,
  } as ToolOptions<TParameters, Context>) as FunctionTool<Context, TParameters, unknown>;
}
