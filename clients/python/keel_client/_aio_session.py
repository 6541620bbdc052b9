"""AsyncSession: the asyncio twin of Session (same semantics, see _session_core).

Calls are serialised by an asyncio.Lock and read the stream in the calling task; grpc.aio
drains the request queue in its own task and sends a heartbeat whenever the queue was idle for
`heartbeat_interval` seconds.
"""
from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, AsyncIterator, Deque, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import grpc

from keel_client import _observations as obs
from keel_client._enums import Mode, mode_value
from keel_client._errors import Cancelled, FailedPrecondition, Internal, KeelError, Unavailable, from_rpc_error
from keel_client._gen.keel.v1 import engine_service_pb2 as es, engine_service_pb2_grpc
from keel_client._results import Contract, SessionOutcome
from keel_client._session_core import HEARTBEAT, MAX_BATCH, Frame, OnReconnect, SessionCore

_END = object()
_EOF: Any = getattr(grpc.aio, "EOF")  # what read() returns at the end of the stream


async def _outgoing(frames: "asyncio.Queue[Any]", heartbeat_interval: Optional[float]) -> AsyncIterator[es.SessionRequest]:
    while True:
        try:
            item = await asyncio.wait_for(frames.get(), heartbeat_interval)
        except asyncio.TimeoutError:
            yield HEARTBEAT
            continue
        if item is _END:
            return
        yield item


async def _error_of(call: Any, rpc: grpc.RpcError) -> KeelError:
    """grpc.aio may report a stream the server ended with an error while frames were still
    being written as INTERNAL 'Internal error from Core', without the status details; the
    call's own status (read from the response side) is the real one."""
    if isinstance(rpc, grpc.aio.AioRpcError) and rpc.code() == grpc.StatusCode.INTERNAL and call is not None:
        try:
            code = await call.code()
            if code != grpc.StatusCode.INTERNAL:
                real = grpc.aio.AioRpcError(
                    code=code,
                    initial_metadata=rpc.initial_metadata(),
                    trailing_metadata=await call.trailing_metadata(),
                    details=await call.details(),
                    debug_error_string=None,
                )
                return from_rpc_error(real)
        except Exception:  # the call is gone: the original error is all there is
            pass
    return from_rpc_error(rpc)


async def _drain(call: Any) -> None:
    while await call.read() is not _EOF:
        pass


