"""AsyncKeel: the asyncio client (the same surface as Keel, every call awaited)."""
from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Awaitable, Callable, Iterable, Mapping, Optional, Sequence, Tuple, TypeVar, Union

import grpc

from keel_client import _config, _requests as req
from keel_client._enums import KeyScope, Mode, ResetTarget
from keel_client._errors import KeelError, from_rpc_error
from keel_client._gen.keel.v1 import (
    behavioral_contract_pb2 as bc,
    contract_service_pb2 as cs,
    contract_service_pb2_grpc,
    engine_service_pb2 as es,
    engine_service_pb2_grpc,
    instance_service_pb2 as ins,
    instance_service_pb2_grpc,
    key_service_pb2 as ks,
    key_service_pb2_grpc,
    profile_pb2,
)
from keel_client._observations import ObservationLike
from keel_client._results import (
    ApiKey, BatchResult, Contract, CreatedKey, DriftEvent, GeneratedContract, HistoryEntry, Instance,
    Outcome, Page, ResetResult, Snapshot, State, VerifyResult, WhoAmI,
)
from keel_client._retry import unary_delay
from keel_client._session_core import OnReconnect
from keel_client._aio_session import AsyncSession

R = TypeVar("R")


class _Unary:
    """Invokes unary methods with the key, the deadline and the retry policy."""

    def __init__(self, config: _config.Config) -> None:
        self.config = config

    async def __call__(self, method: Callable[..., Awaitable[R]], request: Any, *, safe: bool) -> R:
        attempt = 0
        while True:
            try:
                return await method(request, metadata=self.config.metadata, timeout=self.config.timeout)
            except grpc.RpcError as rpc:
                err: KeelError = from_rpc_error(rpc)
            attempt += 1
            delay = unary_delay(err, attempt, self.config.max_retries, safe)
            if delay is None:
                raise err
            await asyncio.sleep(delay)


class AsyncInstances:
    def __init__(self, call: _Unary, channel: grpc.aio.Channel) -> None:
        self._call = call
        self._stub = instance_service_pb2_grpc.InstanceServiceStub(channel)

    async def create(
        self,
        name: str,
        description: str = "",
        *,
        persona_id: str = "",
        labels: Optional[Mapping[str, str]] = None,
        profile: Optional[profile_pb2.IdentityProfile] = None,
        request_id: Optional[str] = None,
    ) -> Instance:
        request = req.create_instance(name, description, persona_id, labels, profile, request_id)
        return Instance((await self._call(self._stub.CreateInstance, request, safe=True)).instance)

    async def get(self, instance_id: str) -> Instance:
        return Instance((await self._call(self._stub.GetInstance, ins.GetInstanceRequest(instance_id=instance_id), safe=True)).instance)

    async def list(self, *, page_size: int = 0, page_token: str = "") -> Page[Instance]:
        res = await self._call(self._stub.ListInstances, ins.ListInstancesRequest(page_size=page_size, page_token=page_token), safe=True)
        return Page([Instance(i) for i in res.instances], res.next_page_token, res)

    async def update(
        self,
        instance_id: str,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        labels: Optional[Mapping[str, str]] = None,
    ) -> Instance:
        """Changes only the fields given (labels replace the whole map)."""
        request = req.update_instance(instance_id, name, description, labels)
        return Instance((await self._call(self._stub.UpdateInstance, request, safe=True)).instance)

    async def delete(self, instance_id: str) -> None:
        await self._call(self._stub.DeleteInstance, ins.DeleteInstanceRequest(instance_id=instance_id), safe=False)


