"""Turning what callers pass (a Mode and a strength, a tuple, an Observation) into wire
observations, and the idempotency keys of unary writes."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping, Optional, Tuple, Union, cast

from keel_client._enums import Mode, mode_value
from keel_client._gen.keel.v1 import observation_pb2


@dataclass(frozen=True)
class Observation:
    """What an agent just did: for `process_many`, `process_batch` and sessions when more than
    a mode and a strength is needed."""

    mode: Union[Mode, int, str]
    signal_strength: float
    action: Optional[str] = None
    target: Optional[str] = None
    outcome: Optional[str] = None
    confidence: Optional[float] = None
    context: Mapping[str, str] = field(default_factory=dict)
    timestamp: Optional[datetime] = None


#: Anything that stands for one observation.
ObservationLike = Union[Observation, Tuple[Union[Mode, int, str], float], observation_pb2.Observation]


def build(
    mode: Union[Mode, int, str],
    signal_strength: float,
    *,
    action: Optional[str] = None,
    target: Optional[str] = None,
    outcome: Optional[str] = None,
    confidence: Optional[float] = None,
    context: Optional[Mapping[str, str]] = None,
    timestamp: Optional[datetime] = None,
) -> observation_pb2.Observation:
    # Range checks are the server's (it answers INVALID_ARGUMENT naming the field); only what
    # cannot be put on the wire at all is refused here.
    obs = observation_pb2.Observation(mode=cast(Any, mode_value(mode)), signal_strength=float(signal_strength))
    if action is not None:
        obs.action = action
    if target is not None:
        obs.target = target
    if outcome is not None:
        obs.outcome = outcome
    if confidence is not None:
        obs.confidence = float(confidence)
    if context:
        obs.context.update(context)
    if timestamp is not None:
        obs.timestamp.FromDatetime(timestamp)
    return obs


def to_wire(item: ObservationLike) -> observation_pb2.Observation:
    if isinstance(item, observation_pb2.Observation):
        return item
    if isinstance(item, Observation):
        return build(
            item.mode, item.signal_strength, action=item.action, target=item.target, outcome=item.outcome,
            confidence=item.confidence, context=item.context, timestamp=item.timestamp,
        )
    mode, strength = item
    return build(mode, strength)


def request_id() -> str:
    """A fresh idempotency key: one per logical call, reused by its retries."""
    return uuid.uuid4().hex



#: An observation ready for a session frame: (mode value, strength) when that is all it says
#: (written into the frame field by field, the hot path), else the message.
Normalized = Union[Tuple[int, float], observation_pb2.Observation]


def normalize(item: ObservationLike) -> Normalized:
    """Checks an item before it gets a sequence number, so a bad one consumes none."""
    if type(item) is tuple:
        mode, strength = item
        return (mode_value(mode), float(strength))
    return to_wire(item)


def fill(target: observation_pb2.Observation, item: Normalized) -> None:
    if type(item) is tuple:
        target.mode = item[0]  # type: ignore[assignment]
        target.signal_strength = item[1]
    else:
        target.CopyFrom(item)  # type: ignore[arg-type]
