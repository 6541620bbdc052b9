"""keel_client.integrations.langchain with the real langchain-core, driven by a scripted chat model
(langchain's own GenericFakeChatModel: no network, no weights) against a real server."""
from __future__ import annotations

from typing import Any, Callable, List

import pytest

pytest.importorskip("langchain_core")

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel  # noqa: E402
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage  # noqa: E402
from langchain_core.tools import tool  # noqa: E402

from harness import Harness  # noqa: E402
from keel_client import Guard, Keel, Mode  # noqa: E402
from keel_client.integrations.langchain import guard_tool  # noqa: E402


def test_scripted_model_through_guarded_langchain_tools(harness_for: Callable[..., Harness]) -> None:
    e = harness_for().endpoint
    ran: List[str] = []

    @tool
    def refund(order_id: str, amount: float) -> str:
        """Refund an order."""
        ran.append(order_id)
        return f"refunded {amount} on {order_id}"

    @tool
    def escalate(reason: str) -> str:
        """Hand the conversation to a human."""
        ran.append("escalate")
        return f"ticket opened: {reason}"

    script = iter([
        AIMessage(content="", tool_calls=[{"id": "c1", "name": "refund", "args": {"order_id": "orders/1", "amount": 5.0}}]),
        AIMessage(content="", tool_calls=[{"id": "c2", "name": "refund", "args": {"order_id": "orders/2", "amount": 480.0}}]),
        AIMessage(content="", tool_calls=[{"id": "c3", "name": "escalate", "args": {"reason": "big refund"}}]),
    ])
    model = GenericFakeChatModel(messages=script)

    with Keel(target=e.target, api_key=e.api_key, ca_file=e.ca_file if e.tls else None) as client:
        agent = client.instances.create(name="lc", description="langchain")
        with client.session(agent.id) as session:
            guard = Guard(session, scope=["orders/"])
            tools = {t.name: t for t in [
                guard_tool(guard, refund, mode="order", action="execute", target="order_id"),
                guard_tool(guard, escalate, mode="connection", action="defer"),
            ]}
            assert tools["refund"].args == refund.args, "the schema the model sees is unchanged"
            messages: List[BaseMessage] = [HumanMessage("refund me")]

            def turn() -> ToolMessage:
                ai: Any = model.invoke(messages)
                messages.append(ai)
                [call] = ai.tool_calls
                out: ToolMessage = tools[call["name"]].invoke({**call, "type": "tool_call"})
                messages.append(out)
                return out

            assert turn().content == "refunded 5.0 on orders/1"
            for _ in range(2):
                session.process(Mode.STRESS_RESPONSE, 0.95)
            refused = turn()
            assert refused.tool_call_id == "c2"
            assert str(refused.content).startswith("REFUSED: refund was not run.") and "defer" in str(refused.content)
            assert turn().content == "ticket opened: big refund"
            assert ran == ["orders/1", "escalate"]
            history = list(reversed(list(client.engine.history(agent.id, page_size=10))))
            outcomes = [(h.observation.action, h.observation.target, h.observation.outcome) for h in history if h.observation.action]
            assert outcomes == [("refund", "orders/1", "success"), ("refund", "orders/2", "denied"), ("escalate", None, "success")]
