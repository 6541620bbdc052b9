"""The shared conformance cases (conformance/cases.json) through the synchronous Keel client."""
from __future__ import annotations

import random
import threading
from typing import Any, Callable, Dict, List

import pytest

from harness import Harness, load_cases, observation
from keel_client import Keel, KeelError, Mode, SessionOutcome

CASES = load_cases()["cases"]
MODES: List[str] = load_cases()["observations"]["modes"]


def client_for(harness: Harness, *, via_proxy: bool = False, api_key: str = "") -> Keel:
    e = harness.endpoint
    return Keel(
        target=e.proxy if via_proxy else e.target,
        api_key=api_key or e.api_key,
        ca_file=e.ca_file if e.tls else None,
    )


def observations(first: int, count: int) -> List["tuple[str, float]"]:
    return [observation(i, MODES) for i in range(first, first + count)]


def assert_exactly_once(outcomes: List[SessionOutcome], count: int) -> None:
    """A fresh agent: outcome i carries sequence i and cycle count i."""
    assert [o.sequence for o in outcomes] == list(range(1, count + 1))
    cycles = [o.contract.cycle_count for o in outcomes]
    assert cycles == list(range(1, count + 1)), "cycle counts must rise by exactly one per observation"


def tutorial(case: Dict[str, Any], start: Callable[..., Harness]) -> None:
    expect = case["expect"]
    with client_for(start()) as client:
        instance = client.instances.create(name=case["instance"]["name"], description=case["instance"]["description"])
        result = client.engine.process(
            instance_id=instance.id, mode=Mode[case["first"]["mode"]], signal_strength=case["first"]["signal_strength"]
        )
        contract = result.contract
        assert contract.current_stress_level == expect["first"]["stress"]
        assert f"{contract.energy_level:.2f}" == expect["first"]["energy"]
        assert [a.upper() for a in contract.forbidden_actions] == expect["first"]["forbidden"]
        turns = []
        with client.session(instance.id) as session:
            for _ in expect["turns"]:
                c = session.process(Mode[case["turn"]["mode"]], case["turn"]["signal_strength"]).contract
                turns.append({"stress": c.current_stress_level, "energy": f"{c.energy_level:.2f}"})
        assert turns == expect["turns"]
        assert len(client.engine.drift_events(instance.id)) == expect["drift_events"]


def session_cuts(case: Dict[str, Any], start: Callable[..., Harness]) -> None:
    harness = start()
    total, batch, rng = case["observations"], case["batch_size"], random.Random(case["seed"])
    # The stream is cut while a segment's frames are in flight: shortly after each segment starts.
    points = sorted(rng.sample(range(batch, total - batch), case["cuts"]))
    bounds = [0, *points, total]
    reconnects: List[KeelError] = []
    cut = {"connections": 0}

    def cut_now() -> None:
        cut["connections"] += harness.cut()

    with client_for(harness) as admin, client_for(harness, via_proxy=True) as client:
        instance = admin.instances.create(name="session-cuts")
        outcomes: List[SessionOutcome] = []
        with client.session(instance.id, on_reconnect=lambda _a, err, _d: reconnects.append(err)) as session:
            for index, (lo, hi) in enumerate(zip(bounds, bounds[1:])):
                timer = threading.Timer(rng.uniform(0.002, 0.02), cut_now) if index > 0 else None
                if timer:
                    timer.start()
                outcomes.extend(session.process_many(observations(lo + 1, hi - lo), batch_size=batch))
                if timer:
                    timer.join()
        assert_exactly_once(outcomes, total)
        assert admin.engine.state(instance.id).cycle_count == total
    assert cut["connections"] > 0, "the harness cut no connection: the case proved nothing"
    assert reconnects, "the session never had to resume"
    # A cut is UNAVAILABLE, or under grpc.aio sometimes INTERNAL 'Internal error from Core'.
    assert all(err.code in ("UNAVAILABLE", "INTERNAL") for err in reconnects), reconnects


def resume_fresh_client(case: Dict[str, Any], start: Callable[..., Harness]) -> None:
    harness = start()
    history, more = case["history"], case["more"]
    with client_for(harness) as client:
        instance = client.instances.create(name="resume-fresh")
        for mode, strength in observations(1, history):
            client.engine.process(instance_id=instance.id, mode=mode, signal_strength=strength)
    with client_for(harness) as fresh:
        with fresh.session(instance.id) as session:
            outs = [session.process(mode, strength) for mode, strength in observations(history + 1, more)]
        assert [o.contract.cycle_count for o in outs] == list(range(history + 1, history + more + 1))
        assert fresh.engine.state(instance.id).cycle_count == history + more


