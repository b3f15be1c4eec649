"""Faults end in 503, never 500, never a silent allow (issue 14): the database
goes away under a running service, for real, on SQLite (the file is overwritten
with garbage in place) and on PostgreSQL (a database of the test's own stops
accepting connections and its sessions are terminated); then it comes back."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, IntegrityError, InterfaceError, OperationalError, ProgrammingError

from adapters.http.app import create_app
from adapters.service import build_service
from adapters.storage.store import StorageError, Store
from engine.models import GrantStatus
from tests.conftest import admin_client, make_settings
from tests.integration.test_api import USE
from tests.integration.test_authzen import ALLOWED_USE
from tests.integration.test_lifecycle import application


class SqliteOutage:
    """The database file turns to garbage under the open connections (and any
    new one), then its bytes come back."""

    def __init__(self, url: str):
        self.path = Path(make_url(url).database)

    def begin(self, store: Store) -> None:
        with store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
        self.saved = self.path.read_bytes()
        self._overwrite(self.path, b"\xffnot a database\x00" * (len(self.saved) // 16 + 1))
        self._scrub_wal()

    def end(self) -> None:
        self._overwrite(self.path, self.saved)
        self._scrub_wal()

    def _scrub_wal(self) -> None:
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                self._overwrite(side, b"\x00" * side.stat().st_size)

    @staticmethod
    def _overwrite(path: Path, content: bytes) -> None:
        with path.open("r+b") as f:  # in place: open connections keep the same file
            f.write(content)
            f.truncate()
            f.flush()
            os.fsync(f.fileno())


class PostgresOutage:
    """The database refuses new connections and its sessions are terminated,
    then it accepts connections again."""

    def __init__(self, admin, name: str):
        self.admin, self.name = admin, name

    def begin(self, store: Store) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false'))
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"),
                               {"name": self.name})

    def end(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true'))


@contextmanager
def pg_database(url: str) -> Iterator[tuple[str, PostgresOutage]]:
    """A database of this test's own on the PostgreSQL test server (to break
    without touching anyone else's), dropped afterwards."""
    name = f"govshare_faults_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False), PostgresOutage(admin, name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"), {"name": name})
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> Iterator[tuple[str, SqliteOutage | PostgresOutage]]:
    if request.param == "sqlite":
        url = f"sqlite:///{(tmp_path / 'govshare.sqlite3').as_posix()}"
        yield url, SqliteOutage(url)
        return
    with pg_database(request.getfixturevalue("pg_url")) as found:
        yield found


class Running:
    """A service over its own database, with a way to take that database away."""

    def __init__(self, url: str, outage, tmp_path: Path, **settings):
        self.url, self.outage = url, outage
        self.service = build_service(make_settings(tmp_path, database_url=url, **settings))
        self.app = create_app(self.service)
        self.client = admin_client(self.app)

    @contextmanager
    def down(self) -> Iterator[None]:
        self.outage.begin(self.service.store)
        try:
            yield
        finally:
            self.outage.end()

    def close(self) -> None:
        self.app.state.lifecycle.close()
        self.service.store.engine.dispose()


@pytest.fixture
def running(database, tmp_path) -> Iterator:
    made: list[Running] = []

    def start(**settings) -> Running:
        made.append(Running(*database, tmp_path, **settings))
        return made[-1]

    yield start
    for one in made:
        one.close()


def assert_unavailable(response, opa: bool = False) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    assert int(response.headers["retry-after"]) >= 1
    body = response.json()
    assert body["error"]["code"] == "storage_unavailable"
    assert body["error"]["message"]["zh"] and body["error"]["message"]["en"]
    if opa:  # OPA's own error shape on the Data API
        assert body["code"] == "internal_error" and " / " in body["message"]
    assert "Traceback" not in response.text and "sqlite" not in response.text.lower() and "psycopg" not in response.text.lower()


def codes(decision: dict) -> set[str]:
    return {v["code"] for v in decision["violations"]}


# --- 1. a database outage: 503 with Retry-After on every step that writes -------------------------


