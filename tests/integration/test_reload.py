"""Hot reload: a compiling change to policies/ goes live with a new revision; a
broken one is refused (file:line:col in /v1/status) and the last good revision
keeps serving."""

from __future__ import annotations

import gc
import shutil
import time

import pytest
from fastapi.testclient import TestClient

from adapters.http.app import create_app
from adapters.service import build_service
from tests.conftest import ADMIN, POLICY_DIR, THIRD_PARTY_TRANSFER, make_settings, wait_for

EVENT = THIRD_PARTY_TRANSFER
APP_CONTENTS = "gdsr/sharing/application_contents/application_contents.rego"


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A service on its own copy of the policies, with the watcher polling fast."""
    # Collect earlier tests' garbage here, on the thread that built their
    # engines, rather than later on a watcher thread (regorus engines must be
    # dropped on their own thread).
    gc.collect()
    policies = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, policies)
    monkeypatch.setenv("GOVSHARE_RELOAD", "1")
    monkeypatch.setenv("GOVSHARE_RELOAD_INTERVAL", "0.1")
    service = build_service(make_settings(tmp_path / "data", policy_dir=policies))
    app = create_app(service)
    # One portal thread for the whole test: the engines built on it end with it.
    with TestClient(app, headers=ADMIN) as client:
        yield policies, client, app
    assert not app.state.reloader.running  # stopped on shutdown


def codes(client: TestClient) -> tuple[str, set[str]]:
    # A trial, not a decision of record: a rule cited in the ledger may not be
    # removed (tests/integration/test_reload_coverage.py), and these tests remove one.
    decision = client.post("/v1/decisions", params={"dry_run": "true"}, json=EVENT).json()
    return decision["policy_revision"], {v["code"] for v in decision["violations"]}


def test_a_compiling_change_goes_live_and_a_broken_one_is_refused(served):
    policies, client, app = served
    first = client.get("/v1/status").json()
    assert first["reload"]["enabled"] is True and first["last_refused"] is None
    revision, found = codes(client)
    assert revision == first["policy_revision"] and "GDSR-25-THIRD-PARTY" in found

    # retire a rule (removing one in force is refused: test_reload_coverage.py):
    # a new revision becomes live, and decisions use it
    rule = policies / "gdsr/sharing/third_party/third_party.rego"
    rule.write_text(rule.read_text(encoding="utf-8").replace("#   effective_from: 2025-08-01\n",
                    "#   effective_from: 2025-08-01\n#   effective_to: 2026-01-01\n"), encoding="utf-8")
    second = wait_for(client, lambda s: s["policy_revision"] != first["policy_revision"])
    assert second["loaded_at"] > first["loaded_at"] and second["rules"] == first["rules"]
    revision, found = codes(client)
    assert revision == second["policy_revision"] and "GDSR-25-THIRD-PARTY" not in found
    assert client.get("/health").json()["policy_revision"] == second["policy_revision"]

    # break a file: refused with file:line:col; the last good revision keeps serving
    path = policies / APP_CONTENTS
    good = path.read_text(encoding="utf-8")
    lines = good.splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("unit_head_approved if"))
    lines[number - 1] = "unit_head_approved if input.requester.unit_head_approved == == true"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    third = wait_for(client, lambda s: s["last_refused"] is not None)
    assert third["policy_revision"] == second["policy_revision"]
    error = third["last_refused"]["errors"][0]
    assert error["file"] == APP_CONTENTS and error["line"] == number and error["col"] > 1
    assert error["text"].startswith(f"{APP_CONTENTS}:{number}:{error['col']}:")
    revision, found = codes(client)
    assert revision == second["policy_revision"] and "GDSR-25-THIRD-PARTY" not in found

    # fix it: the fixed set is accepted again (same content as the live revision)
    path.write_text(good, encoding="utf-8")
    time.sleep(0.5)
    assert codes(client)[0] == second["policy_revision"]


def test_a_check_failure_is_refused_too(served):
    policies, client, _ = served
    before = client.get("/v1/status").json()
    rule = policies / "gdsr/sharing/third_party/third_party.rego"
    rule.write_text(rule.read_text(encoding="utf-8").replace("#   article: 25\n", "#   article: 99\n"), encoding="utf-8")
    status = wait_for(client, lambda s: s["last_refused"] is not None)
    assert status["policy_revision"] == before["policy_revision"]
    assert any("no article 99" in e["message"] and e["file"] == "gdsr/sharing/third_party/third_party.rego"
               for e in status["last_refused"]["errors"])
    assert "GDSR-25-THIRD-PARTY" in codes(client)[1]


def test_a_change_that_fails_its_own_rego_tests_is_refused(served):
    policies, client, _ = served
    before = client.get("/v1/status").json()
    rule = policies / "gdsr/sharing/third_party/third_party.rego"
    rule.write_text(rule.read_text(encoding="utf-8").replace(
        'outside_recipients := {"third_party", "department"}', 'outside_recipients := {"department"}'), encoding="utf-8")
    status = wait_for(client, lambda s: s["last_refused"] is not None)
    assert status["policy_revision"] == before["policy_revision"]
    failed = status["last_refused"]["errors"]
    assert failed and all(e["file"] == "gdsr/sharing/third_party/third_party_test.rego" and e["line"] > 1 for e in failed)
    assert "GDSR-25-THIRD-PARTY" in codes(client)[1]


def test_a_calendar_change_is_a_new_revision(served):
    policies, client, _ = served
    before = client.get("/v1/status").json()
    calendar = sorted((policies / "data" / "calendar").glob("*.json"))[0]
    calendar.write_text(calendar.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = wait_for(client, lambda s: s["policy_revision"] != before["policy_revision"])
    assert after["last_refused"] is None


def test_status_needs_a_token_and_reload_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVSHARE_RELOAD", "0")
    service = build_service(make_settings(tmp_path / "data"))
    app = create_app(service)
    assert TestClient(app).get("/v1/status").status_code == 401
    status = TestClient(app, headers=ADMIN).get("/v1/status").json()
    assert status["reload"]["enabled"] is False
    assert status["policy_revision"] == service.engine.policies.revision