def quota_backoff(case: Dict[str, Any], start: Callable[..., Harness]) -> None:
    harness = start(f"--quota-cycles-per-second={case['server']['quota_cycles_per_second']}")
    total = case["observations"]
    waits: List[KeelError] = []
    with client_for(harness) as client:
        instance = client.instances.create(name="quota-backoff")
        with client.session(instance.id, on_reconnect=lambda _a, err, _d: waits.append(err)) as session:
            outcomes = session.process_many(observations(1, total), batch_size=case["batch_size"])
        assert_exactly_once(outcomes, total)
        assert client.engine.state(instance.id).cycle_count == total
    # grpc.aio may first see a refusal as INTERNAL 'Internal error from Core' (stack-notes §7);
    # the session then probes with one frame and gets the real status with its RetryInfo.
    assert any(e.code == "RESOURCE_EXHAUSTED" and e.retry_delay is not None for e in waits), waits
    assert all(e.code in ("RESOURCE_EXHAUSTED", "INTERNAL") for e in waits), waits


def takeover(case: Dict[str, Any], start: Callable[..., Harness]) -> None:
    harness = start()
    reconnects: List[KeelError] = []
    with client_for(harness) as a_client, client_for(harness) as b_client:
        instance = a_client.instances.create(name="takeover")
        a = a_client.session(instance.id, on_reconnect=lambda _a, err, _d: reconnects.append(err))
        a.process(Mode.ORDER, 0.5)
        with b_client.session(instance.id) as b:
            with pytest.raises(KeelError) as raised:
                a.process(Mode.ORDER, 0.5)
            assert raised.value.code == case["expect_code"]
            assert b.process(Mode.ORDER, 0.5).sequence == 2
        a.close()
        assert reconnects == [], "a takeover must not be retried"
        assert a_client.engine.state(instance.id).cycle_count == 2


def invalid_argument(case: Dict[str, Any], start: Callable[..., Harness]) -> None:
    with client_for(start()) as client:
        instance = client.instances.create(name="invalid-argument")
        with pytest.raises(KeelError) as raised:
            client.engine.process(
                instance_id=instance.id, mode=Mode[case["request"]["mode"]], signal_strength=case["request"]["signal_strength"]
            )
        assert raised.value.code == case["expect_code"]
        assert case["expect_field"] in [field for field, _ in raised.value.field_violations]
        assert client.engine.state(instance.id).cycle_count == 0


def wrong_key(case: Dict[str, Any], start: Callable[..., Harness]) -> None:
    harness = start()
    with client_for(harness) as admin:
        instance = admin.instances.create(name="wrong-key")
    reconnects: List[KeelError] = []
    with client_for(harness, api_key=case["api_key"]) as client:
        with pytest.raises(KeelError) as unary:
            client.instances.get(instance.id)
        assert unary.value.code == case["expect_code"]
        with pytest.raises(KeelError) as stream:
            client.session(instance.id, on_reconnect=lambda _a, err, _d: reconnects.append(err))
        assert stream.value.code == case["expect_code"]
    assert reconnects == []


def tls(case: Dict[str, Any], start: Callable[..., Harness]) -> None:
    harness = start("--tls")
    assert harness.endpoint.tls and harness.endpoint.ca_file
    with client_for(harness) as client:
        instance = client.instances.create(name="Aria", description="Customer service bot")
        out = client.engine.process(instance_id=instance.id, mode=Mode.EXPLORATION, signal_strength=0.7)
        assert out.contract.cycle_count == 1


RUNNERS: Dict[str, Callable[[Dict[str, Any], Callable[..., Harness]], None]] = {
    "tutorial": tutorial,
    "session_cuts": session_cuts,
    "resume_fresh_client": resume_fresh_client,
    "quota_backoff": quota_backoff,
    "takeover": takeover,
    "invalid_argument": invalid_argument,
    "wrong_key": wrong_key,
    "tls": tls,
}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_conformance_sync(case: Dict[str, Any], harness_for: Callable[..., Harness]) -> None:
    runner = RUNNERS.get(case["kind"])
    assert runner is not None, f"no Python runner for case kind {case['kind']!r}"
    runner(case, harness_for)
