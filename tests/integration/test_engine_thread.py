"""Evaluation runs off the event loop (issue 14, "no request stalls another"):
every load and evaluation of the service's Rego engine runs on its one engine
thread (adapters/engine_thread.py), the HTTP handlers await it, so the event
loop answers other requests while the engine works. How long /health takes
meanwhile is measured by `make bench`, not asserted here."""

from __future__ import annotations

import asyncio
import gc
import json
import threading
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

import adapters.regorus_backend as regorus_backend
from adapters.engine_thread import SLICE_S, EngineThread, Pacer
from adapters.http.app import create_app
from adapters.lifecycle import Lifecycle
from adapters.regorus_backend import RegorusBackend
from adapters.service import build_service
from engine.decide import _new_decision_id
from engine.models import AccessEvent
from tests.conftest import ADMIN, THIRD_PARTY_TRANSFER, make_settings
from tests.integration.test_api import USE
from tests.integration.test_authzen import ALLOWED_USE
from tests.integration.test_lifecycle import application


@pytest.fixture
def own_service(tmp_path):
    return build_service(make_settings(tmp_path))


def test_every_evaluation_runs_on_the_engine_thread(client, app, monkeypatch):
    seen: set[str] = set()
    owned = RegorusBackend._owned

    def recording(self):
        seen.add(threading.current_thread().name)
        return owned(self)

    monkeypatch.setattr(RegorusBackend, "_owned", recording)
    assert client.post("/v1/decisions", json=USE).status_code == 200
    assert client.post("/v1/decisions?dry_run=true", json=THIRD_PARTY_TRANSFER).status_code == 200
    assert client.post("/v1/decisions:batch", json={"events": [USE, USE]}).status_code == 200
    assert client.get("/v1/data/govshare/allow", params={"input": json.dumps(USE)}).status_code == 200
    assert client.post("/v1/data/govshare/decision", json={"input": USE}).status_code == 200
    assert client.post("/access/v1/evaluation", json=ALLOWED_USE).status_code == 200
    assert seen == {"govshare-engine"}


@contextmanager
def engine_thread_held(service):
    """The engine thread busy with a job until the block ends."""
    release, holding = threading.Event(), threading.Event()

    def hold() -> None:
        holding.set()
        release.wait(15)

    service.engine_thread.send(hold)
    assert holding.wait(10)
    try:
        yield
    finally:
        release.set()


@pytest.mark.parametrize(("path", "body", "status"), [("/v1/decisions", USE, 200), ("/v1/applications", application(), 201)])
def test_the_event_loop_answers_while_a_request_waits_for_the_engine_thread(own_service, path, body, status):
    # A decision (or a lifecycle step) waits for the held engine thread, and the
    # event loop still answers /health/live meanwhile. Had the handler waited
    # for the engine on the loop, /health/live would wait too.
    answers: list[int] = []
    with TestClient(create_app(own_service), headers=ADMIN) as client:
        with engine_thread_held(own_service):
            waiting = threading.Thread(target=lambda: answers.append(client.post(path, json=body).status_code))
            waiting.start()
            assert client.get("/health/live").status_code == 200 and answers == []
        waiting.join(30)
    assert answers == [status]


def test_a_cancelled_batch_still_settles_the_suspension_it_held(own_service):
    # A misuse suspends its grant in the engine until the batch is written; a
    # request cancelled while its batch is being decided writes nothing, so
    # the grant must come back as stored (active) once the job ends.
    lifecycle = Lifecycle(own_service)
    misuse = AccessEvent.model_validate(THIRD_PARTY_TRANSFER)  # the holder passes the data on: suspends (art 27(2))
    async def cancel_while_deciding() -> None:
        with engine_thread_held(own_service):
            task = asyncio.ensure_future(lifecycle.decide_many_async([misuse]))
            await asyncio.sleep(0.05)
            task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_while_deciding())
    own_service.engine_thread.call(lambda: None)  # the decision job has ended
    own_service.engine_thread.call(lambda: None)  # and the settling it sent
    assert lifecycle._pending_suspensions == {}
    assert own_service.engine.snapshot.grants[USE["grant"]]["status"] == "active"
    assert own_service.store.grant(USE["grant"]).status.value == "active"
    # Not cancelled, the same batch suspends the grant: the event is a misuse.
    asyncio.run(lifecycle.decide_many_async([misuse]))
    assert own_service.store.grant(USE["grant"]).status.value == "suspended"


