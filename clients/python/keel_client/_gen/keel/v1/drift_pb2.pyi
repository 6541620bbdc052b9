import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from keel_client._gen.keel.v1 import modes_pb2 as _modes_pb2
from keel_client._gen.keel.v1 import state_pb2 as _state_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DriftEvent(_message.Message):
    __slots__ = ("instance_id", "cycle", "level", "magnitude", "affected_modes", "rolled_back", "create_time", "revision")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    CYCLE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    MAGNITUDE_FIELD_NUMBER: _ClassVar[int]
    AFFECTED_MODES_FIELD_NUMBER: _ClassVar[int]
    ROLLED_BACK_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    cycle: int
    level: _modes_pb2.DriftLevel
    magnitude: float
    affected_modes: _containers.RepeatedScalarFieldContainer[_modes_pb2.Mode]
    rolled_back: bool
    create_time: _timestamp_pb2.Timestamp
    revision: int
    def __init__(self, instance_id: _Optional[str] = ..., cycle: _Optional[int] = ..., level: _Optional[_Union[_modes_pb2.DriftLevel, str]] = ..., magnitude: _Optional[float] = ..., affected_modes: _Optional[_Iterable[_Union[_modes_pb2.Mode, str]]] = ..., rolled_back: bool = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revision: _Optional[int] = ...) -> None: ...

class Snapshot(_message.Message):
    __slots__ = ("instance_id", "cycle", "revision", "create_time", "snapshot")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    CYCLE_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    cycle: int
    revision: int
    create_time: _timestamp_pb2.Timestamp
    snapshot: _state_pb2.StableSnapshot
    def __init__(self, instance_id: _Optional[str] = ..., cycle: _Optional[int] = ..., revision: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., snapshot: _Optional[_Union[_state_pb2.StableSnapshot, _Mapping]] = ...) -> None: ...
