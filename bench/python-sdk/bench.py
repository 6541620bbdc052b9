"""Python SDK benchmark: what keel-client costs over a bare grpcio stub.

    pip install ./clients/python            # into any venv, then from the repository root:
    python bench/python-sdk/bench.py [--runs 3] [--observations 20000] [--lockstep 2000]

`npm run bench:report` runs it through bench/python-sdk/run.sh (which keeps a venv of its own)
and reads the BENCH-FIGURE lines it prints (bench/report/emit.ts); BENCH_SMOKE=1 makes every
size tiny (CI: it must run and print every figure, its numbers mean nothing).

Starts a real Keel server through conformance/harness.ts (in-process store, auth on, no quota)
on loopback and measures, each run on a fresh agent:
- session throughput with batch frames (64 observations a frame, 8 frames in flight) through
  Session.process_many and AsyncSession.process_many, and the same frames pipelined by hand on
  bare grpcio and grpc.aio stubs (the floors the SDK is measured against);
- lock-step latency: one observation, wait for its outcome, next; p50 through Session.process
  and AsyncSession.process vs the bare stub doing the same on one Session stream, and unary
  Engine.process vs a bare Process call.
Throughput runs also report the client process's CPU time per contract (all its threads),
which depends far less on the other load on the machine than wall-clock rates do, and the
server's (the harness process tree's) CPU per contract: client and server share the machine's
cores, so the server's cost caps what any client can reach. Prints the median of the runs with
their min-max. The machine is shared: expect noise.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import grpc

from keel_client import AsyncKeel, Keel, Mode
from keel_client._gen.keel.v1 import (
    engine_service_pb2 as es,
    engine_service_pb2_grpc,
    instance_service_pb2 as ins,
    instance_service_pb2_grpc,
    observation_pb2,
)

ROOT = Path(__file__).resolve().parents[2]
MODES = list(Mode)
BATCH, IN_FLIGHT = 64, 8
SMOKE = os.environ.get("BENCH_SMOKE") == "1"
FIGURE_PREFIX = "BENCH-FIGURE "


def emit(figure: str, value: float) -> None:
    """One figure for npm run bench:report (declared in bench/report/registry.ts)."""
    print(FIGURE_PREFIX + json.dumps({"id": f"python_sdk.{figure}", "value": value}), flush=True)


def tree_cpu_seconds(root_pid: int) -> float:
    """User + system CPU of a process and its live descendants (the harness runs the server
    under tsx, which starts node as a child), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: Dict[int, int] = {}
    cpu: Dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total = 0.0
    for pid in cpu:
        p = pid
        while p in parent and p != root_pid:
            p = parent[p]
        if p == root_pid:
            total += cpu[pid]
    return total


def observations(count: int) -> List[Tuple[Mode, float]]:
    return [(MODES[(i * 5) % 7], 0.05 + ((i * 37) % 91) / 100) for i in range(1, count + 1)]


