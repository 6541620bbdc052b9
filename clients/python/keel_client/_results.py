"""Readable views over the wire messages: enum values as short names, floats as floats,
timestamps as datetimes, optional fields as None. Each view computes on access (sessions
deliver tens of thousands a second) and keeps the protobuf message as `.raw`."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Dict, Generic, Iterator, List, Optional, Sequence, TypeVar, overload

from google.protobuf import timestamp_pb2

from keel_client import _enums as e
from keel_client._gen.keel.v1 import (
    behavioral_contract_pb2,
    contract_pb2,
    contract_service_pb2,
    drift_pb2,
    engine_service_pb2,
    instance_pb2,
    key_service_pb2,
    observation_pb2,
    state_pb2,
)


def _time(ts: timestamp_pb2.Timestamp) -> Optional[datetime]:
    if ts.seconds == 0 and ts.nanos == 0:
        return None
    return datetime.fromtimestamp(ts.seconds + ts.nanos / 1e9, tz=timezone.utc)


class _View:
    __slots__ = ("raw",)

    def __init__(self, raw: object) -> None:
        self.raw = raw

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._repr_fields)
        return f"{type(self).__name__}({fields})"

    _repr_fields: Sequence[str] = ()


class Restriction(_View):
    """Why one forbidden action is forbidden."""

    raw: contract_pb2.ActionRestriction
    _repr_fields = ("action", "causes", "detail")

    @property
    def action(self) -> str:
        return e.ACTIONS.get(self.raw.action, str(self.raw.action))

    @property
    def causes(self) -> List[str]:
        return e.names(e.RESTRICTION_CAUSES, self.raw.causes)

    @property
    def detail(self) -> str:
        return self.raw.detail


class DecisionStyle(_View):
    raw: contract_pb2.DecisionStyle
    _repr_fields = ("tempo", "risk", "expressiveness", "commitment_threshold")

    @property
    def tempo(self) -> Optional[str]:
        return e.name(e.TEMPOS, self.raw.tempo)

    @property
    def risk(self) -> Optional[str]:
        return e.name(e.RISK_STYLES, self.raw.risk)

    @property
    def expressiveness(self) -> Optional[str]:
        return e.name(e.GRADES, self.raw.expressiveness)

    @property
    def commitment_threshold(self) -> Optional[str]:
        return e.name(e.GRADES, self.raw.commitment_threshold)


class Contract(_View):
    """An ExecutionContract: the behavioral rules for the agent right now. Fields not surfaced
    here (recovery profile, hard locks, control vector, memory, enforcement...) are on `.raw`."""

    raw: contract_pb2.ExecutionContract
    _repr_fields = ("current_stress_level", "energy_level", "allowed_actions", "forbidden_actions", "cycle_count")

    @property
    def instance_id(self) -> str:
        return self.raw.instance_id

    @property
    def allowed_actions(self) -> List[str]:
        """E.g. ["clarify", "elaborate", "explore", ...], alphabetical."""
        return e.names(e.ACTIONS, self.raw.allowed_actions)

    @property
    def forbidden_actions(self) -> List[str]:
        return e.names(e.ACTIONS, self.raw.forbidden_actions)

    @property
    def restrictions(self) -> List[Restriction]:
        return [Restriction(r) for r in self.raw.restrictions]

    @property
    def decision_style(self) -> DecisionStyle:
        return DecisionStyle(self.raw.decision_style)

    @property
    def current_stress_level(self) -> Optional[str]:
        """"LOW", "MED", "HIGH" or "OVER"."""
        return e.name(e.STRESS_LEVELS, self.raw.current_stress_level)

    @property
    def current_system_state(self) -> Optional[str]:
        """"baseline", "stress" or "growth"."""
        return e.name(e.SYSTEM_STATES, self.raw.current_system_state)

    @property
    def energy_level(self) -> float:
        return self.raw.energy_level

    @property
    def stability_index(self) -> float:
        return self.raw.stability_index

    @property
    def dominant_modes(self) -> List[str]:
        return e.names(e.MODES, self.raw.dominant_modes)

    @property
    def suppressed_modes(self) -> List[str]:
        return e.names(e.MODES, self.raw.suppressed_modes)

    @property
    def drift_level(self) -> Optional[str]:
        """"D0_noise" ... "D3_corrupt"; None during the warm-up."""
        return e.name(e.DRIFT_LEVELS, self.raw.drift_level)

    @property
    def drift_magnitude(self) -> Optional[float]:
        return self.raw.drift_magnitude if self.raw.HasField("drift_magnitude") else None

    @property
    def cycle_count(self) -> int:
        return self.raw.cycle_count

    @property
    def engine_version_hash(self) -> str:
        return self.raw.engine_version_hash

    @property
    def contract_version_hash(self) -> str:
        return self.raw.contract_version_hash


class DriftEvent(_View):
    raw: drift_pb2.DriftEvent
    _repr_fields = ("cycle", "drift_level", "magnitude", "rolled_back")

    @property
    def instance_id(self) -> str:
        return self.raw.instance_id

    @property
    def cycle(self) -> int:
        return self.raw.cycle

    @property
    def drift_level(self) -> Optional[str]:
        """"D1_context", "D2_adaptive" or "D3_corrupt"."""
        return e.name(e.DRIFT_LEVELS, self.raw.level)

    @property
    def magnitude(self) -> float:
        return self.raw.magnitude

    @property
    def affected_modes(self) -> List[str]:
        return e.names(e.MODES, self.raw.affected_modes)

    @property
    def rolled_back(self) -> bool:
        return self.raw.rolled_back

    @property
    def create_time(self) -> Optional[datetime]:
        return _time(self.raw.create_time)

    @property
    def revision(self) -> int:
        return self.raw.revision


class Drift(_View):
    """The drift classification of one cycle."""

    raw: state_pb2.DriftResult
    _repr_fields = ("level", "magnitude")

    @property
    def level(self) -> Optional[str]:
        return e.name(e.DRIFT_LEVELS, self.raw.level)

    @property
    def magnitude(self) -> Optional[float]:
        return self.raw.magnitude if self.raw.HasField("magnitude") else None

    @property
    def affected_modes(self) -> List[str]:
        return e.names(e.MODES, self.raw.affected_modes)


class Outcome(_View):
    """What one processed observation produced."""

    raw: engine_service_pb2.CycleOutcome
    _repr_fields = ("contract", "rolled_back", "revision")

    @property
    def contract(self) -> Contract:
        return Contract(self.raw.contract)

    @property
    def drift(self) -> Drift:
        return Drift(self.raw.drift)

    @property
    def drift_event(self) -> Optional[DriftEvent]:
        return DriftEvent(self.raw.drift_event) if self.raw.HasField("drift_event") else None

    @property
    def rolled_back(self) -> bool:
        return self.raw.rolled_back

    @property
    def revision(self) -> int:
        return self.raw.revision


class SessionOutcome(Outcome):
    """An outcome delivered by a session, with its sequence number."""

    __slots__ = ("sequenced",)
    _repr_fields = ("sequence", "replayed", "contract")

    def __init__(self, sequenced: engine_service_pb2.SequencedOutcome) -> None:
        self.sequenced = sequenced
        self.raw = sequenced.outcome

    @property
    def sequence(self) -> int:
        return self.sequenced.sequence

    @property
    def replayed(self) -> bool:
        """True when the server had processed this sequence before a reconnect and returned
        the original outcome."""
        return self.sequenced.replayed


class BatchResult(_View):
    raw: engine_service_pb2.ProcessBatchResponse
    _repr_fields = ("processed_count", "outcomes")

    @property
    def outcomes(self) -> List[Outcome]:
        """The last outcome, or every one in order with include_intermediate."""
        return [Outcome(o) for o in self.raw.outcomes]

    @property
    def processed_count(self) -> int:
        return self.raw.processed_count


class ResetResult(_View):
    raw: engine_service_pb2.ResetResponse
    _repr_fields = ("contract", "revision")

    @property
    def contract(self) -> Contract:
        return Contract(self.raw.contract)

    @property
    def revision(self) -> int:
        return self.raw.revision


class State(_View):
    """The agent's engine state (everything else is on `.raw.state`)."""

    raw: engine_service_pb2.GetStateResponse
    _repr_fields = ("cycle_count", "energy", "stress_level", "revision")

    @property
    def cycle_count(self) -> int:
        return self.raw.state.cycle_count

    @property
    def energy(self) -> float:
        return self.raw.state.energy

    @property
    def stress_level(self) -> Optional[str]:
        return e.name(e.STRESS_LEVELS, self.raw.state.stress_level)

    @property
    def system_state(self) -> Optional[str]:
        return e.name(e.SYSTEM_STATES, self.raw.state.system_state)

    @property
    def stability_index(self) -> float:
        return self.raw.state.stability_index

    @property
    def revision(self) -> int:
        return self.raw.revision


