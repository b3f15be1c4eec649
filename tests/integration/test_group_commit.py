"""Group commit: decisions of record from concurrent requests share one
transaction, every answer comes after its write, one failing write fails only
itself, and a suspension waiting for its write survives a reload."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from sqlalchemy import select

from adapters.http.app import create_app
from adapters.lifecycle import Lifecycle
from adapters.service import build_service
from adapters.storage.group_commit import GroupCommitter
from adapters.storage.tables import LedgerRow
from engine.ledger import verify_chain
from engine.models import AccessEvent
from tests.conftest import make_settings
from tests.integration.test_lifecycle import codes, use


@pytest.fixture
def service(db_url, tmp_path):
    return build_service(make_settings(tmp_path, database_url=db_url, auth_enabled=False, data_poll_seconds=0))


def ledger_kinds(store) -> list[str]:
    return [entry.kind for entry in store.ledger()]


def test_writes_waiting_behind_a_commit_are_committed_together(service):
    committer = GroupCommitter(service.store)
    gate = threading.Event()
    started = threading.Event()

    def blocker(session):
        started.set()
        gate.wait(10)
        return "first"

    first = committer.submit(blocker)
    assert started.wait(10)

    def record(n):
        def work(session):
            service.store.append(session, "test", f"t-{n}", {"n": n}, policy_revision="p", law_version="l", data_revision="d")
            return n
        return work

    waiting = [committer.submit(record(n)) for n in range(5)]
    gate.set()
    assert first.result(10) == "first"
    assert [f.result(10) for f in waiting] == [0, 1, 2, 3, 4]
    # The blocker alone, then the five that queued behind it in one transaction.
    assert (committer.groups, committer.units) == (2, 6)
    assert [e.ref for e in service.store.ledger() if e.kind == "test"] == [f"t-{n}" for n in range(5)]
    committer.stop()


def test_a_failing_write_fails_alone_and_leaves_nothing_behind(service):
    committer = GroupCommitter(service.store)
    gate = threading.Event()
    committer.submit(lambda session: gate.wait(10))

    def good(n):
        return lambda session: service.store.append(session, "test", f"ok-{n}", {}, policy_revision="p", law_version="l", data_revision="d")

    def bad(session):
        service.store.append(session, "test", "half-written", {}, policy_revision="p", law_version="l", data_revision="d")
        raise ValueError("this unit is broken")

    futures = [committer.submit(good(0)), committer.submit(bad), committer.submit(good(1))]
    gate.set()
    futures[0].result(10), futures[2].result(10)
    with pytest.raises(ValueError, match="broken"):
        futures[1].result(10)
    refs = [e.ref for e in service.store.ledger() if e.kind == "test"]
    assert refs == ["ok-0", "ok-1"]
    assert verify_chain(service.store.ledger())[1] is None
    committer.stop()


def test_concurrent_decisions_are_all_answered_after_their_writes(service):
    app = create_app(service)

    async def many():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://govshare") as client:
            events = [use("g-2026-0001", f"2026-03-11T10:{n:02d}:00+08:00") for n in range(20)]
            return await asyncio.gather(*(client.post("/v1/decisions", json=e) for e in events))

    responses = asyncio.run(many())
    assert [r.status_code for r in responses] == [200] * 20
    ids = {r.json()["decision_id"] for r in responses}
    assert all(r.json()["outcome"] == "allow" for r in responses)
    with service.store.read() as session:
        logged = set(session.scalars(select(LedgerRow.ref).where(LedgerRow.kind == "decision")))
    assert ids <= logged
    records = {r["decision_id"] for r in service.store.records(grant="g-2026-0001")}
    assert ids <= records
    assert verify_chain(service.store.ledger())[1] is None
    writer = app.state.lifecycle.writer
    assert writer.units >= 20 and writer.groups <= writer.units


def test_a_suspension_waiting_for_its_write_survives_a_reload(service, db_url, tmp_path):
    """While the write of a misuse is queued, another process changes the
    catalogue; the reload that follows must keep the grant suspended."""
    lifecycle = Lifecycle(service, poll_seconds=0)
    gate = threading.Event()
    lifecycle.writer.submit(lambda session: gate.wait(10))
    misuse = AccessEvent.model_validate(use("g-2026-0001", "2026-03-11T10:00:00+08:00", purpose="招商引资"))
    other_process = build_service(make_settings(tmp_path, database_url=db_url, seed_demo=False))

    async def scenario():
        pending = asyncio.create_task(lifecycle.decide_many_async([misuse]))
        for _ in range(100):
            await asyncio.sleep(0.01)
            if lifecycle.writer.units >= 1 and lifecycle._pending_suspensions:
                break
        # Another worker's write bumps the data generation: this one reloads.
        other_process.store.put_catalog(other_process.store.catalog()[:1])
        lifecycle.refresh()
        during = lifecycle.engine.decide(AccessEvent.model_validate(use("g-2026-0001", "2026-03-11T10:05:00+08:00")))
        gate.set()
        (decided,) = await pending
        return decided, during

    decided, during = asyncio.run(scenario())
    assert decided.outcome == "deny"
    assert during.outcome == "deny" and "GDSR-27-SUSPENDED" in {v.code for v in during.violations}
    assert service.store.grant("g-2026-0001").status.value == "suspended"
    assert "grant_suspended" in ledger_kinds(service.store)
    lifecycle.close()


def test_a_misuse_whose_write_fails_is_not_held_as_a_suspension(service):
    lifecycle = Lifecycle(service, poll_seconds=0)
    misuse = AccessEvent.model_validate(use("g-2026-0001", "2026-03-11T10:00:00+08:00", purpose="招商引资"))

    def broken(decided):
        def work(session):
            raise RuntimeError("disk full")
        return work

    lifecycle._effects_of = broken  # the write fails, as a full disk would
    with pytest.raises(RuntimeError, match="disk full"):
        asyncio.run(lifecycle.decide_many_async([misuse]))
    after = lifecycle.engine.decide(AccessEvent.model_validate(use("g-2026-0001", "2026-03-11T10:05:00+08:00")))
    assert after.outcome == "allow", codes(after.model_dump())
    assert service.store.grant("g-2026-0001").status.value == "active"
    lifecycle.close()
