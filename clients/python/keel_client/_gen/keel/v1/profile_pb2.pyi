from keel_client._gen.keel.v1 import modes_pb2 as _modes_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RiskPosture(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RISK_POSTURE_UNSPECIFIED: _ClassVar[RiskPosture]
    RISK_POSTURE_SEEKING: _ClassVar[RiskPosture]
    RISK_POSTURE_AVERSE: _ClassVar[RiskPosture]
    RISK_POSTURE_MODERATE: _ClassVar[RiskPosture]
    RISK_POSTURE_BOUNDED: _ClassVar[RiskPosture]

class EnergyPolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENERGY_POLICY_UNSPECIFIED: _ClassVar[EnergyPolicy]
    ENERGY_POLICY_CONSERVATIVE: _ClassVar[EnergyPolicy]
    ENERGY_POLICY_BALANCED: _ClassVar[EnergyPolicy]
    ENERGY_POLICY_AGGRESSIVE: _ClassVar[EnergyPolicy]

class StressTolerance(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STRESS_TOLERANCE_UNSPECIFIED: _ClassVar[StressTolerance]
    STRESS_TOLERANCE_FRAGILE: _ClassVar[StressTolerance]
    STRESS_TOLERANCE_NORMAL: _ClassVar[StressTolerance]
    STRESS_TOLERANCE_RESILIENT: _ClassVar[StressTolerance]

class DriftTolerance(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DRIFT_TOLERANCE_UNSPECIFIED: _ClassVar[DriftTolerance]
    DRIFT_TOLERANCE_STRICT: _ClassVar[DriftTolerance]
    DRIFT_TOLERANCE_NORMAL: _ClassVar[DriftTolerance]
    DRIFT_TOLERANCE_PERMISSIVE: _ClassVar[DriftTolerance]

class DriftDetector(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DRIFT_DETECTOR_UNSPECIFIED: _ClassVar[DriftDetector]
    DRIFT_DETECTOR_ANCHOR: _ClassVar[DriftDetector]
    DRIFT_DETECTOR_SEQUENTIAL: _ClassVar[DriftDetector]
RISK_POSTURE_UNSPECIFIED: RiskPosture
RISK_POSTURE_SEEKING: RiskPosture
RISK_POSTURE_AVERSE: RiskPosture
RISK_POSTURE_MODERATE: RiskPosture
RISK_POSTURE_BOUNDED: RiskPosture
ENERGY_POLICY_UNSPECIFIED: EnergyPolicy
ENERGY_POLICY_CONSERVATIVE: EnergyPolicy
ENERGY_POLICY_BALANCED: EnergyPolicy
ENERGY_POLICY_AGGRESSIVE: EnergyPolicy
STRESS_TOLERANCE_UNSPECIFIED: StressTolerance
STRESS_TOLERANCE_FRAGILE: StressTolerance
STRESS_TOLERANCE_NORMAL: StressTolerance
STRESS_TOLERANCE_RESILIENT: StressTolerance
DRIFT_TOLERANCE_UNSPECIFIED: DriftTolerance
DRIFT_TOLERANCE_STRICT: DriftTolerance
DRIFT_TOLERANCE_NORMAL: DriftTolerance
DRIFT_TOLERANCE_PERMISSIVE: DriftTolerance
DRIFT_DETECTOR_UNSPECIFIED: DriftDetector
DRIFT_DETECTOR_ANCHOR: DriftDetector
DRIFT_DETECTOR_SEQUENTIAL: DriftDetector

class ModeStrengths(_message.Message):
    __slots__ = ("perception", "exploration", "order", "assertion", "connection", "identity", "stress_response")
    PERCEPTION_FIELD_NUMBER: _ClassVar[int]
    EXPLORATION_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    ASSERTION_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    STRESS_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    perception: float
    exploration: float
    order: float
    assertion: float
    connection: float
    identity: float
    stress_response: float
    def __init__(self, perception: _Optional[float] = ..., exploration: _Optional[float] = ..., order: _Optional[float] = ..., assertion: _Optional[float] = ..., connection: _Optional[float] = ..., identity: _Optional[float] = ..., stress_response: _Optional[float] = ...) -> None: ...

class IdentityProfile(_message.Message):
    __slots__ = ("core_modes", "suppressed_modes", "risk_posture", "energy_policy", "stress_tolerance", "drift_tolerance", "initial_mode_strengths", "initial_energy", "drift_detector", "drift_restricts_at")
    CORE_MODES_FIELD_NUMBER: _ClassVar[int]
    SUPPRESSED_MODES_FIELD_NUMBER: _ClassVar[int]
    RISK_POSTURE_FIELD_NUMBER: _ClassVar[int]
    ENERGY_POLICY_FIELD_NUMBER: _ClassVar[int]
    STRESS_TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    DRIFT_TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    INITIAL_MODE_STRENGTHS_FIELD_NUMBER: _ClassVar[int]
    INITIAL_ENERGY_FIELD_NUMBER: _ClassVar[int]
    DRIFT_DETECTOR_FIELD_NUMBER: _ClassVar[int]
    DRIFT_RESTRICTS_AT_FIELD_NUMBER: _ClassVar[int]
    core_modes: _containers.RepeatedScalarFieldContainer[_modes_pb2.Mode]
    suppressed_modes: _containers.RepeatedScalarFieldContainer[_modes_pb2.Mode]
    risk_posture: RiskPosture
    energy_policy: EnergyPolicy
    stress_tolerance: StressTolerance
    drift_tolerance: DriftTolerance
    initial_mode_strengths: ModeStrengths
    initial_energy: float
    drift_detector: DriftDetector
    drift_restricts_at: _modes_pb2.DriftLevel
    def __init__(self, core_modes: _Optional[_Iterable[_Union[_modes_pb2.Mode, str]]] = ..., suppressed_modes: _Optional[_Iterable[_Union[_modes_pb2.Mode, str]]] = ..., risk_posture: _Optional[_Union[RiskPosture, str]] = ..., energy_policy: _Optional[_Union[EnergyPolicy, str]] = ..., stress_tolerance: _Optional[_Union[StressTolerance, str]] = ..., drift_tolerance: _Optional[_Union[DriftTolerance, str]] = ..., initial_mode_strengths: _Optional[_Union[ModeStrengths, _Mapping]] = ..., initial_energy: _Optional[float] = ..., drift_detector: _Optional[_Union[DriftDetector, str]] = ..., drift_restricts_at: _Optional[_Union[_modes_pb2.DriftLevel, str]] = ...) -> None: ...
