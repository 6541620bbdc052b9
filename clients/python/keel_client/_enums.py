"""Enums callers pass in, and the readable names results carry for the wire's enum values."""
from __future__ import annotations

import enum
from typing import Dict, List, Optional, Sequence

from keel_client._gen.keel.v1 import (
    contract_pb2,
    contract_service_pb2,
    engine_service_pb2,
    key_service_pb2,
    modes_pb2,
)
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper


class Mode(enum.IntEnum):
    """The seven behavioral modes an agent acts in (values are the wire's)."""

    PERCEPTION = modes_pb2.MODE_PERCEPTION
    EXPLORATION = modes_pb2.MODE_EXPLORATION
    ORDER = modes_pb2.MODE_ORDER
    ASSERTION = modes_pb2.MODE_ASSERTION
    CONNECTION = modes_pb2.MODE_CONNECTION
    IDENTITY = modes_pb2.MODE_IDENTITY
    STRESS_RESPONSE = modes_pb2.MODE_STRESS_RESPONSE


class ResetTarget(enum.IntEnum):
    INITIAL = engine_service_pb2.RESET_TARGET_INITIAL
    LAST_SNAPSHOT = engine_service_pb2.RESET_TARGET_LAST_SNAPSHOT


class KeyScope(enum.IntEnum):
    """Scopes nest: each includes the ones above it."""

    READ = key_service_pb2.KEY_SCOPE_READ
    ENGINE = key_service_pb2.KEY_SCOPE_ENGINE
    ADMIN = key_service_pb2.KEY_SCOPE_ADMIN


def _table(wrapper: EnumTypeWrapper, prefix: str, style: str) -> Dict[int, str]:
    """Value -> readable name, e.g. ACTION_EXPLORE -> "explore" ("lower"), STRESS_LEVEL_HIGH ->
    "HIGH" ("upper"), DRIFT_LEVEL_D1_CONTEXT -> "D1_context" ("drift"). UNSPECIFIED is left out."""
    table: Dict[int, str] = {}
    for name, value in wrapper.items():
        short = name[len(prefix):]
        if short == "UNSPECIFIED":
            continue
        if style == "lower":
            short = short.lower()
        elif style == "drift":
            level, _, label = short.partition("_")
            short = f"{level}_{label.lower()}"
        table[int(value)] = short
    return table


# The seed's documents write actions and modes in lower case, stress levels in upper case
# ("HIGH") and drift levels as "D1_context"; results follow them.
ACTIONS = _table(modes_pb2.Action, "ACTION_", "lower")
MODES = _table(modes_pb2.Mode, "MODE_", "lower")
STRESS_LEVELS = _table(modes_pb2.StressLevel, "STRESS_LEVEL_", "upper")
SYSTEM_STATES = _table(modes_pb2.SystemState, "SYSTEM_STATE_", "lower")
DRIFT_LEVELS = _table(modes_pb2.DriftLevel, "DRIFT_LEVEL_", "drift")
TEMPOS = _table(contract_pb2.Tempo, "TEMPO_", "lower")
RISK_STYLES = _table(contract_pb2.RiskStyle, "RISK_STYLE_", "lower")
GRADES = _table(contract_pb2.Grade, "GRADE_", "lower")
RECOVERY_PATHS = _table(contract_pb2.RecoveryPath, "RECOVERY_PATH_", "lower")
RESTRICTION_CAUSES = _table(contract_pb2.RestrictionCause, "RESTRICTION_CAUSE_", "lower")
SEAL_STATUSES = _table(contract_service_pb2.SealStatus, "SEAL_STATUS_", "lower")
KEY_SCOPES = _table(key_service_pb2.KeyScope, "KEY_SCOPE_", "lower")


def name(table: Dict[int, str], value: int) -> Optional[str]:
    """The readable name, or None for UNSPECIFIED (or a value newer than this SDK)."""
    return table.get(value)


def names(table: Dict[int, str], values: Sequence[int]) -> List[str]:
    return [table.get(v, str(v)) for v in values]


def mode_value(mode: "Mode | int | str") -> int:
    """Accepts Mode.EXPLORATION, its wire value, or "exploration"."""
    if isinstance(mode, str):
        try:
            return int(Mode[mode.upper()])
        except KeyError:
            raise ValueError(f"unknown mode {mode!r}: one of {', '.join(m.name.lower() for m in Mode)}") from None
    return int(mode)
