"""OpenAI Agents SDK: Keel-guarded function tools with a tool input guardrail
(`pip install keel-client[openai-agents]`).

    from keel_client.integrations.openai_agents import keel_tool
    agent = Agent(name="support", tools=[keel_tool(guard, refund, mode="order", action="execute", target="order_id")])

`keel_tool` builds a FunctionTool from a plain function (its schema from the signature and
docstring, as `function_tool` does) carrying `keel_guardrail(guard)` as a tool input guardrail:
before the tool runs, the guardrail checks the call against the agent's contract and, on a
refusal (reported to Keel), rejects it with text the model reads and recovers from. An allowed
call runs through the guard (the tool, then one observation with its outcome).
"""
from __future__ import annotations

import functools
import json
from typing import Any, Callable, Optional, Union

from agents import FunctionTool, ToolGuardrailFunctionOutput, ToolInputGuardrail, ToolInputGuardrailData, function_tool, tool_input_guardrail

from keel_client._enums import Mode
from keel_client.guard import AsyncGuard, Guard, KeelDenied, TargetSpec
from keel_client.tool_calls import refusal_text


def keel_guardrail(guard: Union[Guard, AsyncGuard]) -> ToolInputGuardrail[Any]:
    """A tool input guardrail checking any tool declared on `guard` (others pass untouched)."""

    async def check(data: ToolInputGuardrailData) -> ToolGuardrailFunctionOutput:
        name = data.context.tool_name
        if name not in guard.tools:
            return ToolGuardrailFunctionOutput.allow()
        args = json.loads(data.context.tool_arguments or "{}")
        if isinstance(guard, AsyncGuard):
            denied = await guard.precheck(name, **args)
        else:
            denied = guard.precheck(name, **args)
        if denied is None:
            return ToolGuardrailFunctionOutput.allow()
        return ToolGuardrailFunctionOutput.reject_content(refusal_text(denied), output_info={"reasons": denied.reasons, "causes": denied.causes})

    return tool_input_guardrail(name="keel")(check)


def keel_tool(guard: Union[Guard, AsyncGuard], fn: Callable[..., Any], *, mode: Union[Mode, int, str], action: str,
              target: TargetSpec = None, operation: Optional[str] = None, strength: float = 0.5,
              fail_open: bool = False) -> FunctionTool:
    """Declares `fn` on the guard and returns it as a guarded FunctionTool."""
    guarded = guard.tool(mode=mode, action=action, operation=operation, target=target, strength=strength,
                         fail_open=fail_open)(fn)

    @functools.wraps(fn)
    async def run(*args: Any, **kwargs: Any) -> Any:
        # A refusal between the guardrail's check and the run (the contract changed) is still text.
        try:
            result = guarded(*args, **kwargs)
            return await result if isinstance(guard, AsyncGuard) else result
        except KeelDenied as denied:
            return refusal_text(denied)

    return function_tool(run, tool_input_guardrails=[keel_guardrail(guard)])
