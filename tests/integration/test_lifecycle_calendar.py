"""Due dates past the end of the working-day calendar: the lifecycle records the
step with the due date pending (and says why, in zh and en), lists it as
indeterminate in /v1/overdue, and computes it as soon as the missing year is
added to policies/data/calendar/ — never an HTTP 500."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from adapters.http.app import create_app
from adapters.service import build_service
from engine.calendar import UnknownCalendarYear
from tests.conftest import POLICY_DIR, admin_client, make_settings

CONDITIONAL = {"dataset": "ds-household-registration", "fields": ["name"]}  # 10 working days to reply
APPROVE = {"decision": "approve", "unit_head_approved": True}


@pytest.fixture(autouse=True)
def no_watcher(monkeypatch):
    # Reloads are driven by the tests (poll, then the next request swaps).
    monkeypatch.setenv("GOVSHARE_RELOAD", "0")


def serve(data_dir, policy_dir=POLICY_DIR) -> TestClient:
    return admin_client(create_app(build_service(make_settings(data_dir, policy_dir=policy_dir))))


@pytest.fixture
def api(tmp_path) -> TestClient:
    return serve(tmp_path)


@pytest.fixture
def calendar_until_2025(tmp_path):
    """A copy of the policies whose calendar ends with 2025; restore() puts 2026 back."""
    policies = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, policies)
    year_2026 = policies / "data" / "calendar" / "2026.json"
    kept = year_2026.read_bytes()
    year_2026.unlink()

    def restore() -> None:
        year_2026.write_bytes(kept)

    return policies, restore


def apply(api: TestClient, **overrides) -> dict:
    body = {
        "requester": {"department": "示范区民政局", "unit_head_approved": True}, "dataset": "ds-population-basic",
        "fields": ["name", "id_number"], "purpose": "社会救助资格审核", "legal_basis": "《社会救助暂行办法》第十一条",
        "scenario": "最低生活保障申请审核", "use_scope": {"units": ["社会救助科"]}, "method": "api", "use_until": "2027-12-31", "pi_basis": "《个人信息保护法》第十三条第一款第三项",
    }
    response = api.post("/v1/applications", json={**body, **overrides})
    assert response.status_code == 201, response.text
    return response.json()["application"]


def reply(api: TestClient, application_id: str, body: dict, at: str) -> dict:
    response = api.post(f"/v1/applications/{application_id}/reply", json={**body, "at": at})
    assert response.status_code == 200, response.text
    return response.json()["application"]


def assert_pending(pending: dict, year: int) -> None:
    assert pending["years"] == [year]
    assert pending["message"]["zh"].startswith(f"工作日历没有{year}年的数据")
    assert pending["message"]["en"].startswith(f"The working-day calendar has no data for {year}")
    assert pending["remedy"]["zh"] and pending["remedy"]["en"]


def test_reply_due_in_an_unknown_year_is_recorded_pending(api):
    app = apply(api, **CONDITIONAL, received_on="2026-12-28", at="2026-12-28T09:00:00+08:00")
    assert (app["status"], app["reply_due"]) == ("pending", None)
    assert_pending(app["reply_due_pending"], 2027)
    stored = api.get(f"/v1/applications/{app['id']}").json()
    assert stored["reply_due"] is None and stored["reply_due_pending"] == app["reply_due_pending"]

    overdue = api.get("/v1/overdue", params={"at": "2026-12-30T09:00:00+08:00"})
    assert overdue.status_code == 200, overdue.text
    [listed] = [item for item in overdue.json() if item["application"]["id"] == app["id"]]
    assert_pending(listed["indeterminate"], 2027)
    assert api.get("/v1/ledger/verify").json()["intact"]


def test_approval_whose_delivery_falls_due_in_an_unknown_year_creates_the_grant(api):
    app = apply(api, received_on="2026-12-09", at="2026-12-09T09:00:00+08:00")
    approved = reply(api, app["id"], APPROVE, "2026-12-10T10:00:00+08:00")
    assert (approved["status"], approved["approved_on"], approved["delivery_due"]) == ("approved", "2026-12-10", None)
    assert_pending(approved["delivery_due_pending"], 2027)
    assert api.get(f"/v1/grants/{approved['grant']}").json()["status"] == "active"

    overdue = api.get("/v1/overdue", params={"at": "2026-12-30T09:00:00+08:00"})
    assert overdue.status_code == 200, overdue.text
    [listed] = [item for item in overdue.json() if item["application"]["id"] == app["id"]]
    assert_pending(listed["indeterminate"], 2027)


def test_extension_and_supplied_material_into_an_unknown_year_are_pending_too(api):
    # Received 2026-12-14 (conditional): due 2026-12-28; 10 more working days reach 2027.
    app = apply(api, **CONDITIONAL, received_on="2026-12-14", at="2026-12-14T09:00:00+08:00")
    assert app["reply_due"] == "2026-12-28" and "reply_due_pending" not in app
    extension = {"working_days": 10, "approved_by_competent": True, "requester_notified": True}
    extended = reply(api, app["id"], {"decision": "extend", "unit_head_approved": True, "extension": extension}, "2026-12-15T10:00:00+08:00")
    assert extended["reply_due"] is None
    assert_pending(extended["reply_due_pending"], 2027)

    other = apply(api, **CONDITIONAL, received_on="2026-12-14", at="2026-12-14T09:00:00+08:00")
    reply(api, other["id"], {"decision": "request_material", "unit_head_approved": True, "missing_material": ["授权书"]},
          "2026-12-15T10:00:00+08:00")
    supplied = api.post(f"/v1/applications/{other['id']}/material", json={"at": "2026-12-28T10:00:00+08:00"})
    assert supplied.status_code == 200, supplied.text
    assert supplied.json()["reply_due"] is None
    assert_pending(supplied.json()["reply_due_pending"], 2027)


def test_adding_the_missing_year_computes_every_pending_due_date(tmp_path, calendar_until_2025):
    policies, restore = calendar_until_2025
    api = serve(tmp_path / "data", policies)
    waiting = apply(api, **CONDITIONAL, received_on="2025-12-30", at="2025-12-30T09:00:00+08:00")
    assert_pending(waiting["reply_due_pending"], 2026)
    approved = reply(api, apply(api, received_on="2025-12-09", at="2025-12-09T09:00:00+08:00")["id"], APPROVE, "2025-12-10T10:00:00+08:00")
    assert_pending(approved["delivery_due_pending"], 2026)

    restore()
    reloader = api.app.state.reloader
    assert reloader.poll() is True
    # The next request swaps the new policy set in, and the due dates follow.
    settled = api.get(f"/v1/applications/{waiting['id']}").json()
    assert reloader.swaps == 1
    assert (settled["reply_due"], settled.get("reply_due_pending")) == ("2026-01-14", None)
    delivery = api.get(f"/v1/applications/{approved['id']}").json()
    assert (delivery["delivery_due"], delivery.get("delivery_due_pending")) == ("2026-01-08", None)

    store = api.app.state.service.store
    logged = {e.ref: e.body for e in store.ledger() if e.kind == "due_date"}
    assert logged[waiting["id"]]["reply_due"] == "2026-01-14"
    assert logged[approved["id"]]["delivery_due"] == "2026-01-08"
    assert api.get("/v1/ledger/verify").json()["intact"]

    # Settling again finds nothing left to do.
    length = store.ledger_length()
    api.app.state.lifecycle.settle_pending_due_dates()
    assert store.ledger_length() == length


def test_start_up_computes_due_dates_left_pending(tmp_path, calendar_until_2025):
    policies, _ = calendar_until_2025
    waiting = apply(serve(tmp_path / "data", policies), **CONDITIONAL, received_on="2025-12-30", at="2025-12-30T09:00:00+08:00")
    assert waiting["reply_due"] is None

    restarted = serve(tmp_path / "data")  # the full calendar
    settled = restarted.get(f"/v1/applications/{waiting['id']}").json()
    assert (settled["reply_due"], settled.get("reply_due_pending")) == ("2026-01-14", None)
    assert restarted.get("/v1/ledger/verify").json()["intact"]


def test_an_unknown_calendar_year_that_escapes_answers_503_not_500(api, monkeypatch):
    def fails(*args, **kwargs):
        raise UnknownCalendarYear(2027, [2025, 2026])

    monkeypatch.setattr(api.app.state.lifecycle, "supply_material", fails)
    response = api.post("/v1/applications/a-x/material", json={})
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "calendar_year_unknown"
    assert error["message"]["zh"].startswith("工作日历没有2027年的数据")
    assert error["message"]["en"].startswith("The working-day calendar has no data for 2027")
