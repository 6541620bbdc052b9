"""Which unary failures are retried: quota waits for everything, UNAVAILABLE only when safe."""
from __future__ import annotations

import pytest

from keel_client._errors import error_for
from keel_client._requests import process, reset
from keel_client._retry import backoff, unary_delay
from keel_client import Mode, ResetTarget


@pytest.mark.parametrize("code", ["ABORTED", "UNAUTHENTICATED", "PERMISSION_DENIED", "INVALID_ARGUMENT", "NOT_FOUND"])
def test_final_codes_are_not_retried(code: str) -> None:
    assert unary_delay(error_for(code, "x"), 1, 3, safe=True) is None


def test_unavailable_is_retried_only_for_safe_calls_and_only_max_retries_times() -> None:
    err = error_for("UNAVAILABLE", "x")
    assert unary_delay(err, 1, 3, safe=True) is not None
    assert unary_delay(err, 1, 3, safe=False) is None
    assert unary_delay(err, 4, 3, safe=True) is None


def test_quota_refusals_wait_out_retry_info() -> None:
    delay = unary_delay(error_for("RESOURCE_EXHAUSTED", "q", retry_delay=1.0), 1, 3, safe=False)
    assert delay is not None and delay >= 1.0


def test_backoff_grows_and_is_capped() -> None:
    assert all(0.025 <= backoff(1) <= 0.05 for _ in range(50))
    assert all(1.0 <= backoff(10) <= 2.0 for _ in range(50))


def test_writes_carry_a_fresh_request_id_unless_given() -> None:
    a = process("inst_1", Mode.ORDER, 0.5, action=None, target=None, outcome=None, confidence=None, context=None,
                timestamp=None, request_id=None)
    b = process("inst_1", Mode.ORDER, 0.5, action=None, target=None, outcome=None, confidence=None, context=None,
                timestamp=None, request_id=None)
    assert a.request_id and b.request_id and a.request_id != b.request_id
    assert reset("inst_1", ResetTarget.INITIAL, "mine-1").request_id == "mine-1"


def test_a_retried_write_sends_the_same_request_id() -> None:
    import grpc

    from keel_client._client import _Unary
    from keel_client._config import resolve
    from test_errors import FakeRpcError

    config = resolve("127.0.0.1:1", "k", tls=None, ca_file=None, client_cert_file=None, client_key_file=None,
                     server_name=None, timeout=1.0, max_retries=3, options=())
    seen = []

    def flaky(request: object, metadata: object, timeout: object) -> str:
        seen.append(request.request_id)  # type: ignore[attr-defined]
        if len(seen) < 3:
            raise FakeRpcError(grpc.StatusCode.UNAVAILABLE, "connection reset")
        return "ok"

    request = process("inst_1", Mode.ORDER, 0.5, action=None, target=None, outcome=None, confidence=None,
                      context=None, timestamp=None, request_id=None)
    assert _Unary(config)(flaky, request, safe=True) == "ok"
    assert len(seen) == 3 and len(set(seen)) == 1 and seen[0]
