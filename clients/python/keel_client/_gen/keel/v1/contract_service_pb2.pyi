from google.protobuf import struct_pb2 as _struct_pb2
from keel_client._gen.keel.v1 import behavioral_contract_pb2 as _behavioral_contract_pb2
from keel_client._gen.keel.v1 import modes_pb2 as _modes_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ContractMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTRACT_MODE_UNSPECIFIED: _ClassVar[ContractMode]
    CONTRACT_MODE_ENFORCE: _ClassVar[ContractMode]
    CONTRACT_MODE_SHADOW: _ClassVar[ContractMode]

class SealStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEAL_STATUS_UNSPECIFIED: _ClassVar[SealStatus]
    SEAL_STATUS_VALID: _ClassVar[SealStatus]
    SEAL_STATUS_UNSEALED: _ClassVar[SealStatus]
    SEAL_STATUS_UNKNOWN_SIGNER: _ClassVar[SealStatus]
    SEAL_STATUS_MALFORMED: _ClassVar[SealStatus]
    SEAL_STATUS_INVALID: _ClassVar[SealStatus]
CONTRACT_MODE_UNSPECIFIED: ContractMode
CONTRACT_MODE_ENFORCE: ContractMode
CONTRACT_MODE_SHADOW: ContractMode
SEAL_STATUS_UNSPECIFIED: SealStatus
SEAL_STATUS_VALID: SealStatus
SEAL_STATUS_UNSEALED: SealStatus
SEAL_STATUS_UNKNOWN_SIGNER: SealStatus
SEAL_STATUS_MALFORMED: SealStatus
SEAL_STATUS_INVALID: SealStatus

class PutContractRequest(_message.Message):
    __slots__ = ("contract", "seal", "mode")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    SEAL_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    contract: _behavioral_contract_pb2.BehavioralContract
    seal: bool
    mode: ContractMode
    def __init__(self, contract: _Optional[_Union[_behavioral_contract_pb2.BehavioralContract, _Mapping]] = ..., seal: bool = ..., mode: _Optional[_Union[ContractMode, str]] = ...) -> None: ...

class PutContractResponse(_message.Message):
    __slots__ = ("contract",)
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    contract: _behavioral_contract_pb2.BehavioralContract
    def __init__(self, contract: _Optional[_Union[_behavioral_contract_pb2.BehavioralContract, _Mapping]] = ...) -> None: ...

class GetActiveContractRequest(_message.Message):
    __slots__ = ("agent_id",)
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class GetActiveContractResponse(_message.Message):
    __slots__ = ("contract", "shadow")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    SHADOW_FIELD_NUMBER: _ClassVar[int]
    contract: _behavioral_contract_pb2.BehavioralContract
    shadow: _behavioral_contract_pb2.BehavioralContract
    def __init__(self, contract: _Optional[_Union[_behavioral_contract_pb2.BehavioralContract, _Mapping]] = ..., shadow: _Optional[_Union[_behavioral_contract_pb2.BehavioralContract, _Mapping]] = ...) -> None: ...

