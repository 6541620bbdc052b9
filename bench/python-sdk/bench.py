"""Python SDK benchmark: what keel-client costs over a bare grpcio stub.

    pip install ./clients/python            # into any venv, then from the repository root:
    python bench/python-sdk/bench.py [--runs 5] [--observations 20000] [--lockstep 2000]

Starts a real Keel server through conformance/harness.ts (in-process store, auth on, no quota)
on loopback and measures, each run on a fresh agent:
- session throughput with batch frames (64 observations a frame, 8 frames in flight) through
  Session.process_many and AsyncSession.process_many, and the same frames pipelined by hand on
  bare grpcio and grpc.aio stubs (the floors the SDK is measured against);
- lock-step latency: one observation, wait for its outcome, next; p50 through Session.process
  and AsyncSession.process vs the bare stub doing the same on one Session stream, and unary
  Engine.process vs a bare Process call.
Throughput runs also report the client process's CPU time per contract (all its threads),
which depends far less on the other load on the machine than wall-clock rates do. Prints the
median of the runs with their min-max. The machine is shared: expect noise.
"""
from __future__ import annotations

import argparse
import asyncio
import json
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
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--observations", type=int, default=20_000)
    parser.add_argument("--lockstep", type=int, default=2_000)
    args = parser.parse_args()
    proc, server = start_server()
    results: Dict[str, List[float]] = {}

    def record(name: str, value: float) -> None:
        results.setdefault(name, []).append(value)

    def throughput(name: str, run: Callable[[], float]) -> None:
        cpu = time.process_time()
        rate = run()
        record(name, rate)
        record(f"{name}, client CPU", (time.process_time() - cpu) * 1e6 / args.observations)

    try:
        target, api_key = server["target"], server["api_key"]
        metadata = (("authorization", f"Bearer {api_key}"),)
        with Keel(target=target, api_key=api_key) as client, grpc.insecure_channel(target) as channel:
            stub = engine_service_pb2_grpc.EngineServiceStub(channel)
            fresh: Callable[[], str] = lambda: client.instances.create(name="bench").id  # noqa: E731
            # Warm-up: connections, JIT of the server's hot paths.
            sdk_throughput(client, fresh(), 5_000)
            bare_throughput(stub, metadata, fresh(), 5_000)
            for run in range(args.runs):
                # Bare and SDK take turns going first, so drift in the machine's load during a
                # run does not always favour the same side.
                pairs: List[List[Callable[[], None]]] = [
                    [
                        lambda: throughput("bare grpcio session, batch frames", lambda: bare_throughput(stub, metadata, fresh(), args.observations)),
                        lambda: throughput("SDK Session.process_many", lambda: sdk_throughput(client, fresh(), args.observations)),
                    ],
                    [
                        lambda: throughput("bare grpc.aio session, batch frames", lambda: asyncio.run(bare_aio_throughput(target, metadata, args.observations))),
                        lambda: throughput("SDK AsyncSession.process_many", lambda: asyncio.run(aio_throughput(target, api_key, args.observations))),
                    ],
                    [
                        lambda: record("lock-step p50, bare grpcio session", p50_ms(bare_lockstep(stub, metadata, fresh(), args.lockstep))),
                        lambda: record("lock-step p50, SDK Session.process", p50_ms(sdk_lockstep(client, fresh(), args.lockstep))),
                    ],
                    [lambda: record("lock-step p50, SDK AsyncSession.process", p50_ms(asyncio.run(aio_lockstep(target, api_key, args.lockstep))))],
                    [
                        lambda: record("unary p50, bare grpcio Process", p50_ms(bare_unary(stub, metadata, fresh(), args.lockstep))),
                        lambda: record("unary p50, SDK engine.process", p50_ms(sdk_unary(client, fresh(), args.lockstep))),
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
        elif name.endswith("client CPU"):
            print(f"  {name:52s} {summary(values, 'us/contract', 1)}")
        else:
            print(f"  {name:52s} {summary(values, 'contracts/s')}")
    for sdk, bare in (
        ("lock-step p50, SDK Session.process", "lock-step p50, bare grpcio session"),
        ("lock-step p50, SDK AsyncSession.process", "lock-step p50, bare grpcio session"),
        ("unary p50, SDK engine.process", "unary p50, bare grpcio Process"),
    ):
        deltas = [s - b for s, b in zip(results[sdk], results[bare])]
        print(f"  {sdk:52s} minus bare: {summary(deltas, 'ms', 3)}")


if __name__ == "__main__":
    main()
