"""The rest of the surface against a real server (the conformance harness's), sync and asyncio."""
from __future__ import annotations

import asyncio
from typing import Callable, List

import pytest

from harness import Harness
from keel_client import AsyncKeel, Keel, KeelError, KeyScope, Mode, NotFound, Observation, PermissionDenied, ResetTarget


def test_instances_engine_keys_and_contracts(harness_for: Callable[..., Harness]) -> None:
    e = harness_for().endpoint
    with Keel(target=e.target, api_key=e.api_key) as client:
        created = client.instances.create(name="surface", description="d", labels={"team": "a"}, request_id="surface-create-1")
        repeat = client.instances.create(name="surface", description="d", labels={"team": "a"}, request_id="surface-create-1")
        assert repeat.id == created.id, "a repeated request_id is answered with the original"
        assert created.id.startswith("inst_") and created.labels == {"team": "a"} and created.create_time is not None
        assert client.instances.get(created.id).name == "surface"
        other = client.instances.create(name="surface-other")
        first = client.instances.list(page_size=1)
        assert len(first) == 1 and first.next_page_token
        rest = client.instances.list(page_size=100, page_token=first.next_page_token)
        assert {created.id, other.id} <= {i.id for i in [*first, *rest]}
        updated = client.instances.update(created.id, description="changed")
        assert (updated.name, updated.description) == ("surface", "changed")

        batch = client.engine.process_batch(
            created.id, [(Mode.ORDER, 0.5), Observation(Mode.ASSERTION, 0.4, action="refund")], include_intermediate=True
        )
        assert batch.processed_count == 2 and [o.contract.cycle_count for o in batch.outcomes] == [1, 2]
        first_try = client.engine.process(instance_id=created.id, mode=Mode.ORDER, signal_strength=0.5, request_id="surface-p-1")
        retried = client.engine.process(instance_id=created.id, mode=Mode.ORDER, signal_strength=0.5, request_id="surface-p-1")
        assert retried.contract.cycle_count == first_try.contract.cycle_count == 3
        assert client.engine.state(created.id).cycle_count == 3, "the repeat processed nothing"
        history = client.engine.history(created.id)
        assert [h.cycle for h in history] == [3, 2, 1] and history[1].observation.action == "refund"
        assert client.engine.contract(created.id).cycle_count == 3
        assert isinstance(client.engine.snapshots(created.id).items, list)
        assert client.engine.reset(created.id, ResetTarget.INITIAL).contract.cycle_count == 0

        me = client.keys.whoami()
        assert me.scope == "admin" and me.operator
        minted = client.keys.create("surface-reader", KeyScope.READ)
        assert minted.secret.startswith("keel_") and minted.key.scope == "read"
        with Keel(target=e.target, api_key=minted.secret) as reader:
            assert reader.engine.state(created.id).cycle_count == 0
            with pytest.raises(PermissionDenied):
                reader.engine.process(instance_id=created.id, mode=Mode.ORDER, signal_strength=0.5)
        assert client.keys.revoke(minted.key.key_id).revoked
        assert minted.key.key_id in [k.key_id for k in client.keys.list(page_size=100)]

        generated = client.contracts.generate(created.id, "sales-assistant", store=True)
        active = client.contracts.get_active(created.id)
        assert active.version == generated.contract.version and active.agent_id == created.id
        assert len(client.contracts.versions(created.id)) == 1
        assert client.contracts.verify(agent_id=created.id).status == "unsealed"

        client.instances.delete(created.id)
        with pytest.raises(NotFound):
            client.instances.get(created.id)


def test_asyncio_surface(harness_for: Callable[..., Harness]) -> None:
    e = harness_for().endpoint

    async def run() -> None:
        async with AsyncKeel(target=e.target, api_key=e.api_key) as client:
            instance = await client.instances.create(name="surface-async")
            out = await client.engine.process(instance_id=instance.id, mode="exploration", signal_strength=0.7, action="read")
            assert out.contract.cycle_count == 1
            async with client.session(instance.id) as session:
                outs = await session.process_many([(Mode.ORDER, 0.5)] * 130, batch_size=64)
                assert [o.sequence for o in outs] == list(range(1, 131))
                assert session.last_sequence == 130
            assert (await client.engine.state(instance.id)).cycle_count == 131
            assert len(await client.engine.history(instance.id, page_size=10)) == 10
            await client.instances.delete(instance.id)

    asyncio.run(run())


