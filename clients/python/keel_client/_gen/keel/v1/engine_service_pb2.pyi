import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from keel_client._gen.keel.v1 import contract_pb2 as _contract_pb2
from keel_client._gen.keel.v1 import drift_pb2 as _drift_pb2
from keel_client._gen.keel.v1 import observation_pb2 as _observation_pb2
from keel_client._gen.keel.v1 import state_pb2 as _state_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ResetTarget(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESET_TARGET_UNSPECIFIED: _ClassVar[ResetTarget]
    RESET_TARGET_INITIAL: _ClassVar[ResetTarget]
    RESET_TARGET_LAST_SNAPSHOT: _ClassVar[ResetTarget]
RESET_TARGET_UNSPECIFIED: ResetTarget
RESET_TARGET_INITIAL: ResetTarget
RESET_TARGET_LAST_SNAPSHOT: ResetTarget

class CycleOutcome(_message.Message):
    __slots__ = ("contract", "drift", "drift_event", "rolled_back", "revision")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    DRIFT_FIELD_NUMBER: _ClassVar[int]
    DRIFT_EVENT_FIELD_NUMBER: _ClassVar[int]
    ROLLED_BACK_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    contract: _contract_pb2.ExecutionContract
    drift: _state_pb2.DriftResult
    drift_event: _drift_pb2.DriftEvent
    rolled_back: bool
    revision: int
    def __init__(self, contract: _Optional[_Union[_contract_pb2.ExecutionContract, _Mapping]] = ..., drift: _Optional[_Union[_state_pb2.DriftResult, _Mapping]] = ..., drift_event: _Optional[_Union[_drift_pb2.DriftEvent, _Mapping]] = ..., rolled_back: bool = ..., revision: _Optional[int] = ...) -> None: ...

class ProcessRequest(_message.Message):
    __slots__ = ("instance_id", "observation", "request_id")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    observation: _observation_pb2.Observation
    request_id: str
    def __init__(self, instance_id: _Optional[str] = ..., observation: _Optional[_Union[_observation_pb2.Observation, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ProcessResponse(_message.Message):
    __slots__ = ("outcome",)
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    outcome: CycleOutcome
    def __init__(self, outcome: _Optional[_Union[CycleOutcome, _Mapping]] = ...) -> None: ...

class ProcessBatchRequest(_message.Message):
    __slots__ = ("instance_id", "observations", "include_intermediate", "request_id")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    OBSERVATIONS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_INTERMEDIATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    observations: _containers.RepeatedCompositeFieldContainer[_observation_pb2.Observation]
    include_intermediate: bool
    request_id: str
    def __init__(self, instance_id: _Optional[str] = ..., observations: _Optional[_Iterable[_Union[_observation_pb2.Observation, _Mapping]]] = ..., include_intermediate: bool = ..., request_id: _Optional[str] = ...) -> None: ...

class ProcessBatchResponse(_message.Message):
    __slots__ = ("outcomes", "processed_count")
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_COUNT_FIELD_NUMBER: _ClassVar[int]
    outcomes: _containers.RepeatedCompositeFieldContainer[CycleOutcome]
    processed_count: int
    def __init__(self, outcomes: _Optional[_Iterable[_Union[CycleOutcome, _Mapping]]] = ..., processed_count: _Optional[int] = ...) -> None: ...

class SessionRequest(_message.Message):
    __slots__ = ("open", "observation", "batch", "heartbeat")
    OPEN_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    open: SessionOpen
    observation: SequencedObservation
    batch: ObservationBatch
    heartbeat: Heartbeat
    def __init__(self, open: _Optional[_Union[SessionOpen, _Mapping]] = ..., observation: _Optional[_Union[SequencedObservation, _Mapping]] = ..., batch: _Optional[_Union[ObservationBatch, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ...) -> None: ...

class SessionOpen(_message.Message):
    __slots__ = ("instance_id", "resume_after_sequence")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    RESUME_AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    resume_after_sequence: int
    def __init__(self, instance_id: _Optional[str] = ..., resume_after_sequence: _Optional[int] = ...) -> None: ...

class SequencedObservation(_message.Message):
    __slots__ = ("sequence", "observation")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    observation: _observation_pb2.Observation
    def __init__(self, sequence: _Optional[int] = ..., observation: _Optional[_Union[_observation_pb2.Observation, _Mapping]] = ...) -> None: ...

class ObservationBatch(_message.Message):
    __slots__ = ("observations",)
    OBSERVATIONS_FIELD_NUMBER: _ClassVar[int]
    observations: _containers.RepeatedCompositeFieldContainer[SequencedObservation]
    def __init__(self, observations: _Optional[_Iterable[_Union[SequencedObservation, _Mapping]]] = ...) -> None: ...

class Heartbeat(_message.Message):
    __slots__ = ("time",)
    TIME_FIELD_NUMBER: _ClassVar[int]
    time: _timestamp_pb2.Timestamp
    def __init__(self, time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SessionResponse(_message.Message):
    __slots__ = ("opened", "outcome", "batch", "heartbeat")
    OPENED_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    opened: SessionOpened
    outcome: SequencedOutcome
    batch: BatchOutcome
    heartbeat: Heartbeat
    def __init__(self, opened: _Optional[_Union[SessionOpened, _Mapping]] = ..., outcome: _Optional[_Union[SequencedOutcome, _Mapping]] = ..., batch: _Optional[_Union[BatchOutcome, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ...) -> None: ...

class SessionOpened(_message.Message):
    __slots__ = ("instance_id", "contract", "last_sequence")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    LAST_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    contract: _contract_pb2.ExecutionContract
    last_sequence: int
    def __init__(self, instance_id: _Optional[str] = ..., contract: _Optional[_Union[_contract_pb2.ExecutionContract, _Mapping]] = ..., last_sequence: _Optional[int] = ...) -> None: ...

class SequencedOutcome(_message.Message):
    __slots__ = ("sequence", "outcome", "replayed")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    outcome: CycleOutcome
    replayed: bool
    def __init__(self, sequence: _Optional[int] = ..., outcome: _Optional[_Union[CycleOutcome, _Mapping]] = ..., replayed: bool = ...) -> None: ...

class BatchOutcome(_message.Message):
    __slots__ = ("outcomes",)
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    outcomes: _containers.RepeatedCompositeFieldContainer[SequencedOutcome]
    def __init__(self, outcomes: _Optional[_Iterable[_Union[SequencedOutcome, _Mapping]]] = ...) -> None: ...

class GetStateRequest(_message.Message):
    __slots__ = ("instance_id",)
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    def __init__(self, instance_id: _Optional[str] = ...) -> None: ...

class GetStateResponse(_message.Message):
    __slots__ = ("state", "revision")
    STATE_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    state: _state_pb2.EngineState
    revision: int
    def __init__(self, state: _Optional[_Union[_state_pb2.EngineState, _Mapping]] = ..., revision: _Optional[int] = ...) -> None: ...

class GetContractRequest(_message.Message):
    __slots__ = ("instance_id",)
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    def __init__(self, instance_id: _Optional[str] = ...) -> None: ...

class GetContractResponse(_message.Message):
    __slots__ = ("contract",)
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    contract: _contract_pb2.ExecutionContract
    def __init__(self, contract: _Optional[_Union[_contract_pb2.ExecutionContract, _Mapping]] = ...) -> None: ...

class ResetRequest(_message.Message):
    __slots__ = ("instance_id", "target", "request_id")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    target: ResetTarget
    request_id: str
    def __init__(self, instance_id: _Optional[str] = ..., target: _Optional[_Union[ResetTarget, str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ResetResponse(_message.Message):
    __slots__ = ("contract", "revision")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    contract: _contract_pb2.ExecutionContract
    revision: int
    def __init__(self, contract: _Optional[_Union[_contract_pb2.ExecutionContract, _Mapping]] = ..., revision: _Optional[int] = ...) -> None: ...

class ListHistoryRequest(_message.Message):
    __slots__ = ("instance_id", "page_size", "page_token")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    page_size: int
    page_token: str
    def __init__(self, instance_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class HistoryEntry(_message.Message):
    __slots__ = ("cycle", "revision", "observation", "process_time", "hash")
    CYCLE_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_FIELD_NUMBER: _ClassVar[int]
    PROCESS_TIME_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    cycle: int
    revision: int
    observation: _observation_pb2.Observation
    process_time: _timestamp_pb2.Timestamp
    hash: str
    def __init__(self, cycle: _Optional[int] = ..., revision: _Optional[int] = ..., observation: _Optional[_Union[_observation_pb2.Observation, _Mapping]] = ..., process_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., hash: _Optional[str] = ...) -> None: ...

class ListHistoryResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[HistoryEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[HistoryEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListDriftEventsRequest(_message.Message):
    __slots__ = ("instance_id", "page_size", "page_token")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    page_size: int
    page_token: str
    def __init__(self, instance_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDriftEventsResponse(_message.Message):
    __slots__ = ("events", "next_page_token")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[_drift_pb2.DriftEvent]
    next_page_token: str
    def __init__(self, events: _Optional[_Iterable[_Union[_drift_pb2.DriftEvent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListSnapshotsRequest(_message.Message):
    __slots__ = ("instance_id", "page_size", "page_token")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    page_size: int
    page_token: str
    def __init__(self, instance_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSnapshotsResponse(_message.Message):
    __slots__ = ("snapshots", "next_page_token")
    SNAPSHOTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    snapshots: _containers.RepeatedCompositeFieldContainer[_drift_pb2.Snapshot]
    next_page_token: str
    def __init__(self, snapshots: _Optional[_Iterable[_Union[_drift_pb2.Snapshot, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class VerifyHistoryRequest(_message.Message):
    __slots__ = ("instance_id",)
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    def __init__(self, instance_id: _Optional[str] = ...) -> None: ...

class HistoryDifference(_message.Message):
    __slots__ = ("revision", "seq", "cycle", "field", "expected", "found", "message")
    REVISION_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    CYCLE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_FIELD_NUMBER: _ClassVar[int]
    FOUND_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    revision: int
    seq: int
    cycle: int
    field: str
    expected: str
    found: str
    message: str
    def __init__(self, revision: _Optional[int] = ..., seq: _Optional[int] = ..., cycle: _Optional[int] = ..., field: _Optional[str] = ..., expected: _Optional[str] = ..., found: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class VerifyHistoryResponse(_message.Message):
    __slots__ = ("verified", "revision", "commits_verified", "cycles_verified", "resets_verified", "head_hash", "difference", "engine_version_hash", "recorded_engine_version_hashes")
    VERIFIED_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    COMMITS_VERIFIED_FIELD_NUMBER: _ClassVar[int]
    CYCLES_VERIFIED_FIELD_NUMBER: _ClassVar[int]
    RESETS_VERIFIED_FIELD_NUMBER: _ClassVar[int]
    HEAD_HASH_FIELD_NUMBER: _ClassVar[int]
    DIFFERENCE_FIELD_NUMBER: _ClassVar[int]
    ENGINE_VERSION_HASH_FIELD_NUMBER: _ClassVar[int]
    RECORDED_ENGINE_VERSION_HASHES_FIELD_NUMBER: _ClassVar[int]
    verified: bool
    revision: int
    commits_verified: int
    cycles_verified: int
    resets_verified: int
    head_hash: str
    difference: HistoryDifference
    engine_version_hash: str
    recorded_engine_version_hashes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, verified: bool = ..., revision: _Optional[int] = ..., commits_verified: _Optional[int] = ..., cycles_verified: _Optional[int] = ..., resets_verified: _Optional[int] = ..., head_hash: _Optional[str] = ..., difference: _Optional[_Union[HistoryDifference, _Mapping]] = ..., engine_version_hash: _Optional[str] = ..., recorded_engine_version_hashes: _Optional[_Iterable[str]] = ...) -> None: ...
