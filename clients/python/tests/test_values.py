"""Inputs accepted and readable results, without a server."""
from __future__ import annotations

import pytest

from keel_client import Contract, Mode, Observation, Page
from keel_client._config import resolve
from keel_client._gen.keel.v1 import contract_pb2, modes_pb2, observation_pb2
from keel_client._observations import build, to_wire


def test_observations_from_modes_names_tuples_and_dataclasses() -> None:
    assert build("exploration", 0.7).mode == modes_pb2.MODE_EXPLORATION
    assert to_wire((Mode.ORDER, 0.6)).signal_strength == pytest.approx(0.6)
    full = to_wire(Observation(Mode.ASSERTION, 0.4, action="refund", target="orders/1", outcome="ok", confidence=0.9))
    assert (full.action, full.target, full.outcome) == ("refund", "orders/1", "ok")
    assert full.HasField("confidence") and not build(Mode.ORDER, 0.1).HasField("action")
    raw = observation_pb2.Observation(mode=1, signal_strength=0.2)
    assert to_wire(raw) is raw
    with pytest.raises(ValueError, match="unknown mode"):
        build("sleeping", 0.5)


def test_contract_views_use_the_seeds_names() -> None:
    raw = contract_pb2.ExecutionContract(
        allowed_actions=[modes_pb2.ACTION_EXPLORE, modes_pb2.ACTION_QUESTION],
        forbidden_actions=[modes_pb2.ACTION_EMOTIONAL_MANIPULATION],
        current_stress_level=modes_pb2.STRESS_LEVEL_HIGH,
        drift_level=modes_pb2.DRIFT_LEVEL_D1_CONTEXT,
        energy_level=0.61,
        dominant_modes=[modes_pb2.MODE_STRESS_RESPONSE],
        cycle_count=7,
    )
    c = Contract(raw)
    assert c.allowed_actions == ["explore", "question"]
    assert c.forbidden_actions == ["emotional_manipulation"]
    assert c.current_stress_level == "HIGH"
    assert c.drift_level == "D1_context"
    assert c.dominant_modes == ["stress_response"]
    assert c.energy_level == 0.61 and c.cycle_count == 7
    assert c.drift_magnitude is None and c.current_system_state is None
    assert c.raw is raw


def test_pages_behave_like_lists() -> None:
    page = Page([1, 2, 3], "next", raw=None)
    assert list(page) == [1, 2, 3] and len(page) == 3 and page[1] == 2 and page.data == [1, 2, 3]


def test_environment_fallbacks_and_tls_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEEL_ADDR", "keel.internal:443")
    monkeypatch.setenv("KEEL_API_KEY", " keel_abc ")
    kwargs = dict(tls=None, ca_file=None, client_cert_file=None, client_key_file=None, server_name=None,
                  timeout=30.0, max_retries=3, options=())
    config = resolve(None, None, **kwargs)  # type: ignore[arg-type]
    assert config.target == "keel.internal:443"
    assert config.metadata == (("authorization", "Bearer keel_abc"),)
    assert config.credentials is None
    explicit = resolve("127.0.0.1:1", "", **kwargs)  # type: ignore[arg-type]
    assert explicit.target == "127.0.0.1:1" and explicit.metadata == ()
    assert resolve(None, None, **{**kwargs, "tls": True}).credentials is not None  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="go together"):
        resolve(None, None, **{**kwargs, "client_cert_file": "c.pem"})  # type: ignore[arg-type]
