"""Guarded tools (keel_client.guard) against a real server through conformance/harness.ts."""
from __future__ import annotations

import asyncio
from typing import Any, Callable, Iterator, List, Tuple

import pytest

from harness import Harness
from keel_client import AsyncGuard, AsyncKeel, Guard, Keel, KeelDenied, KeelUnreachable, Mode


@pytest.fixture
def agent(harness_for: Callable[..., Harness]) -> Iterator[Tuple[Keel, str, Harness]]:
    harness = harness_for()
    e = harness.endpoint
    with Keel(target=e.target, api_key=e.api_key, ca_file=e.ca_file if e.tls else None) as client:
        instance = client.instances.create(name="guarded", description="guard tests")
        yield client, instance.id, harness


def reported(client: Keel, instance_id: str) -> List[Tuple[str, str, str]]:
    """(action, target, outcome) of every processed observation, oldest first."""
    entries = list(client.engine.history(instance_id, page_size=100))
    return [(h.observation.action or "", h.observation.target or "", h.observation.outcome or "") for h in reversed(entries)]


def stress(session: Any, times: int = 2) -> None:
    for _ in range(times):
        session.process(Mode.STRESS_RESPONSE, 0.95)


def test_unknown_mode_or_action_is_refused_at_declaration(agent: Tuple[Keel, str, Harness]) -> None:
    client, instance_id, _ = agent
    with client.session(instance_id) as session:
        guard = Guard(session)
        with pytest.raises(ValueError, match="unknown Keel action 'refund'"):
            @guard.tool(mode="order", action="refund")
            def refund() -> None: ...
        with pytest.raises(ValueError, match="unknown mode 'greedy'"):
            @guard.tool(mode="greedy", action="execute")
            def lookup() -> None: ...
        with pytest.raises(ValueError, match="strength"):
            guard.tool(mode="order", action="execute", strength=1.5)(lambda: None)
        assert guard.tools == {}
    assert reported(client, instance_id) == []


def test_allowed_call_runs_and_reports_once(agent: Tuple[Keel, str, Harness]) -> None:
    client, instance_id, _ = agent
    with client.session(instance_id) as session:
        guard = Guard(session)

        @guard.tool(mode="order", action="execute", target="order_id")
        def refund(order_id: str, amount: float = 10.0) -> str:
            return f"refunded {amount} on {order_id}"

        before = guard.contract
        assert refund("orders/7") == "refunded 10.0 on orders/7"
        assert session.last_sequence == 1, "one guarded call is one observation"
        assert guard.contract is not None and before is not None
        assert guard.contract.cycle_count == before.cycle_count + 1, "the answer refreshes the held contract"
        assert guard.call("refund", order_id="orders/8", amount=2) == "refunded 2 on orders/8"
    assert reported(client, instance_id) == [("refund", "orders/7", "success"), ("refund", "orders/8", "success")]


def test_refusal_never_runs_the_tool_and_names_the_reasons(agent: Tuple[Keel, str, Harness]) -> None:
    client, instance_id, _ = agent
    ran: List[str] = []
    with client.session(instance_id) as session:
        guard = Guard(session)

        @guard.tool(mode="order", action="execute", target="order_id")
        def refund(order_id: str) -> None:
            ran.append(order_id)

        stress(session)  # observations sent on the session outside the guard count too
        with pytest.raises(KeelDenied) as denied:
            refund(order_id="orders/9")
        assert ran == []
        assert denied.value.action == "execute"
        # The contract's restrictions name the cause: execute is risky under high stress.
        assert denied.value.reasons[0].startswith("action 'execute' is not allowed: stress")
        assert denied.value.causes == ["stress"]
        assert any("stress HIGH" in r for r in denied.value.reasons)
        assert "execute" not in denied.value.allowed_actions and "defer" in denied.value.allowed_actions
        assert session.last_sequence == 3
    assert reported(client, instance_id)[-1] == ("refund", "orders/9", "denied")


def test_forbidden_action_is_refused(agent: Tuple[Keel, str, Harness]) -> None:
    client, instance_id, _ = agent
    with client.session(instance_id) as session:
        guard = Guard(session)

        @guard.tool(mode="connection", action="emotional_manipulation")
        def upsell() -> str:
            raise AssertionError("must not run")

        with pytest.raises(KeelDenied, match="'emotional_manipulation' is forbidden") as denied:
            upsell()
        assert denied.value.causes  # restriction causes when the server gives them, else "forbidden"


