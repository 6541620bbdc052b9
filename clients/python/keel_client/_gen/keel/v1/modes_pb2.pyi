from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class Mode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MODE_UNSPECIFIED: _ClassVar[Mode]
    MODE_PERCEPTION: _ClassVar[Mode]
    MODE_EXPLORATION: _ClassVar[Mode]
    MODE_ORDER: _ClassVar[Mode]
    MODE_ASSERTION: _ClassVar[Mode]
    MODE_CONNECTION: _ClassVar[Mode]
    MODE_IDENTITY: _ClassVar[Mode]
    MODE_STRESS_RESPONSE: _ClassVar[Mode]

class Action(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACTION_UNSPECIFIED: _ClassVar[Action]
    ACTION_EXPLORE: _ClassVar[Action]
    ACTION_QUESTION: _ClassVar[Action]
    ACTION_ELABORATE: _ClassVar[Action]
    ACTION_SUGGEST: _ClassVar[Action]
    ACTION_EXECUTE: _ClassVar[Action]
    ACTION_STABILIZE: _ClassVar[Action]
    ACTION_CLARIFY: _ClassVar[Action]
    ACTION_DEFER: _ClassVar[Action]
    ACTION_CHALLENGE: _ClassVar[Action]
    ACTION_COMFORT: _ClassVar[Action]
    ACTION_WITHDRAW: _ClassVar[Action]
    ACTION_PIVOT: _ClassVar[Action]
    ACTION_EMOTIONAL_MANIPULATION: _ClassVar[Action]
    ACTION_IDENTITY_OVERRIDE: _ClassVar[Action]

class StressLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STRESS_LEVEL_UNSPECIFIED: _ClassVar[StressLevel]
    STRESS_LEVEL_LOW: _ClassVar[StressLevel]
    STRESS_LEVEL_MED: _ClassVar[StressLevel]
    STRESS_LEVEL_HIGH: _ClassVar[StressLevel]
    STRESS_LEVEL_OVER: _ClassVar[StressLevel]

class SystemState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SYSTEM_STATE_UNSPECIFIED: _ClassVar[SystemState]
    SYSTEM_STATE_BASELINE: _ClassVar[SystemState]
    SYSTEM_STATE_STRESS: _ClassVar[SystemState]
    SYSTEM_STATE_GROWTH: _ClassVar[SystemState]

class DriftLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DRIFT_LEVEL_UNSPECIFIED: _ClassVar[DriftLevel]
    DRIFT_LEVEL_D0_NOISE: _ClassVar[DriftLevel]
    DRIFT_LEVEL_D1_CONTEXT: _ClassVar[DriftLevel]
    DRIFT_LEVEL_D2_ADAPTIVE: _ClassVar[DriftLevel]
    DRIFT_LEVEL_D3_CORRUPT: _ClassVar[DriftLevel]
MODE_UNSPECIFIED: Mode
MODE_PERCEPTION: Mode
MODE_EXPLORATION: Mode
MODE_ORDER: Mode
MODE_ASSERTION: Mode
MODE_CONNECTION: Mode
MODE_IDENTITY: Mode
MODE_STRESS_RESPONSE: Mode
ACTION_UNSPECIFIED: Action
ACTION_EXPLORE: Action
ACTION_QUESTION: Action
ACTION_ELABORATE: Action
ACTION_SUGGEST: Action
ACTION_EXECUTE: Action
ACTION_STABILIZE: Action
ACTION_CLARIFY: Action
ACTION_DEFER: Action
ACTION_CHALLENGE: Action
ACTION_COMFORT: Action
ACTION_WITHDRAW: Action
ACTION_PIVOT: Action
ACTION_EMOTIONAL_MANIPULATION: Action
ACTION_IDENTITY_OVERRIDE: Action
STRESS_LEVEL_UNSPECIFIED: StressLevel
STRESS_LEVEL_LOW: StressLevel
STRESS_LEVEL_MED: StressLevel
STRESS_LEVEL_HIGH: StressLevel
STRESS_LEVEL_OVER: StressLevel
SYSTEM_STATE_UNSPECIFIED: SystemState
SYSTEM_STATE_BASELINE: SystemState
SYSTEM_STATE_STRESS: SystemState
SYSTEM_STATE_GROWTH: SystemState
DRIFT_LEVEL_UNSPECIFIED: DriftLevel
DRIFT_LEVEL_D0_NOISE: DriftLevel
DRIFT_LEVEL_D1_CONTEXT: DriftLevel
DRIFT_LEVEL_D2_ADAPTIVE: DriftLevel
DRIFT_LEVEL_D3_CORRUPT: DriftLevel