def test_every_step_that_writes_answers_503_during_an_outage_and_works_again_after(running):
    up = running()
    client = up.client
    pending = client.post("/v1/applications", json=application()).json()["application"]
    approved = client.post("/v1/applications", json=application()).json()["application"]
    assert client.post(f"/v1/applications/{approved['id']}/reply",
                       json={"decision": "approve", "unit_head_approved": True, "at": "2026-03-03T10:00:00+08:00"}).status_code == 200
    before = up.service.store.ledger_length()
    steps = [
        ("/v1/decisions", USE, False),
        ("/v1/decisions:batch", {"events": [USE, USE]}, False),
        ("/v1/data/govshare/decision", {"input": USE}, True),
        ("/v1/data/govshare/allow", {"input": USE}, True),
        ("/access/v1/evaluation", ALLOWED_USE, False),
        ("/v1/applications", application(), False),
        (f"/v1/applications/{pending['id']}/reply", {"decision": "approve", "unit_head_approved": True, "at": "2026-03-03T10:00:00+08:00"}, False),
        (f"/v1/applications/{approved['id']}/delivery", {"at": "2026-03-10T10:00:00+08:00"}, False),
    ]
    with up.down():
        for path, body, opa in steps:
            assert_unavailable(client.post(path, json=body), opa)
        # A retry-safe write: the idempotency key's own look-up fails too.
        assert_unavailable(client.post("/v1/decisions", json=USE, headers={"Idempotency-Key": "outage-1"}))
        up.app.state.auth.clear()  # a token not cached: its look-up fails too
        assert_unavailable(client.post("/v1/decisions", json=USE))
    # No decision of record was answered without its write: nothing of the outage is stored.
    assert up.service.store.ledger_length() == before
    # Back without a restart.
    decided = client.post("/v1/decisions", json=USE)
    assert decided.status_code == 200 and decided.json()["outcome"] == "allow", decided.text
    assert client.post("/v1/data/govshare/allow", json={"input": USE}).json()["result"] is True
    assert client.post("/access/v1/evaluation", json=ALLOWED_USE).json()["decision"] is True
    assert client.post(f"/v1/applications/{pending['id']}/reply",
                       json={"decision": "approve", "unit_head_approved": True, "at": "2026-03-03T10:00:00+08:00"}).status_code == 200
    assert client.post(f"/v1/applications/{approved['id']}/delivery", json={"at": "2026-03-10T10:00:00+08:00"}).status_code == 200
    assert up.service.store.ledger_length() > before


# --- 2. health: live, ready, and each part named -------------------------------------------------


def test_health_names_the_database_during_an_outage(running):
    up = running()
    client = up.client
    ready = client.get("/health/ready", headers={"Authorization": ""})
    assert ready.status_code == 200 and ready.json()["status"] == "ready" and ready.json()["failing"] == []
    health = client.get("/health").json()
    assert health["status"] == "ok"
    assert {"database", "policies", "calendar", "data_age_s"} <= set(health)
    assert health["database"]["ok"] and health["policies"]["ok"] and health["calendar"]["ok"]
    assert 0 <= health["data_age_s"] < 5
    with up.down():
        assert client.get("/health/live").status_code == 200
        ready = client.get("/health/ready")
        assert ready.status_code == 503 and int(ready.headers["retry-after"]) >= 1
        assert ready.json()["failing"] == ["database"] and ready.json()["database"]["ok"] is False
        health = client.get("/health")
        assert health.status_code == 503 and health.json()["status"] != "ok" and health.json()["database"]["ok"] is False
        assert up.url.split("@")[-1] not in health.text  # nothing about where the database is
    assert client.get("/health/ready").status_code == 200
    assert client.get("/health").json()["status"] == "ok"


def test_ready_names_a_calendar_that_does_not_cover_this_year(running, monkeypatch):
    import adapters.http.health as health

    up = running()
    monkeypatch.setattr(health, "beijing_year", lambda: 2099)
    ready = up.client.get("/health/ready")
    assert ready.status_code == 503 and ready.json()["failing"] == ["calendar"]
    assert ready.json()["calendar"] == {"ok": False, "year": 2099, "first_year": 2004, "last_year": 2026}
    assert up.client.get("/health").json()["calendar"]["ok"] is False


# --- 3. after a failed refresh: retried at once, and the data's age is honest ---------------------