def test_target_outside_declared_scope_is_refused(agent: Tuple[Keel, str, Harness]) -> None:
    client, instance_id, _ = agent
    with client.session(instance_id) as session:
        guard = Guard(session, scope=["orders/"])

        @guard.tool(mode="perception", action="explore", target=lambda args: f"{args['kind']}/{args['id']}")
        def lookup(kind: str, id: int) -> str:
            return f"{kind} {id}"

        assert lookup("orders", 1) == "orders 1"
        with pytest.raises(KeelDenied, match="outside the declared scope") as denied:
            lookup("payroll", 2)
        assert denied.value.causes == ["scope"]
    assert reported(client, instance_id) == [("lookup", "orders/1", "success"), ("lookup", "payroll/2", "denied")]


def test_exception_is_reported_and_reraised_unchanged(agent: Tuple[Keel, str, Harness]) -> None:
    client, instance_id, _ = agent
    boom = LookupError("no such order")
    with client.session(instance_id) as session:
        guard = Guard(session)

        @guard.tool(mode="perception", action="explore", target="order_id")
        def lookup(order_id: str) -> None:
            raise boom

        with pytest.raises(LookupError) as raised:
            lookup("orders/404")
        assert raised.value is boom
        assert session.last_sequence == 1
    assert reported(client, instance_id) == [("lookup", "orders/404", "error:LookupError")]


def test_unreachable_keel_fails_closed_unless_fail_open(agent: Tuple[Keel, str, Harness]) -> None:
    client, instance_id, harness = agent
    e = harness.endpoint
    ran: List[str] = []
    with Keel(target=e.proxy, api_key=e.api_key, ca_file=e.ca_file if e.tls else None) as via_proxy:
        session = via_proxy.session(instance_id, max_reconnect_attempts=0)
        guard = Guard(session)

        @guard.tool(mode="order", action="execute")
        def refund() -> None:
            ran.append("refund")

        @guard.tool(mode="perception", action="explore", fail_open=True)
        def lookup() -> str:
            ran.append("lookup")
            return "found"

        refund()
        harness.cut()
        # The outage shows when this call's report cannot be sent: the tool ran on the contract
        # held, its observation is kept to be re-sent.
        refund()
        assert guard.unreachable is not None and len(guard.pending) == 1
        with pytest.raises(KeelUnreachable, match="unreachable.*refund fails closed"):
            refund()
        assert ran == ["refund", "refund"]
        assert lookup() == "found"
        assert ran[-1] == "lookup" and len(guard.pending) == 2
        session.close()


def test_async_guard(agent: Tuple[Keel, str, Harness]) -> None:
    client, instance_id, harness = agent
    e = harness.endpoint

    async def scenario() -> None:
        async with AsyncKeel(target=e.target, api_key=e.api_key, ca_file=e.ca_file if e.tls else None) as aclient:
            async with aclient.session(instance_id) as session:
                guard = AsyncGuard(session)

                @guard.tool(mode="order", action="execute", target="order_id")
                async def refund(order_id: str) -> str:
                    await asyncio.sleep(0)
                    return f"refunded {order_id}"

                @guard.tool(mode="perception", action="explore")
                def crash() -> None:
                    raise KeyError("x")

                assert await refund("orders/1") == "refunded orders/1"
                with pytest.raises(KeyError):
                    await crash()
                for _ in range(2):
                    await session.process(Mode.STRESS_RESPONSE, 0.95)
                with pytest.raises(KeelDenied, match="'execute' is not allowed: stress"):
                    await guard.call("refund", order_id="orders/2")
                with pytest.raises(KeelDenied):
                    await refund("orders/3")

    asyncio.run(scenario())
    assert [r[2] for r in reported(client, instance_id)][:2] == ["success", "error:KeyError"]


def test_declared_scope_reads_a_declared_contracts_target_prefixes() -> None:
    from keel_client._gen.keel.v1 import behavioral_contract_pb2 as bc
    from keel_client.guard import declared_scope

    contract = bc.BehavioralContract()
    assert declared_scope(contract) is None
    contract.authorized_scope.targets.extend(["orders/", "tickets/"])
    assert declared_scope(contract) == ["orders/", "tickets/"]