def test_idle_sessions_send_heartbeats_and_keep_working(harness_for: Callable[..., Harness]) -> None:
    """A session idle past heartbeat_interval (its request side then writes heartbeat frames,
    which the server echoes) still answers the next observation in order (sync and asyncio)."""
    import time

    e = harness_for().endpoint
    with Keel(target=e.target, api_key=e.api_key) as client:
        instance = client.instances.create(name="heartbeats")
        with client.session(instance.id, heartbeat_interval=0.02) as session:
            session.process(Mode.ORDER, 0.5)
            time.sleep(0.2)
            assert session.process(Mode.ORDER, 0.5).sequence == 2

    async def run() -> None:
        async with AsyncKeel(target=e.target, api_key=e.api_key) as client:
            async with client.session(instance.id, heartbeat_interval=0.02) as session:
                await asyncio.sleep(0.2)
                assert (await session.process(Mode.ORDER, 0.5)).sequence == 3

    asyncio.run(run())


def test_a_fresh_session_continues_the_sequence_of_an_earlier_one(harness_for: Callable[..., Harness]) -> None:
    """An agent whose sessions already reached sequence 7: a fresh client (which knows nothing)
    continues at 8 with no gap error; one that passes resume_after_sequence continues from there."""
    e = harness_for().endpoint
    with Keel(target=e.target, api_key=e.api_key) as client:
        instance = client.instances.create(name="continue")
        with client.session(instance.id) as first:
            first.process_many([(Mode.ORDER, 0.5)] * 7)
            assert first.last_sequence == 7
    with Keel(target=e.target, api_key=e.api_key) as fresh:
        with fresh.session(instance.id) as session:
            outs = session.process_many([(Mode.ORDER, 0.5)] * 3, batch_size=2)
            assert [o.sequence for o in outs] == [8, 9, 10]
            assert [o.contract.cycle_count for o in outs] == [8, 9, 10] and not any(o.replayed for o in outs)
        with fresh.session(instance.id, resume_after_sequence=10) as session:
            assert session.process(Mode.ORDER, 0.5).sequence == 11

    async def run() -> None:
        async with AsyncKeel(target=e.target, api_key=e.api_key) as client:
            async with client.session(instance.id) as session:
                assert (await session.process(Mode.ORDER, 0.5)).sequence == 12
            assert (await client.engine.state(instance.id)).cycle_count == 12

    asyncio.run(run())


def test_a_cancelled_asyncio_call_leaves_the_session_usable(harness_for: Callable[..., Harness]) -> None:
    """Cancelling a task inside process_many (here: a timeout) cancels grpc.aio's call; the next
    call resumes on a new stream and the agent's sequence stays exact."""
    e = harness_for().endpoint

    async def run() -> None:
        async with AsyncKeel(target=e.target, api_key=e.api_key) as client:
            instance = await client.instances.create(name="cancelled")
            resumed: List[str] = []
            async with client.session(instance.id, on_reconnect=lambda _a, err, _d: resumed.append(err.code)) as session:
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(session.process_many([(Mode.ORDER, 0.5)] * 5000), 0.05)
                after = await session.process(Mode.ORDER, 0.5)
            # The frames numbered before the cancel were each processed once (frames not yet
            # numbered never were), and the next observation followed them without a gap.
            assert 1 < after.sequence <= 5001
            assert after.contract.cycle_count == after.sequence
            assert (await client.engine.state(instance.id)).cycle_count == after.sequence
            assert resumed == ["CANCELLED"]

    asyncio.run(run())


def test_unary_calls_wait_out_quota_refusals(harness_for: Callable[..., Harness]) -> None:
    """Over the key's cycle quota, unary writes are refused with RetryInfo (nothing processed);
    the client waits the delay and retries, so every batch lands exactly once."""
    e = harness_for("--quota-cycles-per-second=400").endpoint
    with Keel(target=e.target, api_key=e.api_key, max_retries=20) as client:
        instance = client.instances.create(name="unary-quota")
        for _ in range(12):
            client.engine.process_batch(instance.id, [(Mode.ORDER, 0.5)] * 64)
        assert client.engine.state(instance.id).cycle_count == 12 * 64
    with Keel(target=e.target, api_key=e.api_key, max_retries=0) as impatient:
        with pytest.raises(KeelError) as refused:
            for _ in range(12):
                impatient.engine.process_batch(instance.id, [(Mode.ORDER, 0.5)] * 64)
        assert refused.value.code == "RESOURCE_EXHAUSTED" and refused.value.retry_delay is not None
