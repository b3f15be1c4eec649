"""Adding next year's working-day calendar: `govshare calendar add` and
`POST /v1/calendar/{year}`, each on a throw-away copy of policies/, and the new
year going live through the hot reload.

The 2027 document is a test fixture with made-up dates (not the official
arrangement); nothing here writes into the real policies/ directory."""

from __future__ import annotations

import gc
import json
import shutil

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from adapters.cli import app as cli
from adapters.http.app import create_app
from adapters.service import build_service
from engine.calendar import load_calendar
from tests.conftest import ADMIN, POLICY_DIR, make_settings

FIXTURE_YAML = """\
# test fixture: made-up dates, not the official 2027 arrangement
year: 2027
source: 测试用例（非官方安排）/ test fixture, not the official arrangement
holidays:
  2027-01-01: 元旦
  2027-02-08: 测试假日
workdays:
  2027-02-06: 测试调休
"""
FIXTURE = {"year": 2027, "source": "测试用例（非官方安排）/ test fixture, not the official arrangement",
           "holidays": {"2027-01-01": "元旦", "2027-02-08": "测试假日"}, "workdays": {"2027-02-06": "测试调休"}}
BY_MONTH = [20, 20, 23, 22, 21, 22, 22, 22, 22, 21, 22, 23]
COLUMNS = {"COLUMNS": "200"}


@pytest.fixture
def policies(tmp_path):
    copy = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, copy)
    return copy


@pytest.fixture(autouse=True)
def real_calendar_untouched():
    before = sorted(p.name for p in (POLICY_DIR / "data" / "calendar").iterdir())
    yield
    assert sorted(p.name for p in (POLICY_DIR / "data" / "calendar").iterdir()) == before


# --- the CLI ------------------------------------------------------------------------


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVSHARE_DATA_DIR", str(tmp_path / "data"))
    return CliRunner()


@pytest.fixture
def fixture_file(tmp_path):
    path = tmp_path / "2027.yaml"
    path.write_text(FIXTURE_YAML, encoding="utf-8")
    return path


def test_cli_dry_run_shows_the_review_and_writes_nothing(runner, policies, fixture_file):
    result = runner.invoke(cli, ["calendar", "add", "2027", str(fixture_file), "--policies", str(policies), "--dry-run"], env=COLUMNS)
    assert result.exit_code == 0, result.output
    assert "每月工作日" in result.output and "全年" in result.output and "260" in result.output
    assert "2027-02-08" in result.output and "星期一" in result.output and "测试调休" in result.output
    assert "试运行" in result.output
    assert not (policies / "data" / "calendar" / "2027.json").exists()


def test_cli_adds_the_year_in_the_shape_of_the_other_files(runner, policies, fixture_file):
    result = runner.invoke(cli, ["calendar", "add", "2027", str(fixture_file), "--policies", str(policies), "--lang", "en"], env=COLUMNS)
    assert result.exit_code == 0, result.output
    assert "Working days per month" in result.output and "Monday" in result.output and "Wrote" in result.output
    written = policies / "data" / "calendar" / "2027.json"
    assert json.loads(written.read_text(encoding="utf-8")) == FIXTURE
    assert load_calendar(policies / "data" / "calendar").known_years[-1] == 2027
    # the whole policy set loads with it, and `calendar show` lists it
    shown = runner.invoke(cli, ["calendar", "show", "--policies", str(policies), "--lang", "en"], env=COLUMNS)
    assert shown.exit_code == 0 and "2027" in shown.output

    again = runner.invoke(cli, ["calendar", "add", "2027", str(fixture_file), "--policies", str(policies)], env=COLUMNS)
    assert again.exit_code == 2 and "已存在" in again.output and "--replace" in again.output
    fixture_file.write_text(FIXTURE_YAML.replace("测试假日", "替换后的名称"), encoding="utf-8")
    replaced = runner.invoke(cli, ["calendar", "add", "2027", str(fixture_file), "--policies", str(policies), "--replace"], env=COLUMNS)
    assert replaced.exit_code == 0, replaced.output
    assert "替换后的名称" in written.read_text(encoding="utf-8")