class ObservationView(_View):
    raw: observation_pb2.Observation
    _repr_fields = ("mode", "signal_strength", "action", "target", "outcome")

    @property
    def mode(self) -> Optional[str]:
        return e.name(e.MODES, self.raw.mode)

    @property
    def signal_strength(self) -> float:
        return self.raw.signal_strength

    @property
    def confidence(self) -> Optional[float]:
        return self.raw.confidence if self.raw.HasField("confidence") else None

    @property
    def action(self) -> Optional[str]:
        return self.raw.action if self.raw.HasField("action") else None

    @property
    def target(self) -> Optional[str]:
        return self.raw.target if self.raw.HasField("target") else None

    @property
    def outcome(self) -> Optional[str]:
        return self.raw.outcome if self.raw.HasField("outcome") else None

    @property
    def context(self) -> Dict[str, str]:
        return dict(self.raw.context)


class HistoryEntry(_View):
    raw: engine_service_pb2.HistoryEntry
    _repr_fields = ("cycle", "observation")

    @property
    def cycle(self) -> int:
        return self.raw.cycle

    @property
    def revision(self) -> int:
        return self.raw.revision

    @property
    def observation(self) -> ObservationView:
        return ObservationView(self.raw.observation)

    @property
    def process_time(self) -> Optional[datetime]:
        return _time(self.raw.process_time)


