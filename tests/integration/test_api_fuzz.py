"""Every operation in the OpenAPI schema, fed inputs schemathesis generates from
that schema (valid and invalid), answers without a server error: bad input is a
4xx naming the field, never a 500. Derandomised, so CI sees the same cases.
Run on SQLite and on PostgreSQL, which refuses what SQLite keeps (an overlong
id, a NUL), so a bound missing from the models shows up there."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from adapters.http.app import create_app
from adapters.service import build_service
from tests.conftest import ADMIN, POLICY_DIR, make_settings, pg_schema


def _app(database_url: str | None):
    import shutil
    import tempfile
    from pathlib import Path

    # Its own copy of the policies: the fuzzed routes include those that write
    # there (POST /v1/calendar/{year}), and no generated body may reach the real tree.
    scratch = Path(tempfile.mkdtemp(prefix="govshare-fuzz-"))
    shutil.copytree(POLICY_DIR, scratch / "policies")
    return create_app(build_service(make_settings(scratch, policy_dir=scratch / "policies", database_url=database_url)))


SQLITE_APP = _app(None)
schema = schemathesis.openapi.from_asgi("/openapi.json", SQLITE_APP)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzzed_app(request):
    """The app each case is sent to: the schema is the same, the storage differs."""
    if request.param == "sqlite":
        yield SQLITE_APP
        return
    with pg_schema(request.getfixturevalue("pg_url")) as url:
        app = _app(url)
        yield app
        app.state.lifecycle.close()
        app.state.service.store.engine.dispose()  # before the schema is dropped


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_with_a_server_error(case, fuzzed_app):
    response = case.call(app=fuzzed_app, headers=ADMIN)
    assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body, response.status_code, response.text[:500])
    if response.status_code >= 400:
        assert "Traceback" not in response.text
