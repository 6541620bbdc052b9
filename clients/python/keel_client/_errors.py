"""Typed errors: every failed call raises a KeelError subclass named after its gRPC code, with
the server's google.rpc details (RetryInfo, BadRequest) already decoded."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple, Type

import grpc
from google.rpc import error_details_pb2, status_pb2

_DETAILS_KEY = "grpc-status-details-bin"


class KeelError(Exception):
    """A call failed. `code` is the canonical gRPC name ("INVALID_ARGUMENT")."""

    code: str = "UNKNOWN"

    def __init__(
        self,
        message: str,
        *,
        retry_delay: Optional[float] = None,
        field_violations: Sequence[Tuple[str, str]] = (),
        status: Optional[status_pb2.Status] = None,
    ) -> None:
        super().__init__(f"{self.code}: {message}")
        self.message = message
        #: Seconds the server asked to wait before retrying (google.rpc.RetryInfo), else None.
        self.retry_delay = retry_delay
        #: (field, description) pairs from google.rpc.BadRequest, e.g.
        #: ("observation.signal_strength", "must be in [0, 1]").
        self.field_violations: List[Tuple[str, str]] = list(field_violations)
        #: The decoded google.rpc.Status, when the server sent one.
        self.status = status

    @property
    def status_code(self) -> grpc.StatusCode:
        return grpc.StatusCode[self.code]


class Cancelled(KeelError):
    code = "CANCELLED"


class Unknown(KeelError):
    code = "UNKNOWN"


class InvalidArgument(KeelError):
    code = "INVALID_ARGUMENT"


class DeadlineExceeded(KeelError):
    code = "DEADLINE_EXCEEDED"


class NotFound(KeelError):
    code = "NOT_FOUND"


class AlreadyExists(KeelError):
    code = "ALREADY_EXISTS"


class PermissionDenied(KeelError):
    code = "PERMISSION_DENIED"


class ResourceExhausted(KeelError):
    code = "RESOURCE_EXHAUSTED"


class FailedPrecondition(KeelError):
    code = "FAILED_PRECONDITION"


class Aborted(KeelError):
    code = "ABORTED"


class OutOfRange(KeelError):
    code = "OUT_OF_RANGE"


class Unimplemented(KeelError):
    code = "UNIMPLEMENTED"


class Internal(KeelError):
    code = "INTERNAL"


class Unavailable(KeelError):
    code = "UNAVAILABLE"


class DataLoss(KeelError):
    code = "DATA_LOSS"


class Unauthenticated(KeelError):
    code = "UNAUTHENTICATED"


_BY_CODE: Dict[str, Type[KeelError]] = {
    cls.code: cls
    for cls in (
        Cancelled, Unknown, InvalidArgument, DeadlineExceeded, NotFound, AlreadyExists,
        PermissionDenied, ResourceExhausted, FailedPrecondition, Aborted, OutOfRange,
        Unimplemented, Internal, Unavailable, DataLoss, Unauthenticated,
    )
}


def error_for(code: str, message: str, **kwargs: Any) -> KeelError:
    return _BY_CODE.get(code, Unknown)(message, **kwargs)


def from_rpc_error(err: grpc.RpcError) -> KeelError:
    """Converts grpcio's error (sync or grpc.aio) into the typed error."""
    call: Any = err
    code: grpc.StatusCode = call.code() if hasattr(call, "code") else grpc.StatusCode.UNKNOWN
    message: str = (call.details() if hasattr(call, "details") else None) or str(err)
    trailers = call.trailing_metadata() if hasattr(call, "trailing_metadata") else None
    status = _status_from(trailers)
    retry_delay: Optional[float] = None
    violations: List[Tuple[str, str]] = []
    if status is not None:
        for detail in status.details:
            if detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
                info = error_details_pb2.RetryInfo()
                detail.Unpack(info)
                retry_delay = info.retry_delay.seconds + info.retry_delay.nanos / 1e9
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                violations.extend((v.field, v.description) for v in bad.field_violations)
    error = error_for(code.name, message, retry_delay=retry_delay, field_violations=violations, status=status)
    error.__cause__ = err
    return error


def _status_from(trailers: Any) -> Optional[status_pb2.Status]:
    for key, value in trailers or ():
        if key == _DETAILS_KEY and isinstance(value, bytes):
            status = status_pb2.Status()
            try:
                status.ParseFromString(value)
            except Exception:  # a malformed trailer must not hide the error itself
                return None
            return status
    return None
