"""Keel's 5-minute tutorial in Python, over the keel-client SDK (clients/python).

    pip install ./clients/python
    KEEL_ADDR=127.0.0.1:8080 KEEL_API_KEY=keel_... python examples/python/tutorial.py

Creates an agent, processes one observation, streams five stress signals over a session and
reads the drift log. Keel() takes the server from KEEL_ADDR and the key from KEEL_API_KEY.
"""

import os
import sys

from keel_client import Keel, KeelError, Mode, Unauthenticated

NO_KEY = """keel: KEEL_API_KEY is not set. Set it to an API key with the admin scope (the tutorial creates an agent):
the server's bootstrap key (KEEL_BOOTSTRAP_KEY, or the one it printed at first start), or one from
`npx keel keys create --name tutorial --scope admin`."""


def main() -> None:
    if not os.environ.get("KEEL_API_KEY", "").strip():
        sys.exit(NO_KEY)

    # Connect (KEEL_ADDR and KEEL_API_KEY)
    with Keel() as client:
        # Step 3: create an identity for your agent
        instance = client.instances.create(
            name="Aria",
            description="Customer service bot",
        )

        print(f"Created: {instance.id}")

        # Step 4: tell Keel what your agent just did
        result = client.engine.process(
            instance_id=instance.id,
            mode=Mode.EXPLORATION,
            signal_strength=0.7,
        )

        # This is the contract: your agent's behavioral rules for this turn
        contract = result.contract

        print(f"Allowed:   {contract.allowed_actions}")
        print(f"Forbidden: {contract.forbidden_actions}")
        print(f"Stress:    {contract.current_stress_level}")
        print(f"Energy:    {contract.energy_level:.2f}")

        # Step 6: simulate pressure, five stress signals over one session
        with client.session(instance.id) as session:
            for i in range(5):
                result = session.process(Mode.STRESS_RESPONSE, 0.9)
                c = result.contract
                print(f"Turn {i+1}: stress={c.current_stress_level}, energy={c.energy_level:.2f}")

        # Step 7: check drift
        drift = client.engine.drift_events(instance.id)
        print(f"Drift events: {len(drift)}")
        for event in drift.data:
            print(f"  {event.drift_level}: magnitude {event.magnitude:.3f} (cycle {event.cycle})")


if __name__ == "__main__":
    try:
        main()
    except Unauthenticated as err:
        sys.exit(f"keel: {err}\nkeel: the server refused KEEL_API_KEY: check the key is complete and not revoked")
    except KeelError as err:
        sys.exit(f"keel: {err}")
