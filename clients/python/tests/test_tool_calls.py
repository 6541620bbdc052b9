"""LLM tool calls (keel_client.tool_calls) through a guard against a real server: the shapes of
Anthropic tool_use blocks and OpenAI tool_calls, as plain dicts and as the SDKs' objects."""
from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Callable, Iterator, List, Tuple

import pytest

from harness import Harness
from keel_client import AsyncGuard, AsyncKeel, Guard, Keel, Mode
from keel_client.tool_calls import arun_anthropic, arun_openai, arun_openai_responses, run_anthropic, run_openai, run_openai_responses


@pytest.fixture
def guarded(harness_for: Callable[..., Harness]) -> Iterator[Tuple[Guard, List[str]]]:
    e = harness_for().endpoint
    ran: List[str] = []
    with Keel(target=e.target, api_key=e.api_key, ca_file=e.ca_file if e.tls else None) as client:
        instance = client.instances.create(name="llm", description="tool call tests")
        with client.session(instance.id) as session:
            guard = Guard(session)

            @guard.tool(mode="order", action="execute", target="order_id")
            def refund(order_id: str, amount: float) -> dict:  # type: ignore[type-arg]
                ran.append(order_id)
                return {"refunded": amount, "order": order_id}

            @guard.tool(mode="perception", action="defer")
            def escalate(reason: str) -> str:
                ran.append("escalate")
                return f"ticket opened: {reason}"

            @guard.tool(mode="perception", action="explore")
            def broken() -> None:
                raise RuntimeError("backend down")

            yield guard, ran


def stress(guard: Guard) -> None:
    for _ in range(2):
        guard.session.process(Mode.STRESS_RESPONSE, 0.95)  # type: ignore[attr-defined]


def test_anthropic_blocks_dicts_and_objects(guarded: Tuple[Guard, List[str]]) -> None:
    guard, ran = guarded
    content = [
        {"type": "text", "text": "Let me refund that."},
        {"type": "tool_use", "id": "toolu_1", "name": "refund", "input": {"order_id": "orders/1", "amount": 5}},
        SimpleNamespace(type="tool_use", id="toolu_2", name="escalate", input={"reason": "late"}),
    ]
    results = run_anthropic(guard, content)
    assert results == [
        {"type": "tool_result", "tool_use_id": "toolu_1", "content": json.dumps({"refunded": 5, "order": "orders/1"})},
        {"type": "tool_result", "tool_use_id": "toolu_2", "content": "ticket opened: late"},
    ]
    assert ran == ["orders/1", "escalate"]


def test_refusal_becomes_a_readable_error_result(guarded: Tuple[Guard, List[str]]) -> None:
    guard, ran = guarded
    stress(guard)
    [result] = run_anthropic(guard, [{"type": "tool_use", "id": "toolu_3", "name": "refund", "input": {"order_id": "orders/2", "amount": 50}}])
    assert ran == []
    assert result["is_error"] is True and result["tool_use_id"] == "toolu_3"
    assert result["content"].startswith("REFUSED: refund was not run.")
    assert "action 'execute' is not allowed: stress" in result["content"]
    assert "defer" in result["content"], "the model is told what it may do instead"
    # ... and it recovers with an allowed tool
    [recovered] = run_anthropic(guard, [{"type": "tool_use", "id": "toolu_4", "name": "escalate", "input": {"reason": "refund"}}])
    assert recovered == {"type": "tool_result", "tool_use_id": "toolu_4", "content": "ticket opened: refund"}


