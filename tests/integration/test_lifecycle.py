"""The sharing lifecycle through the HTTP API, on SQLite and PostgreSQL:
publish → apply → approve → use → misuse suspends → rectify, every step in the
ledger, and tampering found by `govshare ledger verify`."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from adapters.cli import app as cli
from adapters.http.app import create_app
from adapters.service import build_service
from tests.conftest import admin_client, make_settings

MINZHENG = {"department": "示范区民政局", "unit_head_approved": True}
PROVIDER = {"department": "示范区公安局"}
PI_BASIS = "《个人信息保护法》第十三条第一款第三项"
CONTROLS = ["传输加密", "访问权限控制", "操作日志留存"]  # what the demo's important grade requires (art 35)


@pytest.fixture
def api(db_url, tmp_path):
    service = build_service(make_settings(tmp_path, database_url=db_url))
    client = admin_client(create_app(service))
    client.service = service
    return client


def application(**overrides):
    body = {
        "requester": MINZHENG, "dataset": "ds-population-basic", "fields": ["name", "id_number"],
        "purpose": "社会救助资格审核", "legal_basis": "《社会救助暂行办法》第十一条", "scenario": "最低生活保障申请审核",
        "use_scope": {"units": ["社会救助科"]}, "method": "api", "use_until": "2026-12-31", "pi_basis": PI_BASIS,
        "received_on": "2026-03-02", "at": "2026-03-02T09:00:00+08:00",
    }
    return {**body, **overrides}


def use(grant, at, **overrides):
    event = {"action": "use", "at": at, "requester": {"department": "示范区民政局", "unit": "社会救助科"}, "dataset": "ds-population-basic",
             "fields": ["name"], "purpose": "社会救助资格审核", "scenario": "最低生活保障申请审核", "grant": grant,
             "pi_basis": PI_BASIS, "controls": CONTROLS}
    return {**event, **overrides}


def codes(decision):
    return {v["code"] for v in decision["violations"]}


def test_catalogue_entry_breaking_the_rules_is_refused_and_not_stored(api):
    entry = {"id": "ds-new-secret-list", "name": "某不予共享数据", "provider": "示范区公安局", "share_attribute": "not_shareable",
             "legal_basis": [{"type": "departmental_rule", "title": "某部门规章"}]}
    response = api.post("/v1/catalog", json={"entry": entry, "requester": PROVIDER, "at": "2026-03-02T09:00:00+08:00"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "refused"
    assert "GDSR-15-NOT-SHAREABLE-BASIS" in codes(body["decision"])
    assert api.get("/v1/catalog/ds-new-secret-list").status_code == 404


def test_incomplete_application_is_refused_with_the_missing_items(api):
    response = api.post("/v1/applications", json=application(scenario=None, use_until=None))
    assert response.status_code == 422
    items = {v["facts"]["item"] for v in response.json()["decision"]["violations"] if v["code"] == "GDSR-20-APPLICATION-CONTENTS"}
    assert items == {"scenario", "use_until"}


def test_application_gets_its_reply_due_in_working_days(api):
    # ds-population-basic is unconditional: reply within 1 working day (art 21(1)).
    # Received Wednesday 2026-09-30, the last working day before the National Day
    # holiday (10-01..10-07): the reply is due on Thursday 2026-10-08.
    response = api.post("/v1/applications", json=application(received_on="2026-09-30", at="2026-09-30T09:00:00+08:00"))
    assert response.status_code == 201, response.text
    app = response.json()["application"]
    assert (app["status"], app["share_attribute"], app["reply_due"]) == ("pending", "unconditional", "2026-10-08")
    assert api.get(f"/v1/applications/{app['id']}").json()["reply_due"] == "2026-10-08"


def test_whole_lifecycle_with_suspension_and_rectification(api):
    app = api.post("/v1/applications", json=application()).json()["application"]
    reply = api.post(f"/v1/applications/{app['id']}/reply",
                     json={"decision": "approve", "unit_head_approved": True, "at": "2026-03-03T10:00:00+08:00"})
    assert reply.status_code == 200, reply.text
    approved = reply.json()["application"]
    assert approved["status"] == "approved" and approved["grant"] == f"g-{app['id']}"
    grant = approved["grant"]
    assert api.get(f"/v1/grants/{grant}").json()["fields"] == ["name", "id_number"]

    delivered = api.post(f"/v1/applications/{app['id']}/delivery", json={"at": "2026-03-10T10:00:00+08:00"})
    assert delivered.status_code == 200 and delivered.json()["application"]["status"] == "delivered"

    allowed = api.post("/v1/decisions", json=use(grant, "2026-03-11T10:00:00+08:00")).json()
    assert allowed["outcome"] == "allow", allowed
    records = api.get("/v1/records", params={"grant": grant}).json()
    assert [r["decision_id"] for r in records] == [allowed["decision_id"]]

    misuse = api.post("/v1/decisions", json=use(grant, "2026-03-12T10:00:00+08:00", action="transfer",
                                                recipient={"kind": "third_party", "name": "某科技有限公司"})).json()
    assert misuse["outcome"] == "deny" and "GDSR-25-THIRD-PARTY" in codes(misuse)
    assert api.get(f"/v1/grants/{grant}").json()["status"] == "suspended"

    blocked = api.post("/v1/decisions", json=use(grant, "2026-03-13T10:00:00+08:00")).json()
    assert blocked["outcome"] == "deny" and "GDSR-27-SUSPENDED" in codes(blocked)

    assert api.post(f"/v1/grants/{grant}/rectify", json={"note": "已整改"}).json()["status"] == "active"
    again = api.post("/v1/decisions", json=use(grant, "2026-03-16T10:00:00+08:00")).json()
    assert again["outcome"] == "allow"

    verified = api.get("/v1/ledger/verify").json()
    assert verified["intact"] is True and verified["entries"] >= 10


def test_misuse_by_another_department_does_not_suspend_the_holders_grant(api):
    denied = api.post("/v1/decisions", json=use("g-2026-0001", "2026-03-11T10:00:00+08:00",
                                                requester={"department": "示范区教育体育局"})).json()
    assert denied["outcome"] == "deny"
    assert api.get("/v1/grants/g-2026-0001").json()["status"] == "active"


def test_reply_to_unknown_application_is_404_and_delivery_before_approval_is_409(api):
    assert api.post("/v1/applications/a-nope/reply", json={"decision": "approve"}).status_code == 404
    app = api.post("/v1/applications", json=application()).json()["application"]
    response = api.post(f"/v1/applications/{app['id']}/delivery", json={})
    assert response.status_code == 409 and response.json()["error"]["message"]["zh"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/catalog", {"entry": {"id": "x"}, "requester": PROVIDER}, "entry.name"),
        ("/v1/applications", {"dataset": "ds-population-basic"}, "requester"),
        ("/v1/applications", {**application(), "use_until": "someday"}, "use_until"),
        ("/v1/applications/a-x/reply", {"decision": "maybe"}, "decision"),
        ("/v1/grants/g-2026-0001/rectify", {"note": 5}, "note"),
    ],
)
def test_bad_input_on_write_endpoints_names_the_field(api, path, body, field):
    before = api.service.store.ledger_length()
    response = api.post(path, json=body)
    assert response.status_code == 422
    assert field in {f["field"] for f in response.json()["error"]["fields"]}
    assert api.service.store.ledger_length() == before


def test_tampered_row_is_named_by_ledger_verify(api):
    api.post("/v1/decisions", json=use("g-2026-0001", "2026-03-11T10:00:00+08:00"))
    api.post("/v1/decisions", json=use("g-2026-0001", "2026-03-12T10:00:00+08:00"))
    store = api.service.store
    runner = CliRunner()
    ok = runner.invoke(cli, ["ledger", "verify", "--db", store.url])
    assert ok.exit_code == 0 and "台账完整" in ok.output
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE ledger SET policy_revision = 'sha256:forged' WHERE seq = 2"))
    broken = runner.invoke(cli, ["ledger", "verify", "--db", store.url, "--lang", "en"])
    assert broken.exit_code == 1
    assert "entry 2" in broken.output and "altered" in broken.output


def test_masked_fields_never_reach_the_ledger(db_url, tmp_path):
    service = build_service(make_settings(tmp_path, database_url=db_url, log_mask=("/scenario", "/requester/region")))
    client = admin_client(create_app(service))
    client.post("/v1/decisions", json=use("g-2026-0001", "2026-03-11T10:00:00+08:00", scenario="核查张三的低保申请",
                                          requester={"department": "示范区民政局", "region": "419001"}))
    entries = [e for e in service.store.ledger() if e.kind == "decision"]
    logged = entries[-1].body["input"]
    assert logged["scenario"] == "**MASKED**" and logged["requester"]["region"] == "**MASKED**"
    assert "张三" not in str([e.body for e in service.store.ledger()])


def test_a_second_worker_sees_catalogue_writes_of_the_first(db_url, tmp_path):
    """Two services on one database (as two worker processes are): a grant the
    first one suspends is seen by the second, so it never decides on stale data."""
    first = admin_client(create_app(build_service(make_settings(tmp_path, database_url=db_url, data_poll_seconds=0))))
    second_service = build_service(make_settings(tmp_path, database_url=db_url, data_poll_seconds=0))
    second = admin_client(create_app(second_service))
    before = second.post("/v1/decisions", json=use("g-2026-0001", "2026-03-11T10:00:00+08:00")).json()
    assert before["outcome"] == "allow"
    first.post("/v1/decisions", json=use("g-2026-0001", "2026-03-11T11:00:00+08:00", purpose="招商引资"))
    after = second.post("/v1/decisions", json=use("g-2026-0001", "2026-03-11T12:00:00+08:00")).json()
    assert after["outcome"] == "deny" and "GDSR-27-SUSPENDED" in codes(after)
    assert after["data_revision"] != before["data_revision"]


def test_usage_record_younger_than_three_years_cannot_be_deleted(api):
    decided = api.post("/v1/decisions", json=use("g-2026-0001", "2026-03-11T10:00:00+08:00")).json()
    assert decided["outcome"] == "allow"
    record_id = f"r-{decided['decision_id']}"
    patched = api.patch(f"/v1/records/{record_id}", json={"results": "按时完成低保资格审核", "storage": "本部门业务库"})
    assert patched.status_code == 200 and patched.json()["results"] == "按时完成低保资格审核"

    early = api.post(f"/v1/records/{record_id}/delete", json={"requester": {"department": "示范区民政局"}, "at": "2027-03-10T10:00:00+08:00"})
    assert early.status_code == 422
    refused = early.json()["decision"]["violations"]
    assert [(v["code"], v["article"], v["paragraph"], v["liability"]) for v in refused] == [("GDSR-29-RECORD-RETENTION", 29, 2, "40(5)")]
    assert [r["id"] for r in api.get("/v1/records", params={"grant": "g-2026-0001"}).json()] == [record_id]

    later = api.post(f"/v1/records/{record_id}/delete", json={"requester": {"department": "示范区民政局"}, "at": "2029-03-12T10:00:00+08:00"})
    assert later.status_code == 200, later.text
    assert api.get("/v1/records", params={"grant": "g-2026-0001"}).json() == []
    kinds = [e.kind for e in api.service.store.ledger()]
    assert "usage_record_deleted" in kinds and api.get("/v1/ledger/verify").json()["intact"]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/v1/applications/a-x/material", {"at": "yesterday"}, "at"),
        ("post", "/v1/applications/a-x/delivery", {"when": "now"}, "when"),
        ("patch", "/v1/records/r-x", {"results": ["not", "text"]}, "results"),
        ("post", "/v1/records/r-x/delete", {}, "requester"),
        ("post", "/v1/grants/g-2026-0001/terminate", {"note": {"x": 1}}, "note"),
    ],
)
def test_bad_input_on_the_other_write_endpoints_names_the_field(api, method, path, body, field):
    response = getattr(api, method)(path, json=body)
    assert response.status_code == 422, response.text
    assert field in {f["field"] for f in response.json()["error"]["fields"]}


def test_unknown_ids_are_404_in_both_languages(api):
    for path in ("/v1/grants/g-nope", "/v1/applications/a-nope", "/v1/catalog/ds-nope"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["message"]["zh"].startswith("没有")
    assert api.patch("/v1/records/r-nope", json={"results": "x"}).status_code == 404


def test_reply_extensions_add_up_to_at_most_ten_working_days(api):
    # ds-household-registration is conditional: 10 working days to reply (art 21(1)),
    # and extensions may add at most 10 more in all — however many there are.
    app = api.post("/v1/applications", json=application(dataset="ds-household-registration", fields=["name"],
                                                         received_on="2026-03-02")).json()
    assert "application" in app, app
    app = app["application"]
    assert app["reply_due"] == "2026-03-16"

    def extend(days, at):
        return api.post(f"/v1/applications/{app['id']}/reply", json={
            "decision": "extend", "unit_head_approved": True, "at": at,
            "extension": {"working_days": days, "approved_by_competent": True, "requester_notified": True}})

    first = extend(4, "2026-03-10T10:00:00+08:00")
    assert first.status_code == 200, first.text
    assert first.json()["application"]["reply_due"] == "2026-03-20"
    second = extend(6, "2026-03-11T10:00:00+08:00")
    assert second.status_code == 200, second.text
    assert (second.json()["application"]["extension"]["working_days"], second.json()["application"]["reply_due"]) == (10, "2026-03-30")
    third = extend(1, "2026-03-12T10:00:00+08:00")
    assert third.status_code == 422
    assert {v["facts"]["problem"] for v in third.json()["decision"]["violations"]} == {"too_long"}
    assert api.get(f"/v1/applications/{app['id']}").json()["reply_due"] == "2026-03-30"


def test_the_scope_of_use_applied_for_limits_the_grant(api):
    """使用范围 is who uses the data (art 20(2)): the grant keeps the units applied
    for, a use by one of them is allowed, by another unit of the same department
    it is beyond scope (art 25(1), liability 40(2)) and suspends the grant (27(2))."""
    created = api.post("/v1/applications", json=application(use_scope={"units": ["社会救助科", "低保审核中心"], "regions": ["419001"]}))
    assert created.status_code == 201, created.text
    app = created.json()["application"]
    assert app["request"]["use_scope"] == {"units": ["社会救助科", "低保审核中心"], "regions": ["419001"], "businesses": []}
    reply = api.post(f"/v1/applications/{app['id']}/reply", json={"decision": "approve", "unit_head_approved": True, "at": "2026-03-02T15:00:00+08:00"})
    assert reply.status_code == 200, reply.text
    grant = f"g-{app['id']}"
    stored = api.get(f"/v1/grants/{grant}").json()
    assert stored["use_scope"]["units"] == ["社会救助科", "低保审核中心"] and stored["fields"] == ["name", "id_number"]
    inside = api.post("/v1/decisions", json=use(grant, "2026-03-03T10:00:00+08:00", requester={"department": "示范区民政局", "unit": "低保审核中心", "region": "419001"})).json()
    assert inside["outcome"] == "allow", inside
    outside = api.post("/v1/decisions", json=use(grant, "2026-03-03T11:00:00+08:00", requester={"department": "示范区民政局", "unit": "养老服务科", "region": "419001"})).json()
    assert codes(outside) == {"GDSR-25-SCOPE"} and outside["violations"][0]["liability"] == "40(2)"
    assert api.get(f"/v1/grants/{grant}").json()["status"] == "suspended"


def test_an_application_stating_no_scope_of_use_is_refused(api):
    response = api.post("/v1/applications", json=application(use_scope={"units": [], "regions": []}))
    assert response.status_code == 422
    items = {v["facts"]["item"] for v in response.json()["decision"]["violations"] if v["code"] == "GDSR-20-APPLICATION-CONTENTS"}
    assert items == {"use_scope"}
