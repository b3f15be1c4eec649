"""Shared fixtures: a service on a throw-away SQLite file with the demo catalogue,
and the HTTP client over it."""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

# A test run builds hundreds of services; frozen, their garbage would never be
# collected (the serving default is on: adapters/service.py, Settings.gc_freeze).
os.environ.setdefault("GOVSHARE_GC_FREEZE", "0")
# Nor does each need a policy watcher polling the tree every second (the tests
# of the hot reload turn it on, or poll by hand).
os.environ.setdefault("GOVSHARE_RELOAD", "0")

from adapters.http.app import create_app
from adapters.service import PROJECT_ROOT, Service, Settings, build_service

POLICY_DIR = PROJECT_ROOT / "policies"

# The README's example: a department passes population data to a company
# without the provider's consent (GDSR art 25(1)).
THIRD_PARTY_TRANSFER = json.loads((PROJECT_ROOT / "examples" / "transfer-to-third-party.json").read_text(encoding="utf-8"))


ADMIN_TOKEN = "gs_test_admin_token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def wait_for(client: TestClient, done, timeout: float = 30.0) -> dict:
    """Poll /v1/status until `done(status)` holds (a background reload or bundle poll)."""
    deadline = time.monotonic() + timeout
    while True:
        status = client.get("/v1/status").json()
        if done(status):
            return status
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting; last status {status}")
        time.sleep(0.1)


def make_settings(tmp: Path, **overrides) -> Settings:
    settings = Settings(policy_dir=POLICY_DIR, data_dir=tmp, database_url=None, seed_demo=True, bootstrap_token=ADMIN_TOKEN)
    for key, value in overrides.items():
        setattr(settings, key, value)
    return settings


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Service:
    """One service for read-only tests: building it loads every policy. It
    plays a site whose platforms keep their own records (inline state on; off
    by default): the Jiyuan open-data scenarios send the platform's own
    open-data catalogue entries inline (tests/bdd/steps_jiyuan.py)."""
    return build_service(make_settings(tmp_path_factory.mktemp("govshare-data"), accept_inline_state=True))


@pytest.fixture(scope="session")
def app(service: Service):
    return create_app(service)


def admin_client(app) -> TestClient:
    """A client that sends the bootstrap admin token on every request."""
    return TestClient(app, headers=ADMIN)


@pytest.fixture(scope="session")
def _shared_client(app) -> TestClient:
    return admin_client(app)


@pytest.fixture
def client(_shared_client: TestClient, service: Service, app) -> TestClient:
    """The HTTP client over the shared service. Steps change state (a denied
    misuse suspends the grant, approvals create grants); after a test that
    changed catalogue or grants, both go back to the demo so tests stay independent."""
    before = service.store.generation()
    yield _shared_client
    if service.store.generation() != before:
        restore_demo(service)
        app.state.lifecycle.refresh(force=True)


def restore_demo(service: Service) -> None:
    from sqlalchemy import delete

    from adapters.storage.store import Store, demo_catalog
    from adapters.storage.tables import CatalogRow, GrantRow

    entries, grants = demo_catalog()

    def work(session):
        session.execute(delete(CatalogRow))
        session.execute(delete(GrantRow))
        for entry in entries:
            Store.put_catalog_in(session, entry)
        for grant in grants:
            Store.put_grant_in(session, grant)
        Store.bump_generation(session)

    service.store.transaction(work)


@pytest.fixture
def decide(client: TestClient):
    """POST one event and return the decision JSON (asserting HTTP 200)."""

    def _decide(event: dict) -> dict:
        response = client.post("/v1/decisions", json=event)
        assert response.status_code == 200, response.text
        return response.json()

    return _decide


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The PostgreSQL URL for tests that need it. Skips with a visible reason when
    GOVSHARE_TEST_PG_URL is unset; fails (never skips) when it is set but the
    server cannot be reached, so CI cannot pass without running them."""
    url = os.environ.get("GOVSHARE_TEST_PG_URL")
    if not url:
        if os.environ.get("GOVSHARE_REQUIRE_PG"):
            pytest.fail("GOVSHARE_REQUIRE_PG is set but GOVSHARE_TEST_PG_URL is not")
        pytest.skip("PostgreSQL tests need GOVSHARE_TEST_PG_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    from sqlalchemy import create_engine, text

    try:
        with create_engine(url).connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # any driver error means the server is not usable
        pytest.fail(f"GOVSHARE_TEST_PG_URL={url} is set but PostgreSQL cannot be reached: {exc}")
    return url


@contextmanager
def pg_schema(url: str) -> Iterator[str]:
    """A throw-away schema on the PostgreSQL test server at `url`, as a URL
    whose connections use it; dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"govshare_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database of each kind: a SQLite file, or a throw-away
    schema on the PostgreSQL test server (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'govshare.sqlite3').as_posix()}"
        return
    with pg_schema(request.getfixturevalue("pg_url")) as url:
        yield url