def test_openai_tool_calls_dicts_and_objects(guarded: Tuple[Guard, List[str]]) -> None:
    guard, ran = guarded
    calls = [
        {"id": "call_1", "type": "function", "function": {"name": "refund", "arguments": '{"order_id": "orders/5", "amount": 1.5}'}},
        SimpleNamespace(id="call_2", type="function", function=SimpleNamespace(name="nope", arguments="{}")),
    ]
    assert run_openai(guard, calls) == [
        {"role": "tool", "tool_call_id": "call_1", "content": json.dumps({"refunded": 1.5, "order": "orders/5"})},
        {"role": "tool", "tool_call_id": "call_2", "content": "ERROR: there is no tool named 'nope'."},
    ]
    stress(guard)
    [refused] = run_openai(guard, calls[:1])
    assert refused["content"].startswith("REFUSED: refund was not run.")
    assert ran == ["orders/5"]
    assert run_openai(guard, None) == []


def test_openai_responses_function_calls(guarded: Tuple[Guard, List[str]]) -> None:
    guard, ran = guarded
    stress(guard)
    output = [
        {"type": "reasoning", "id": "rs_1", "summary": []},
        {"type": "function_call", "id": "fc_1", "call_id": "call_a", "name": "refund", "arguments": '{"order_id": "orders/9", "amount": 480}'},
        SimpleNamespace(type="function_call", id="fc_2", call_id="call_b", name="escalate", arguments='{"reason": "refund refused"}'),
        {"type": "message", "id": "msg_1", "role": "assistant", "content": []},
    ]
    refused, escalated = run_openai_responses(guard, output)
    assert refused["type"] == "function_call_output" and refused["call_id"] == "call_a"
    assert refused["output"].startswith("REFUSED: refund was not run.") and "not allowed: stress" in refused["output"]
    assert escalated == {"type": "function_call_output", "call_id": "call_b", "output": "ticket opened: refund refused"}
    assert ran == ["escalate"]
    with pytest.raises(ValueError, match="call_c: arguments are not JSON"):
        run_openai_responses(guard, [{"type": "function_call", "call_id": "call_c", "name": "escalate", "arguments": "{oops"}])


def test_tool_exception_raises_unless_asked_for_results(guarded: Tuple[Guard, List[str]]) -> None:
    guard, _ = guarded
    call = {"type": "tool_use", "id": "toolu_9", "name": "broken", "input": {}}
    with pytest.raises(RuntimeError, match="backend down"):
        run_anthropic(guard, [call])
    [result] = run_anthropic(guard, [call], tool_errors=True)
    assert result["is_error"] is True and "RuntimeError: backend down" in result["content"]


def test_bad_openai_arguments_are_named(guarded: Tuple[Guard, List[str]]) -> None:
    guard, ran = guarded
    with pytest.raises(ValueError, match="call_x: arguments are not JSON"):
        run_openai(guard, [{"id": "call_x", "function": {"name": "refund", "arguments": "{oops"}}])
    assert ran == []


def test_async_adapters(harness_for: Callable[..., Harness]) -> None:
    e = harness_for().endpoint

    async def scenario() -> None:
        async with AsyncKeel(target=e.target, api_key=e.api_key, ca_file=e.ca_file if e.tls else None) as client:
            instance = await client.instances.create(name="llm-async", description="async tool calls")
            async with client.session(instance.id) as session:
                guard = AsyncGuard(session)

                @guard.tool(mode="order", action="execute")
                async def refund(order_id: str) -> str:
                    return f"ok {order_id}"

                out = await arun_anthropic(guard, [{"type": "tool_use", "id": "t1", "name": "refund", "input": {"order_id": "a"}}])
                assert out == [{"type": "tool_result", "tool_use_id": "t1", "content": "ok a"}]
                for _ in range(2):
                    await session.process(Mode.STRESS_RESPONSE, 0.95)
                [refused] = await arun_openai(guard, [{"id": "c1", "function": {"name": "refund", "arguments": '{"order_id": "b"}'}}])
                assert refused["tool_call_id"] == "c1" and refused["content"].startswith("REFUSED")
                [again] = await arun_openai_responses(guard, [{"type": "function_call", "call_id": "c2", "name": "refund", "arguments": '{"order_id": "c"}'}])
                assert again["call_id"] == "c2" and again["output"].startswith("REFUSED")

    asyncio.run(scenario())