class PromoteContractRequest(_message.Message):
    __slots__ = ("agent_id", "version")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    version: int
    def __init__(self, agent_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class PromoteContractResponse(_message.Message):
    __slots__ = ("contract", "previous_version", "revision", "audit_hash")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_VERSION_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    AUDIT_HASH_FIELD_NUMBER: _ClassVar[int]
    contract: _behavioral_contract_pb2.BehavioralContract
    previous_version: int
    revision: int
    audit_hash: str
    def __init__(self, contract: _Optional[_Union[_behavioral_contract_pb2.BehavioralContract, _Mapping]] = ..., previous_version: _Optional[int] = ..., revision: _Optional[int] = ..., audit_hash: _Optional[str] = ...) -> None: ...

class GetShadowReportRequest(_message.Message):
    __slots__ = ("agent_id",)
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class ShadowRuleCount(_message.Message):
    __slots__ = ("rule", "violated_cycles", "would_block_cycles")
    RULE_FIELD_NUMBER: _ClassVar[int]
    VIOLATED_CYCLES_FIELD_NUMBER: _ClassVar[int]
    WOULD_BLOCK_CYCLES_FIELD_NUMBER: _ClassVar[int]
    rule: str
    violated_cycles: int
    would_block_cycles: int
    def __init__(self, rule: _Optional[str] = ..., violated_cycles: _Optional[int] = ..., would_block_cycles: _Optional[int] = ...) -> None: ...

class ShadowActionCount(_message.Message):
    __slots__ = ("action", "would_block_cycles")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    WOULD_BLOCK_CYCLES_FIELD_NUMBER: _ClassVar[int]
    action: _modes_pb2.Action
    would_block_cycles: int
    def __init__(self, action: _Optional[_Union[_modes_pb2.Action, str]] = ..., would_block_cycles: _Optional[int] = ...) -> None: ...

class GetShadowReportResponse(_message.Message):
    __slots__ = ("contract", "enforced_version", "cycles", "first_cycle", "would_block_cycles", "error_cycles", "rules", "actions")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    ENFORCED_VERSION_FIELD_NUMBER: _ClassVar[int]
    CYCLES_FIELD_NUMBER: _ClassVar[int]
    FIRST_CYCLE_FIELD_NUMBER: _ClassVar[int]
    WOULD_BLOCK_CYCLES_FIELD_NUMBER: _ClassVar[int]
    ERROR_CYCLES_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    contract: _behavioral_contract_pb2.BehavioralContract
    enforced_version: int
    cycles: int
    first_cycle: int
    would_block_cycles: int
    error_cycles: int
    rules: _containers.RepeatedCompositeFieldContainer[ShadowRuleCount]
    actions: _containers.RepeatedCompositeFieldContainer[ShadowActionCount]
    def __init__(self, contract: _Optional[_Union[_behavioral_contract_pb2.BehavioralContract, _Mapping]] = ..., enforced_version: _Optional[int] = ..., cycles: _Optional[int] = ..., first_cycle: _Optional[int] = ..., would_block_cycles: _Optional[int] = ..., error_cycles: _Optional[int] = ..., rules: _Optional[_Iterable[_Union[ShadowRuleCount, _Mapping]]] = ..., actions: _Optional[_Iterable[_Union[ShadowActionCount, _Mapping]]] = ...) -> None: ...

class GetContractVersionRequest(_message.Message):
    __slots__ = ("agent_id", "version")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    version: int
    def __init__(self, agent_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class GetContractVersionResponse(_message.Message):
    __slots__ = ("contract",)
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    contract: _behavioral_contract_pb2.BehavioralContract
    def __init__(self, contract: _Optional[_Union[_behavioral_contract_pb2.BehavioralContract, _Mapping]] = ...) -> None: ...

class ListContractHistoryRequest(_message.Message):
    __slots__ = ("agent_id", "page_size", "page_token")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    page_size: int
    page_token: str
    def __init__(self, agent_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListContractHistoryResponse(_message.Message):
    __slots__ = ("contracts", "next_page_token")
    CONTRACTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    contracts: _containers.RepeatedCompositeFieldContainer[_behavioral_contract_pb2.BehavioralContract]
    next_page_token: str
    def __init__(self, contracts: _Optional[_Iterable[_Union[_behavioral_contract_pb2.BehavioralContract, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DiffContractsRequest(_message.Message):
    __slots__ = ("agent_id", "from_version", "to_version")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_VERSION_FIELD_NUMBER: _ClassVar[int]
    TO_VERSION_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    from_version: int
    to_version: int
    def __init__(self, agent_id: _Optional[str] = ..., from_version: _Optional[int] = ..., to_version: _Optional[int] = ...) -> None: ...

class FieldChange(_message.Message):
    __slots__ = ("path", "old_value", "new_value")
    PATH_FIELD_NUMBER: _ClassVar[int]
    OLD_VALUE_FIELD_NUMBER: _ClassVar[int]
    NEW_VALUE_FIELD_NUMBER: _ClassVar[int]
    path: str
    old_value: _struct_pb2.Value
    new_value: _struct_pb2.Value
    def __init__(self, path: _Optional[str] = ..., old_value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., new_value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class DiffContractsResponse(_message.Message):
    __slots__ = ("changes",)
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[FieldChange]
    def __init__(self, changes: _Optional[_Iterable[_Union[FieldChange, _Mapping]]] = ...) -> None: ...

class VerifyContractRequest(_message.Message):
    __slots__ = ("contract", "agent_id", "version")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    contract: _behavioral_contract_pb2.BehavioralContract
    agent_id: str
    version: int
    def __init__(self, contract: _Optional[_Union[_behavioral_contract_pb2.BehavioralContract, _Mapping]] = ..., agent_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class VerifyContractResponse(_message.Message):
    __slots__ = ("valid", "status", "signer", "problems")
    VALID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SIGNER_FIELD_NUMBER: _ClassVar[int]
    PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    status: SealStatus
    signer: str
    problems: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, valid: bool = ..., status: _Optional[_Union[SealStatus, str]] = ..., signer: _Optional[str] = ..., problems: _Optional[_Iterable[str]] = ...) -> None: ...

class GenerateContractRequest(_message.Message):
    __slots__ = ("agent_id", "archetype", "certificate_id", "store", "seal")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    ARCHETYPE_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    STORE_FIELD_NUMBER: _ClassVar[int]
    SEAL_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    archetype: str
    certificate_id: str
    store: bool
    seal: bool
    def __init__(self, agent_id: _Optional[str] = ..., archetype: _Optional[str] = ..., certificate_id: _Optional[str] = ..., store: bool = ..., seal: bool = ...) -> None: ...

class GenerateContractResponse(_message.Message):
    __slots__ = ("contract", "prior_found", "prior")
    CONTRACT_FIELD_NUMBER: _ClassVar[int]
    PRIOR_FOUND_FIELD_NUMBER: _ClassVar[int]
    PRIOR_FIELD_NUMBER: _ClassVar[int]
    contract: _behavioral_contract_pb2.BehavioralContract
    prior_found: bool
    prior: str
    def __init__(self, contract: _Optional[_Union[_behavioral_contract_pb2.BehavioralContract, _Mapping]] = ..., prior_found: bool = ..., prior: _Optional[str] = ...) -> None: ...

class ListSigningKeysRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SigningKey(_message.Message):
    __slots__ = ("key_id", "public_key_pem", "signing")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_PEM_FIELD_NUMBER: _ClassVar[int]
    SIGNING_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    public_key_pem: str
    signing: bool
    def __init__(self, key_id: _Optional[str] = ..., public_key_pem: _Optional[str] = ..., signing: bool = ...) -> None: ...

class ListSigningKeysResponse(_message.Message):
    __slots__ = ("keys",)
    KEYS_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedCompositeFieldContainer[SigningKey]
    def __init__(self, keys: _Optional[_Iterable[_Union[SigningKey, _Mapping]]] = ...) -> None: ...
