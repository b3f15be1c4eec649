"""Callers are who their token says (issue 14): a token bound to departments acts
only as them; every ledger entry names the token that asked; revocation holds on
every process within 1 s; a revoked bootstrap token stays revoked across restarts."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select
from typer.testing import CliRunner

from adapters.cli import app as cli
from adapters.http.app import create_app
from adapters.service import PROJECT_ROOT, build_service
from adapters.storage.tables import LedgerRow, TokenRow
from engine.ledger import GENESIS, seal
from tests.conftest import ADMIN, ADMIN_TOKEN, make_settings

EDUCATION, POLICE = "示范区教育体育局", "示范区公安局"  # police provides ds-population-basic
PI_BASIS = "《个人信息保护法》第十三条第一款第三项"
CONTROLS = ["传输加密", "访问权限控制", "操作日志留存"]


def application(department: str) -> dict:
    return {
        "requester": {"department": department, "unit_head_approved": True}, "dataset": "ds-population-basic",
        "fields": ["name"], "purpose": "学生资助资格审核", "legal_basis": "《学生资助管理办法》第五条",
        "scenario": "家庭经济困难学生认定", "use_scope": {"units": ["社会救助科"]}, "method": "api", "use_until": "2026-12-31", "pi_basis": PI_BASIS,
        "received_on": "2026-03-02", "at": "2026-03-02T09:00:00+08:00",
    }


def use(department: str) -> dict:
    return {"action": "use", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": department},
            "dataset": "ds-population-basic", "fields": ["name"], "purpose": "社会救助资格审核", "grant": "g-2026-0001",
            "pi_basis": PI_BASIS, "controls": CONTROLS}


def authzen(department: str) -> dict:
    return {"subject": {"type": "department", "id": department}, "action": {"name": "use"},
            "resource": {"type": "dataset", "id": "ds-population-basic", "properties": {"fields": ["name"]}},
            "context": {"time": "2026-03-02T10:00:00+08:00", "purpose": "社会救助资格审核", "grant": "g-2026-0001"}}


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    service = build_service(make_settings(tmp_path_factory.mktemp("binding")))
    client = TestClient(create_app(service))
    client.service = service
    return client


def issue(client: TestClient, name: str, role: str, departments: list[str] | None = None) -> tuple[dict, dict]:
    body = {"name": name, "role": role}
    if departments is not None:
        body["departments"] = departments
    issued = client.post("/v1/tokens", json=body, headers=ADMIN)
    assert issued.status_code == 201, issued.text
    info = issued.json()
    return info, {"Authorization": f"Bearer {info['token']}"}


def assert_refused_as(response, department: str, field: str | None = None) -> None:
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert error["code"] == "department_not_allowed"
    assert department in error["message"]["zh"] and department in error["message"]["en"]
    if field is not None:
        assert field in {f["field"] for f in error["fields"]}


# --- reproduction 1: one token applied as one department and approved as another ---

def test_a_bound_token_cannot_approve_its_own_application_as_the_provider(api):
    _, education = issue(api, "教育体育局平台", "platform", [EDUCATION])
    applied = api.post("/v1/applications", json=application(EDUCATION), headers=education)
    assert applied.status_code == 201, applied.text
    app_id = applied.json()["application"]["id"]
    reply = api.post(f"/v1/applications/{app_id}/reply", json={"decision": "approve", "unit_head_approved": True,
                                                                "at": "2026-03-03T10:00:00+08:00"}, headers=education)
    assert_refused_as(reply, POLICE)
    assert api.get(f"/v1/applications/{app_id}", headers=ADMIN).json()["status"] == "pending"
    assert api.get(f"/v1/grants/g-{app_id}", headers=ADMIN).status_code == 404
    # Nor can it apply in another department's name, or deliver as the provider.
    assert_refused_as(api.post("/v1/applications", json=application(POLICE), headers=education), POLICE, "requester.department")
    assert_refused_as(api.post(f"/v1/applications/{app_id}/delivery", json={}, headers=education), POLICE)


def test_the_provider_s_own_bound_token_may_reply_and_deliver(api):
    _, education = issue(api, "教育体育局平台", "platform", [EDUCATION])
    _, police = issue(api, "公安局平台", "platform", [POLICE])
    app_id = api.post("/v1/applications", json=application(EDUCATION), headers=education).json()["application"]["id"]
    reply = api.post(f"/v1/applications/{app_id}/reply", json={"decision": "approve", "unit_head_approved": True,
                                                                "at": "2026-03-03T10:00:00+08:00"}, headers=police)
    assert reply.status_code == 200, reply.text
    delivered = api.post(f"/v1/applications/{app_id}/delivery", json={"at": "2026-03-04T10:00:00+08:00"}, headers=police)
    assert delivered.status_code == 200, delivered.text


def test_an_unbound_token_is_platform_wide_and_says_so(api):
    unbound, header = issue(api, "市级共享平台", "platform")
    bound, _ = issue(api, "公安局平台", "platform", [POLICE])
    assert (unbound["departments"], unbound["scope"]) == (None, "platform-wide")
    assert (bound["departments"], bound["scope"]) == ([POLICE], "departments")
    listed = {t["id"]: t for t in api.get("/v1/tokens", headers=ADMIN).json()}
    assert listed[unbound["id"]]["scope"] == "platform-wide" and listed[bound["id"]]["departments"] == [POLICE]
    assert api.post("/v1/decisions", json=use(EDUCATION), headers=header).status_code == 200
    assert api.post("/v1/decisions", json=use(POLICE), headers=header).status_code == 200


@pytest.mark.parametrize("departments", [[], [""], ["x" * 201]])
def test_departments_must_be_named(api, departments):
    response = api.post("/v1/tokens", json={"name": "x", "role": "platform", "departments": departments}, headers=ADMIN)
    assert response.status_code == 422, response.text
    assert any(f["field"].startswith("departments") for f in response.json()["error"]["fields"])


def test_a_bound_token_decides_only_as_its_departments_on_every_decision_route(api):
    _, header = issue(api, "民政局平台", "platform", ["示范区民政局"])
    mine, other = use("示范区民政局"), use(EDUCATION)
    assert api.post("/v1/decisions", json=mine, headers=header).status_code == 200
    assert_refused_as(api.post("/v1/decisions", json=other, headers=header), EDUCATION, "requester.department")
    assert_refused_as(api.post("/v1/decisions?dry_run=true", json=other, headers=header), EDUCATION)
    batch = api.post("/v1/decisions:batch", json={"events": [mine, other]}, headers=header)
    assert_refused_as(batch, EDUCATION, "events[1].requester.department")
    assert api.post("/v1/data/govshare/allow", json={"input": mine}, headers=header).status_code == 200
    opa = api.post("/v1/data/govshare/decision", json={"input": other}, headers=header)
    assert_refused_as(opa, EDUCATION, "input.requester.department")
    assert opa.json()["code"] == "unauthorized"  # OPA's shape
    assert_refused_as(api.get("/v1/data/govshare/allow", params={"input": json.dumps(other)}, headers=header), EDUCATION)
    assert api.post("/access/v1/evaluation", json=authzen("示范区民政局"), headers=header).status_code == 200
    assert_refused_as(api.post("/access/v1/evaluation", json=authzen(EDUCATION), headers=header), EDUCATION, "subject.id")
    many = api.post("/access/v1/evaluations", json={"evaluations": [authzen("示范区民政局"), authzen(EDUCATION)]}, headers=header)
    assert_refused_as(many, EDUCATION, "evaluations[1].subject.id")


def test_a_bound_compliance_token_publishes_only_its_departments_entries(api):
    _, header = issue(api, "教育体育局目录管理员", "compliance", [EDUCATION])
    entry = {"id": "ds-binding-test", "name": "某目录", "provider": POLICE, "share_attribute": "unconditional"}
    response = api.post("/v1/catalog", json={"entry": entry, "requester": {"department": EDUCATION}}, headers=header)
    assert_refused_as(response, POLICE, "entry.provider")
    assert api.get("/v1/catalog/ds-binding-test", headers=ADMIN).status_code == 404


def test_a_bound_compliance_token_governs_only_its_own_grants(api):
    _, education = issue(api, "教育体育局合规", "compliance", [EDUCATION])
    _, police = issue(api, "公安局合规", "compliance", [POLICE])
    # g-2026-0005 is a grant of 公安局's ds-population-basic (see the demo catalogue).
    grant = api.get("/v1/grants/g-2026-0005", headers=ADMIN).json()
    assert api.get(f"/v1/catalog/{grant['dataset']}", headers=ADMIN).json()["provider"] == POLICE
    assert_refused_as(api.post("/v1/grants/g-2026-0005/terminate", json={"note": "x"}, headers=education), POLICE, "grant.provider")
    assert api.get("/v1/grants/g-2026-0005", headers=ADMIN).json()["status"] == grant["status"]
    # The provider itself may: terminate the active grant (art 27(2)), as 公安局.
    done = api.post("/v1/grants/g-2026-0005/terminate", json={"note": "整改不到位"}, headers=police)
    assert done.status_code == 200, done.text
    assert api.get("/v1/grants/g-2026-0005", headers=ADMIN).json()["status"] == "terminated"
    record = {"requester": {"department": POLICE}, "at": "2026-03-02T10:00:00+08:00"}
    assert_refused_as(api.post("/v1/records/r-x/delete", json=record, headers=education), POLICE, "requester.department")


# --- requested_by: every ledger entry names the token that asked ---------------

def last_entry(api):
    return list(api.service.store.ledger())[-1]


def test_every_ledger_entry_records_the_token_that_asked_never_its_secret(api):
    info, header = issue(api, "民政局平台", "platform", ["示范区民政局"])
    created = last_entry(api)
    assert created.kind == "token_created"
    admin_id = created.body["requested_by"]["token"]
    assert created.body["requested_by"]["name"] == "bootstrap admin" and admin_id.startswith("t-")
    decided = api.post("/v1/decisions", json=use("示范区民政局"), headers=header).json()
    entries = [e for e in api.service.store.ledger() if e.ref in (decided["decision_id"], f"r-{decided['decision_id']}")]
    assert {e.kind for e in entries} == {"decision", "usage_record"}
    assert all(e.body["requested_by"] == {"token": info["id"], "name": "民政局平台"} for e in entries)
    assert all(info["token"] not in str(e.body) for e in entries)
    api.post(f"/v1/tokens/{info['id']}/revoke", headers=ADMIN)
    assert last_entry(api).body["requested_by"] == {"token": admin_id, "name": "bootstrap admin"}


def test_the_cli_records_itself_and_old_entries_without_requested_by_still_verify(tmp_path, monkeypatch):
    url = f"sqlite:///{(tmp_path / 'govshare.sqlite3').as_posix()}"
    service = build_service(make_settings(tmp_path, database_url=url))
    # An entry as written before requested_by existed.
    old = seal(1, "catalog", "ds-old", "2026-01-01T00:00:00Z", "-", "-", "-", {"entry": {"id": "ds-old"}}, GENESIS)
    with service.store.engine.begin() as conn:
        assert conn.scalar(select(LedgerRow.seq).limit(1)) is None
        conn.execute(insert(LedgerRow), [{**old.content(), "hash": old.hash}])
    for key in ("GOVSHARE_DATA_DIR", "GOVSHARE_POLICY_DIR"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("GOVSHARE_DATABASE_URL", url)
    monkeypatch.setenv("GOVSHARE_BOOTSTRAP_TOKEN", "gs_cli_test_token")
    monkeypatch.setenv("GOVSHARE_RELOAD", "0")
    monkeypatch.setenv("GOVSHARE_JSON_LOGS", "0")  # serve sets it; restored afterwards
    monkeypatch.setattr("adapters.http.app.configure_json_logging", lambda: None)
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: None)  # `serve` up to the point it would listen
    served = CliRunner().invoke(cli, ["serve", "--lang", "en"])
    assert served.exit_code == 0, served.output
    entries = list(service.store.ledger())
    assert entries[-1].kind == "token_created" and entries[-1].body["requested_by"] == {"token": None, "name": "cli"}
    verified = CliRunner().invoke(cli, ["ledger", "verify", "--db", url, "--lang", "en"])
    assert verified.exit_code == 0 and f"{len(entries)} entries" in verified.output, verified.output


# --- reproduction 3: a revoked bootstrap token stays revoked ----------------------

def test_restarting_with_a_revoked_bootstrap_token_starts_and_warns(tmp_path, caplog):
    settings = make_settings(tmp_path)
    client = TestClient(create_app(build_service(settings)))
    mine = next(t for t in client.get("/v1/tokens", headers=ADMIN).json() if t["name"] == "bootstrap admin")
    assert client.post(f"/v1/tokens/{mine['id']}/revoke", headers=ADMIN).status_code == 200
    with caplog.at_level(logging.WARNING):
        started = time.monotonic()
        restarted = TestClient(create_app(build_service(settings)))
        assert time.monotonic() - started < 10
    warning = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert "引导令牌" in warning and "GOVSHARE_BOOTSTRAP_TOKEN" in warning and "revoked" in warning and "not re-created" in warning
    assert restarted.get("/v1/catalog", headers=ADMIN).status_code == 401
    with restarted.app.state.service.store.read() as session:
        assert len(session.scalars(select(TokenRow)).all()) == 1


# --- reproduction 2: revocation on one process holds on another within 1 s -------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(db_url: str, data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "GOVSHARE_DATABASE_URL": db_url, "GOVSHARE_DATA_DIR": str(data_dir), "GOVSHARE_BOOTSTRAP_TOKEN": ADMIN_TOKEN,
           "GOVSHARE_RELOAD": "0", "GOVSHARE_POLICY_DIR": str(PROJECT_ROOT / "policies")}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "adapters.http.app:create_app", "--factory", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def test_a_token_revoked_on_one_server_is_refused_by_another_within_a_second(pg_url, tmp_path):
    from tests.conftest import pg_schema

    with pg_schema(pg_url) as url:
        servers = []
        try:
            servers.append(_serve(url, tmp_path / "a"))  # A first: it creates the schema
            servers.append(_serve(url, tmp_path / "b"))
            (_, a), (_, b) = servers
            issued = httpx.post(f"{a}/v1/tokens", json={"name": "temporary admin", "role": "admin"}, headers=ADMIN).json()
            header = {"Authorization": f"Bearer {issued['token']}"}
            assert httpx.get(f"{b}/v1/catalog", headers=header).status_code == 200  # B has it cached now
            assert httpx.post(f"{a}/v1/tokens/{issued['id']}/revoke", headers=ADMIN).status_code == 200
            revoked_at = time.monotonic()
            # Managing tokens is checked against the database every time: refused at once.
            minted = httpx.post(f"{b}/v1/tokens", json={"name": "minted", "role": "admin"}, headers=header)
            assert minted.status_code == 401, minted.text
            while True:
                status = httpx.get(f"{b}/v1/catalog", headers=header).status_code
                elapsed = time.monotonic() - revoked_at
                if status == 401:
                    break
                assert elapsed < 1.0, f"server B still accepts the revoked token after {elapsed:.2f} s"
                time.sleep(0.05)
            print(f"server B refused the revoked token {elapsed:.3f} s after it was revoked on A")
        finally:
            for proc, _ in servers:
                proc.terminate()
                proc.wait(timeout=30)


def test_a_bound_token_cannot_take_over_another_departments_catalogue_entry(api):
    _, education = issue(api, "教育体育局合规-目录", "compliance", [EDUCATION])
    entry = {**api.get("/v1/catalog/ds-population-basic", headers=ADMIN).json(), "provider": EDUCATION}
    response = api.post("/v1/catalog", json={"entry": entry, "requester": {"department": EDUCATION}}, headers=education)
    assert_refused_as(response, POLICE, "stored entry.provider")
    assert api.get("/v1/catalog/ds-population-basic", headers=ADMIN).json()["provider"] == POLICE


def test_a_bound_token_cannot_decide_a_catalogue_entry_for_another_provider(api):
    _, education = issue(api, "教育体育局平台-目录", "platform", [EDUCATION])
    event = {"action": "catalog", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": EDUCATION},
             "entry": {"id": "ds-new-for-police", "name": "新目录", "provider": POLICE, "share_attribute": "unconditional"}}
    assert_refused_as(api.post("/v1/decisions", json=event, headers=education), POLICE, "entry.provider")


def test_a_bound_token_cannot_delete_another_departments_usage_record(api):
    _, education = issue(api, "教育体育局平台-记录", "platform", [EDUCATION])
    use = {"action": "use", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区民政局"},
           "dataset": "ds-population-basic", "fields": ["name"], "purpose": "社会救助资格审核", "grant": "g-2026-0001",
           "pi_basis": "《个人信息保护法》第十三条第一款第三项", "controls": ["传输加密", "访问权限控制", "操作日志留存"]}
    decision = api.post("/v1/decisions", json=use, headers=ADMIN).json()
    record_id = f"r-{decision['decision_id']}"
    response = api.post(f"/v1/records/{record_id}/delete", json={"requester": {"department": EDUCATION}, "at": "2030-03-02T10:00:00+08:00"},
                        headers=education)
    assert_refused_as(response, "示范区民政局", "record.requester")


def test_an_opa_input_naming_no_string_department_is_refused_not_a_500(api):
    _, education = issue(api, "教育体育局平台-OPA", "platform", [EDUCATION])
    response = api.post("/v1/data/govshare/gdsr", json={"input": {"requester": {"department": ["x"]}}}, headers=education)
    assert response.status_code == 403, response.text
