from __future__ import annotations

from typing import Any, Callable, Dict, Iterator

import pytest

from harness import Harness, available, load_cases, required

_started: Dict[str, Harness] = {}


@pytest.fixture(scope="session")
def cases() -> Dict[str, Any]:
    return {case["id"]: case for case in load_cases()["cases"]}


@pytest.fixture(scope="session")
def modes() -> Any:
    return load_cases()["observations"]["modes"]


@pytest.fixture(scope="session")
def harness_for() -> Iterator[Callable[..., Harness]]:
    """harness_for(*flags): one harness per set of flags, started on first use, shared by the
    sync and asyncio runners, stopped at the end of the run."""
    reason = available()
    if reason is not None:
        if required():
            pytest.fail(reason)
        pytest.skip(reason)

    def start(*flags: str) -> Harness:
        key = " ".join(flags)
        if key not in _started:
            _started[key] = Harness(*flags)
        return _started[key]

    yield start
    for harness in _started.values():
        harness.close()
    _started.clear()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With KEEL_COUNTS_FILE set (by .ci/run), leaves the run's counts there as JSON, for the
    CI's one closing "N passed, N failed" line."""
    import json
    import os

    path = os.environ.get("KEEL_COUNTS_FILE")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if not path or reporter is None:
        return
    count = lambda key: len([r for r in reporter.stats.get(key, []) if getattr(r, "when", "call") == "call"])  # noqa: E731
    counts = {"passed": count("passed"), "failed": count("failed") + len(reporter.stats.get("error", [])), "skipped": count("skipped")}
    with open(path, "w") as f:
        json.dump(counts, f)
