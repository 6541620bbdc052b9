"""The session's bookkeeping without a server: numbering, positioning, matching, resuming."""
from __future__ import annotations

from typing import List

import pytest

from keel_client import Internal, KeelError
from keel_client._errors import error_for
from keel_client._gen.keel.v1 import engine_service_pb2 as es, observation_pb2
from keel_client._session_core import SessionCore

OBS = observation_pb2.Observation(mode=3, signal_strength=0.5)


def answer(first: int, count: int, batch: bool) -> es.SessionResponse:
    outcomes = [es.SequencedOutcome(sequence=first + i) for i in range(count)]
    return es.SessionResponse(batch=es.BatchOutcome(outcomes=outcomes)) if batch else es.SessionResponse(outcome=outcomes[0])


def test_frames_are_numbered_consecutively_from_the_resume_point() -> None:
    core = SessionCore("inst_1", 10, 8)
    single = core.frame([OBS], batch=False)
    batch = core.frame([OBS] * 3, batch=True)
    assert (single.first, single.count) == (11, 1)
    assert [o.sequence for o in batch.request.batch.observations] == [12, 13, 14]
    assert core.open_request().open.resume_after_sequence == 10


def test_a_fresh_session_on_an_agent_with_history_repositions_once() -> None:
    core = SessionCore("inst_1", 0, 8)
    assert core.on_opened(es.SessionOpened(last_sequence=10)) is True
    assert core.open_request().open.resume_after_sequence == 10
    assert core.frame([OBS], batch=False).first == 11
    # With frames unanswered the server's position is a resume point, not a reason to renumber.
    assert core.on_opened(es.SessionOpened(last_sequence=10)) is False


def test_answers_are_matched_in_order_and_advance_the_acknowledged_sequence() -> None:
    core = SessionCore("inst_1", 0, 8)
    core.frame([OBS] * 2, batch=True)
    core.frame([OBS], batch=False)
    assert core.take(es.SessionResponse(heartbeat=es.Heartbeat())) is None
    assert [o.sequence for o in core.take(answer(1, 2, True)) or []] == [1, 2]
    assert core.acked == 2
    assert [o.sequence for o in core.take(answer(3, 1, False)) or []] == [3]
    assert core.acked == 3 and not core.pending


def test_an_answer_out_of_order_fails_the_session() -> None:
    core = SessionCore("inst_1", 0, 8)
    core.frame([OBS] * 2, batch=True)
    with pytest.raises(Internal, match="expected 1..2"):
        core.take(answer(2, 2, True))
    assert core.failure is not None and core.failure.code == "INTERNAL"


def test_after_a_reconnect_only_the_oldest_frame_is_written_until_answered() -> None:
    core = SessionCore("inst_1", 0, 8)
    for _ in range(3):
        core.frame([OBS], batch=False)
    core.connected()
    assert [f.first for f in core.writable()] == [1]
    assert core.writable() == []
    core.take(answer(1, 1, False))
    assert [f.first for f in core.writable()] == [2, 3]
    core.frame([OBS], batch=False)
    assert [f.first for f in core.writable()] == [4]


@pytest.mark.parametrize("code", ["ABORTED", "UNAUTHENTICATED", "PERMISSION_DENIED", "FAILED_PRECONDITION", "INVALID_ARGUMENT"])
def test_final_codes_are_never_resumed(code: str) -> None:
    seen: List[KeelError] = []
    core = SessionCore("inst_1", 0, 8, lambda _a, err, _d: seen.append(err))
    assert core.reconnect_delay(error_for(code, "no")) is None
    assert seen == []


def test_quota_refusals_wait_at_least_the_servers_delay_and_cuts_back_off() -> None:
    core = SessionCore("inst_1", 0, 3)
    delay = core.reconnect_delay(error_for("RESOURCE_EXHAUSTED", "q", retry_delay=0.4))
    assert delay is not None and 0.4 <= delay <= 0.44 + 1e-9
    # RESOURCE_EXHAUSTED without RetryInfo (e.g. a message too large) cannot be fixed by waiting.
    assert core.reconnect_delay(error_for("RESOURCE_EXHAUSTED", "too big")) is None
    core2 = SessionCore("inst_1", 0, 2)
    assert core2.reconnect_delay(error_for("UNAVAILABLE", "cut")) is not None
    assert core2.reconnect_delay(error_for("UNAVAILABLE", "cut")) is not None
    assert core2.reconnect_delay(error_for("UNAVAILABLE", "cut")) is None, "attempts are bounded"
    core2.on_opened(es.SessionOpened())
    assert core2.reconnect_delay(error_for("UNAVAILABLE", "cut")) is not None, "an open stream restarts the count"


def test_a_cancelled_stream_is_resumed() -> None:
    core = SessionCore("inst_1", 0, 8)
    assert core.reconnect_delay(error_for("CANCELLED", "call cancelled")) is not None
