"""Drives conformance/harness.ts: a real Keel server plus a connection-cutting TCP proxy, as
conformance/README.md specifies."""
from __future__ import annotations

import json
import os
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parents[3]
TSX = ROOT / "node_modules" / ".bin" / "tsx"
CASES_FILE = ROOT / "conformance" / "cases.json"


def load_cases() -> Dict[str, Any]:
    return json.loads(CASES_FILE.read_text())


def observation(i: int, modes: List[str]) -> "tuple[str, float]":
    """Observation number i (1-based), identical in every language."""
    return modes[(i * 5) % 7], 0.05 + ((i * 37) % 91) / 100


@dataclass
class Endpoint:
    target: str
    proxy: str
    api_key: str
    tls: bool
    ca_file: Optional[str]


class Harness:
    def __init__(self, *flags: str) -> None:
        self._proc = subprocess.Popen(
            [str(TSX), "conformance/harness.ts", *flags],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        self._lock = threading.Lock()
        line = self._stdout.readline()
        if not line:
            self.close()
            raise RuntimeError(f"conformance harness {' '.join(flags)} exited before it started")
        info = json.loads(line)
        self.endpoint = Endpoint(info["target"], info["proxy"], info["api_key"], info["tls"], info["ca_file"])

    @property
    def _stdout(self) -> IO[str]:
        assert self._proc.stdout is not None
        return self._proc.stdout

    def command(self, line: str) -> str:
        with self._lock:
            assert self._proc.stdin is not None
            self._proc.stdin.write(line + "\n")
            self._proc.stdin.flush()
            return self._stdout.readline().strip()

    def cut(self) -> int:
        answer = self.command("cut")
        assert answer.startswith("cut "), answer
        return int(answer.split()[1])

    def mint(self, scope: str) -> str:
        answer = self.command(f"mint {scope}")
        assert answer.startswith("key "), answer
        return answer.split()[1]

    def close(self) -> None:
        if self._proc.stdin is not None and not self._proc.stdin.closed:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


def available() -> Optional[str]:
    """Why the harness cannot run here, or None."""
    if not TSX.exists():
        return f"{TSX} is missing: run `npm ci` at the repository root"
    if not CASES_FILE.exists():
        return f"{CASES_FILE} is missing"
    return None


def required() -> bool:
    """CI sets KEEL_CONFORMANCE=require so a missing harness fails instead of skipping."""
    return os.environ.get("KEEL_CONFORMANCE") == "require"
