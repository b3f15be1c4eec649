"""Every operation in the OpenAPI schema, fed inputs schemathesis generates from
that schema (valid and invalid), answers without a server error: bad input is a
4xx naming the field, never a 500. Derandomised, so CI sees the same cases."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from adapters.http.app import create_app
from adapters.service import build_service
from tests.conftest import ADMIN, POLICY_DIR, make_settings


def _app():
    import shutil
    import tempfile
    from pathlib import Path

    # Its own copy of the policies: the fuzzed routes include those that write
    # there (POST /v1/calendar/{year}), and no generated body may reach the real tree.
    scratch = Path(tempfile.mkdtemp(prefix="govshare-fuzz-"))
    shutil.copytree(POLICY_DIR, scratch / "policies")
    return create_app(build_service(make_settings(scratch, policy_dir=scratch / "policies")))


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_with_a_server_error(case):
    response = case.call(headers=ADMIN)
    assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body, response.status_code, response.text[:500])
    if response.status_code >= 400:
        assert "Traceback" not in response.text