class AsyncSession:
    """Use as `async with client.session(instance_id) as s:`; see AsyncKeel.session."""

    def __init__(
        self,
        # EngineServiceAsyncStub exists only in the .pyi (the type of a stub on a grpc.aio channel).
        stub: engine_service_pb2_grpc.EngineServiceAsyncStub,
        metadata: Sequence[Tuple[str, str]],
        instance_id: str,
        *,
        resume_after_sequence: int = 0,
        max_in_flight: int = 8,
        heartbeat_interval: Optional[float] = 30.0,
        max_reconnect_attempts: int = 8,
        on_reconnect: Optional[OnReconnect] = None,
    ) -> None:
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self._stub = stub
        self._metadata = tuple(metadata)
        self._core = SessionCore(instance_id, resume_after_sequence, max_reconnect_attempts, on_reconnect)
        self._max_in_flight = max_in_flight
        self._heartbeat_interval = heartbeat_interval or None
        self._lock: Optional[asyncio.Lock] = None  # made inside the loop (Python 3.9 binds at creation)
        self._frames: Optional["asyncio.Queue[Any]"] = None
        self._call: Any = None
        self._closed = False

    @property
    def instance_id(self) -> str:
        return self._core.instance_id

    @property
    def last_sequence(self) -> int:
        """The highest sequence this session has seen answered."""
        return self._core.acked

    @property
    def contract(self) -> Optional[Contract]:
        raw = self._core.contract
        return Contract(raw) if raw is not None else None

    async def open(self) -> "AsyncSession":
        """Opens the stream (done by `async with` or the first call)."""
        async with self._guard():
            await self._ensure_open()
        return self

    async def process(
        self,
        mode: Union[Mode, int, str],
        signal_strength: float,
        *,
        action: Optional[str] = None,
        target: Optional[str] = None,
        outcome: Optional[str] = None,
        confidence: Optional[float] = None,
        context: Optional[Mapping[str, str]] = None,
    ) -> SessionOutcome:
        observation: obs.Normalized
        if action is None and target is None and outcome is None and confidence is None and not context:
            observation = (mode_value(mode), float(signal_strength))
        else:
            observation = obs.build(
                mode, signal_strength, action=action, target=target, outcome=outcome, confidence=confidence, context=context
            )
        async with self._guard():
            await self._ensure_open()
            frame = self._core.frame([observation], batch=False)
            self._flush()
            return (await self._receive_through(frame))[0]

    async def process_many(
        self, observations: Iterable[obs.ObservationLike], *, batch_size: int = MAX_BATCH
    ) -> List[SessionOutcome]:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1 to {MAX_BATCH}")
        wire = [obs.normalize(o) for o in observations]
        results: List[SessionOutcome] = []
        async with self._guard():
            await self._ensure_open()
            in_flight: Deque[Frame] = deque()
            for start in range(0, len(wire), batch_size):
                if len(in_flight) >= self._max_in_flight:
                    results.extend(await self._receive_through(in_flight.popleft()))
                frame = self._core.frame(wire[start:start + batch_size], batch=True)
                in_flight.append(frame)
                self._flush()
            while in_flight:
                results.extend(await self._receive_through(in_flight.popleft()))
        return results

    async def close(self, timeout: float = 5.0) -> None:
        """Ends the stream: half-closes it so the server finishes cleanly, and cancels it if the
        server has not within `timeout` seconds (a dead connection)."""
        async with self._guard():
            if self._closed:
                return
            self._closed = True
            call, self._call = self._call, None
            if self._frames is not None:
                self._frames.put_nowait(_END)
                self._frames = None
            if call is not None:
                try:
                    await asyncio.wait_for(_drain(call), timeout)
                except (grpc.RpcError, asyncio.TimeoutError):
                    call.cancel()

    async def __aenter__(self) -> "AsyncSession":
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- one connection after another ------------------------------------------------------

    def _guard(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    async def _ensure_open(self) -> None:
        if self._core.failure is not None:
            raise self._core.failure
        if self._closed:
            raise FailedPrecondition("the session is closed")
        if self._call is None:
            # Not opened yet, or a call was cancelled while reconnecting: (re)open and resume.
            await self._connect()

    def _flush(self) -> None:
        # A dead stream shows on the read side; its frames are re-sent after the reconnect.
        if self._frames is not None:
            for frame in self._core.writable():
                self._frames.put_nowait(frame.request)

    async def _receive_through(self, frame: Frame) -> List[SessionOutcome]:
        while True:
            call = self._call
            if call.cancelled():
                # A task cancelled while awaiting this call made grpc.aio cancel it; its reads
                # would raise CancelledError into this task. Resume on a new stream.
                await self._recover(Cancelled("the session's stream was cancelled by an earlier call"))
                continue
            try:
                response = await call.read()
            except grpc.RpcError as rpc:
                await self._recover(await _error_of(call, rpc))
                continue
            if response is _EOF:
                await self._recover(Unavailable("the session stream ended"))
                continue
            outcomes = self._core.take(response)
            if outcomes is not None:
                self._flush()
                if outcomes[0].sequence == frame.first:
                    return outcomes

    async def _recover(self, err: KeelError) -> None:
        self._teardown()
        delay = self._core.reconnect_delay(err)
        if delay is None:
            raise self._core.fail(err)
        await asyncio.sleep(delay)
        await self._connect()

    def _teardown(self) -> None:
        if self._frames is not None:
            self._frames.put_nowait(_END)
            self._frames = None
        if self._call is not None:
            self._call.cancel()
            self._call = None

    async def _connect(self) -> None:
        while True:
            frames: "asyncio.Queue[Any]" = asyncio.Queue()
            frames.put_nowait(self._core.open_request())
            call: Any = self._stub.Session(_outgoing(frames, self._heartbeat_interval), metadata=self._metadata)
            self._frames, self._call = frames, call
            try:
                first = await call.read()
            except grpc.RpcError as rpc:
                err: KeelError = await _error_of(call, rpc)
            else:
                if first is _EOF:
                    err = Unavailable("the session stream ended before it opened")
                elif first.WhichOneof("frame") != "opened":
                    raise self._core.fail(Internal(f"session protocol error: {first.WhichOneof('frame')} before opened"))
                elif self._core.on_opened(first.opened):
                    self._teardown()
                    continue
                else:
                    self._core.connected()
                    self._flush()
                    return
            self._teardown()
            delay = self._core.reconnect_delay(err)
            if delay is None:
                raise self._core.fail(err)
            await asyncio.sleep(delay)
