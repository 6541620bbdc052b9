"""Session: a resuming, pipelined EngineService.Session stream for one agent (synchronous).

Calls are serialised by a lock and run in the caller's thread: a call sends its frames and
reads the stream until they are answered. grpcio's own thread drains the request queue, and
sends a heartbeat frame whenever the queue was idle for `heartbeat_interval` seconds.
"""
from __future__ import annotations

import queue
import threading
import time
from collections import deque
from typing import Any, Deque, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

import grpc

from keel_client import _observations as obs
from keel_client._enums import Mode, mode_value
from keel_client._errors import FailedPrecondition, Internal, KeelError, Unavailable, from_rpc_error
from keel_client._gen.keel.v1 import engine_service_pb2 as es, engine_service_pb2_grpc
from keel_client._results import Contract, SessionOutcome
from keel_client._session_core import HEARTBEAT, MAX_BATCH, Frame, OnReconnect, SessionCore

_END = object()


def _outgoing(frames: "queue.SimpleQueue[Any]", heartbeat_interval: Optional[float]) -> Iterator[es.SessionRequest]:
    while True:
        try:
            item = frames.get(timeout=heartbeat_interval)
        except queue.Empty:
            yield HEARTBEAT
            continue
        if item is _END:
            return
        yield item


class Session:
    """Use as `with client.session(instance_id) as s:`; see Keel.session for the options."""

    def __init__(
        self,
        stub: engine_service_pb2_grpc.EngineServiceStub,
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
        self._lock = threading.Lock()
        self._frames: Optional["queue.SimpleQueue[Any]"] = None
        self._call: Any = None
        self._closed = False
        with self._lock:
            self._connect()

    @property
    def instance_id(self) -> str:
        return self._core.instance_id

    @property
    def last_sequence(self) -> int:
        """The highest sequence this session has seen answered: pass it as resume_after_sequence
        to continue in another process without re-sending."""
        return self._core.acked

    @property
    def contract(self) -> Optional[Contract]:
        """The latest contract: from the open answer or the last outcome."""
        raw = self._core.contract
        return Contract(raw) if raw is not None else None

    def process(
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
        """Sends one observation and returns its outcome, exactly once across reconnects."""
        observation: obs.Normalized
        if action is None and target is None and outcome is None and confidence is None and not context:
            observation = (mode_value(mode), float(signal_strength))
        else:
            observation = obs.build(
                mode, signal_strength, action=action, target=target, outcome=outcome, confidence=confidence, context=context
            )
        with self._lock:
            self._check_usable()
            frame = self._core.frame([observation], batch=False)
            self._flush()
            return self._receive_through(frame)[0]

    def process_many(self, observations: Iterable[obs.ObservationLike], *, batch_size: int = MAX_BATCH) -> List[SessionOutcome]:
        """Sends observations in batch frames of batch_size, up to max_in_flight frames ahead of
        their answers, and returns every outcome in order. Each frame is committed as a whole."""
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1 to {MAX_BATCH}")
        wire = [obs.normalize(o) for o in observations]
        results: List[SessionOutcome] = []
        with self._lock:
            self._check_usable()
            in_flight: Deque[Frame] = deque()
            for start in range(0, len(wire), batch_size):
                if len(in_flight) >= self._max_in_flight:
                    results.extend(self._receive_through(in_flight.popleft()))
                frame = self._core.frame(wire[start:start + batch_size], batch=True)
                in_flight.append(frame)
                self._flush()
            while in_flight:
                results.extend(self._receive_through(in_flight.popleft()))
        return results

    def close(self, timeout: float = 5.0) -> None:
        """Ends the stream: half-closes it so the server finishes cleanly, and cancels it if the
        server has not within `timeout` seconds (a dead connection)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            call, self._call = self._call, None
            if self._frames is not None:
                self._frames.put(_END)
                self._frames = None
            if call is not None:
                guard = threading.Timer(timeout, call.cancel)
                guard.start()
                try:
                    for _ in call:
                        pass
                except grpc.RpcError:
                    pass
                finally:
                    guard.cancel()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one connection after another ------------------------------------------------------

    def _check_usable(self) -> None:
        if self._core.failure is not None:
            raise self._core.failure
        if self._closed:
            raise FailedPrecondition("the session is closed")
        if self._call is None:
            # A call was interrupted (KeyboardInterrupt...) while reconnecting: reopen and resume.
            self._connect()

    def _flush(self) -> None:
        # A dead stream shows on the read side; its frames are re-sent after the reconnect.
        if self._frames is not None:
            for frame in self._core.writable():
                self._frames.put(frame.request)

    def _receive_through(self, frame: Frame) -> List[SessionOutcome]:
        """Reads until `frame` is answered (older frames' answers, left by an interrupted call,
        are consumed on the way)."""
        while True:
            try:
                response = next(self._call)
            except grpc.RpcError as rpc:
                self._recover(from_rpc_error(rpc))
                continue
            except StopIteration:
                self._recover(Unavailable("the session stream ended"))
                continue
            outcomes = self._core.take(response)
            if outcomes is not None:
                self._flush()
                if outcomes[0].sequence == frame.first:
                    return outcomes

    def _recover(self, err: KeelError) -> None:
        self._teardown()
        delay = self._core.reconnect_delay(err)
        if delay is None:
            raise self._core.fail(err)
        time.sleep(delay)
        self._connect()

    def _teardown(self) -> None:
        if self._frames is not None:
            self._frames.put(_END)  # lets grpcio's request thread finish
            self._frames = None
        if self._call is not None:
            self._call.cancel()
            self._call = None

    def _connect(self) -> None:
        """Opens a stream, positions it and re-sends every unanswered frame, retrying what
        reconnect_delay allows."""
        while True:
            frames: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
            frames.put(self._core.open_request())
            call: Any = self._stub.Session(_outgoing(frames, self._heartbeat_interval), metadata=self._metadata)
            self._frames, self._call = frames, call
            try:
                first = next(call)
            except grpc.RpcError as rpc:
                err: KeelError = from_rpc_error(rpc)
            except StopIteration:
                err = Unavailable("the session stream ended before it opened")
            else:
                if first.WhichOneof("frame") != "opened":
                    raise self._core.fail(Internal(f"session protocol error: {first.WhichOneof('frame')} before opened"))
                if self._core.on_opened(first.opened):
                    self._teardown()
                    continue
                self._core.connected()
                self._flush()
                return
            self._teardown()
            delay = self._core.reconnect_delay(err)
            if delay is None:
                raise self._core.fail(err)
            time.sleep(delay)
