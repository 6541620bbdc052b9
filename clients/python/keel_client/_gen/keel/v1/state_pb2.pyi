from keel_client._gen.keel.v1 import modes_pb2 as _modes_pb2
from keel_client._gen.keel.v1 import profile_pb2 as _profile_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BehavioralPattern(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BEHAVIORAL_PATTERN_UNSPECIFIED: _ClassVar[BehavioralPattern]
    BEHAVIORAL_PATTERN_STABLE: _ClassVar[BehavioralPattern]
    BEHAVIORAL_PATTERN_SUSTAINED_STRESS: _ClassVar[BehavioralPattern]
    BEHAVIORAL_PATTERN_RECURRING_STRESS: _ClassVar[BehavioralPattern]
    BEHAVIORAL_PATTERN_ACTIVE_DRIFT: _ClassVar[BehavioralPattern]
    BEHAVIORAL_PATTERN_MODE_LOCKED: _ClassVar[BehavioralPattern]
    BEHAVIORAL_PATTERN_VOLATILE: _ClassVar[BehavioralPattern]
    BEHAVIORAL_PATTERN_ENERGY_DEPLETED: _ClassVar[BehavioralPattern]
BEHAVIORAL_PATTERN_UNSPECIFIED: BehavioralPattern
BEHAVIORAL_PATTERN_STABLE: BehavioralPattern
BEHAVIORAL_PATTERN_SUSTAINED_STRESS: BehavioralPattern
BEHAVIORAL_PATTERN_RECURRING_STRESS: BehavioralPattern
BEHAVIORAL_PATTERN_ACTIVE_DRIFT: BehavioralPattern
BEHAVIORAL_PATTERN_MODE_LOCKED: BehavioralPattern
BEHAVIORAL_PATTERN_VOLATILE: BehavioralPattern
BEHAVIORAL_PATTERN_ENERGY_DEPLETED: BehavioralPattern

class MemoryContext(_message.Message):
    __slots__ = ("stress_spike_count", "avg_spike_interval", "current_stress_streak", "max_stress_streak", "d1_recent", "d2_recent", "turns_since_last_d2", "energy_trend", "energy_min_observed", "dominant_mode", "dominant_mode_streak", "mode_switches_recent", "behavioral_pattern", "recoveries_completed")
    STRESS_SPIKE_COUNT_FIELD_NUMBER: _ClassVar[int]
    AVG_SPIKE_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    CURRENT_STRESS_STREAK_FIELD_NUMBER: _ClassVar[int]
    MAX_STRESS_STREAK_FIELD_NUMBER: _ClassVar[int]
    D1_RECENT_FIELD_NUMBER: _ClassVar[int]
    D2_RECENT_FIELD_NUMBER: _ClassVar[int]
    TURNS_SINCE_LAST_D2_FIELD_NUMBER: _ClassVar[int]
    ENERGY_TREND_FIELD_NUMBER: _ClassVar[int]
    ENERGY_MIN_OBSERVED_FIELD_NUMBER: _ClassVar[int]
    DOMINANT_MODE_FIELD_NUMBER: _ClassVar[int]
    DOMINANT_MODE_STREAK_FIELD_NUMBER: _ClassVar[int]
    MODE_SWITCHES_RECENT_FIELD_NUMBER: _ClassVar[int]
    BEHAVIORAL_PATTERN_FIELD_NUMBER: _ClassVar[int]
    RECOVERIES_COMPLETED_FIELD_NUMBER: _ClassVar[int]
    stress_spike_count: int
    avg_spike_interval: float
    current_stress_streak: int
    max_stress_streak: int
    d1_recent: float
    d2_recent: float
    turns_since_last_d2: int
    energy_trend: float
    energy_min_observed: float
    dominant_mode: _modes_pb2.Mode
    dominant_mode_streak: int
    mode_switches_recent: float
    behavioral_pattern: BehavioralPattern
    recoveries_completed: int
    def __init__(self, stress_spike_count: _Optional[int] = ..., avg_spike_interval: _Optional[float] = ..., current_stress_streak: _Optional[int] = ..., max_stress_streak: _Optional[int] = ..., d1_recent: _Optional[float] = ..., d2_recent: _Optional[float] = ..., turns_since_last_d2: _Optional[int] = ..., energy_trend: _Optional[float] = ..., energy_min_observed: _Optional[float] = ..., dominant_mode: _Optional[_Union[_modes_pb2.Mode, str]] = ..., dominant_mode_streak: _Optional[int] = ..., mode_switches_recent: _Optional[float] = ..., behavioral_pattern: _Optional[_Union[BehavioralPattern, str]] = ..., recoveries_completed: _Optional[int] = ...) -> None: ...

class MemorySummary(_message.Message):
    __slots__ = ("context", "last_spike_cycle", "last_input_mode", "dominant_switches_recent")
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    LAST_SPIKE_CYCLE_FIELD_NUMBER: _ClassVar[int]
    LAST_INPUT_MODE_FIELD_NUMBER: _ClassVar[int]
    DOMINANT_SWITCHES_RECENT_FIELD_NUMBER: _ClassVar[int]
    context: MemoryContext
    last_spike_cycle: int
    last_input_mode: _modes_pb2.Mode
    dominant_switches_recent: float
    def __init__(self, context: _Optional[_Union[MemoryContext, _Mapping]] = ..., last_spike_cycle: _Optional[int] = ..., last_input_mode: _Optional[_Union[_modes_pb2.Mode, str]] = ..., dominant_switches_recent: _Optional[float] = ...) -> None: ...

class SelfModelContext(_message.Message):
    __slots__ = ("stress_resilience", "trait_stability", "energy_efficiency", "completed_episodes")
    STRESS_RESILIENCE_FIELD_NUMBER: _ClassVar[int]
    TRAIT_STABILITY_FIELD_NUMBER: _ClassVar[int]
    ENERGY_EFFICIENCY_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_EPISODES_FIELD_NUMBER: _ClassVar[int]
    stress_resilience: float
    trait_stability: float
    energy_efficiency: float
    completed_episodes: int
    def __init__(self, stress_resilience: _Optional[float] = ..., trait_stability: _Optional[float] = ..., energy_efficiency: _Optional[float] = ..., completed_episodes: _Optional[int] = ...) -> None: ...

class SelfModel(_message.Message):
    __slots__ = ("context", "episode_start_cycle", "window_activity", "window_spent", "window_cycles")
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    EPISODE_START_CYCLE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    WINDOW_SPENT_FIELD_NUMBER: _ClassVar[int]
    WINDOW_CYCLES_FIELD_NUMBER: _ClassVar[int]
    context: SelfModelContext
    episode_start_cycle: int
    window_activity: float
    window_spent: float
    window_cycles: int
    def __init__(self, context: _Optional[_Union[SelfModelContext, _Mapping]] = ..., episode_start_cycle: _Optional[int] = ..., window_activity: _Optional[float] = ..., window_spent: _Optional[float] = ..., window_cycles: _Optional[int] = ...) -> None: ...

class StableSnapshot(_message.Message):
    __slots__ = ("cycle", "mode_strengths", "anchor", "energy", "stability_index")
    CYCLE_FIELD_NUMBER: _ClassVar[int]
    MODE_STRENGTHS_FIELD_NUMBER: _ClassVar[int]
    ANCHOR_FIELD_NUMBER: _ClassVar[int]
    ENERGY_FIELD_NUMBER: _ClassVar[int]
    STABILITY_INDEX_FIELD_NUMBER: _ClassVar[int]
    cycle: int
    mode_strengths: _profile_pb2.ModeStrengths
    anchor: _profile_pb2.ModeStrengths
    energy: float
    stability_index: float
    def __init__(self, cycle: _Optional[int] = ..., mode_strengths: _Optional[_Union[_profile_pb2.ModeStrengths, _Mapping]] = ..., anchor: _Optional[_Union[_profile_pb2.ModeStrengths, _Mapping]] = ..., energy: _Optional[float] = ..., stability_index: _Optional[float] = ...) -> None: ...

class DriftResult(_message.Message):
    __slots__ = ("level", "magnitude", "affected_modes", "d0_threshold")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    MAGNITUDE_FIELD_NUMBER: _ClassVar[int]
    AFFECTED_MODES_FIELD_NUMBER: _ClassVar[int]
    D0_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    level: _modes_pb2.DriftLevel
    magnitude: float
    affected_modes: _containers.RepeatedScalarFieldContainer[_modes_pb2.Mode]
    d0_threshold: float
    def __init__(self, level: _Optional[_Union[_modes_pb2.DriftLevel, str]] = ..., magnitude: _Optional[float] = ..., affected_modes: _Optional[_Iterable[_Union[_modes_pb2.Mode, str]]] = ..., d0_threshold: _Optional[float] = ...) -> None: ...

class EngineState(_message.Message):
    __slots__ = ("cycle_count", "mode_strengths", "energy", "stress_level", "system_state", "calm_streak", "adaptive_streak", "settled_streak", "mode_gains", "recovery_window", "anchor", "warmup_progress", "drift", "stability_index", "last_snapshot_cycle", "last_stable_snapshot", "memory", "self_model", "profile")
    CYCLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    MODE_STRENGTHS_FIELD_NUMBER: _ClassVar[int]
    ENERGY_FIELD_NUMBER: _ClassVar[int]
    STRESS_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_STATE_FIELD_NUMBER: _ClassVar[int]
    CALM_STREAK_FIELD_NUMBER: _ClassVar[int]
    ADAPTIVE_STREAK_FIELD_NUMBER: _ClassVar[int]
    SETTLED_STREAK_FIELD_NUMBER: _ClassVar[int]
    MODE_GAINS_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_WINDOW_FIELD_NUMBER: _ClassVar[int]
    ANCHOR_FIELD_NUMBER: _ClassVar[int]
    WARMUP_PROGRESS_FIELD_NUMBER: _ClassVar[int]
    DRIFT_FIELD_NUMBER: _ClassVar[int]
    STABILITY_INDEX_FIELD_NUMBER: _ClassVar[int]
    LAST_SNAPSHOT_CYCLE_FIELD_NUMBER: _ClassVar[int]
    LAST_STABLE_SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    MEMORY_FIELD_NUMBER: _ClassVar[int]
    SELF_MODEL_FIELD_NUMBER: _ClassVar[int]
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    cycle_count: int
    mode_strengths: _profile_pb2.ModeStrengths
    energy: float
    stress_level: _modes_pb2.StressLevel
    system_state: _modes_pb2.SystemState
    calm_streak: int
    adaptive_streak: int
    settled_streak: int
    mode_gains: _profile_pb2.ModeStrengths
    recovery_window: int
    anchor: _profile_pb2.ModeStrengths
    warmup_progress: int
    drift: DriftResult
    stability_index: float
    last_snapshot_cycle: int
    last_stable_snapshot: StableSnapshot
    memory: MemorySummary
    self_model: SelfModel
    profile: _profile_pb2.IdentityProfile
    def __init__(self, cycle_count: _Optional[int] = ..., mode_strengths: _Optional[_Union[_profile_pb2.ModeStrengths, _Mapping]] = ..., energy: _Optional[float] = ..., stress_level: _Optional[_Union[_modes_pb2.StressLevel, str]] = ..., system_state: _Optional[_Union[_modes_pb2.SystemState, str]] = ..., calm_streak: _Optional[int] = ..., adaptive_streak: _Optional[int] = ..., settled_streak: _Optional[int] = ..., mode_gains: _Optional[_Union[_profile_pb2.ModeStrengths, _Mapping]] = ..., recovery_window: _Optional[int] = ..., anchor: _Optional[_Union[_profile_pb2.ModeStrengths, _Mapping]] = ..., warmup_progress: _Optional[int] = ..., drift: _Optional[_Union[DriftResult, _Mapping]] = ..., stability_index: _Optional[float] = ..., last_snapshot_cycle: _Optional[int] = ..., last_stable_snapshot: _Optional[_Union[StableSnapshot, _Mapping]] = ..., memory: _Optional[_Union[MemorySummary, _Mapping]] = ..., self_model: _Optional[_Union[SelfModel, _Mapping]] = ..., profile: _Optional[_Union[_profile_pb2.IdentityProfile, _Mapping]] = ...) -> None: ...
