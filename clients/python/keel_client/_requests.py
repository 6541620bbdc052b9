"""The request messages of every unary call, built the same way for Keel and AsyncKeel."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping, Optional, Union, cast

from google.protobuf import field_mask_pb2, json_format

from keel_client import _observations as obs
from keel_client._enums import KeyScope, Mode, ResetTarget
from keel_client._gen.keel.v1 import (
    behavioral_contract_pb2 as bc,
    contract_service_pb2 as cs,
    engine_service_pb2 as es,
    instance_service_pb2 as ins,
    key_service_pb2 as ks,
    profile_pb2,
)


def process(
    instance_id: str,
    mode: Union[Mode, int, str],
    signal_strength: float,
    *,
    action: Optional[str],
    target: Optional[str],
    outcome: Optional[str],
    confidence: Optional[float],
    context: Optional[Mapping[str, str]],
    timestamp: Optional[datetime],
    request_id: Optional[str],
) -> es.ProcessRequest:
    observation = obs.build(
        mode, signal_strength, action=action, target=target, outcome=outcome,
        confidence=confidence, context=context, timestamp=timestamp,
    )
    return es.ProcessRequest(instance_id=instance_id, observation=observation, request_id=request_id or obs.request_id())


def process_batch(
    instance_id: str,
    observations: Iterable[obs.ObservationLike],
    include_intermediate: bool,
    request_id: Optional[str],
) -> es.ProcessBatchRequest:
    return es.ProcessBatchRequest(
        instance_id=instance_id,
        observations=[obs.to_wire(o) for o in observations],
        include_intermediate=include_intermediate,
        request_id=request_id or obs.request_id(),
    )


def reset(instance_id: str, target: Union[ResetTarget, int], request_id: Optional[str]) -> es.ResetRequest:
    return es.ResetRequest(instance_id=instance_id, target=cast(Any, int(target)), request_id=request_id or obs.request_id())


def create_instance(
    name: str,
    description: str,
    persona_id: str,
    labels: Optional[Mapping[str, str]],
    profile: Optional[profile_pb2.IdentityProfile],
    request_id: Optional[str],
) -> ins.CreateInstanceRequest:
    request = ins.CreateInstanceRequest(
        name=name, description=description, persona_id=persona_id, labels=dict(labels or {}),
        request_id=request_id or obs.request_id(),
    )
    if profile is not None:
        request.profile.CopyFrom(profile)
    return request


def update_instance(
    instance_id: str,
    name: Optional[str],
    description: Optional[str],
    labels: Optional[Mapping[str, str]],
) -> ins.UpdateInstanceRequest:
    """Only the arguments given change (they make the update mask)."""
    request = ins.UpdateInstanceRequest(instance_id=instance_id)
    paths = []
    if name is not None:
        request.name = name
        paths.append("name")
    if description is not None:
        request.description = description
        paths.append("description")
    if labels is not None:
        request.labels.update(labels)
        paths.append("labels")
    if not paths:
        raise ValueError("update needs at least one of name, description, labels")
    request.update_mask.CopyFrom(field_mask_pb2.FieldMask(paths=paths))
    return request


def behavioral_contract(contract: Union[bc.BehavioralContract, Mapping[str, Any]]) -> bc.BehavioralContract:
    """A BehavioralContract message, or the same as a dict in proto JSON form."""
    if isinstance(contract, bc.BehavioralContract):
        return contract
    return json_format.ParseDict(dict(contract), bc.BehavioralContract())


def verify_contract(
    contract: Union[bc.BehavioralContract, Mapping[str, Any], None], agent_id: str, version: int
) -> cs.VerifyContractRequest:
    request = cs.VerifyContractRequest(agent_id=agent_id, version=version)
    if contract is not None:
        request.contract.CopyFrom(behavioral_contract(contract))
    return request


def create_key(
    name: str, scope: Union[KeyScope, int], tenant: str, cycles_per_second: int, max_sessions: int
) -> ks.CreateKeyRequest:
    return ks.CreateKeyRequest(
        name=name, scope=cast(Any, int(scope)), tenant=tenant, cycles_per_second=cycles_per_second, max_sessions=max_sessions
    )
