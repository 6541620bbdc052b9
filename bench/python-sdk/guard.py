"""What a guarded tool call costs: keel_client.guard over the bare tool call.

    pip install ./clients/python            # into any venv, then from the repository root:
    python bench/python-sdk/guard.py [--runs 5] [--calls 2000]

Starts a real Keel server through conformance/harness.ts (in-process store) on loopback. Each
run, on a fresh agent and a warm session (200 calls first), measures p50 and p90 of:
- bare: the tool function called directly (a dict look-up);
- session: Session.process of the observation a guarded call reports (the one round trip);
- guarded: the same tool through Guard (local check, the tool, one observation);
- guarded-async: the same through AsyncGuard on an AsyncSession.
and prints, per run and as the median (min-max) of the runs, the guarded p50 minus the bare p50
(the added latency the issue bounds at 1 ms) and minus the session p50 (the guard's own cost
beyond its round trip). The machine is shared: expect noise.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

from keel_client import AsyncGuard, AsyncKeel, Guard, Keel, Mode

ROOT = Path(__file__).resolve().parents[2]
WARMUP = 200
ORDERS = {f"orders/{n}": n for n in range(100)}


def lookup(order_id: str) -> int:
    return ORDERS[order_id]


def percentiles(samples: List[float]) -> Tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1e3, ordered[int(len(ordered) * 0.9)] * 1e3


def timed(call: Callable[[int], Any], count: int) -> List[float]:
    out = []
    for i in range(count):
        t = time.perf_counter()
        call(i)
        out.append(time.perf_counter() - t)
    return out


async def atimed(call: Callable[[int], Any], count: int) -> List[float]:
    out = []
    for i in range(count):
        t = time.perf_counter()
        await call(i)
        out.append(time.perf_counter() - t)
    return out


def one_run(endpoint: Dict[str, Any], calls: int) -> Dict[str, Tuple[float, float]]:
    target, key = endpoint["target"], endpoint["api_key"]
    res: Dict[str, Tuple[float, float]] = {}
    res["bare"] = percentiles(timed(lambda i: lookup(f"orders/{i % 100}"), calls))
    with Keel(target=target, api_key=key) as client:
        agent = client.instances.create(name="bench-guard", description="guard benchmark")
        with client.session(agent.id) as session:
            def report(i: int) -> Any:
                return session.process(Mode.PERCEPTION, 0.5, action="lookup", target=f"orders/{i % 100}", outcome="success")
            timed(report, WARMUP)
            res["session"] = percentiles(timed(report, calls))
            guard = Guard(session)
            guarded = guard.tool(mode="perception", action="explore", target="order_id")(lookup)
            timed(lambda i: guarded(f"orders/{i % 100}"), WARMUP)
            res["guarded"] = percentiles(timed(lambda i: guarded(f"orders/{i % 100}"), calls))

    async def run_async() -> Tuple[float, float]:
        async with AsyncKeel(target=target, api_key=key) as aclient:
            agent = await aclient.instances.create(name="bench-guard-async", description="guard benchmark")
            async with aclient.session(agent.id) as asession:
                aguard = AsyncGuard(asession)
                aguarded = aguard.tool(mode="perception", action="explore", target="order_id")(lookup)
                await atimed(lambda i: aguarded(f"orders/{i % 100}"), WARMUP)
                return percentiles(await atimed(lambda i: aguarded(f"orders/{i % 100}"), calls))

    res["guarded-async"] = asyncio.run(run_async())
    return res


def spread(values: List[float]) -> str:
    return f"{statistics.median(values):.3f} ms ({min(values):.3f}-{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    proc = subprocess.Popen(
        [str(ROOT / "node_modules/.bin/tsx"), "conformance/harness.ts"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    try:
        endpoint = json.loads(proc.stdout.readline())
        runs = []
        for n in range(1, args.runs + 1):
            r = one_run(endpoint, args.calls)
            runs.append(r)
            print(f"run {n}: " + ", ".join(f"{k} p50 {v[0]:.3f} ms p90 {v[1]:.3f} ms" for k, v in r.items()), flush=True)
        print(f"\n{args.runs} runs of {args.calls} calls, median (min-max):")
        for k in ("bare", "session", "guarded", "guarded-async"):
            print(f"  {k:14} p50 {spread([r[k][0] for r in runs])}")
        print(f"  added by the guard over the bare tool, p50:      sync {spread([r['guarded'][0] - r['bare'][0] for r in runs])}, "
              f"asyncio {spread([r['guarded-async'][0] - r['bare'][0] for r in runs])}")
        print(f"  guard beyond its one round trip (guarded - session), p50: {spread([r['guarded'][0] - r['session'][0] for r in runs])}")
    finally:
        proc.stdin.close()
        proc.wait(timeout=20)


if __name__ == "__main__":
    main()
