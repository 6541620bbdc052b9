import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from keel_client._gen.keel.v1 import modes_pb2 as _modes_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ViolationResponse(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VIOLATION_RESPONSE_UNSPECIFIED: _ClassVar[ViolationResponse]
    VIOLATION_RESPONSE_RECORD: _ClassVar[ViolationResponse]
    VIOLATION_RESPONSE_RESTRICT: _ClassVar[ViolationResponse]

class Comparison(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMPARISON_UNSPECIFIED: _ClassVar[Comparison]
    COMPARISON_LESS: _ClassVar[Comparison]
    COMPARISON_LESS_OR_EQUAL: _ClassVar[Comparison]
    COMPARISON_GREATER: _ClassVar[Comparison]
    COMPARISON_GREATER_OR_EQUAL: _ClassVar[Comparison]

class Dimension(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DIMENSION_UNSPECIFIED: _ClassVar[Dimension]
    DIMENSION_ACTION: _ClassVar[Dimension]
    DIMENSION_TARGET: _ClassVar[Dimension]
    DIMENSION_OUTCOME: _ClassVar[Dimension]

class DriftDistribution(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DRIFT_DISTRIBUTION_UNSPECIFIED: _ClassVar[DriftDistribution]
    DRIFT_DISTRIBUTION_ACTION: _ClassVar[DriftDistribution]
    DRIFT_DISTRIBUTION_TARGET: _ClassVar[DriftDistribution]
    DRIFT_DISTRIBUTION_TEMPORAL: _ClassVar[DriftDistribution]
    DRIFT_DISTRIBUTION_OUTCOME: _ClassVar[DriftDistribution]
    DRIFT_DISTRIBUTION_SEMANTIC: _ClassVar[DriftDistribution]
    DRIFT_DISTRIBUTION_OVERALL: _ClassVar[DriftDistribution]

class ViolationKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VIOLATION_KIND_UNSPECIFIED: _ClassVar[ViolationKind]
    VIOLATION_KIND_SCOPE: _ClassVar[ViolationKind]
    VIOLATION_KIND_DRIFT: _ClassVar[ViolationKind]
    VIOLATION_KIND_ANCHOR: _ClassVar[ViolationKind]
    VIOLATION_KIND_INVARIANT: _ClassVar[ViolationKind]
VIOLATION_RESPONSE_UNSPECIFIED: ViolationResponse
VIOLATION_RESPONSE_RECORD: ViolationResponse
VIOLATION_RESPONSE_RESTRICT: ViolationResponse
COMPARISON_UNSPECIFIED: Comparison
COMPARISON_LESS: Comparison
COMPARISON_LESS_OR_EQUAL: Comparison
COMPARISON_GREATER: Comparison
COMPARISON_GREATER_OR_EQUAL: Comparison
DIMENSION_UNSPECIFIED: Dimension
DIMENSION_ACTION: Dimension
DIMENSION_TARGET: Dimension
DIMENSION_OUTCOME: Dimension
DRIFT_DISTRIBUTION_UNSPECIFIED: DriftDistribution
DRIFT_DISTRIBUTION_ACTION: DriftDistribution
DRIFT_DISTRIBUTION_TARGET: DriftDistribution
DRIFT_DISTRIBUTION_TEMPORAL: DriftDistribution
DRIFT_DISTRIBUTION_OUTCOME: DriftDistribution
DRIFT_DISTRIBUTION_SEMANTIC: DriftDistribution
DRIFT_DISTRIBUTION_OVERALL: DriftDistribution
VIOLATION_KIND_UNSPECIFIED: ViolationKind
VIOLATION_KIND_SCOPE: ViolationKind
VIOLATION_KIND_DRIFT: ViolationKind
VIOLATION_KIND_ANCHOR: ViolationKind
VIOLATION_KIND_INVARIANT: ViolationKind

class BehavioralContract(_message.Message):
    __slots__ = ("contract_id", "version", "agent_id", "created_at", "certificate_id", "archetype", "expected_action_distribution", "expected_target_distribution", "expected_outcome_distribution", "authorized_scope", "initial_trust", "trust_floor", "trust_ceiling", "invariants", "semantic_anchors", "drift_thresholds", "policy", "signature", "signer")
    class ExpectedActionDistributionEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class ExpectedTargetDistributionEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class ExpectedOutcomeDistributionEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    ARCHETYPE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_ACTION_DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_TARGET_DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_OUTCOME_DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    AUTHORIZED_SCOPE_FIELD_NUMBER: _ClassVar[int]
    INITIAL_TRUST_FIELD_NUMBER: _ClassVar[int]
    TRUST_FLOOR_FIELD_NUMBER: _ClassVar[int]
    TRUST_CEILING_FIELD_NUMBER: _ClassVar[int]
    INVARIANTS_FIELD_NUMBER: _ClassVar[int]
    SEMANTIC_ANCHORS_FIELD_NUMBER: _ClassVar[int]
    DRIFT_THRESHOLDS_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    SIGNER_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    version: int
    agent_id: str
    created_at: _timestamp_pb2.Timestamp
    certificate_id: str
    archetype: str
    expected_action_distribution: _containers.ScalarMap[str, float]
    expected_target_distribution: _containers.ScalarMap[str, float]
    expected_outcome_distribution: _containers.ScalarMap[str, float]
    authorized_scope: AuthorizedScope
    initial_trust: float
    trust_floor: float
    trust_ceiling: float
    invariants: _containers.RepeatedCompositeFieldContainer[Invariant]
    semantic_anchors: _containers.RepeatedCompositeFieldContainer[SemanticAnchor]
    drift_thresholds: DriftThresholds
    policy: EnforcementPolicy
    signature: str
    signer: str
    def __init__(self, contract_id: _Optional[str] = ..., version: _Optional[int] = ..., agent_id: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., certificate_id: _Optional[str] = ..., archetype: _Optional[str] = ..., expected_action_distribution: _Optional[_Mapping[str, float]] = ..., expected_target_distribution: _Optional[_Mapping[str, float]] = ..., expected_outcome_distribution: _Optional[_Mapping[str, float]] = ..., authorized_scope: _Optional[_Union[AuthorizedScope, _Mapping]] = ..., initial_trust: _Optional[float] = ..., trust_floor: _Optional[float] = ..., trust_ceiling: _Optional[float] = ..., invariants: _Optional[_Iterable[_Union[Invariant, _Mapping]]] = ..., semantic_anchors: _Optional[_Iterable[_Union[SemanticAnchor, _Mapping]]] = ..., drift_thresholds: _Optional[_Union[DriftThresholds, _Mapping]] = ..., policy: _Optional[_Union[EnforcementPolicy, _Mapping]] = ..., signature: _Optional[str] = ..., signer: _Optional[str] = ...) -> None: ...

class AuthorizedScope(_message.Message):
    __slots__ = ("actions", "operations", "targets")
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    OPERATIONS_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    actions: _containers.RepeatedScalarFieldContainer[_modes_pb2.Action]
    operations: _containers.RepeatedScalarFieldContainer[str]
    targets: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, actions: _Optional[_Iterable[_Union[_modes_pb2.Action, str]]] = ..., operations: _Optional[_Iterable[str]] = ..., targets: _Optional[_Iterable[str]] = ...) -> None: ...

class DriftThresholds(_message.Message):
    __slots__ = ("action", "target", "temporal", "outcome", "semantic", "overall")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    TEMPORAL_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    SEMANTIC_FIELD_NUMBER: _ClassVar[int]
    OVERALL_FIELD_NUMBER: _ClassVar[int]
    action: float
    target: float
    temporal: float
    outcome: float
    semantic: float
    overall: float
    def __init__(self, action: _Optional[float] = ..., target: _Optional[float] = ..., temporal: _Optional[float] = ..., outcome: _Optional[float] = ..., semantic: _Optional[float] = ..., overall: _Optional[float] = ...) -> None: ...

class EnforcementPolicy(_message.Message):
    __slots__ = ("window", "min_observations", "prior_weight", "on_invariant", "on_drift", "on_scope", "restricted_actions", "engine_drift_restricts_at")
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    MIN_OBSERVATIONS_FIELD_NUMBER: _ClassVar[int]
    PRIOR_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    ON_INVARIANT_FIELD_NUMBER: _ClassVar[int]
    ON_DRIFT_FIELD_NUMBER: _ClassVar[int]
    ON_SCOPE_FIELD_NUMBER: _ClassVar[int]
    RESTRICTED_ACTIONS_FIELD_NUMBER: _ClassVar[int]
    ENGINE_DRIFT_RESTRICTS_AT_FIELD_NUMBER: _ClassVar[int]
    window: int
    min_observations: int
    prior_weight: int
    on_invariant: ViolationResponse
    on_drift: ViolationResponse
    on_scope: ViolationResponse
    restricted_actions: _containers.RepeatedScalarFieldContainer[_modes_pb2.Action]
    engine_drift_restricts_at: _modes_pb2.DriftLevel
    def __init__(self, window: _Optional[int] = ..., min_observations: _Optional[int] = ..., prior_weight: _Optional[int] = ..., on_invariant: _Optional[_Union[ViolationResponse, str]] = ..., on_drift: _Optional[_Union[ViolationResponse, str]] = ..., on_scope: _Optional[_Union[ViolationResponse, str]] = ..., restricted_actions: _Optional[_Iterable[_Union[_modes_pb2.Action, str]]] = ..., engine_drift_restricts_at: _Optional[_Union[_modes_pb2.DriftLevel, str]] = ...) -> None: ...

class Invariant(_message.Message):
    __slots__ = ("id", "description", "response", "ratio", "distribution", "drift", "semantic", "temporal", "rate", "count", "sum")
    ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    RATIO_FIELD_NUMBER: _ClassVar[int]
    DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    DRIFT_FIELD_NUMBER: _ClassVar[int]
    SEMANTIC_FIELD_NUMBER: _ClassVar[int]
    TEMPORAL_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    SUM_FIELD_NUMBER: _ClassVar[int]
    id: str
    description: str
    response: ViolationResponse
    ratio: RatioRule
    distribution: DistributionRule
    drift: DriftRule
    semantic: SemanticRule
    temporal: TemporalRule
    rate: RateRule
    count: CountRule
    sum: SumRule
    def __init__(self, id: _Optional[str] = ..., description: _Optional[str] = ..., response: _Optional[_Union[ViolationResponse, str]] = ..., ratio: _Optional[_Union[RatioRule, _Mapping]] = ..., distribution: _Optional[_Union[DistributionRule, _Mapping]] = ..., drift: _Optional[_Union[DriftRule, _Mapping]] = ..., semantic: _Optional[_Union[SemanticRule, _Mapping]] = ..., temporal: _Optional[_Union[TemporalRule, _Mapping]] = ..., rate: _Optional[_Union[RateRule, _Mapping]] = ..., count: _Optional[_Union[CountRule, _Mapping]] = ..., sum: _Optional[_Union[SumRule, _Mapping]] = ...) -> None: ...

class RatioRule(_message.Message):
    __slots__ = ("dimension", "numerator", "denominator", "comparison", "threshold", "window")
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    NUMERATOR_FIELD_NUMBER: _ClassVar[int]
    DENOMINATOR_FIELD_NUMBER: _ClassVar[int]
    COMPARISON_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    dimension: Dimension
    numerator: str
    denominator: str
    comparison: Comparison
    threshold: float
    window: int
    def __init__(self, dimension: _Optional[_Union[Dimension, str]] = ..., numerator: _Optional[str] = ..., denominator: _Optional[str] = ..., comparison: _Optional[_Union[Comparison, str]] = ..., threshold: _Optional[float] = ..., window: _Optional[int] = ...) -> None: ...

class DistributionRule(_message.Message):
    __slots__ = ("dimension", "key", "comparison", "threshold", "window", "min_observations")
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    COMPARISON_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    MIN_OBSERVATIONS_FIELD_NUMBER: _ClassVar[int]
    dimension: Dimension
    key: str
    comparison: Comparison
    threshold: float
    window: int
    min_observations: int
    def __init__(self, dimension: _Optional[_Union[Dimension, str]] = ..., key: _Optional[str] = ..., comparison: _Optional[_Union[Comparison, str]] = ..., threshold: _Optional[float] = ..., window: _Optional[int] = ..., min_observations: _Optional[int] = ...) -> None: ...

class DriftRule(_message.Message):
    __slots__ = ("distribution", "comparison", "threshold")
    DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    COMPARISON_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    distribution: DriftDistribution
    comparison: Comparison
    threshold: float
    def __init__(self, distribution: _Optional[_Union[DriftDistribution, str]] = ..., comparison: _Optional[_Union[Comparison, str]] = ..., threshold: _Optional[float] = ...) -> None: ...

class SemanticRule(_message.Message):
    __slots__ = ("term", "comparison", "threshold")
    TERM_FIELD_NUMBER: _ClassVar[int]
    COMPARISON_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    term: str
    comparison: Comparison
    threshold: float
    def __init__(self, term: _Optional[str] = ..., comparison: _Optional[_Union[Comparison, str]] = ..., threshold: _Optional[float] = ...) -> None: ...

class TemporalRule(_message.Message):
    __slots__ = ("start_hour", "end_hour")
    START_HOUR_FIELD_NUMBER: _ClassVar[int]
    END_HOUR_FIELD_NUMBER: _ClassVar[int]
    start_hour: int
    end_hour: int
    def __init__(self, start_hour: _Optional[int] = ..., end_hour: _Optional[int] = ...) -> None: ...

class RateRule(_message.Message):
    __slots__ = ("action", "window_seconds", "baseline", "comparison", "threshold")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    WINDOW_SECONDS_FIELD_NUMBER: _ClassVar[int]
    BASELINE_FIELD_NUMBER: _ClassVar[int]
    COMPARISON_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    action: str
    window_seconds: int
    baseline: float
    comparison: Comparison
    threshold: float
    def __init__(self, action: _Optional[str] = ..., window_seconds: _Optional[int] = ..., baseline: _Optional[float] = ..., comparison: _Optional[_Union[Comparison, str]] = ..., threshold: _Optional[float] = ...) -> None: ...

class SumRule(_message.Message):
    __slots__ = ("action", "window_seconds", "comparison", "threshold")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    WINDOW_SECONDS_FIELD_NUMBER: _ClassVar[int]
    COMPARISON_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    action: str
    window_seconds: int
    comparison: Comparison
    threshold: float
    def __init__(self, action: _Optional[str] = ..., window_seconds: _Optional[int] = ..., comparison: _Optional[_Union[Comparison, str]] = ..., threshold: _Optional[float] = ...) -> None: ...

class CountRule(_message.Message):
    __slots__ = ("dimension", "window", "comparison", "threshold")
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    COMPARISON_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    dimension: Dimension
    window: int
    comparison: Comparison
    threshold: float
    def __init__(self, dimension: _Optional[_Union[Dimension, str]] = ..., window: _Optional[int] = ..., comparison: _Optional[_Union[Comparison, str]] = ..., threshold: _Optional[float] = ...) -> None: ...

class SemanticAnchor(_message.Message):
    __slots__ = ("term", "expected_action_distribution", "expected_target_distribution", "tolerance")
    class ExpectedActionDistributionEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class ExpectedTargetDistributionEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    TERM_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_ACTION_DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_TARGET_DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    term: str
    expected_action_distribution: _containers.ScalarMap[str, float]
    expected_target_distribution: _containers.ScalarMap[str, float]
    tolerance: float
    def __init__(self, term: _Optional[str] = ..., expected_action_distribution: _Optional[_Mapping[str, float]] = ..., expected_target_distribution: _Optional[_Mapping[str, float]] = ..., tolerance: _Optional[float] = ...) -> None: ...

class ContractViolation(_message.Message):
    __slots__ = ("name", "kind", "value", "threshold", "since_cycle", "restricting", "detail")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    SINCE_CYCLE_FIELD_NUMBER: _ClassVar[int]
    RESTRICTING_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: ViolationKind
    value: float
    threshold: float
    since_cycle: int
    restricting: bool
    detail: str
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[ViolationKind, str]] = ..., value: _Optional[float] = ..., threshold: _Optional[float] = ..., since_cycle: _Optional[int] = ..., restricting: bool = ..., detail: _Optional[str] = ...) -> None: ...

class DriftScores(_message.Message):
    __slots__ = ("action", "target", "temporal", "outcome", "semantic", "overall")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    TEMPORAL_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    SEMANTIC_FIELD_NUMBER: _ClassVar[int]
    OVERALL_FIELD_NUMBER: _ClassVar[int]
    action: float
    target: float
    temporal: float
    outcome: float
    semantic: float
    overall: float
    def __init__(self, action: _Optional[float] = ..., target: _Optional[float] = ..., temporal: _Optional[float] = ..., outcome: _Optional[float] = ..., semantic: _Optional[float] = ..., overall: _Optional[float] = ...) -> None: ...

class ContractEnforcement(_message.Message):
    __slots__ = ("contract_id", "contract_version", "violations", "trust", "drift", "restricted")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_VERSION_FIELD_NUMBER: _ClassVar[int]
    VIOLATIONS_FIELD_NUMBER: _ClassVar[int]
    TRUST_FIELD_NUMBER: _ClassVar[int]
    DRIFT_FIELD_NUMBER: _ClassVar[int]
    RESTRICTED_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    contract_version: int
    violations: _containers.RepeatedCompositeFieldContainer[ContractViolation]
    trust: float
    drift: DriftScores
    restricted: bool
    def __init__(self, contract_id: _Optional[str] = ..., contract_version: _Optional[int] = ..., violations: _Optional[_Iterable[_Union[ContractViolation, _Mapping]]] = ..., trust: _Optional[float] = ..., drift: _Optional[_Union[DriftScores, _Mapping]] = ..., restricted: bool = ...) -> None: ...
