// The server span of a call, set by the call interceptor when tracing is on, for handlers to pass
// to the service so the cycle and commit spans become its children (src/tracing/tracing.ts).
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { CallTrace } from "../tracing/tracing.js";

export const callTraceKey = createContextKey<CallTrace | undefined>(undefined, { description: "keel call trace" });

/** The call's trace, or undefined when tracing is off. */
export function callTraceOf(ctx: HandlerContext): CallTrace | undefined {
  return ctx.values.get(callTraceKey);
}
