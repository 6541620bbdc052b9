"""The part of a session that does no I/O, shared by Session and AsyncSession: numbering
observations, the frames sent but not yet answered, matching answers to them, positioning on
the server's last sequence, and deciding whether a broken stream is resumed.

Exactly once: every observation keeps its sequence number for life. After a cut the session
re-opens with resume_after_sequence = the last sequence it delivered and re-sends every
unanswered frame with its original numbers; the server answers the ones it had already
processed from its history (replayed) and processes the rest.
"""
from __future__ import annotations

from collections import deque
from typing import Callable, Deque, List, Optional, Sequence

from keel_client import _retry
from keel_client._observations import Normalized, fill
from keel_client._errors import Internal, KeelError
from keel_client._gen.keel.v1 import contract_pb2, engine_service_pb2 as es
from keel_client._results import SessionOutcome

#: Observations per batch frame, as the server accepts.
MAX_BATCH = 64

HEARTBEAT = es.SessionRequest(heartbeat=es.Heartbeat())

#: Called before each reconnect with the attempt number, the error that ended the stream and
#: the seconds the session will wait.
OnReconnect = Callable[[int, KeelError, float], None]


class Frame:
    """One observation or batch frame, kept until its answer arrives."""

    __slots__ = ("request", "first", "count", "batch")

    def __init__(self, request: es.SessionRequest, first: int, count: int, batch: bool) -> None:
        self.request = request
        self.first = first
        self.count = count
        self.batch = batch


class SessionCore:
    def __init__(
        self,
        instance_id: str,
        resume_after_sequence: int,
        max_reconnect_attempts: int,
        on_reconnect: Optional[OnReconnect] = None,
    ) -> None:
        self.instance_id = instance_id
        #: The highest sequence whose outcome was delivered (or that the server reported).
        self.acked = resume_after_sequence
        self.next_sequence = resume_after_sequence + 1
        self.pending: Deque[Frame] = deque()
        self.contract: Optional[contract_pb2.ExecutionContract] = None
        self.failure: Optional[KeelError] = None
        self._attempt = 0
        self._max_attempts = max_reconnect_attempts
        self._on_reconnect = on_reconnect
        # Frames at the head of `pending` written on the current stream, and whether the stream
        # is still probing (see connected()).
        self._written = 0
        self._probing = False

    def open_request(self) -> es.SessionRequest:
        return es.SessionRequest(open=es.SessionOpen(instance_id=self.instance_id, resume_after_sequence=self.acked))

    def on_opened(self, opened: es.SessionOpened) -> bool:
        """Takes the open answer; True when the stream must be re-opened positioned at the
        server's last sequence: a fresh session on an agent that already has history (the server
        expects resume_after_sequence + 1 next, so numbering from 1 would leave a gap)."""
        self._attempt = 0
        self.contract = opened.contract
        if not self.pending and opened.last_sequence > self.acked:
            self.acked = opened.last_sequence
            self.next_sequence = opened.last_sequence + 1
            return True
        return False

    def connected(self) -> None:
        """A stream was opened and positioned. After a reconnect only the oldest unanswered frame
        is written until it is answered: if the server refuses it (over quota), no other write is
        in flight, so grpc.aio reports the real status and its RetryInfo instead of 'Internal
        error from Core'. Then everything else follows at once."""
        self._written = 0
        self._probing = bool(self.pending)

    def writable(self) -> List[Frame]:
        """The frames to write now, in order (each is returned once per stream)."""
        limit = 1 if self._probing else len(self.pending)
        if limit <= self._written:
            return []
        frames = [self.pending[i] for i in range(self._written, limit)]
        self._written = limit
        return frames

    def frame(self, observations: Sequence[Normalized], batch: bool) -> Frame:
        first = self.next_sequence
        request = es.SessionRequest()
        if batch:
            items = request.batch.observations
            for i, observation in enumerate(observations):
                item = items.add()
                item.sequence = first + i
                fill(item.observation, observation)
        else:
            request.observation.sequence = first
            fill(request.observation.observation, observations[0])
        self.next_sequence += len(observations)
        frame = Frame(request, first, len(observations), batch)
        self.pending.append(frame)  # written by the next writable()
        return frame

    def take(self, response: es.SessionResponse) -> Optional[List[SessionOutcome]]:
        """The outcomes of the oldest unanswered frame, or None for frames that answer nothing
        (heartbeat echoes)."""
        kind = response.WhichOneof("frame")
        if kind == "outcome":
            answers: Sequence[es.SequencedOutcome] = [response.outcome]
        elif kind == "batch":
            answers = response.batch.outcomes
        else:
            return None
        frame = self.pending[0] if self.pending else None
        if (
            frame is None
            or frame.batch != (kind == "batch")
            or len(answers) != frame.count
            or answers[0].sequence != frame.first
            or answers[-1].sequence != frame.first + frame.count - 1
        ):
            got = ",".join(str(a.sequence) for a in answers)
            want = f"{frame.first}..{frame.first + frame.count - 1}" if frame else "nothing"
            raise self.fail(Internal(f"session protocol error: outcome for sequence {got}, expected {want}"))
        self.pending.popleft()
        self._written -= 1
        self._probing = False
        self.acked = frame.first + frame.count - 1
        self.contract = answers[-1].outcome.contract
        return [SessionOutcome(a) for a in answers]

    def reconnect_delay(self, err: KeelError) -> Optional[float]:
        """Seconds to wait before re-opening after err ended the stream, or None: the session
        fails with err. Over quota the server says how long (nothing of the refused frame was
        processed); a lost connection, a draining server or a stream cancelled under the session
        (grpc.aio cancels the call when a task awaiting it is cancelled) backs off. A takeover (ABORTED),
        UNAUTHENTICATED, PERMISSION_DENIED and every other code are final. Resuming is safe
        whatever happened on the server: sequence numbers make every frame count once."""
        self._attempt += 1
        if self._attempt > self._max_attempts:
            return None
        if err.code == "RESOURCE_EXHAUSTED" and err.retry_delay is not None:
            delay = _retry.quota_wait(err.retry_delay)
        elif err.code in ("UNAVAILABLE", "CANCELLED") or _masked(err):
            delay = _retry.backoff(self._attempt)
        else:
            return None
        if self._on_reconnect is not None:
            self._on_reconnect(self._attempt, err, delay)
        return delay

    def fail(self, err: KeelError) -> KeelError:
        if self.failure is None:
            self.failure = err
        return self.failure


def _masked(err: KeelError) -> bool:
    """grpc.aio's report of a stream the server ended while frames were being written: the
    real status is lost, so the stream is resumed (probing, see connected())."""
    return err.code == "INTERNAL" and err.message == "Internal error from Core"
