"""Keel's 5-minute tutorial over the Python gRPC client generated from proto/.

    clients/python/generate.sh
    KEEL_ADDR=127.0.0.1:8080 .cache/clients/python/venv/bin/python examples/python/tutorial.py

Creates an agent, processes one observation, streams five stress signals over a Session and
reads the drift log. The API key in KEEL_API_KEY goes with every call, unary and stream, as
gRPC metadata `authorization: Bearer <key>`.
"""

import os
import queue
import sys
from pathlib import Path

try:
    import grpc
    from keel.v1 import (
        engine_service_pb2 as engine,
        engine_service_pb2_grpc as engine_grpc,
        instance_service_pb2 as instances,
        instance_service_pb2_grpc as instances_grpc,
        modes_pb2 as modes,
        observation_pb2 as observation,
    )
except ImportError:
    sys.exit(
        "the generated client is missing: run clients/python/generate.sh and use "
        f"{Path(__file__).resolve().parents[2] / '.cache/clients/python/venv/bin/python'}"
    )

TIMEOUT_S = 10

NO_KEY = """keel: KEEL_API_KEY is not set. Set it to an API key with the admin scope (the tutorial creates an agent):
the server's bootstrap key (KEEL_BOOTSTRAP_KEY, or the one it printed at first start), or one from
`npx keel keys create --name tutorial --scope admin`."""


def name(enum, value: int, prefix: str) -> str:
    """STRESS_LEVEL_HIGH -> HIGH."""
    return enum.Name(value).removeprefix(prefix)


def actions(values) -> str:
    return ", ".join(name(modes.Action, a, "ACTION_").lower() for a in values)


def drift_level(value: int) -> str:
    """DRIFT_LEVEL_D1_CONTEXT -> D1_context."""
    level, _, label = name(modes.DriftLevel, value, "DRIFT_LEVEL_").partition("_")
    return f"{level}_{label.lower()}"


def main() -> None:
    addr = os.environ.get("KEEL_ADDR", "127.0.0.1:8080")
    key = os.environ.get("KEEL_API_KEY", "").strip()
    if not key:
        sys.exit(NO_KEY)
    # Sent with every call below (grpcio has no per-channel metadata on insecure channels).
    metadata = [("authorization", f"Bearer {key}")]

    with grpc.insecure_channel(addr) as channel:
        instance_service = instances_grpc.InstanceServiceStub(channel)
        engine_service = engine_grpc.EngineServiceStub(channel)

        # Step 3: create an agent identity.
        instance = instance_service.CreateInstance(
            instances.CreateInstanceRequest(name="Aria", description="Customer service bot"),
            metadata=metadata,
            timeout=TIMEOUT_S,
        ).instance
        print(f"Created: {instance.id}")

        # Step 4: send an observation, get a contract.
        result = engine_service.Process(
            engine.ProcessRequest(
                instance_id=instance.id,
                observation=observation.Observation(mode=modes.MODE_EXPLORATION, signal_strength=0.7),
            ),
            metadata=metadata,
            timeout=TIMEOUT_S,
        )
        contract = result.outcome.contract
        print(f"Allowed:   {actions(contract.allowed_actions)}")
        print(f"Forbidden: {actions(contract.forbidden_actions)}")
        print(f"Stress:    {name(modes.StressLevel, contract.current_stress_level, 'STRESS_LEVEL_')}")
        print(f"Energy:    {contract.energy_level:.2f}")

        # Step 6: five stress signals over one Session stream. Frames go out through a queue so
        # each observation is sent after the previous outcome arrived.
        outgoing: "queue.Queue[engine.SessionRequest | None]" = queue.Queue()
        requests = iter(outgoing.get, None)
        responses = engine_service.Session(requests, metadata=metadata, timeout=30)
        outgoing.put(engine.SessionRequest(open=engine.SessionOpen(instance_id=instance.id)))
        opened = next(responses)
        if opened.WhichOneof("frame") != "opened":
            sys.exit(f"expected an opened frame, got {opened.WhichOneof('frame')}")
        sequence = opened.opened.last_sequence
        for turn in range(1, 6):
            sequence += 1
            outgoing.put(
                engine.SessionRequest(
                    observation=engine.SequencedObservation(
                        sequence=sequence,
                        observation=observation.Observation(mode=modes.MODE_STRESS_RESPONSE, signal_strength=0.9),
                    )
                )
            )
            response = next(responses)
            if response.WhichOneof("frame") != "outcome" or response.outcome.sequence != sequence:
                sys.exit(f"expected the outcome of sequence {sequence}, got {response}")
            c = response.outcome.outcome.contract
            print(f"Turn {turn}: stress={name(modes.StressLevel, c.current_stress_level, 'STRESS_LEVEL_')}, energy={c.energy_level:.2f}")
        outgoing.put(None)  # half-close: the server ends the stream
        for _ in responses:
            pass

        # Step 7: check drift.
        drift = engine_service.ListDriftEvents(
            engine.ListDriftEventsRequest(instance_id=instance.id), metadata=metadata, timeout=TIMEOUT_S
        )
        print(f"Drift events: {len(drift.events)}")
        for event in drift.events:
            print(f"  {drift_level(event.level)}: magnitude {event.magnitude:.3f} (cycle {event.cycle})")


if __name__ == "__main__":
    try:
        main()
    except grpc.RpcError as err:
        hint = ""
        if err.code() == grpc.StatusCode.UNAUTHENTICATED:
            hint = "\nkeel: the server refused KEEL_API_KEY: check the key is complete and not revoked"
        sys.exit(f"keel: {err.code().name}: {err.details()}{hint}")