class AsyncEngine:
    def __init__(self, call: _Unary, channel: grpc.aio.Channel) -> None:
        self._call = call
        self._stub = engine_service_pb2_grpc.EngineServiceStub(channel)

    async def process(
        self,
        instance_id: str,
        mode: Union[Mode, int, str],
        signal_strength: float,
        *,
        action: Optional[str] = None,
        target: Optional[str] = None,
        outcome: Optional[str] = None,
        confidence: Optional[float] = None,
        context: Optional[Mapping[str, str]] = None,
        timestamp: Optional[datetime] = None,
        request_id: Optional[str] = None,
    ) -> Outcome:
        """Processes one observation. Carries a request_id (a fresh one unless given), so a retry
        after UNAVAILABLE is answered once."""
        request = req.process(
            instance_id, mode, signal_strength, action=action, target=target, outcome=outcome,
            confidence=confidence, context=context, timestamp=timestamp, request_id=request_id,
        )
        return Outcome((await self._call(self._stub.Process, request, safe=True)).outcome)

    async def process_batch(
        self,
        instance_id: str,
        observations: Iterable[ObservationLike],
        *,
        include_intermediate: bool = False,
        request_id: Optional[str] = None,
    ) -> BatchResult:
        """1 to 64 observations, processed in order and committed together."""
        request = req.process_batch(instance_id, observations, include_intermediate, request_id)
        return BatchResult((await self._call(self._stub.ProcessBatch, request, safe=True)))

    async def state(self, instance_id: str) -> State:
        return State((await self._call(self._stub.GetState, es.GetStateRequest(instance_id=instance_id), safe=True)))

    async def contract(self, instance_id: str) -> Contract:
        return Contract((await self._call(self._stub.GetContract, es.GetContractRequest(instance_id=instance_id), safe=True)).contract)

    async def reset(
        self, instance_id: str, target: Union[ResetTarget, int] = ResetTarget.INITIAL, *, request_id: Optional[str] = None
    ) -> ResetResult:
        return ResetResult((await self._call(self._stub.Reset, req.reset(instance_id, target, request_id), safe=True)))

    async def history(self, instance_id: str, *, page_size: int = 0, page_token: str = "") -> Page[HistoryEntry]:
        """Processed observations, newest first."""
        request = es.ListHistoryRequest(instance_id=instance_id, page_size=page_size, page_token=page_token)
        res = await self._call(self._stub.ListHistory, request, safe=True)
        return Page([HistoryEntry(h) for h in res.entries], res.next_page_token, res)

    async def drift_events(self, instance_id: str, *, page_size: int = 0, page_token: str = "") -> Page[DriftEvent]:
        """Drift events at D1 or above, newest first."""
        request = es.ListDriftEventsRequest(instance_id=instance_id, page_size=page_size, page_token=page_token)
        res = await self._call(self._stub.ListDriftEvents, request, safe=True)
        return Page([DriftEvent(d) for d in res.events], res.next_page_token, res)

    async def snapshots(self, instance_id: str, *, page_size: int = 0, page_token: str = "") -> Page[Snapshot]:
        """Stable snapshots, newest first."""
        request = es.ListSnapshotsRequest(instance_id=instance_id, page_size=page_size, page_token=page_token)
        res = await self._call(self._stub.ListSnapshots, request, safe=True)
        return Page([Snapshot(s) for s in res.snapshots], res.next_page_token, res)


class AsyncContracts:
    """Declared behavioral contracts (keel.v1.BehavioralContract messages, or dicts in their
    proto JSON form)."""

    def __init__(self, call: _Unary, channel: grpc.aio.Channel) -> None:
        self._call = call
        self._stub = contract_service_pb2_grpc.ContractServiceStub(channel)

    async def put(self, contract: Union[bc.BehavioralContract, Mapping[str, Any]], *, seal: bool = False) -> bc.BehavioralContract:
        request = cs.PutContractRequest(contract=req.behavioral_contract(contract), seal=seal)
        return (await self._call(self._stub.PutContract, request, safe=False)).contract

    async def get_active(self, agent_id: str) -> bc.BehavioralContract:
        return (await self._call(self._stub.GetActiveContract, cs.GetActiveContractRequest(agent_id=agent_id), safe=True)).contract

    async def get_version(self, agent_id: str, version: int) -> bc.BehavioralContract:
        request = cs.GetContractVersionRequest(agent_id=agent_id, version=version)
        return (await self._call(self._stub.GetContractVersion, request, safe=True)).contract

    async def versions(self, agent_id: str, *, page_size: int = 0, page_token: str = "") -> Page[bc.BehavioralContract]:
        """Every version, oldest first."""
        request = cs.ListContractHistoryRequest(agent_id=agent_id, page_size=page_size, page_token=page_token)
        res = await self._call(self._stub.ListContractHistory, request, safe=True)
        return Page(list(res.contracts), res.next_page_token, res)

    async def diff(self, agent_id: str, from_version: int, to_version: int) -> Sequence[cs.FieldChange]:
        request = cs.DiffContractsRequest(agent_id=agent_id, from_version=from_version, to_version=to_version)
        return list((await self._call(self._stub.DiffContracts, request, safe=True)).changes)

    async def verify(
        self,
        contract: Union[bc.BehavioralContract, Mapping[str, Any], None] = None,
        *,
        agent_id: str = "",
        version: int = 0,
    ) -> VerifyResult:
        """Checks a contract's seal: the one given, or the stored version of agent_id (active when 0)."""
        return VerifyResult((await self._call(self._stub.VerifyContract, req.verify_contract(contract, agent_id, version), safe=True)))

    async def generate(
        self, agent_id: str, archetype: str, *, certificate_id: str = "", store: bool = False, seal: bool = False
    ) -> GeneratedContract:
        request = cs.GenerateContractRequest(
            agent_id=agent_id, archetype=archetype, certificate_id=certificate_id, store=store, seal=seal
        )
        return GeneratedContract((await self._call(self._stub.GenerateContract, request, safe=not store)))

    async def signing_keys(self) -> Sequence[cs.SigningKey]:
        return list((await self._call(self._stub.ListSigningKeys, cs.ListSigningKeysRequest(), safe=True)).keys)


