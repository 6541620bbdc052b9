"""Keel's Python SDK.

    from keel_client import Keel, Mode

    with Keel() as client:                       # KEEL_ADDR / KEEL_API_KEY
        instance = client.instances.create(name="Aria", description="Customer service bot")
        out = client.engine.process(instance_id=instance.id, mode=Mode.EXPLORATION, signal_strength=0.7)
        with client.session(instance.id) as session:
            outs = session.process_many([(Mode.ORDER, 0.6)] * 1000)

AsyncKeel is the same surface for asyncio. Errors are KeelError subclasses (see keel_client.errors).
"""
from keel_client._aio_client import AsyncKeel
from keel_client._aio_session import AsyncSession
from keel_client._client import Keel
from keel_client._enums import KeyScope, Mode, ResetTarget
from keel_client._errors import (
    Aborted,
    AlreadyExists,
    Cancelled,
    DataLoss,
    DeadlineExceeded,
    FailedPrecondition,
    Internal,
    InvalidArgument,
    KeelError,
    NotFound,
    OutOfRange,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
    Unimplemented,
    Unknown,
)
from keel_client._observations import Observation
from keel_client._results import (
    ApiKey,
    BatchResult,
    Contract,
    CreatedKey,
    DecisionStyle,
    Drift,
    DriftEvent,
    GeneratedContract,
    HistoryEntry,
    Instance,
    Outcome,
    Page,
    ResetResult,
    Restriction,
    SessionOutcome,
    Snapshot,
    State,
    VerifyResult,
    WhoAmI,
)
from keel_client._session import Session
from keel_client._session_core import MAX_BATCH

__version__ = "0.1.0"

__all__ = [
    "Aborted", "AlreadyExists", "ApiKey", "AsyncKeel", "AsyncSession", "BatchResult", "Cancelled",
    "Contract", "CreatedKey", "DataLoss", "DeadlineExceeded", "DecisionStyle", "Drift", "DriftEvent",
    "FailedPrecondition", "GeneratedContract", "HistoryEntry", "Instance", "Internal", "InvalidArgument",
    "Keel", "KeelError", "KeyScope", "MAX_BATCH", "Mode", "NotFound", "Observation", "OutOfRange",
    "Outcome", "Page", "PermissionDenied", "ResetResult", "ResetTarget", "ResourceExhausted",
    "Restriction", "Session", "SessionOutcome", "Snapshot", "State", "Unauthenticated", "Unavailable",
    "Unimplemented", "Unknown", "VerifyResult", "WhoAmI",
]