def test_a_backend_freed_on_another_thread_sends_its_engine_home(monkeypatch):
    freed_on: list[str] = []
    drop = regorus_backend._drop
    monkeypatch.setattr(regorus_backend, "_drop", lambda owned: (freed_on.append(threading.current_thread().name), drop(owned)))
    thread = EngineThread("test-engine")
    backend = RegorusBackend(thread)
    backend.load([("probe.rego", "package probe\ndoc := {\"t\": true}")], b"{}")
    assert backend.evaluate("data.probe.doc", "{}") == {"t": True}
    del backend  # here, on the test's thread
    thread.call(lambda: None)
    assert freed_on == ["test-engine"]
    thread.stop()


def test_a_job_sent_from_the_engine_thread_runs_at_once():
    thread = EngineThread("test-engine")
    assert thread.call(lambda: thread.call(lambda: threading.current_thread().name)) == "test-engine"
    with pytest.raises(ZeroDivisionError):
        thread.call(lambda: 1 / 0)
    thread.stop()


def test_a_pacer_pauses_off_the_loop_and_never_on_it(monkeypatch):
    import adapters.engine_thread as engine_thread

    pauses: list[float] = []
    monkeypatch.setattr(engine_thread.time, "sleep", pauses.append)

    def work(pacer: Pacer) -> None:
        deadline = engine_thread.time.perf_counter() + 3 * SLICE_S
        while engine_thread.time.perf_counter() < deadline:
            pacer.breathe()

    work(Pacer())
    assert pauses and set(pauses) == {engine_thread.PAUSE_S}

    pauses.clear()

    async def on_the_loop() -> None:
        work(Pacer())

    asyncio.run(on_the_loop())
    assert pauses == []


def test_decision_ids_are_random_and_distinct_on_every_thread():
    ids: list[str] = []

    def draw() -> None:
        ids.extend(_new_decision_id() for _ in range(700))

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == len(set(ids)) == 2800
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_a_started_service_freezes_its_heap(own_service):
    own_service.settings.gc_freeze = True
    before = gc.get_threshold()
    try:
        with TestClient(create_app(own_service)) as client:
            assert client.get("/health/live").status_code == 200
            assert gc.get_freeze_count() > 0
            assert gc.get_threshold()[2] == 100
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_a_cached_decision_is_answered_on_the_loop_while_the_engine_thread_is_busy(own_service):
    with TestClient(create_app(own_service), headers=ADMIN) as client:
        first = client.post("/v1/decisions?dry_run=true", json=USE).json()  # evaluated, now cached
        recorded = client.post("/v1/decisions", json=USE).json()
        with engine_thread_held(own_service):
            again = client.post("/v1/decisions?dry_run=true", json=USE).json()
            of_record = client.post("/v1/decisions", json=USE).json()  # written, still without the engine thread
            opa = client.get("/v1/data/govshare/allow", params={"input": json.dumps(USE)}).json()
    assert again["allow"] == first["allow"] is True and again["decision_id"] != first["decision_id"]
    assert of_record["allow"] is True and of_record["decision_id"] != recorded["decision_id"]
    assert opa["result"] is True
    assert of_record["decision_id"] in {entry.ref for entry in own_service.store.ledger()}


def test_a_step_taken_on_the_engine_thread_names_the_token_that_asked(own_service):
    # The job runs in the request's context: its ledger entries name the caller.
    with TestClient(create_app(own_service), headers=ADMIN) as client:
        response = client.post("/v1/applications", json=application())
        assert response.status_code == 201, response.text
        application_id = response.json()["application"]["id"]
    entries = [e for e in own_service.store.ledger() if e.ref == application_id]
    assert entries and all(e.body["requested_by"]["name"] == "bootstrap admin" for e in entries)
