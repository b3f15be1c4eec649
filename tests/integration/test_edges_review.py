"""Edges found in review of issue 16's server-side impact job, decision log
query and body errors: each answered with a 4xx naming the field, never a 500."""

from __future__ import annotations

import os
import shutil

import pytest
from fastapi.testclient import TestClient

from adapters.http.app import create_app
from adapters.service import build_service
from tests.conftest import ADMIN, POLICY_DIR, make_settings


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A service with a compliance token, a drafts root, and a directory outside it."""
    tmp = tmp_path_factory.mktemp("edges-review")
    service = build_service(make_settings(tmp / "data"))
    client = TestClient(create_app(service), raise_server_exceptions=False)
    issued = client.post("/v1/tokens", json={"name": "review compliance", "role": "compliance"}, headers=ADMIN)
    compliance = {"Authorization": f"Bearer {issued.json()['token']}"}
    service.settings.drafts_root.mkdir(parents=True, exist_ok=True)
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "secret.rego").write_text("package secret\n\nnot a policy the server may read\n", encoding="utf-8")
    return client, compliance, service.settings.drafts_root, outside


# --- impact: names that no file system accepts -------------------------------------


def test_a_draft_name_longer_than_the_file_system_allows_is_400_naming_policies(site):
    client, compliance, _, _ = site
    # 100 Chinese characters: within the 255-character field limit, but 300 bytes on disk
    response = client.post("/v1/impact", json={"policies": "草" * 100}, headers=compliance)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["fields"][0]["field"] == "policies"
    assert error["message"]["zh"].startswith("policies：") and error["message"]["en"].startswith("policies: ")


# --- impact: a link inside the drafts root that leads out of it --------------------


def test_a_draft_holding_a_link_to_a_file_outside_the_root_is_refused(site):
    client, compliance, drafts, outside = site
    draft = drafts / "linked-file"
    shutil.copytree(POLICY_DIR, draft)
    os.symlink(outside / "secret.rego", draft / "secret.rego")
    response = client.post("/v1/impact", json={"policies": "linked-file"}, headers=compliance)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["fields"][0]["field"] == "policies"
    assert "secret.rego" in error["message"]["en"] and "secret.rego" in error["message"]["zh"]
    assert "drafts root" in error["message"]["en"] and "草案根目录" in error["message"]["zh"]


def test_a_draft_holding_a_link_to_a_directory_outside_the_root_is_refused(site):
    client, compliance, drafts, outside = site
    draft = drafts / "linked-dir"
    shutil.copytree(POLICY_DIR, draft)
    os.symlink(outside, draft / "elsewhere", target_is_directory=True)
    response = client.post("/v1/impact", json={"policies": "linked-dir"}, headers=compliance)
    assert response.status_code == 400, response.text
    assert "elsewhere" in response.json()["error"]["message"]["en"]


def test_parameters_holding_a_link_outside_the_root_are_refused(site):
    client, compliance, drafts, outside = site
    (outside / "deadline.yaml").write_text("{}\n", encoding="utf-8")
    (drafts / "params").mkdir()
    os.symlink(outside / "deadline.yaml", drafts / "params" / "deadline.yaml")
    response = client.post("/v1/impact", json={"parameters": "params"}, headers=compliance)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["fields"][0]["field"] == "parameters"


# --- /v1/decisions/log: dates at the edge of the calendar --------------------------


@pytest.mark.parametrize("field, value", [("to", "9999-12-31"), ("to", "9999-12-31T23:59:59.999999+08:00")])
def test_a_log_date_at_the_end_of_the_calendar_is_4xx_naming_the_field(site, field, value):
    client, _, _, _ = site
    response = client.get("/v1/decisions/log", params={field: value}, headers=ADMIN)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["error"]["fields"][0]["field"] == f"query.{field}"


# --- a body that is not UTF-8 ----------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/decisions", "/v1/tokens", "/v1/impact"])
def test_a_body_that_is_not_utf8_is_malformed_json_in_both_languages(site, path):
    client, _, _, _ = site
    response = client.post(path, content=b'{"name": "\xff\xfe"}', headers={**ADMIN, "content-type": "application/json"})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "malformed_json"
    (field,) = error["fields"]
    assert field["field"] == "body" and "UTF-8" in field["problem"]["zh"] and "UTF-8" in field["problem"]["en"]


# --- demo reset after real lifecycle steps -------------------------------------------


def test_demo_reset_after_lifecycle_steps_leaves_nothing_owed_and_a_verified_ledger(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from adapters.cli import app as cli
    from tests.integration.test_grant_events import GRANT, use

    monkeypatch.setenv("GOVSHARE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GOVSHARE_DATA_POLL_SECONDS", "0")  # the service sees the CLI's reset on the next request
    for name in ("GOVSHARE_POLICY_DIR", "GOVSHARE_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    service = build_service(make_settings(tmp_path))
    client = TestClient(create_app(service), headers=ADMIN)
    ended = client.post(f"/v1/grants/{GRANT}/purpose-ended", json={"reason": "achieved", "reported_by": "requester"})
    assert ended.status_code == 200, ended.text
    incident = client.post("/v1/grants/g-2026-0005/incidents", json={"kind": "leak", "occurred_at": "2026-03-02T09:00:00+08:00",
                                                                    "description": "误发邮件", "reported_by": "requester"})
    assert incident.status_code == 201, incident.text
    assert client.post("/v1/grants/g-2026-0002/terminate", json={"note": "终止"}).status_code == 200
    assert client.get("/v1/owed").json() != []

    result = CliRunner().invoke(cli, ["demo", "reset", "--lang", "en"])
    assert result.exit_code == 0, result.output

    assert client.get("/v1/owed").json() == []  # nothing owed on a grant put back as shipped
    for grant in (GRANT, "g-2026-0002", "g-2026-0005"):
        assert client.get(f"/v1/grants/{grant}").json()["status"] == "active"
    assert client.post("/v1/decisions", json=use("2026-03-04T10:00:00+08:00")).json()["outcome"] == "allow"
    verified = CliRunner().invoke(cli, ["ledger", "verify"])
    assert verified.exit_code == 0, verified.output
