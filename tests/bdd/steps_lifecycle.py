"""Steps of the whole-lifecycle feature (共享全流程): a fresh platform per
scenario (its own SQLite file), driven through the HTTP API."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pytest_bdd import given, parsers, then, when
from sqlalchemy import text
from typer.testing import CliRunner

from adapters.cli import app as cli
from adapters.http.app import create_app
from adapters.service import build_service
from tests.bdd.conftest import BREACHES, Outcome
from tests.conftest import admin_client, make_settings

PI_BASIS = "《个人信息保护法》第十三条第一款第三项"


def _q(name: str) -> str:
    return rf'"(?P<{name}>[^"]*)"'


class Flow:
    def __init__(self, client: TestClient, service: Any):
        self.client, self.service = client, service
        self.entry: dict[str, Any] = {}
        self.application: dict[str, Any] = {}
        self.grant: str | None = None
        self.requester: str = ""
        self.purpose: str = ""
        self.fields: list[str] = []
        self.response: Any = None
        # The decisions of record, each of whose codes the 那么 steps must name
        # in full (checked as the next one arrives and after the scenario).
        self.outcome = Outcome()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        self.response = self.client.post(path, json=body)
        return self.response

    def use(self, day: str, **extra: Any) -> dict[str, Any]:
        event = {"action": "use", "at": f"{day}T10:00:00+08:00", "requester": {"department": self.requester, "unit": "社会救助科"},
                 "dataset": self.entry["id"], "fields": self.fields, "purpose": self.purpose, "scenario": "新生入学查验",
                 "grant": self.grant, "pi_basis": PI_BASIS, **extra}
        response = self.post("/v1/decisions", event)
        assert response.status_code == 200, response.text
        decision = response.json()
        self.outcome.record(decision)
        return decision


@pytest.fixture
def flow(tmp_path) -> Flow:
    service = build_service(make_settings(tmp_path, seed_demo=False))
    return Flow(admin_client(create_app(service)), service)


def _split(text_: str) -> list[str]:
    return [part.strip() for part in text_.split("、") if part.strip()]


@given("一个空白的共享平台")
def empty_platform(flow):
    assert flow.client.get("/v1/catalog").json() == []


@given(parsers.re(r"(?P<provider>\S+) 于 " + _q("day") + r" 发布有条件共享目录 " + _q("entry_id") + r"「(?P<name>[^」]+)」，共享范围 "
                  + _q("scope") + r"，使用用途 " + _q("purpose")))
def publish(flow, provider, day, entry_id, name, scope, purpose):
    flow.entry = {
        "id": entry_id, "name": name, "provider": provider, "share_attribute": "conditional",
        "methods": ["api", "verify"], "conditions": {"scope": _split(scope), "purposes": [purpose]},
        "classification": "个人信息", "grade": "important", "data_format": "JSON", "update_frequency": "每日",
        "fields": [{"name": "name", "label": "姓名", "personal": True}, {"name": "vaccination_status", "label": "接种状态", "personal": True, "sensitive": True}],
        "assessments": {"secrecy_risk": True, "pi_impact": True}, "head_approved": True,
    }
    response = flow.post("/v1/catalog", {"entry": flow.entry, "requester": {"department": provider}, "at": f"{day}T09:00:00+08:00"})
    assert response.status_code == 201, response.text


@when(parsers.re(r"(?P<department>\S+) 于 " + _q("day") + r" 申请使用该目录的数据项 " + _q("fields") + r"，用途 " + _q("purpose")))
def apply(flow, department, day, fields, purpose):
    flow.requester, flow.purpose, flow.fields = department, purpose, _split(fields)
    body = {"requester": {"department": department, "unit_head_approved": True}, "dataset": flow.entry["id"], "fields": flow.fields,
            "purpose": purpose, "legal_basis": "《中华人民共和国疫苗管理法》第四十八条", "scenario": "新生入学查验",
            "use_scope": {"units": ["社会救助科"]}, "method": "api", "use_until": "2027-08-31", "pi_basis": PI_BASIS, "received_on": day, "at": f"{day}T09:00:00+08:00"}
    flow.post("/v1/applications", body)


@then(parsers.re(r"申请登记成功，答复期限为 " + _q("due")))
def application_registered(flow, due):
    assert flow.response.status_code == 201, flow.response.text
    flow.application = flow.response.json()["application"]
    assert flow.application["reply_due"] == due


@when(parsers.re(r"查看截至 " + _q("day") + r" 的逾期清单"))
def overdue_list(flow, day):
    flow.response = flow.client.get("/v1/overdue", params={"at": f"{day}T09:00:00+08:00"})


@then(parsers.re(r"该申请逾期未答复，已发生违规 " + _q("code") + r"，责任条款 " + _q("liability")))
def overdue_reply(flow, code, liability):
    rows = [r for r in flow.response.json() if r["application"]["id"] == flow.application["id"]]
    assert [(r["breach"]["code"], r["breach"]["liability"]) for r in rows] == [(code, liability)], rows


@when(parsers.re(r"提供部门于 " + _q("day") + r" 同意共享"))
def approve(flow, day):
    flow.post(f"/v1/applications/{flow.application['id']}/reply",
              {"decision": "approve", "unit_head_approved": True, "at": f"{day}T10:00:00+08:00"})


@then(parsers.re(r"形成有效的共享授权，本次答复记录了已发生违规 " + _q("code")))
def approved(flow, code):
    assert flow.response.status_code == 200, flow.response.text
    body = flow.response.json()
    flow.grant = body["application"]["grant"]
    flow.outcome.record(body["decision"])
    assert [b["code"] for b in body["decision"]["breaches"]] == [code], body["decision"]["breaches"]
    flow.outcome.state(BREACHES, {code})
    assert flow.client.get(f"/v1/grants/{flow.grant}").json()["status"] == "active"


@when(parsers.re(r"提供部门于 " + _q("day") + r" 交付数据"))
def deliver(flow, day):
    flow.post(f"/v1/applications/{flow.application['id']}/delivery", {"at": f"{day}T10:00:00+08:00"})


@then("交付期限内完成，没有已发生违规")
def delivered(flow):
    assert flow.response.status_code == 200, flow.response.text
    flow.outcome.record(flow.response.json()["decision"])
    assert flow.outcome.breaches == [], flow.outcome.breaches


@when(parsers.re(r"需求部门于 " + _q("day") + r" 以获准用途使用该数据"))
def use_granted(flow, day):
    flow.decision = flow.use(day)


@when(parsers.re(r"需求部门于 " + _q("day") + r" 把该数据提供给第三方 " + _q("recipient")))
def transfer(flow, day, recipient):
    flow.decision = flow.use(day, action="transfer", recipient={"kind": "third_party", "name": recipient})


@then(parsers.re(r"流程决策结果为 " + _q("outcome") + r"(?:，违规包含 " + _q("code") + r")?$"))
def flow_outcome(flow, outcome, code):
    assert flow.decision["outcome"] == outcome, flow.decision
    if code:
        flow.outcome.with_code(code)


@then("该共享授权已暂停")
def suspended(flow):
    assert flow.client.get(f"/v1/grants/{flow.grant}").json()["status"] == "suspended"


@when("提供部门确认整改完成，恢复该共享授权")
def rectify(flow):
    response = flow.post(f"/v1/grants/{flow.grant}/rectify", {"note": "已收回数据并完成整改"})
    assert response.status_code == 200 and response.json()["status"] == "active", response.text


@then(parsers.re(r"该授权下保存了 (?P<count>\d+) 条使用记录"))
def records_kept(flow, count):
    records = flow.client.get("/v1/records", params={"grant": flow.grant}).json()
    assert len(records) == int(count), records
    assert all(r["requester"] == flow.requester and r["dataset"] == flow.entry["id"] for r in records)


@then("台账校验完整")
def ledger_intact(flow):
    result = CliRunner().invoke(cli, ["ledger", "verify", "--db", flow.service.store.url])
    assert result.exit_code == 0 and "台账完整" in result.output, result.output


@when(parsers.re(r"有人直接改动数据库中台账第 (?P<seq>\d+) 条记录的内容"))
def tamper(flow, seq):
    with flow.service.store.engine.begin() as conn:
        conn.execute(text("UPDATE ledger SET ref = 'forged' WHERE seq = :seq"), {"seq": int(seq)})


@then(parsers.re(r"台账校验指出第 (?P<seq>\d+) 条记录被改动"))
def ledger_names_break(flow, seq):
    result = CliRunner().invoke(cli, ["ledger", "verify", "--db", flow.service.store.url])
    assert result.exit_code == 1
    assert f"第 {seq} 条" in result.output and "被改动" in result.output, result.output
