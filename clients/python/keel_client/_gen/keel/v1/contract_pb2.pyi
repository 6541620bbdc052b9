from keel_client._gen.keel.v1 import behavioral_contract_pb2 as _behavioral_contract_pb2
from keel_client._gen.keel.v1 import modes_pb2 as _modes_pb2
from keel_client._gen.keel.v1 import profile_pb2 as _profile_pb2
from keel_client._gen.keel.v1 import state_pb2 as _state_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Tempo(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TEMPO_UNSPECIFIED: _ClassVar[Tempo]
    TEMPO_MEASURED: _ClassVar[Tempo]
    TEMPO_DECISIVE: _ClassVar[Tempo]
    TEMPO_EXPLORATORY: _ClassVar[Tempo]
    TEMPO_OBSERVANT: _ClassVar[Tempo]
    TEMPO_DELIBERATE: _ClassVar[Tempo]

class RiskStyle(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RISK_STYLE_UNSPECIFIED: _ClassVar[RiskStyle]
    RISK_STYLE_SEEKING: _ClassVar[RiskStyle]
    RISK_STYLE_MODERATE: _ClassVar[RiskStyle]
    RISK_STYLE_BOUNDED: _ClassVar[RiskStyle]
    RISK_STYLE_CONSERVATIVE: _ClassVar[RiskStyle]
    RISK_STYLE_AVERSE: _ClassVar[RiskStyle]

class Grade(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GRADE_UNSPECIFIED: _ClassVar[Grade]
    GRADE_LOW: _ClassVar[Grade]
    GRADE_MEDIUM: _ClassVar[Grade]
    GRADE_HIGH: _ClassVar[Grade]

class RecoveryPath(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECOVERY_PATH_UNSPECIFIED: _ClassVar[RecoveryPath]
    RECOVERY_PATH_RAPID: _ClassVar[RecoveryPath]
    RECOVERY_PATH_OSCILLATING: _ClassVar[RecoveryPath]
    RECOVERY_PATH_GRADUAL: _ClassVar[RecoveryPath]

class RestrictionCause(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESTRICTION_CAUSE_UNSPECIFIED: _ClassVar[RestrictionCause]
    RESTRICTION_CAUSE_ALWAYS_FORBIDDEN: _ClassVar[RestrictionCause]
    RESTRICTION_CAUSE_STRESS: _ClassVar[RestrictionCause]
    RESTRICTION_CAUSE_ENERGY: _ClassVar[RestrictionCause]
    RESTRICTION_CAUSE_HARD_LOCK: _ClassVar[RestrictionCause]
    RESTRICTION_CAUSE_MODE: _ClassVar[RestrictionCause]
    RESTRICTION_CAUSE_DRIFT: _ClassVar[RestrictionCause]
    RESTRICTION_CAUSE_CONTRACT_SCOPE: _ClassVar[RestrictionCause]
    RESTRICTION_CAUSE_INVARIANT: _ClassVar[RestrictionCause]
    RESTRICTION_CAUSE_FAIL_CLOSED: _ClassVar[RestrictionCause]
    RESTRICTION_CAUSE_RISK_POSTURE: _ClassVar[RestrictionCause]
TEMPO_UNSPECIFIED: Tempo
TEMPO_MEASURED: Tempo
TEMPO_DECISIVE: Tempo
TEMPO_EXPLORATORY: Tempo
TEMPO_OBSERVANT: Tempo
TEMPO_DELIBERATE: Tempo
RISK_STYLE_UNSPECIFIED: RiskStyle
RISK_STYLE_SEEKING: RiskStyle
RISK_STYLE_MODERATE: RiskStyle
RISK_STYLE_BOUNDED: RiskStyle
RISK_STYLE_CONSERVATIVE: RiskStyle
RISK_STYLE_AVERSE: RiskStyle
GRADE_UNSPECIFIED: Grade
GRADE_LOW: Grade
GRADE_MEDIUM: Grade
GRADE_HIGH: Grade
RECOVERY_PATH_UNSPECIFIED: RecoveryPath
RECOVERY_PATH_RAPID: RecoveryPath
RECOVERY_PATH_OSCILLATING: RecoveryPath
RECOVERY_PATH_GRADUAL: RecoveryPath
RESTRICTION_CAUSE_UNSPECIFIED: RestrictionCause
RESTRICTION_CAUSE_ALWAYS_FORBIDDEN: RestrictionCause
RESTRICTION_CAUSE_STRESS: RestrictionCause
RESTRICTION_CAUSE_ENERGY: RestrictionCause
RESTRICTION_CAUSE_HARD_LOCK: RestrictionCause
RESTRICTION_CAUSE_MODE: RestrictionCause
RESTRICTION_CAUSE_DRIFT: RestrictionCause
RESTRICTION_CAUSE_CONTRACT_SCOPE: RestrictionCause
RESTRICTION_CAUSE_INVARIANT: RestrictionCause
RESTRICTION_CAUSE_FAIL_CLOSED: RestrictionCause
RESTRICTION_CAUSE_RISK_POSTURE: RestrictionCause

class DecisionStyle(_message.Message):
    __slots__ = ("tempo", "risk", "expressiveness", "commitment_threshold")
    TEMPO_FIELD_NUMBER: _ClassVar[int]
    RISK_FIELD_NUMBER: _ClassVar[int]
    EXPRESSIVENESS_FIELD_NUMBER: _ClassVar[int]
    COMMITMENT_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    tempo: Tempo
    risk: RiskStyle
    expressiveness: Grade
    commitment_threshold: Grade
    def __init__(self, tempo: _Optional[_Union[Tempo, str]] = ..., risk: _Optional[_Union[RiskStyle, str]] = ..., expressiveness: _Optional[_Union[Grade, str]] = ..., commitment_threshold: _Optional[_Union[Grade, str]] = ...) -> None: ...

class RecoveryProfile(_message.Message):
    __slots__ = ("preferred_path", "support_required", "cooldown_required")
    PREFERRED_PATH_FIELD_NUMBER: _ClassVar[int]
    SUPPORT_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    COOLDOWN_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    preferred_path: RecoveryPath
    support_required: bool
    cooldown_required: bool
    def __init__(self, preferred_path: _Optional[_Union[RecoveryPath, str]] = ..., support_required: bool = ..., cooldown_required: bool = ...) -> None: ...

class HardLocks(_message.Message):
    __slots__ = ("option_set_max", "novelty_rate", "noise_filter_min", "exec_strictness_min", "goal_resistance_min", "pivot_threshold_min")
    OPTION_SET_MAX_FIELD_NUMBER: _ClassVar[int]
    NOVELTY_RATE_FIELD_NUMBER: _ClassVar[int]
    NOISE_FILTER_MIN_FIELD_NUMBER: _ClassVar[int]
    EXEC_STRICTNESS_MIN_FIELD_NUMBER: _ClassVar[int]
    GOAL_RESISTANCE_MIN_FIELD_NUMBER: _ClassVar[int]
    PIVOT_THRESHOLD_MIN_FIELD_NUMBER: _ClassVar[int]
    option_set_max: float
    novelty_rate: float
    noise_filter_min: float
    exec_strictness_min: float
    goal_resistance_min: float
    pivot_threshold_min: float
    def __init__(self, option_set_max: _Optional[float] = ..., novelty_rate: _Optional[float] = ..., noise_filter_min: _Optional[float] = ..., exec_strictness_min: _Optional[float] = ..., goal_resistance_min: _Optional[float] = ..., pivot_threshold_min: _Optional[float] = ...) -> None: ...

class ExecutionContract(_message.Message):
    __slots__ = ("instance_id", "allowed_actions", "forbidden_actions", "decision_style", "current_stress_level", "current_system_state", "energy_level", "stability_index", "dominant_modes", "suppressed_modes", "recovery_profile", "hard_locks", "drift_level", "drift_magnitude", "cycle_count", "control_vector", "composite_modes", "memory_context", "self_model_context", "enforcement", "restrictions", "engine_version_hash", "contract_version_hash", "shadow")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_ACTIONS_FIELD_NUMBER: _ClassVar[int]
    FORBIDDEN_ACTIONS_FIELD_NUMBER: _ClassVar[int]
    DECISION_STYLE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_STRESS_LEVEL_FIELD_NUMBER: _ClassVar[int]
    CURRENT_SYSTEM_STATE_FIELD_NUMBER: _ClassVar[int]
    ENERGY_LEVEL_FIELD_NUMBER: _ClassVar[int]
    STABILITY_INDEX_FIELD_NUMBER: _ClassVar[int]
    DOMINANT_MODES_FIELD_NUMBER: _ClassVar[int]
    SUPPRESSED_MODES_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_PROFILE_FIELD_NUMBER: _ClassVar[int]
    HARD_LOCKS_FIELD_NUMBER: _ClassVar[int]
    DRIFT_LEVEL_FIELD_NUMBER: _ClassVar[int]
    DRIFT_MAGNITUDE_FIELD_NUMBER: _ClassVar[int]
    CYCLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONTROL_VECTOR_FIELD_NUMBER: _ClassVar[int]
    COMPOSITE_MODES_FIELD_NUMBER: _ClassVar[int]
    MEMORY_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    SELF_MODEL_CONTEXT_FIELD_NUMBER: _ClassVar[int]
    ENFORCEMENT_FIELD_NUMBER: _ClassVar[int]
    RESTRICTIONS_FIELD_NUMBER: _ClassVar[int]
    ENGINE_VERSION_HASH_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_VERSION_HASH_FIELD_NUMBER: _ClassVar[int]
    SHADOW_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    allowed_actions: _containers.RepeatedScalarFieldContainer[_modes_pb2.Action]
    forbidden_actions: _containers.RepeatedScalarFieldContainer[_modes_pb2.Action]
    decision_style: DecisionStyle
    current_stress_level: _modes_pb2.StressLevel
    current_system_state: _modes_pb2.SystemState
    energy_level: float
    stability_index: float
    dominant_modes: _containers.RepeatedScalarFieldContainer[_modes_pb2.Mode]
    suppressed_modes: _containers.RepeatedScalarFieldContainer[_modes_pb2.Mode]
    recovery_profile: RecoveryProfile
    hard_locks: HardLocks
    drift_level: _modes_pb2.DriftLevel
    drift_magnitude: float
    cycle_count: int
    control_vector: _profile_pb2.ModeStrengths
    composite_modes: _containers.RepeatedScalarFieldContainer[_modes_pb2.Mode]
    memory_context: _state_pb2.MemoryContext
    self_model_context: _state_pb2.SelfModelContext
    enforcement: _behavioral_contract_pb2.ContractEnforcement
    restrictions: _containers.RepeatedCompositeFieldContainer[ActionRestriction]
    engine_version_hash: str
    contract_version_hash: str
    shadow: ShadowEnforcement
    def __init__(self, instance_id: _Optional[str] = ..., allowed_actions: _Optional[_Iterable[_Union[_modes_pb2.Action, str]]] = ..., forbidden_actions: _Optional[_Iterable[_Union[_modes_pb2.Action, str]]] = ..., decision_style: _Optional[_Union[DecisionStyle, _Mapping]] = ..., current_stress_level: _Optional[_Union[_modes_pb2.StressLevel, str]] = ..., current_system_state: _Optional[_Union[_modes_pb2.SystemState, str]] = ..., energy_level: _Optional[float] = ..., stability_index: _Optional[float] = ..., dominant_modes: _Optional[_Iterable[_Union[_modes_pb2.Mode, str]]] = ..., suppressed_modes: _Optional[_Iterable[_Union[_modes_pb2.Mode, str]]] = ..., recovery_profile: _Optional[_Union[RecoveryProfile, _Mapping]] = ..., hard_locks: _Optional[_Union[HardLocks, _Mapping]] = ..., drift_level: _Optional[_Union[_modes_pb2.DriftLevel, str]] = ..., drift_magnitude: _Optional[float] = ..., cycle_count: _Optional[int] = ..., control_vector: _Optional[_Union[_profile_pb2.ModeStrengths, _Mapping]] = ..., composite_modes: _Optional[_Iterable[_Union[_modes_pb2.Mode, str]]] = ..., memory_context: _Optional[_Union[_state_pb2.MemoryContext, _Mapping]] = ..., self_model_context: _Optional[_Union[_state_pb2.SelfModelContext, _Mapping]] = ..., enforcement: _Optional[_Union[_behavioral_contract_pb2.ContractEnforcement, _Mapping]] = ..., restrictions: _Optional[_Iterable[_Union[ActionRestriction, _Mapping]]] = ..., engine_version_hash: _Optional[str] = ..., contract_version_hash: _Optional[str] = ..., shadow: _Optional[_Union[ShadowEnforcement, _Mapping]] = ...) -> None: ...

class ShadowEnforcement(_message.Message):
    __slots__ = ("enforcement", "contract_version_hash", "allowed_actions", "would_block", "would_block_rules", "error")
    ENFORCEMENT_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_VERSION_HASH_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_ACTIONS_FIELD_NUMBER: _ClassVar[int]
    WOULD_BLOCK_FIELD_NUMBER: _ClassVar[int]
    WOULD_BLOCK_RULES_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    enforcement: _behavioral_contract_pb2.ContractEnforcement
    contract_version_hash: str
    allowed_actions: _containers.RepeatedScalarFieldContainer[_modes_pb2.Action]
    would_block: _containers.RepeatedCompositeFieldContainer[ActionRestriction]
    would_block_rules: _containers.RepeatedScalarFieldContainer[str]
    error: str
    def __init__(self, enforcement: _Optional[_Union[_behavioral_contract_pb2.ContractEnforcement, _Mapping]] = ..., contract_version_hash: _Optional[str] = ..., allowed_actions: _Optional[_Iterable[_Union[_modes_pb2.Action, str]]] = ..., would_block: _Optional[_Iterable[_Union[ActionRestriction, _Mapping]]] = ..., would_block_rules: _Optional[_Iterable[str]] = ..., error: _Optional[str] = ...) -> None: ...

class ActionRestriction(_message.Message):
    __slots__ = ("action", "causes", "detail")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    CAUSES_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    action: _modes_pb2.Action
    causes: _containers.RepeatedScalarFieldContainer[RestrictionCause]
    detail: str
    def __init__(self, action: _Optional[_Union[_modes_pb2.Action, str]] = ..., causes: _Optional[_Iterable[_Union[RestrictionCause, str]]] = ..., detail: _Optional[str] = ...) -> None: ...
