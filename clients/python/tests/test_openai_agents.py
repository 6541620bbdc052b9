"""keel_client.integrations.openai_agents with the real openai-agents package: Runner drives an
Agent whose model is scripted (an agents.Model returning canned tool calls: no network, no
weights), against a real server."""
from __future__ import annotations

import asyncio
import json
from typing import Any, Callable, Dict, List

import pytest

pytest.importorskip("agents")

from agents import Agent, ModelSettings, Runner, set_tracing_disabled  # noqa: E402
from agents.items import ModelResponse  # noqa: E402
from agents.models.interface import Model  # noqa: E402
from agents.usage import Usage  # noqa: E402
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText  # noqa: E402

from harness import Harness  # noqa: E402
from keel_client import Guard, Keel, Mode  # noqa: E402
from keel_client.integrations.openai_agents import keel_tool  # noqa: E402

set_tracing_disabled(True)  # no trace export: tests stay on loopback


class ScriptedModel(Model):
    """Answers each turn with the next scripted tool call, then a final message; records the
    tool outputs it was shown."""

    def __init__(self, calls: List[Any]) -> None:
        self.calls = list(calls)
        self.outputs: Dict[str, str] = {}  # call id -> the tool output the model was shown

    @property
    def seen(self) -> List[str]:
        return list(self.outputs.values())

    async def get_response(self, system_instructions: Any, input: Any, model_settings: Any, tools: Any, output_schema: Any,
                           handoffs: Any, tracing: Any, **kwargs: Any) -> ModelResponse:
        if isinstance(input, list):
            for i in input:
                if isinstance(i, dict) and i.get("type") == "function_call_output":
                    self.outputs[str(i.get("call_id"))] = str(i.get("output"))
        if self.calls:
            name, args = self.calls.pop(0)
            item: Any = ResponseFunctionToolCall(type="function_call", call_id=f"call_{len(self.calls)}", name=name,
                                                 arguments=json.dumps(args), id="fc_1", status="completed")
        else:
            item = ResponseOutputMessage(id="msg_1", type="message", role="assistant", status="completed",
                                         content=[ResponseOutputText(type="output_text", text="done", annotations=[])])
        return ModelResponse(output=[item], usage=Usage(), response_id=None)

    def stream_response(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


def test_agent_run_with_keel_tools(harness_for: Callable[..., Harness]) -> None:
    e = harness_for().endpoint
    ran: List[str] = []

    def refund(order_id: str, amount: float) -> str:
        """Refund an order."""
        ran.append(order_id)
        return f"refunded {amount} on {order_id}"

    def escalate(reason: str) -> str:
        """Hand the conversation to a human."""
        ran.append("escalate")
        return f"ticket opened: {reason}"

    with Keel(target=e.target, api_key=e.api_key, ca_file=e.ca_file if e.tls else None) as client:
        agent_id = client.instances.create(name="oa", description="openai agents").id
        with client.session(agent_id) as session:
            guard = Guard(session)
            tools = [keel_tool(guard, refund, mode="order", action="execute", target="order_id"),
                     keel_tool(guard, escalate, mode="connection", action="defer")]
            assert tools[0].name == "refund" and set(tools[0].params_json_schema["properties"]) == {"order_id", "amount"}

            model = ScriptedModel([("refund", {"order_id": "orders/1", "amount": 5})])
            result = asyncio.run(Runner.run(Agent(name="support", model=model, tools=tools, model_settings=ModelSettings()), "refund me"))
            assert result.final_output == "done" and model.seen == ["refunded 5.0 on orders/1"]

            for _ in range(2):
                session.process(Mode.STRESS_RESPONSE, 0.95)
            model = ScriptedModel([("refund", {"order_id": "orders/2", "amount": 480}), ("escalate", {"reason": "big refund"})])
            result = asyncio.run(Runner.run(Agent(name="support", model=model, tools=tools), "refund me 480"))
            rejected = [r for r in result.tool_input_guardrail_results if r.output.behavior["type"] == "reject_content"]
            assert len(rejected) == 1, "the refusal comes from the Keel tool guardrail, before the tool"
            assert rejected[0].output.output_info["reasons"][0].startswith("action 'execute' is not allowed: stress")
            assert rejected[0].output.output_info["causes"] == ["stress"]
            assert model.seen[0].startswith("REFUSED: refund was not run.") and "defer" in model.seen[0]
            assert model.seen[1] == "ticket opened: big refund"
            assert ran == ["orders/1", "escalate"]
        history = list(reversed(list(client.engine.history(agent_id, page_size=10))))
        outcomes = [(h.observation.action, h.observation.outcome) for h in history if h.observation.action]
        assert outcomes == [("refund", "success"), ("refund", "denied"), ("escalate", "success")]