class Snapshot(_View):
    raw: drift_pb2.Snapshot
    _repr_fields = ("cycle", "revision")

    @property
    def instance_id(self) -> str:
        return self.raw.instance_id

    @property
    def cycle(self) -> int:
        return self.raw.cycle

    @property
    def revision(self) -> int:
        return self.raw.revision

    @property
    def energy(self) -> float:
        return self.raw.snapshot.energy

    @property
    def stability_index(self) -> float:
        return self.raw.snapshot.stability_index

    @property
    def create_time(self) -> Optional[datetime]:
        return _time(self.raw.create_time)


class Instance(_View):
    raw: instance_pb2.Instance
    _repr_fields = ("id", "name", "description")

    @property
    def id(self) -> str:
        return self.raw.id

    @property
    def name(self) -> str:
        return self.raw.name

    @property
    def description(self) -> str:
        return self.raw.description

    @property
    def labels(self) -> Dict[str, str]:
        return dict(self.raw.labels)

    @property
    def create_time(self) -> Optional[datetime]:
        return _time(self.raw.create_time)

    @property
    def update_time(self) -> Optional[datetime]:
        return _time(self.raw.update_time)


class ApiKey(_View):
    """A key as listed: everything but the secret."""

    raw: key_service_pb2.ApiKey
    _repr_fields = ("key_id", "tenant", "name", "scope", "revoked")

    @property
    def key_id(self) -> str:
        return self.raw.key_id

    @property
    def tenant(self) -> str:
        return self.raw.tenant

    @property
    def name(self) -> str:
        return self.raw.name

    @property
    def scope(self) -> Optional[str]:
        """"read", "engine" or "admin"."""
        return e.name(e.KEY_SCOPES, self.raw.scope)

    @property
    def cycles_per_second(self) -> int:
        return self.raw.cycles_per_second

    @property
    def max_sessions(self) -> int:
        return self.raw.max_sessions

    @property
    def created_by(self) -> str:
        return self.raw.created_by

    @property
    def create_time(self) -> Optional[datetime]:
        return _time(self.raw.create_time)

    @property
    def revoke_time(self) -> Optional[datetime]:
        return _time(self.raw.revoke_time)

    @property
    def revoked(self) -> bool:
        return self.raw.HasField("revoke_time")


class CreatedKey(_View):
    raw: key_service_pb2.CreateKeyResponse
    _repr_fields = ("key",)

    @property
    def key(self) -> ApiKey:
        return ApiKey(self.raw.key)

    @property
    def secret(self) -> str:
        """The whole key, shown only here: store it now."""
        return self.raw.secret


class WhoAmI(_View):
    raw: key_service_pb2.WhoAmIResponse
    _repr_fields = ("key_id", "tenant", "scope", "operator")

    @property
    def key_id(self) -> str:
        return self.raw.key_id

    @property
    def tenant(self) -> str:
        return self.raw.tenant

    @property
    def scope(self) -> Optional[str]:
        return e.name(e.KEY_SCOPES, self.raw.scope)

    @property
    def operator(self) -> bool:
        return self.raw.operator


class VerifyResult(_View):
    raw: contract_service_pb2.VerifyContractResponse
    _repr_fields = ("valid", "status", "signer", "problems")

    @property
    def valid(self) -> bool:
        return self.raw.valid

    @property
    def status(self) -> Optional[str]:
        """"valid", "unsealed", "unknown_signer", "malformed" or "invalid"."""
        return e.name(e.SEAL_STATUSES, self.raw.status)

    @property
    def signer(self) -> str:
        return self.raw.signer

    @property
    def problems(self) -> List[str]:
        return list(self.raw.problems)


class GeneratedContract(_View):
    raw: contract_service_pb2.GenerateContractResponse
    _repr_fields = ("prior_found", "prior")

    @property
    def contract(self) -> behavioral_contract_pb2.BehavioralContract:
        return self.raw.contract

    @property
    def prior_found(self) -> bool:
        return self.raw.prior_found

    @property
    def prior(self) -> str:
        return self.raw.prior


T = TypeVar("T")


class Page(Generic[T]):
    """One page of a list call: iterate it, index it, len() it; `next_page_token` is empty on
    the last page (pass it back as page_token for the next)."""

    __slots__ = ("items", "next_page_token", "raw")

    def __init__(self, items: List[T], next_page_token: str, raw: object) -> None:
        self.items = items
        self.next_page_token = next_page_token
        self.raw = raw

    @property
    def data(self) -> List[T]:
        """The items (the name the seed's tutorial uses)."""
        return self.items

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> List[T]: ...
    def __getitem__(self, index: "int | slice") -> "T | List[T]":
        return self.items[index]

    def __repr__(self) -> str:
        return f"Page({self.items!r}, next_page_token={self.next_page_token!r})"