def test_after_a_failed_refresh_the_next_request_reads_the_data_again(running):
    # The default poll interval (0.5 s). No token checks: a token's look-up
    # during the outage is not what this test is about.
    up = running(auth_enabled=False)
    client = up.client
    with up.down():
        time.sleep(0.6)  # past the poll interval: this request tries to refresh, and fails
        trial = client.post("/v1/decisions?dry_run=true", json=USE)
        assert trial.status_code == 200 and trial.json()["outcome"] == "allow"  # on data well under the age limit
    # Meanwhile another worker suspends the grant; the next request must not
    # run on the data it failed to re-read.
    other = Store(up.url)
    grant = other.grant("g-2026-0001")
    other.put_grants([grant.model_copy(update={"status": GrantStatus.suspended})])
    other.engine.dispose()
    after = client.post("/v1/decisions?dry_run=true", json=USE).json()
    assert after["outcome"] == "deny" and "GDSR-27-SUSPENDED" in codes(after)


def test_read_only_decisions_on_data_past_the_age_limit_are_indeterminate(running):
    up = running(max_data_age_seconds=0.5, data_poll_seconds=0, auth_enabled=False)
    client = up.client
    with up.down():
        time.sleep(0.7)
        trial = client.post("/v1/decisions?dry_run=true", json=USE)
        assert trial.status_code == 200
        decision = trial.json()
        assert decision["allow"] is False and decision["outcome"] == "indeterminate"
        (violation,) = decision["violations"]
        assert violation["code"] == "GOVSHARE-DATA-STALE" and violation["article"] is None
        assert violation["message"]["zh"] and violation["message"]["en"] and violation["remedy"]["zh"]
        assert violation["facts"]["data_age_s"] > 0.5 and violation["facts"]["max_data_age_s"] == 0.5
        opa_get = client.get("/v1/data/govshare/decision", params={"input": json.dumps(USE)}).json()
        assert opa_get["result"]["outcome"] == "indeterminate" and codes(opa_get["result"]) == {"GOVSHARE-DATA-STALE"}
        assert client.get("/v1/data/govshare/allow", params={"input": json.dumps(USE)}).json()["result"] is False
        # A raw rule document on old data has no decision to be indeterminate: 503, OPA's shape.
        raw = client.post("/v1/data/gdsr", json={"input": USE})
        assert raw.status_code == 503 and raw.json()["code"] == "internal_error" and raw.json()["error"]["code"] == "data_stale"
        assert int(raw.headers["retry-after"]) >= 1
        assert client.get("/health").json()["data_age_s"] > 0.5
    trial = client.post("/v1/decisions?dry_run=true", json=USE).json()
    assert trial["outcome"] == "allow"
    assert client.get("/health").json()["data_age_s"] < 0.5


def test_the_age_limit_is_a_setting(monkeypatch):
    from adapters.service import Settings

    assert Settings().max_data_age_seconds == 5
    monkeypatch.setenv("GOVSHARE_MAX_DATA_AGE_SECONDS", "2.5")
    assert Settings().max_data_age_seconds == 2.5


# --- what counts as "unavailable", and what stays a logged bug ----------------------------------


def test_connection_level_errors_are_unavailable_and_programming_errors_are_not():
    from adapters.storage.store import storage_unavailable

    cause = Exception("x")
    assert storage_unavailable(OperationalError("SELECT 1", {}, cause))
    assert storage_unavailable(InterfaceError("SELECT 1", {}, cause))
    assert storage_unavailable(DatabaseError("SELECT 1", {}, cause))  # SQLite: "file is not a database"
    assert storage_unavailable(StorageError("cannot open"))
    assert not storage_unavailable(ProgrammingError("SELEC 1", {}, cause))
    assert not storage_unavailable(IntegrityError("INSERT", {}, cause))
    assert not storage_unavailable(ValueError("bug"))


def test_a_programming_error_in_storage_is_logged_not_hidden_as_503(running, caplog):
    up = running()

    def broken(decided):
        def work(session):
            raise ProgrammingError("SELEC 1", {}, Exception("syntax error"))
        return work

    up.app.state.lifecycle._effects_of = broken
    with caplog.at_level(logging.ERROR, logger="govshare"):
        response = up.client.post("/v1/decisions", json=USE)
    assert response.status_code == 500 and response.json()["error"]["code"] == "internal_error"
    assert any(r.exc_info for r in caplog.records)
