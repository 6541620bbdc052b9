// LLM tool calls through a guard: Anthropic `tool_use` blocks and OpenAI tool calls (chat
// completions' `tool_calls`, the Responses API's `function_call` items) in, the tool results to
// send back out — the same adapter as the Python SDK's keel_client.tool_calls. A refusal becomes a
// tool result the model can read and recover from (what was refused, why, which actions are allowed
// now) instead of an exception. The shapes are the vendors' plain JSON: no vendor SDK is needed,
// and their SDKs' objects fit.
//
//   messages.push({ role: "user", content: await runAnthropic(guard, response.content) });
//   messages.push(...(await runOpenAI(guard, completion.choices[0].message.tool_calls)));
//   input.push(...(await runOpenAIResponses(guard, response.output)));
import { KeelDenied, refusalText, type KeelGuard } from "./guard.js";

export interface ToolCallOptions {
  /** Turn an exception inside a tool into an error result too (default false: rethrown unchanged). */
  toolErrors?: boolean;
}

/** An Anthropic content block answering a `tool_use` block. */
export interface AnthropicToolResult {
  type: "tool_result";
  tool_use_id: string;
  content: string;
  is_error?: true;
}

/** An OpenAI chat completions message answering one of `tool_calls`. */
export interface OpenAIToolMessage {
  role: "tool";
  tool_call_id: string;
  content: string;
}

/** An OpenAI Responses API input item answering a `function_call` output item. */
export interface OpenAIFunctionCallOutput {
  type: "function_call_output";
  call_id: string;
  output: string;
}

interface ParsedCall {
  id: string;
  name: string;
  args: unknown;
}

type Shape<T> = (id: string, text: string, error: boolean) => T;

function parseArguments(id: string, raw: unknown): unknown {
  if (raw === undefined || raw === null || raw === "") return {};
  if (typeof raw !== "string") return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    throw new SyntaxError(`tool call ${id}: arguments are not JSON: ${(err as Error).message}`);
  }
}

function resultText(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    return String(value);
  }
}

async function run<T>(guard: KeelGuard, calls: ParsedCall[], shape: Shape<T>, options: ToolCallOptions): Promise<T[]> {
  const results: T[] = [];
  for (const { id, name, args } of calls) {
    if (!guard.has(name)) {
      results.push(shape(id, `ERROR: there is no tool named '${name}'.`, true));
      continue;
    }
    try {
      results.push(shape(id, resultText(await guard.call(name, args)), false));
    } catch (err) {
      if (err instanceof KeelDenied) {
        results.push(shape(id, refusalText(err), true));
      } else if (options.toolErrors) {
        const e = err instanceof Error ? err : new Error(String(err));
        results.push(shape(id, `ERROR: ${name} failed: ${e.name}: ${e.message}`, true));
      } else {
        throw err;
      }
    }
  }
  return results;
}

/**
 * Runs every `tool_use` block of an Anthropic message's content, in order (other blocks are
 * skipped); returns the `tool_result` blocks for the next user message.
 */
export async function runAnthropic<Block extends { readonly type: string }>(
  guard: KeelGuard,
  content: Iterable<Block>,
  options: ToolCallOptions = {},
): Promise<AnthropicToolResult[]> {
  const calls: ParsedCall[] = [];
  for (const block of content) {
    if (block.type !== "tool_use") continue;
    const b = block as { id?: unknown; name?: unknown; input?: unknown };
    calls.push({ id: String(b.id), name: String(b.name), args: b.input ?? {} });
  }
  return run(guard, calls, (id, text, error) => ({ type: "tool_result", tool_use_id: id, content: text, ...(error ? { is_error: true } : {}) }), options);
}

/**
 * Runs an OpenAI chat completions message's `tool_calls`, in order; returns the `role: "tool"`
 * messages. Arguments that are not JSON throw before any call runs.
 */
export async function runOpenAI<ToolCall extends { readonly id: string; readonly function?: { readonly name: string; readonly arguments: string } }>(
  guard: KeelGuard,
  toolCalls: Iterable<ToolCall> | null | undefined,
  options: ToolCallOptions = {},
): Promise<OpenAIToolMessage[]> {
  const calls: ParsedCall[] = [];
  for (const call of toolCalls ?? []) {
    if (call.function === undefined) continue; // a custom (non-function) tool call is not ours
    calls.push({ id: call.id, name: call.function.name, args: parseArguments(call.id, call.function.arguments) });
  }
  return run(guard, calls, (id, text) => ({ role: "tool", tool_call_id: id, content: text }), options);
}

/**
 * Runs the `function_call` items of an OpenAI Responses API output, in order (other items are
 * skipped); returns the `function_call_output` items for the next request's input.
 */
export async function runOpenAIResponses<Item extends { readonly type: string }>(
  guard: KeelGuard,
  output: Iterable<Item>,
  options: ToolCallOptions = {},
): Promise<OpenAIFunctionCallOutput[]> {
  const calls: ParsedCall[] = [];
  for (const item of output) {
    if (item.type !== "function_call") continue;
    const i = item as { call_id?: unknown; name?: unknown; arguments?: unknown };
    calls.push({ id: String(i.call_id), name: String(i.name), args: parseArguments(String(i.call_id), i.arguments) });
  }
  return run(guard, calls, (id, text) => ({ type: "function_call_output", call_id: id, output: text }), options);
}
