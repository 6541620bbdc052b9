"""LangChain / LangGraph: a Keel-guarded copy of any LangChain tool (`pip install keel-client[langchain]`).

    from keel_client.integrations.langchain import guard_tool
    refund = guard_tool(guard, refund_tool, mode="order", action="execute", target="order_id")
    llm.bind_tools([refund]);  ToolNode([refund])     # LangGraph's prebuilt node works as is

The guarded tool keeps the name, description and argument schema. A call goes through the guard
(local contract check, the tool, one observation); a refusal becomes the tool's answer, text the
model can read and recover from (keel_client.tool_calls.refusal_text), instead of an exception.
"""
from __future__ import annotations

from typing import Any, Optional, Union

from langchain_core.tools import BaseTool, StructuredTool

from keel_client._enums import Mode
from keel_client.guard import AsyncGuard, Guard, KeelDenied, TargetSpec
from keel_client.tool_calls import refusal_text


def guard_tool(guard: Union[Guard, AsyncGuard], tool: BaseTool, *, mode: Union[Mode, int, str], action: str,
               target: TargetSpec = None, operation: Optional[str] = None, strength: float = 0.5,
               fail_open: bool = False) -> StructuredTool:
    """Declares `tool` on the guard (under its LangChain name) and returns its guarded copy.
    With an AsyncGuard the copy is async-only (ainvoke)."""
    options: Any = dict(mode=mode, action=action, name=tool.name, operation=operation, target=target,
                        strength=strength, fail_open=fail_open)
    schema: Any = tool.args_schema
    if isinstance(guard, AsyncGuard):
        async def arun(**kwargs: Any) -> Any:
            return await tool.ainvoke(kwargs)

        aguarded = guard.tool(**options)(arun)

        async def acall(**kwargs: Any) -> Any:
            try:
                return await aguarded(**kwargs)
            except KeelDenied as denied:
                return refusal_text(denied)

        return StructuredTool.from_function(coroutine=acall, name=tool.name, description=tool.description, args_schema=schema)

    def run(**kwargs: Any) -> Any:
        return tool.invoke(kwargs)

    guarded = guard.tool(**options)(run)

    def call(**kwargs: Any) -> Any:
        try:
            return guarded(**kwargs)
        except KeelDenied as denied:
            return refusal_text(denied)

    return StructuredTool.from_function(func=call, name=tool.name, description=tool.description, args_schema=schema)
