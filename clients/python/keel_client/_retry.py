"""When a failed call may be repeated, and after how long (shared by unary calls and sessions)."""
from __future__ import annotations

import random
from typing import Optional

from keel_client._errors import KeelError

INITIAL_BACKOFF = 0.05
MAX_BACKOFF = 2.0


def backoff(attempt: int, initial: float = INITIAL_BACKOFF, maximum: float = MAX_BACKOFF) -> float:
    """Exponential, with jitter in its upper half so clients cut together do not return together."""
    ceiling = min(maximum, initial * 2.0 ** max(0, attempt - 1))
    return ceiling / 2 + random.random() * ceiling / 2


def quota_wait(delay: float) -> float:
    """Never earlier than the server asked; up to 10% later so throttled clients spread out."""
    return delay + random.random() * max(delay / 10, 0.005)


def unary_delay(err: KeelError, attempt: int, max_retries: int, safe: bool) -> Optional[float]:
    """Seconds to wait before retry number `attempt` (1-based), or None to give up.

    A refusal over quota (RESOURCE_EXHAUSTED with RetryInfo) processed nothing, so any call may
    wait it out. UNAVAILABLE may have processed the request: only `safe` calls (reads, and
    writes that carry a request_id, which the server answers once) are repeated.
    """
    if attempt > max_retries:
        return None
    if err.code == "RESOURCE_EXHAUSTED" and err.retry_delay is not None:
        return quota_wait(err.retry_delay)
    if err.code == "UNAVAILABLE" and safe:
        return backoff(attempt)
    return None