def test_cli_refuses_a_bad_file_with_file_and_line(runner, policies, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("year: 2027\nsource: 测试\nholidays:\n  2027-02-08:\nworkdays:\n  2027-02-09: 周二\n", encoding="utf-8")
    result = runner.invoke(cli, ["calendar", "add", "2027", str(bad), "--policies", str(policies)], env=COLUMNS)
    assert result.exit_code == 2
    assert "未写入" in result.output
    assert f"{bad}:4:3:" in result.output and "节日名称" in result.output
    assert f"{bad}:6:3:" in result.output and "星期二" in result.output
    assert "Traceback" not in result.output
    english = runner.invoke(cli, ["calendar", "add", "2027", str(bad), "--policies", str(policies), "--lang", "en"], env=COLUMNS)
    assert english.exit_code == 2 and "must be a Saturday or Sunday" in english.output
    assert not (policies / "data" / "calendar" / "2027.json").exists()


def test_cli_refuses_a_wrong_year_and_a_missing_file(runner, policies, fixture_file, tmp_path):
    result = runner.invoke(cli, ["calendar", "add", "2028", str(fixture_file), "--policies", str(policies)], env=COLUMNS)
    assert result.exit_code == 2 and f"{fixture_file}:2:1:" in result.output and "2028" in result.output
    missing = runner.invoke(cli, ["calendar", "add", "2027", str(tmp_path / "none.yaml"), "--policies", str(policies)], env=COLUMNS)
    assert missing.exit_code == 2 and "读不到文件" in missing.output


def test_cli_refuses_a_year_the_calendar_could_not_load_with(runner, policies, tmp_path):
    (policies / "data" / "calendar" / "2020.json").write_text('{"year": 2019}', encoding="utf-8")
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(FIXTURE, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(cli, ["calendar", "add", "2027", str(path), "--policies", str(policies)], env=COLUMNS)
    assert result.exit_code == 2 and "2020.json" in result.output and "未写入" in result.output
    assert not (policies / "data" / "calendar" / "2027.json").exists()


# --- the HTTP API ----------------------------------------------------------------------


@pytest.fixture
def served(policies, tmp_path, monkeypatch):
    """A service on its own copy of the policies; the reload watcher is polled by hand."""
    gc.collect()  # drop earlier tests' engines here, on the thread that built them
    monkeypatch.setenv("GOVSHARE_RELOAD", "0")
    service = build_service(make_settings(tmp_path / "data", policy_dir=policies))
    app = create_app(service)
    with TestClient(app, headers=ADMIN) as client:
        yield policies, client, app


def token_for(client: TestClient, role: str) -> dict[str, str]:
    response = client.post("/v1/tokens", json={"name": f"calendar test {role}", "role": role})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


UNKNOWN_YEAR_EVENT = {"action": "reply", "at": "2027-01-05T10:00:00+08:00", "requester": {"department": "示范区公安局"},
                      "dataset": "ds-population-basic", "application": {"received_on": "2026-12-30"},
                      "reply": {"decision": "approve", "unit_head_approved": True}}


def test_api_adds_a_year_and_the_hot_reload_makes_it_live(served):
    policies, client, app = served
    before = client.get("/health").json()["policy_revision"]
    listing = client.get("/v1/calendar").json()
    assert listing["known"][-1] == 2026 and listing["pending"] == []
    assert listing["years"][-1] == {"year": 2026, "working_days": 248, "working_days_by_month": listing["years"][-1]["working_days_by_month"],
                                    "holidays": 19, "workdays": 6}
    decision = client.post("/v1/decisions?dry_run=true", json=UNKNOWN_YEAR_EVENT).json()
    assert decision["outcome"] == "indeterminate" and decision["violations"][0]["code"] == "GOVSHARE-CALENDAR-UNKNOWN-YEAR"

    dry = client.post("/v1/calendar/2027?dry_run=true", json=FIXTURE)
    assert dry.status_code == 200 and dry.json()["written"] is False and dry.json()["working_days_by_month"] == BY_MONTH
    assert not (policies / "data" / "calendar" / "2027.json").exists()

    response = client.post("/v1/calendar/2027", json=FIXTURE)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["working_days_by_month"] == BY_MONTH and body["working_days"] == 260 and body["written"] is True
    assert body["path"] == str(policies / "data" / "calendar" / "2027.json")
    assert body["holidays"][1] == {"date": "2027-02-08", "kind": "holiday", "name": "测试假日", "weekday": {"zh": "星期一", "en": "Monday"}}
    assert body["live"]["zh"] and body["live"]["en"]
    assert json.loads((policies / "data" / "calendar" / "2027.json").read_text(encoding="utf-8")) == FIXTURE
    assert client.get("/v1/calendar").json()["pending"] == [2027]

    # the watcher notices the new file; the next request swaps the new revision in
    assert app.state.reloader.poll() is True
    health = client.get("/health").json()
    assert health["policy_revision"] != before
    status = client.get("/v1/status").json()
    assert status["policy_revision"] == health["policy_revision"] and status["last_refused"] is None
    assert 2027 in app.state.service.engine.policies.calendar.known_years
    listing = client.get("/v1/calendar").json()
    assert listing["known"][-1] == 2027 and listing["pending"] == [] and listing["years"][-1]["working_days"] == 260
    decision = client.post("/v1/decisions?dry_run=true", json=UNKNOWN_YEAR_EVENT).json()
    assert "GOVSHARE-CALENDAR-UNKNOWN-YEAR" not in {v["code"] for v in decision["violations"]}

    # an existing year: 409 unless replace=true
    again = client.post("/v1/calendar/2027", json=FIXTURE)
    assert again.status_code == 409 and "replace=true" in again.json()["error"]["message"]["zh"]
    changed = {**FIXTURE, "holidays": {**FIXTURE["holidays"], "2027-02-09": "测试假日"}}
    replaced = client.post("/v1/calendar/2027?replace=true", json=changed)
    assert replaced.status_code == 201 and replaced.json()["replaced"] is True and replaced.json()["working_days"] == 259


def test_api_takes_yaml(served):
    policies, client, _ = served
    for content_type in ("application/yaml", "text/yaml; charset=utf-8"):
        response = client.post("/v1/calendar/2027?dry_run=true", content=FIXTURE_YAML.encode(), headers={"content-type": content_type})
        assert response.status_code == 200, response.text
        assert response.json()["working_days_by_month"] == BY_MONTH
    response = client.post("/v1/calendar/2027", content=FIXTURE_YAML.encode(), headers={"content-type": "application/yaml"})
    assert response.status_code == 201
    assert json.loads((policies / "data" / "calendar" / "2027.json").read_text(encoding="utf-8")) == FIXTURE


def test_api_refuses_a_bad_document_with_field_line_and_both_languages(served):
    policies, client, _ = served
    bad = "year: 2027\nsource: 测试\nholidays:\n  2027-01-01: 元旦\n  2027-02-06: 测试\nworkdays:\n  2027-02-06: 测试\n  2027-02-10: 周三\nnote: x\n"
    response = client.post("/v1/calendar/2027", content=bad.encode(), headers={"content-type": "application/yaml"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_calendar" and error["message"]["zh"] and error["message"]["en"]
    fields = {(f["field"], f["line"], f["type"]) for f in error["fields"]}
    assert fields == {("workdays.2027-02-06", 7, "both_holiday_and_workday"), ("workdays.2027-02-10", 8, "workday_not_weekend"),
                      ("note", 9, "unknown_key")}
    assert all(f["problem"]["zh"] and f["problem"]["en"] for f in error["fields"])
    # JSON: the line of the key in the text sent
    text = '{"year": 2027,\n "source": "",\n "holidays": {"2027-01-01": "元旦"}}'
    response = client.post("/v1/calendar/2027", content=text.encode(), headers={"content-type": "application/json"})
    assert response.status_code == 422 and [(f["field"], f["line"]) for f in response.json()["error"]["fields"]] == [("source", 2)]
    # the path's year against the document's
    response = client.post("/v1/calendar/2028", json=FIXTURE)
    assert response.status_code == 422 and ("year", 1, "year_mismatch") in {(f["field"], f["line"], f["type"]) for f in response.json()["error"]["fields"]}
    assert not (policies / "data" / "calendar" / "2027.json").exists()


@pytest.mark.parametrize("content, headers, status", [
    (b'{"year": 2027,', {"content-type": "application/json"}, 422),
    (b"year: [", {"content-type": "text/yaml"}, 422),
    ("year: 2027\nsource: 测试\n".encode("gbk"), {"content-type": "application/yaml"}, 422),
    (b"year=2027", {"content-type": "application/x-www-form-urlencoded"}, 415),
])
def test_api_answers_malformed_bodies_with_a_4xx(served, content, headers, status):
    _, client, _ = served
    response = client.post("/v1/calendar/2027", content=content, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["error"]["message"]["zh"] and "Traceback" not in response.text


def test_api_year_out_of_range_is_422(served):
    _, client, _ = served
    assert client.post("/v1/calendar/99999", json=FIXTURE).status_code == 422
    assert client.post("/v1/calendar/abc", json=FIXTURE).status_code == 422


def test_only_compliance_and_admin_may_add_and_every_role_may_list(served):
    policies, client, _ = served
    for role in ("platform", "auditor"):
        headers = token_for(client, role)
        response = client.post("/v1/calendar/2027", json=FIXTURE, headers=headers)
        assert response.status_code == 403 and response.json()["error"]["message"]["zh"]
        assert client.get("/v1/calendar", headers=headers).status_code == 200
    assert not (policies / "data" / "calendar" / "2027.json").exists()
    compliance = token_for(client, "compliance")
    assert client.post("/v1/calendar/2027?dry_run=true", json=FIXTURE, headers=compliance).status_code == 200
    assert client.post("/v1/calendar/2027", json=FIXTURE, headers=compliance).status_code == 201
    anonymous = TestClient(client.app)
    assert anonymous.get("/v1/calendar").status_code == 401
    assert anonymous.post("/v1/calendar/2028", json=FIXTURE).status_code == 401