class AsyncKeys:
    def __init__(self, call: _Unary, channel: grpc.aio.Channel) -> None:
        self._call = call
        self._stub = key_service_pb2_grpc.KeyServiceStub(channel)

    async def create(
        self,
        name: str,
        scope: Union[KeyScope, int],
        *,
        tenant: str = "",
        cycles_per_second: int = 0,
        max_sessions: int = 0,
    ) -> CreatedKey:
        request = req.create_key(name, scope, tenant, cycles_per_second, max_sessions)
        return CreatedKey((await self._call(self._stub.CreateKey, request, safe=False)))

    async def list(self, *, tenant: str = "", page_size: int = 0, page_token: str = "") -> Page[ApiKey]:
        request = ks.ListKeysRequest(tenant=tenant, page_size=page_size, page_token=page_token)
        res = await self._call(self._stub.ListKeys, request, safe=True)
        return Page([ApiKey(k) for k in res.keys], res.next_page_token, res)

    async def revoke(self, key_id: str, *, tenant: str = "") -> ApiKey:
        return ApiKey((await self._call(self._stub.RevokeKey, ks.RevokeKeyRequest(key_id=key_id, tenant=tenant), safe=True)).key)

    async def whoami(self) -> WhoAmI:
        return WhoAmI((await self._call(self._stub.WhoAmI, ks.WhoAmIRequest(), safe=True)))


class AsyncKeel:
    """A connection to Keel. Arguments left out come from KEEL_ADDR and KEEL_API_KEY.

    TLS: `tls=True` verifies the server with the system's roots, `ca_file` with a PEM bundle;
    `client_cert_file` + `client_key_file` add a client certificate (mutual TLS); `server_name`
    overrides the name checked in the server's certificate.

    Unary calls get `timeout` seconds (None: no deadline) and up to `max_retries` retries: after
    RESOURCE_EXHAUSTED with a RetryInfo delay (nothing was processed), and after UNAVAILABLE for
    reads and for the writes that carry a request_id (Process, ProcessBatch, Reset,
    CreateInstance), which the server answers once however often they arrive.
    """

    def __init__(
        self,
        target: Optional[str] = None,
        api_key: Optional[str] = None,
        *,
        tls: Optional[bool] = None,
        ca_file: Optional[_config.PathLike] = None,
        client_cert_file: Optional[_config.PathLike] = None,
        client_key_file: Optional[_config.PathLike] = None,
        server_name: Optional[str] = None,
        timeout: Optional[float] = _config.DEFAULT_TIMEOUT,
        max_retries: int = 3,
        channel_options: Sequence[Tuple[str, Union[str, int]]] = (),
    ) -> None:
        config = _config.resolve(
            target, api_key, tls=tls, ca_file=ca_file, client_cert_file=client_cert_file,
            client_key_file=client_key_file, server_name=server_name, timeout=timeout,
            max_retries=max_retries, options=channel_options,
        )
        self._channel = _config.aio_channel(config)
        self._setup(config)

    def _setup(self, config: _config.Config) -> None:
        self._config = config
        call = _Unary(config)
        self.instances = AsyncInstances(call, self._channel)
        self.engine = AsyncEngine(call, self._channel)
        self.contracts = AsyncContracts(call, self._channel)
        self.keys = AsyncKeys(call, self._channel)

    @property
    def target(self) -> str:
        return self._config.target

    def with_options(self, *, timeout: Union[float, None, _config.Unset] = _config.UNSET, max_retries: Optional[int] = None) -> "AsyncKeel":
        """A client over the same connection with another deadline or retry budget."""
        clone = object.__new__(AsyncKeel)
        clone._channel = self._channel
        clone._setup(
            _config.Config(
                self._config.target, self._config.metadata, self._config.credentials, self._config.options,
                self._config.timeout if isinstance(timeout, _config.Unset) else timeout,
                self._config.max_retries if max_retries is None else max_retries,
            )
        )
        return clone

    def session(
        self,
        instance_id: str,
        *,
        resume_after_sequence: int = 0,
        max_in_flight: int = 8,
        heartbeat_interval: Optional[float] = 30.0,
        max_reconnect_attempts: int = 8,
        on_reconnect: Optional[OnReconnect] = None,
    ) -> AsyncSession:
        """A session on the agent, opened by `async with` or its first call (see AsyncSession). No deadline: it lives until closed.

        - resume_after_sequence: the last_sequence an earlier session of this agent reached,
          to continue its numbering without a round trip; 0 (default) reads it from the server.
        - max_in_flight: batch frames process_many sends ahead of their answers.
        - heartbeat_interval: seconds of silence before a heartbeat frame (None: never), so
          proxies keep an idle stream open.
        - max_reconnect_attempts: per outage; the count restarts whenever a stream opens.
        - on_reconnect(attempt, error, delay): called before each reconnect (for logs, metrics).
        """
        return AsyncSession(
            engine_service_pb2_grpc.EngineServiceStub(self._channel), self._config.metadata, instance_id,
            resume_after_sequence=resume_after_sequence, max_in_flight=max_in_flight,
            heartbeat_interval=heartbeat_interval, max_reconnect_attempts=max_reconnect_attempts,
            on_reconnect=on_reconnect,
        )

    async def close(self) -> None:
        await self._channel.close(None)

    async def __aenter__(self) -> "AsyncKeel":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
