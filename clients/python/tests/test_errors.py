"""Typed errors from grpcio's errors, with the google.rpc details decoded."""
from __future__ import annotations

from typing import Any, Sequence, Tuple

import grpc
import pytest
from google.protobuf import any_pb2, duration_pb2
from google.rpc import error_details_pb2, status_pb2

from keel_client import Aborted, InvalidArgument, KeelError, ResourceExhausted, Unauthenticated, Unknown
from keel_client._errors import error_for, from_rpc_error


class FakeRpcError(grpc.RpcError):
    def __init__(self, code: grpc.StatusCode, details: str, trailers: Sequence[Tuple[str, Any]] = ()) -> None:
        self._code, self._details, self._trailers = code, details, tuple(trailers)

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._details

    def trailing_metadata(self) -> Tuple[Tuple[str, Any], ...]:
        return self._trailers


def status_trailer(code: int, message: str, *details: Any) -> Tuple[str, bytes]:
    status = status_pb2.Status(code=code, message=message)
    for detail in details:
        packed = any_pb2.Any()
        packed.Pack(detail)
        status.details.append(packed)
    return ("grpc-status-details-bin", status.SerializeToString())


def test_bad_request_field_violations_are_decoded() -> None:
    bad = error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field="observation.signal_strength", description="must be in [0, 1]")
        ]
    )
    err = from_rpc_error(
        FakeRpcError(grpc.StatusCode.INVALID_ARGUMENT, "observation.signal_strength must be ...", [status_trailer(3, "m", bad)])
    )
    assert isinstance(err, InvalidArgument)
    assert err.code == "INVALID_ARGUMENT"
    assert err.field_violations == [("observation.signal_strength", "must be in [0, 1]")]
    assert err.retry_delay is None
    assert err.status_code is grpc.StatusCode.INVALID_ARGUMENT


def test_retry_info_becomes_seconds() -> None:
    info = error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=1, nanos=250_000_000))
    err = from_rpc_error(FakeRpcError(grpc.StatusCode.RESOURCE_EXHAUSTED, "over quota", [status_trailer(8, "q", info)]))
    assert isinstance(err, ResourceExhausted)
    assert err.retry_delay == pytest.approx(1.25)
    assert err.message == "over quota"
    assert str(err) == "RESOURCE_EXHAUSTED: over quota"


def test_no_details_and_malformed_details_still_give_the_typed_error() -> None:
    plain = from_rpc_error(FakeRpcError(grpc.StatusCode.UNAUTHENTICATED, "unknown key"))
    assert isinstance(plain, Unauthenticated) and plain.field_violations == [] and plain.status is None
    garbled = from_rpc_error(FakeRpcError(grpc.StatusCode.ABORTED, "taken over", [("grpc-status-details-bin", b"\xff\xff")]))
    assert isinstance(garbled, Aborted) and garbled.message == "taken over"


def test_every_error_is_a_keel_error_and_unknown_codes_map_to_unknown() -> None:
    assert isinstance(error_for("NOT_A_CODE", "x"), Unknown)
    for code in grpc.StatusCode:
        if code is grpc.StatusCode.OK:
            continue
        err = error_for(code.name, "x")
        assert isinstance(err, KeelError)
        assert err.code == code.name or isinstance(err, Unknown)


