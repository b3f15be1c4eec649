"""POST /v1/impact and GET /v1/impact/{job}: the impact report run on the server
against a draft under the drafts root, with progress, for the compliance role."""

from __future__ import annotations

import shutil
import threading
import time

import pytest
from fastapi.testclient import TestClient

from adapters.http.app import create_app
from adapters.service import build_service
from tests.conftest import ADMIN, POLICY_DIR, THIRD_PARTY_TRANSFER, make_settings, restore_demo

TRANSFER = {**THIRD_PARTY_TRANSFER, "scenario": "最低生活保障申请审核"}
USE = {**TRANSFER, "action": "use", "recipient": {"kind": "self"}}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A service whose ledger holds an allowed use and a denied third-party
    transfer, and a drafts root holding two drafts: one without the
    third-party rule, one that is not a policy directory."""
    tmp = tmp_path_factory.mktemp("impact-api")
    service = build_service(make_settings(tmp / "data"))
    client = TestClient(create_app(service))
    headers = {"admin": ADMIN}
    for role in ("platform", "compliance", "auditor"):
        issued = client.post("/v1/tokens", json={"name": f"impact {role}", "role": role}, headers=ADMIN)
        headers[role] = {"Authorization": f"Bearer {issued.json()['token']}"}
    outcomes = [client.post("/v1/decisions", json=e, headers=ADMIN).json()["outcome"] for e in (USE, TRANSFER)]
    assert outcomes == ["allow", "deny"]
    restore_demo(service)  # the misuse suspended the grant; replay against the demo grants
    drafts = service.settings.drafts_root
    shutil.copytree(POLICY_DIR, drafts / "no-third-party")
    shutil.rmtree(drafts / "no-third-party" / "gdsr/sharing/third_party")
    (drafts / "notes").mkdir()
    (drafts / "notes" / "readme.txt").write_text("not policies", encoding="utf-8")
    (tmp / "outside").mkdir()
    return client, headers, tmp


def finished(client, job: str, headers) -> dict:
    """The job once it has finished (polled; the replay runs on its own thread)."""
    for _ in range(1200):
        body = client.get(f"/v1/impact/{job}", headers=headers).json()
        if body["status"] != "running":
            return body
        time.sleep(0.05)
    raise AssertionError(f"impact job {job} did not finish: {body}")


def test_the_server_replays_the_ledger_on_a_draft_and_lists_the_flips(setup, monkeypatch):
    client, headers, _ = setup
    # The first job waits until the second request has been answered, so that
    # "while the first runs" holds however fast the replay is.
    import adapters.http.impact_routes as impact_routes

    release = threading.Event()
    real_impact = impact_routes.impact

    def held_impact(*args, **kwargs):
        assert release.wait(30)
        return real_impact(*args, **kwargs)

    monkeypatch.setattr(impact_routes, "impact", held_impact)
    started = client.post("/v1/impact", json={"policies": "no-third-party"}, headers=headers["compliance"])
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["status"] == "running" and started.headers["location"] == f"/v1/impact/{job['job']}"
    # A second job while the first runs is refused (one at a time per server).
    busy = client.post("/v1/impact", json={"policies": "no-third-party"}, headers=headers["compliance"])
    release.set()
    assert busy.status_code == 409 and busy.json()["job"] == job["job"]
    assert busy.json()["error"]["message"]["zh"] and busy.json()["error"]["message"]["en"]
    done = finished(client, job["job"], headers["compliance"])
    assert done["status"] == "done", done
    # progress counts every decision replayed and every grant re-checked
    assert done["progress"]["total"] is not None and done["progress"]["done"] == done["progress"]["total"] >= 2
    report = done["report"]
    assert report["replayed"] == 2 and report["changed"] == 1
    flip = report["changes"][0]
    assert (flip["before"], flip["after"], flip["removed"]) == ("deny", "allow", ["GDSR-25-THIRD-PARTY"])
    assert {g["key"] for g in report["by_article"]} == {"gdsr:25"}


@pytest.mark.parametrize("name", ["../outside", "/etc", "no-third-party/../../outside", "."])
def test_a_draft_outside_the_drafts_root_is_refused_naming_policies(setup, name):
    client, headers, _ = setup
    response = client.post("/v1/impact", json={"policies": name}, headers=headers["compliance"])
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["fields"][0]["field"] == "policies"
    assert "policies" in error["message"]["zh"] and "policies" in error["message"]["en"]
    assert "草案根目录" in error["fields"][0]["problem"]["zh"] and "drafts root" in error["fields"][0]["problem"]["en"]


def test_a_directory_that_is_not_a_policy_directory_is_refused_in_one_line(setup):
    client, headers, _ = setup
    response = client.post("/v1/impact", json={"policies": "notes"}, headers=headers["compliance"])
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message["en"] == "policies: is not a policy directory: it holds no .rego file"
    assert message["zh"] == "policies：不是策略目录：其中没有 .rego 文件"
    missing = client.post("/v1/impact", json={"policies": "no-such-draft"}, headers=headers["compliance"])
    assert missing.status_code == 400 and "no-such-draft" in missing.json()["error"]["message"]["en"]


def test_parameters_outside_the_root_and_an_empty_request_are_refused(setup):
    client, headers, _ = setup
    outside = client.post("/v1/impact", json={"parameters": "../outside"}, headers=headers["compliance"])
    assert outside.status_code == 400 and outside.json()["error"]["fields"][0]["field"] == "parameters"
    empty = client.post("/v1/impact", json={}, headers=headers["compliance"])
    assert empty.status_code == 400 and empty.json()["error"]["fields"][0]["field"] == "policies"
    unknown = client.post("/v1/impact", json={"policies": "no-third-party", "path": "/"}, headers=headers["compliance"])
    assert unknown.status_code == 422


def test_a_draft_that_does_not_compile_fails_the_job_with_its_problems(setup):
    client, headers, tmp = setup
    broken = tmp / "data" / "drafts" / "broken"
    shutil.copytree(POLICY_DIR, broken)
    rule = broken / "gdsr/sharing/application_contents/application_contents.rego"
    rule.write_text(rule.read_text(encoding="utf-8") + "\nbroken if {\n", encoding="utf-8")
    started = client.post("/v1/impact", json={"policies": "broken"}, headers=headers["compliance"])
    assert started.status_code == 202
    done = finished(client, started.json()["job"], headers["compliance"])
    assert done["status"] == "failed" and done["report"] is None
    assert done["error"]["code"] == "draft_invalid" and "do not compile" in done["error"]["message"]["en"]
    assert any(p["file"].endswith("application_contents.rego") for p in done["error"]["problems"])


@pytest.mark.parametrize("role, status", [("platform", 403), ("auditor", 403)])
def test_only_the_compliance_role_runs_an_impact_report(setup, role, status):
    client, headers, _ = setup
    assert client.post("/v1/impact", json={"policies": "no-third-party"}, headers=headers[role]).status_code == status
    assert client.get("/v1/impact/anything", headers=headers[role]).status_code == status
    assert client.post("/v1/impact", json={"policies": "no-third-party"}).status_code == 401


def test_an_unknown_job_is_not_found(setup):
    client, headers, _ = setup
    response = client.get("/v1/impact/0123456789abcdef", headers=headers["compliance"])
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
