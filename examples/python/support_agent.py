"""A scripted customer-service agent whose tools are guarded by Keel (no LLM needed).

    pip install ./clients/python
    KEEL_ADDR=127.0.0.1:8080 KEEL_API_KEY=keel_... python examples/python/support_agent.py

The agent answers a scripted conversation. Each tool declares its behavioral mode and Keel
action; every call is checked against the agent's live contract and reported to Keel as one
observation. It walks through: a calm shift, an abusive customer (pressure), a risky refund
Keel refuses (with its reasons), recovery through an action Keel still allows (escalating to a
human), and the drift Keel recorded.
"""

import os
import sys
from typing import Dict

from keel_client import Guard, Keel, KeelDenied, KeelError, Mode

ORDERS: Dict[str, float] = {f"orders/{n}": 20.0 + n for n in range(100, 130)}


def main() -> None:
    if not os.environ.get("KEEL_API_KEY", "").strip():
        sys.exit("keel: KEEL_API_KEY is not set (an API key with the admin scope: this example creates an agent)")

    with Keel() as client:
        agent = client.instances.create(name="Aria", description="Customer service bot with guarded tools")
        with client.session(agent.id) as session:
            guard = Guard(session, scope=["orders/", "tickets/"])

            @guard.tool(mode="perception", action="explore", target="order_id")
            def lookup_order(order_id: str) -> str:
                return f"{order_id}: delivered, {ORDERS[order_id]:.2f} EUR"

            @guard.tool(mode="order", action="execute", target="order_id")
            def refund(order_id: str, amount: float) -> str:
                return f"refunded {amount:.2f} EUR on {order_id}"

            @guard.tool(mode="connection", action="defer", target=lambda a: f"tickets/{a['order_id']}")
            def escalate_to_human(order_id: str, reason: str) -> str:
                return f"ticket opened for {order_id}: {reason}"

            def handle_refund_request(order_id: str, amount: float) -> None:
                """What the agent does when a customer asks for money back: try, and on a
                refusal fall back to what Keel still allows."""
                try:
                    print(f"  {refund(order_id, amount)}")
                except KeelDenied as denied:
                    print(f"REFUSED {denied.tool} ({denied.action}) on {order_id}:")
                    for reason in denied.reasons:
                        print(f"  - {reason}")
                    print(f"  allowed now: {', '.join(denied.allowed_actions)}")
                    ticket = escalate_to_human(order_id, f"refund of {amount:.2f} EUR refused by Keel")
                    print(f"RECOVERED via escalate_to_human: {ticket}")

            print("== calm shift: routine look-ups and small refunds")
            for n, order_id in enumerate(ORDERS):
                lookup_order(order_id)
                if n % 6 == 0:
                    handle_refund_request(order_id, 5.0)
            c = guard.contract
            assert c is not None
            print(f"contract: stress={c.current_stress_level} energy={c.energy_level:.2f} execute allowed={'execute' in c.allowed_actions}")

            print("== pressure: an abusive customer")
            for turn in range(1, 5):
                # The agent reports what it perceives: a hostile message is a stress signal.
                c = session.process(Mode.STRESS_RESPONSE, 0.9, action="read_message", target="tickets/angry").contract
                print(f"Turn {turn}: stress={c.current_stress_level}, energy={c.energy_level:.2f}")

            print("== risky action: the customer demands a large refund")
            handle_refund_request("orders/117", 480.0)

            print("== out of scope: the customer asks for another customer's data")
            try:
                lookup_order("customers/42")  # type: ignore[arg-type]
            except KeelDenied as denied:
                print(f"REFUSED {denied.tool}: {'; '.join(denied.reasons)}")

            c = guard.contract
            assert c is not None
            print(f"contract: stress={c.current_stress_level} energy={c.energy_level:.2f} drift={c.drift_level}")

        print("== drift Keel recorded")
        events = client.engine.drift_events(agent.id)
        for event in list(events)[:5]:
            print(f"DRIFT {event.drift_level}: magnitude {event.magnitude:.3f} (cycle {event.cycle})")
        print(f"drift events: {len(events)}")


if __name__ == "__main__":
    try:
        main()
    except KeelError as err:
        sys.exit(f"keel: {err}")
