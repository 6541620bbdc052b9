"""LLM tool calls through a guard: Anthropic `tool_use` blocks, OpenAI chat `tool_calls` and
Responses API `function_call` items in, the tool results to send back out. A refusal becomes a tool result the model can read and recover
from (what was refused, why, and which actions are allowed now) instead of an exception.

    results = run_anthropic(guard, response.content)          # -> [{"type": "tool_result", ...}]
    messages.append({"role": "user", "content": results})

    messages += run_openai(guard, response.choices[0].message.tool_calls)   # -> [{"role": "tool", ...}]

    input_items += run_openai_responses(guard, response.output)   # -> [{"type": "function_call_output", ...}]

Blocks and calls may be plain dicts or the SDKs' objects (read by attribute). An exception inside
a tool is re-raised unchanged unless `tool_errors=True`, which turns it into an error result too.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional, Tuple

from keel_client.guard import AsyncGuard, Guard, KeelDenied, KeelUnreachable


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def refusal_text(denied: KeelDenied) -> str:
    """What the model reads when Keel refused a call: enough to choose another way."""
    if isinstance(denied, KeelUnreachable):
        return (f"REFUSED: {denied.tool} was not run because Keel, which authorises actions, cannot be reached "
                f"right now. Do not retry it now; tell the user it will be done later or offer another way.")
    allowed = ", ".join(denied.allowed_actions) or "none"
    return (f"REFUSED: {denied.tool} was not run. Keel refused the action {denied.action!r} now: "
            f"{'; '.join(denied.reasons)}. Actions allowed now: {allowed}. "
            f"Do not retry the same call; choose an allowed way to help the user.")


def _result_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return str(value)


def _anthropic_calls(content: Iterable[Any]) -> List[Tuple[str, str, Dict[str, Any]]]:
    calls = []
    for block in content:
        if _get(block, "type") == "tool_use":
            calls.append((str(_get(block, "id")), str(_get(block, "name")), dict(_get(block, "input") or {})))
    return calls


def _openai_calls(tool_calls: Optional[Iterable[Any]]) -> List[Tuple[str, str, Dict[str, Any]]]:
    calls = []
    for call in tool_calls or ():
        fn = _get(call, "function")
        calls.append((str(_get(call, "id")), str(_get(fn, "name")), _parse_arguments(_get(call, "id"), _get(fn, "arguments"))))
    return calls


def _parse_arguments(call_id: Any, raw: Any) -> Dict[str, Any]:
    raw = raw or "{}"
    try:
        return json.loads(raw) if isinstance(raw, str) else dict(raw)
    except json.JSONDecodeError as err:
        raise ValueError(f"tool call {call_id}: arguments are not JSON: {err}") from None


def _responses_calls(output: Iterable[Any]) -> List[Tuple[str, str, Dict[str, Any]]]:
    calls = []
    for item in output:
        if _get(item, "type") == "function_call":
            call_id = _get(item, "call_id")
            calls.append((str(call_id), str(_get(item, "name")), _parse_arguments(call_id, _get(item, "arguments"))))
    return calls


def _anthropic_result(call_id: str, text: str, error: bool) -> Dict[str, Any]:
    result: Dict[str, Any] = {"type": "tool_result", "tool_use_id": call_id, "content": text}
    if error:
        result["is_error"] = True
    return result


def _openai_result(call_id: str, text: str, error: bool) -> Dict[str, Any]:
    return {"role": "tool", "tool_call_id": call_id, "content": text}


def _responses_result(call_id: str, text: str, error: bool) -> Dict[str, Any]:
    return {"type": "function_call_output", "call_id": call_id, "output": text}


def _run(guard: Guard, calls: List[Tuple[str, str, Dict[str, Any]]], shape: Any, tool_errors: bool) -> List[Dict[str, Any]]:
    results = []
    for call_id, name, args in calls:
        if name not in guard.tools:
            results.append(shape(call_id, f"ERROR: there is no tool named {name!r}.", True))
            continue
        try:
            results.append(shape(call_id, _result_text(guard.call(name, **args)), False))
        except KeelDenied as denied:
            results.append(shape(call_id, refusal_text(denied), True))
        except Exception as err:
            if not tool_errors:
                raise
            results.append(shape(call_id, f"ERROR: {name} failed: {type(err).__name__}: {err}", True))
    return results


async def _arun(guard: AsyncGuard, calls: List[Tuple[str, str, Dict[str, Any]]], shape: Any, tool_errors: bool) -> List[Dict[str, Any]]:
    results = []
    for call_id, name, args in calls:
        if name not in guard.tools:
            results.append(shape(call_id, f"ERROR: there is no tool named {name!r}.", True))
            continue
        try:
            results.append(shape(call_id, _result_text(await guard.call(name, **args)), False))
        except KeelDenied as denied:
            results.append(shape(call_id, refusal_text(denied), True))
        except Exception as err:
            if not tool_errors:
                raise
            results.append(shape(call_id, f"ERROR: {name} failed: {type(err).__name__}: {err}", True))
    return results


def run_anthropic(guard: Guard, content: Iterable[Any], *, tool_errors: bool = False) -> List[Dict[str, Any]]:
    """Runs every `tool_use` block of an Anthropic message's content, in order; returns the
    `tool_result` blocks for the next user message."""
    return _run(guard, _anthropic_calls(content), _anthropic_result, tool_errors)


def run_openai(guard: Guard, tool_calls: Optional[Iterable[Any]], *, tool_errors: bool = False) -> List[Dict[str, Any]]:
    """Runs an OpenAI chat message's `tool_calls`, in order; returns the `role: tool` messages."""
    return _run(guard, _openai_calls(tool_calls), _openai_result, tool_errors)


def run_openai_responses(guard: Guard, output: Iterable[Any], *, tool_errors: bool = False) -> List[Dict[str, Any]]:
    """Runs the `function_call` items of an OpenAI Responses API output, in order (other items are
    skipped); returns the `function_call_output` items for the next request's input."""
    return _run(guard, _responses_calls(output), _responses_result, tool_errors)


async def arun_anthropic(guard: AsyncGuard, content: Iterable[Any], *, tool_errors: bool = False) -> List[Dict[str, Any]]:
    return await _arun(guard, _anthropic_calls(content), _anthropic_result, tool_errors)


async def arun_openai(guard: AsyncGuard, tool_calls: Optional[Iterable[Any]], *, tool_errors: bool = False) -> List[Dict[str, Any]]:
    return await _arun(guard, _openai_calls(tool_calls), _openai_result, tool_errors)


async def arun_openai_responses(guard: AsyncGuard, output: Iterable[Any], *, tool_errors: bool = False) -> List[Dict[str, Any]]:
    return await _arun(guard, _responses_calls(output), _responses_result, tool_errors)