def start_server() -> Tuple[subprocess.Popen, Dict[str, Any]]:  # type: ignore[type-arg]
    proc = subprocess.Popen(
        [str(ROOT / "node_modules/.bin/tsx"), "conformance/harness.ts"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert proc.stdout is not None
    return proc, json.loads(proc.stdout.readline())


# -- bare grpcio -------------------------------------------------------------------------------

def bare_session(stub: Any, metadata: Any, instance_id: str) -> Tuple["queue.SimpleQueue[Any]", Iterator[Any]]:
    frames: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
    frames.put(es.SessionRequest(open=es.SessionOpen(instance_id=instance_id)))
    responses = stub.Session(iter(frames.get, None), metadata=metadata)
    next(responses)  # opened
    return frames, responses


def bare_throughput(stub: Any, metadata: Any, instance_id: str, count: int) -> float:
    wire = [observation_pb2.Observation(mode=int(m), signal_strength=s) for m, s in observations(count)]
    frames, responses = bare_session(stub, metadata, instance_id)
    started = time.perf_counter()
    sent = received = 0
    sequence = 1
    for start in range(0, count, BATCH):
        if sent - received >= IN_FLIGHT:
            next(responses)
            received += 1
        chunk = wire[start:start + BATCH]
        items = [es.SequencedObservation(sequence=sequence + i, observation=o) for i, o in enumerate(chunk)]
        sequence += len(chunk)
        frames.put(es.SessionRequest(batch=es.ObservationBatch(observations=items)))
        sent += 1
    while received < sent:
        next(responses)
        received += 1
    elapsed = time.perf_counter() - started
    frames.put(None)
    for _ in responses:
        pass
    return count / elapsed


def bare_lockstep(stub: Any, metadata: Any, instance_id: str, count: int) -> List[float]:
    frames, responses = bare_session(stub, metadata, instance_id)
    latencies = []
    for i, (mode, strength) in enumerate(observations(count), start=1):
        started = time.perf_counter()
        frames.put(es.SessionRequest(observation=es.SequencedObservation(
            sequence=i, observation=observation_pb2.Observation(mode=int(mode), signal_strength=strength))))
        next(responses)
        latencies.append(time.perf_counter() - started)
    frames.put(None)
    for _ in responses:
        pass
    return latencies


def bare_unary(stub: Any, metadata: Any, instance_id: str, count: int) -> List[float]:
    latencies = []
    for mode, strength in observations(count):
        started = time.perf_counter()
        stub.Process(es.ProcessRequest(instance_id=instance_id, observation=observation_pb2.Observation(
            mode=int(mode), signal_strength=strength)), metadata=metadata, timeout=30)
        latencies.append(time.perf_counter() - started)
    return latencies


async def bare_aio_throughput(target: str, metadata: Any, count: int) -> float:
    """The same frames on a bare grpc.aio stub: write and read on the call directly."""
    async with grpc.aio.insecure_channel(target) as channel:
        stub = engine_service_pb2_grpc.EngineServiceStub(channel)
        instances = instance_service_pb2_grpc.InstanceServiceStub(channel)
        created = await instances.CreateInstance(ins.CreateInstanceRequest(name="bench-bare-aio"), metadata=metadata)
        wire = [observation_pb2.Observation(mode=int(m), signal_strength=s) for m, s in observations(count)]
        call = stub.Session(metadata=metadata)
        await call.write(es.SessionRequest(open=es.SessionOpen(instance_id=created.instance.id)))
        await call.read()  # opened
        started = time.perf_counter()
        sent = received = 0
        sequence = 1
        for start in range(0, count, BATCH):
            if sent - received >= IN_FLIGHT:
                await call.read()
                received += 1
            chunk = wire[start:start + BATCH]
            items = [es.SequencedObservation(sequence=sequence + i, observation=o) for i, o in enumerate(chunk)]
            sequence += len(chunk)
            await call.write(es.SessionRequest(batch=es.ObservationBatch(observations=items)))
            sent += 1
        while received < sent:
            await call.read()
            received += 1
        elapsed = time.perf_counter() - started
        await call.done_writing()
        return count / elapsed


# -- the SDK -----------------------------------------------------------------------------------

def sdk_throughput(client: Keel, instance_id: str, count: int) -> float:
    work = observations(count)
    with client.session(instance_id, max_in_flight=IN_FLIGHT) as session:
        started = time.perf_counter()
        outs = session.process_many(work, batch_size=BATCH)
        elapsed = time.perf_counter() - started
    assert len(outs) == count
    return count / elapsed


def sdk_lockstep(client: Keel, instance_id: str, count: int) -> List[float]:
    latencies = []
    with client.session(instance_id) as session:
        for mode, strength in observations(count):
            started = time.perf_counter()
            session.process(mode, strength)
            latencies.append(time.perf_counter() - started)
    return latencies


def sdk_unary(client: Keel, instance_id: str, count: int) -> List[float]:
    latencies = []
    for mode, strength in observations(count):
        started = time.perf_counter()
        client.engine.process(instance_id=instance_id, mode=mode, signal_strength=strength)
        latencies.append(time.perf_counter() - started)
    return latencies


async def bare_aio_lockstep(target: str, metadata: Any, count: int) -> List[float]:
    """Lock-step on a bare grpc.aio session stream: the floor AsyncSession.process is held to."""
    async with grpc.aio.insecure_channel(target) as channel:
        stub = engine_service_pb2_grpc.EngineServiceStub(channel)
        instances = instance_service_pb2_grpc.InstanceServiceStub(channel)
        created = await instances.CreateInstance(ins.CreateInstanceRequest(name="bench-bare-aio"), metadata=metadata)
        call = stub.Session(metadata=metadata)
        await call.write(es.SessionRequest(open=es.SessionOpen(instance_id=created.instance.id)))
        await call.read()  # opened
        latencies = []
        for i, (mode, strength) in enumerate(observations(count), start=1):
            started = time.perf_counter()
            await call.write(es.SessionRequest(observation=es.SequencedObservation(
                sequence=i, observation=observation_pb2.Observation(mode=int(mode), signal_strength=strength))))
            await call.read()
            latencies.append(time.perf_counter() - started)
        await call.done_writing()
        return latencies


async def aio_throughput(target: str, api_key: str, count: int) -> float:
    async with AsyncKeel(target=target, api_key=api_key) as client:
        instance = await client.instances.create(name="bench-aio")
        work = observations(count)
        async with client.session(instance.id, max_in_flight=IN_FLIGHT) as session:
            started = time.perf_counter()
            outs = await session.process_many(work, batch_size=BATCH)
            elapsed = time.perf_counter() - started
        assert len(outs) == count
        return count / elapsed


async def aio_lockstep(target: str, api_key: str, count: int) -> List[float]:
    async with AsyncKeel(target=target, api_key=api_key) as client:
        instance = await client.instances.create(name="bench-aio-lockstep")
        latencies = []
        async with client.session(instance.id) as session:
            for mode, strength in observations(count):
                started = time.perf_counter()
                await session.process(mode, strength)
                latencies.append(time.perf_counter() - started)
        return latencies


def p50_ms(latencies: List[float]) -> float:
    return statistics.median(latencies) * 1000


def summary(values: List[float], unit: str, digits: int = 0) -> str:
    return f"{statistics.median(values):,.{digits}f} {unit} (min {min(values):,.{digits}f}, max {max(values):,.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1 if SMOKE else 3)
    parser.add_argument("--observations", type=int, default=640 if SMOKE else 20_000)
    parser.add_argument("--lockstep", type=int, default=50 if SMOKE else 2_000)
    args = parser.parse_args()
    warmup = 640 if SMOKE else 5_000
    proc, server = start_server()
    results: Dict[str, List[float]] = {}

    def record(name: str, value: float) -> None:
        results.setdefault(name, []).append(value)

    def throughput(name: str, run: Callable[[], float]) -> None:
        server_cpu = tree_cpu_seconds(proc.pid)  # first: the /proc scan is not the client's cost
        cpu = time.process_time()
        rate = run()
        record(name, rate)
        record(f"{name}, client CPU", (time.process_time() - cpu) * 1e6 / args.observations)
        record(f"{name}, server CPU", (tree_cpu_seconds(proc.pid) - server_cpu) * 1e6 / args.observations)

    try:
        target, api_key = server["target"], server["api_key"]
        metadata = (("authorization", f"Bearer {api_key}"),)
        with Keel(target=target, api_key=api_key) as client, grpc.insecure_channel(target) as channel:
            stub = engine_service_pb2_grpc.EngineServiceStub(channel)
            fresh: Callable[[], str] = lambda: client.instances.create(name="bench").id  # noqa: E731
            # Warm-up: connections, JIT of the server's hot paths.
            sdk_throughput(client, fresh(), warmup)
            bare_throughput(stub, metadata, fresh(), warmup)
            for run in range(args.runs):
                # Bare and SDK take turns going first, so drift in the machine's load during a
                # run does not always favour the same side.
                pairs: List[List[Callable[[], None]]] = [
                    [
                        lambda: throughput(BARE_SYNC, lambda: bare_throughput(stub, metadata, fresh(), args.observations)),
                        lambda: throughput(SDK_SYNC, lambda: sdk_throughput(client, fresh(), args.observations)),
                    ],
                    [
                        lambda: throughput(BARE_AIO, lambda: asyncio.run(bare_aio_throughput(target, metadata, args.observations))),
                        lambda: throughput(SDK_AIO, lambda: asyncio.run(aio_throughput(target, api_key, args.observations))),
                    ],
                    [
                        lambda: record(BARE_STEP, p50_ms(bare_lockstep(stub, metadata, fresh(), args.lockstep))),
                        lambda: record(SDK_STEP, p50_ms(sdk_lockstep(client, fresh(), args.lockstep))),
                    ],
                    [
                        lambda: record(BARE_AIO_STEP, p50_ms(asyncio.run(bare_aio_lockstep(target, metadata, args.lockstep)))),
                        lambda: record(SDK_AIO_STEP, p50_ms(asyncio.run(aio_lockstep(target, api_key, args.lockstep)))),
                    ],
                    [
                        lambda: record(BARE_UNARY, p50_ms(bare_unary(stub, metadata, fresh(), args.lockstep))),
                        lambda: record(SDK_UNARY, p50_ms(sdk_unary(client, fresh(), args.lockstep))),
                    ],
                ]
                for pair in pairs:
                    for measure in (pair if run % 2 == 0 else list(reversed(pair))):
                        measure()
                print(f"run {run + 1}/{args.runs} done", flush=True)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)

    print(f"\nPython SDK benchmark: {args.runs} runs, {args.observations} observations per throughput run "
          f"({BATCH} per frame, {IN_FLIGHT} in flight), {args.lockstep} lock-step calls; median (min, max)")
    for name, values in results.items():
        if name.startswith(("lock-step", "unary")):
            print(f"  {name:52s} {summary(values, 'ms', 3)}")
        elif name.endswith(" CPU"):
            print(f"  {name:52s} {summary(values, 'us/contract', 1)}")
        else:
            print(f"  {name:52s} {summary(values, 'contracts/s')}")
    deltas: Dict[str, List[float]] = {}
    for sdk, bare in ((SDK_STEP, BARE_STEP), (SDK_AIO_STEP, BARE_AIO_STEP), (SDK_UNARY, BARE_UNARY)):
        deltas[sdk] = [s - b for s, b in zip(results[sdk], results[bare])]
        print(f"  {sdk:52s} minus bare: {summary(deltas[sdk], 'ms', 3)}")

    med = statistics.median
    for figure, values in (
        ("sync_batched_contracts_per_second", results[SDK_SYNC]),
        ("bare_sync_batched_contracts_per_second", results[BARE_SYNC]),
        ("async_batched_contracts_per_second", results[SDK_AIO]),
        ("bare_async_batched_contracts_per_second", results[BARE_AIO]),
        ("sync_client_cpu_us_per_contract", results[f"{SDK_SYNC}, client CPU"]),
        ("bare_sync_client_cpu_us_per_contract", results[f"{BARE_SYNC}, client CPU"]),
        ("server_cpu_us_per_contract", results[f"{SDK_SYNC}, server CPU"] + results[f"{BARE_SYNC}, server CPU"]),
        ("sync_lockstep_p50_ms", results[SDK_STEP]),
        ("bare_lockstep_p50_ms", results[BARE_STEP]),
        ("sync_lockstep_added_ms", deltas[SDK_STEP]),
        ("async_lockstep_p50_ms", results[SDK_AIO_STEP]),
        ("bare_async_lockstep_p50_ms", results[BARE_AIO_STEP]),
        ("async_lockstep_added_ms", deltas[SDK_AIO_STEP]),
        ("unary_added_ms", deltas[SDK_UNARY]),
    ):
        emit(figure, med(values))


BARE_SYNC = "bare grpcio session, batch frames"
SDK_SYNC = "SDK Session.process_many"
BARE_AIO = "bare grpc.aio session, batch frames"
SDK_AIO = "SDK AsyncSession.process_many"
BARE_STEP = "lock-step p50, bare grpcio session"
SDK_STEP = "lock-step p50, SDK Session.process"
BARE_AIO_STEP = "lock-step p50, bare grpc.aio session"
SDK_AIO_STEP = "lock-step p50, SDK AsyncSession.process"
BARE_UNARY = "unary p50, bare grpcio Process"
SDK_UNARY = "unary p50, SDK engine.process"


if __name__ == "__main__":
    main()
