"""What happens to a grant after approval, through the HTTP API: the end of its
purpose (art 27(1)) refuses every later use and owes disposal until reported
done; a security incident in its use (art 34(2)) is cited against the
requester with the response art 35(3) requires owed until reported, and does
not suspend the grant. Who reports rests on the caller's token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from adapters.http.app import create_app
from adapters.service import build_service
from tests.conftest import ADMIN, admin_client, make_settings

MINZHENG, POLICE, EDUCATION = "示范区民政局", "示范区公安局", "示范区教育体育局"
GRANT = "g-2026-0001"  # 民政局's grant on 公安局's ds-population-basic; the provider requires deletion
PI_BASIS = "《个人信息保护法》第十三条第一款第三项"
CONTROLS = ["传输加密", "访问权限控制", "操作日志留存"]


@pytest.fixture
def api(tmp_path):
    service = build_service(make_settings(tmp_path))
    client = admin_client(create_app(service))
    client.service = service
    return client


def use(at: str, action: str = "use", **overrides):
    event = {"action": action, "at": at, "requester": {"department": MINZHENG}, "dataset": "ds-population-basic",
             "fields": ["name"], "purpose": "社会救助资格审核", "scenario": "最低生活保障申请审核", "grant": GRANT,
             "pi_basis": PI_BASIS, "controls": CONTROLS}
    if action == "transfer":
        event["recipient"] = {"kind": "third_party", "name": "示范区社会救助服务中心"}
    return {**event, **overrides}


def codes(decision, kind="violations"):
    return {v["code"] for v in decision[kind]}


def ledger_kinds(api, ref):
    return [entry.kind for entry in api.service.store.ledger() if entry.ref == ref]


def test_after_the_purpose_ends_use_and_transfer_are_refused_and_disposal_is_owed_until_done(api):
    assert api.post("/v1/decisions", json=use("2026-03-02T10:00:00+08:00")).json()["outcome"] == "allow"
    ended = api.post(f"/v1/grants/{GRANT}/purpose-ended", json={"reason": "achieved", "reported_by": "requester", "at": "2026-03-03T09:00:00+08:00"})
    assert ended.status_code == 200, ended.text
    grant = ended.json()
    assert grant["purpose_ended"] == {"reason": "achieved", "on": "2026-03-03", "reported_by": "requester", "department": MINZHENG}
    assert grant["status"] == "active"  # art 27(1) owes disposal; it does not suspend (27(2) is for misuse)
    assert [o["owed"] for o in grant["owed"]] == ["disposal"]
    assert grant["owed"][0]["disposal_requirement"] == "delete" and grant["owed"][0]["article"] == 27

    for action in ("use", "transfer"):
        refused = api.post("/v1/decisions", json=use("2026-03-04T10:00:00+08:00", action)).json()
        assert refused["outcome"] == "deny" and codes(refused) == {"GDSR-27-PURPOSE-ENDED"}, refused
        (violation,) = refused["violations"]
        assert (violation["article"], violation["paragraph"], violation["liability"]) == (27, 1, "40(4)")
        assert "依共享授权g-2026-0001获取的“人口基础信息”，共享目的已实现（需求部门报告，2026-03-03登记）" in violation["message"]["zh"]
        assert "has been achieved" in violation["message"]["en"]
    assert api.get(f"/v1/grants/{GRANT}").json()["status"] == "active"  # refused, never suspended

    owed = api.get("/v1/owed").json()
    assert [(g["grant"], [o["owed"] for o in g["owed"]]) for g in owed] == [(GRANT, ["disposal"])]

    # A disposal that does not meet the provider's requirement is refused and leaves it owed.
    wrong = api.post(f"/v1/grants/{GRANT}/disposal", json={"method": "archive", "at": "2026-03-05T09:00:00+08:00"})
    assert wrong.status_code == 422 and codes(wrong.json()["decision"]) == {"GDSR-27-DISPOSAL"}
    assert api.get(f"/v1/grants/{GRANT}").json()["owed"][0]["owed"] == "disposal"

    done = api.post(f"/v1/grants/{GRANT}/disposal", json={"method": "delete", "at": "2026-03-05T10:00:00+08:00"})
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["decision"]["outcome"] == "allow"
    assert body["grant"]["disposed"] == {"on": "2026-03-05", "method": "delete", "decision_id": body["decision"]["decision_id"]}
    assert body["grant"]["owed"] == [] and api.get("/v1/owed").json() == []
    # Disposed of, the data is gone: the grant still does not serve a use.
    assert codes(api.post("/v1/decisions", json=use("2026-03-06T10:00:00+08:00")).json()) == {"GDSR-27-PURPOSE-ENDED"}
    assert api.post(f"/v1/grants/{GRANT}/disposal", json={"method": "delete"}).status_code == 409
    kinds = ledger_kinds(api, GRANT)
    assert kinds.index("grant_purpose_ended") < kinds.index("grant_disposed")


def test_the_end_of_a_purpose_is_recorded_once_and_disposal_needs_it(api):
    assert api.post(f"/v1/grants/{GRANT}/disposal", json={"method": "delete"}).status_code == 409
    first = api.post(f"/v1/grants/{GRANT}/purpose-ended", json={"reason": "unnecessary", "reported_by": "provider"})
    assert first.status_code == 200 and first.json()["purpose_ended"]["department"] == POLICE
    again = api.post(f"/v1/grants/{GRANT}/purpose-ended", json={"reason": "impossible", "reported_by": "competent"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "state_conflict"
    assert api.get(f"/v1/grants/{GRANT}").json()["purpose_ended"]["reason"] == "unnecessary"


@pytest.mark.parametrize("body, field", [
    ({"reason": "finished", "reported_by": "requester"}, "reason"),
    ({"reason": "achieved", "reported_by": "someone"}, "reported_by"),
    ({"reason": "achieved"}, "reported_by"),
])
def test_a_bad_purpose_end_report_names_the_field(api, body, field):
    response = api.post(f"/v1/grants/{GRANT}/purpose-ended", json=body)
    assert response.status_code == 422
    assert field in {f["field"] for f in response.json()["error"]["fields"]}, response.json()
    assert "purpose_ended" not in api.get(f"/v1/grants/{GRANT}").json()


def test_an_unknown_grant_is_404(api):
    assert api.post("/v1/grants/g-none/purpose-ended", json={"reason": "achieved", "reported_by": "requester"}).status_code == 404
    incident = {"kind": "leak", "occurred_at": "2026-03-01T09:00:00+08:00", "description": "x", "reported_by": "requester"}
    assert api.post("/v1/grants/g-none/incidents", json=incident).status_code == 404


def test_a_security_incident_is_cited_against_the_requester_and_owes_the_response_without_suspending(api):
    incident = {"kind": "leak", "occurred_at": "2026-03-01T09:00:00+08:00", "description": "接口账号被冒用，导出约200条记录",
                "reported_by": "provider", "at": "2026-03-02T09:00:00+08:00"}
    recorded = api.post(f"/v1/grants/{GRANT}/incidents", json=incident)
    assert recorded.status_code == 201, recorded.text
    body = recorded.json()
    decision = body["decision"]
    assert decision["outcome"] == "allow" and decision["violations"] == []
    assert codes(decision, "breaches") == {"GDSR-34-INCIDENT"}
    (breach,) = decision["breaches"]
    assert (breach["article"], breach["paragraph"], breach["liability"], breach["severity"]) == (34, 2, "40(6)", "breach")
    assert "“示范区民政局”在使用依共享授权g-2026-0001获取的“人口基础信息”过程中" in breach["message"]["zh"] and "数据泄露" in breach["message"]["zh"]
    assert [(o["code"], o["article"], o["paragraph"]) for o in decision["obligations"]] == [("GDSR-35-INCIDENT-RESPONSE", 35, 3)]

    record = body["incident"]
    assert (record["kind"], record["reported_by"], record["department"]) == ("leak", "provider", POLICE)
    assert record["breaches"] == ["GDSR-34-INCIDENT"] and record["obligations"] == ["GDSR-35-INCIDENT-RESPONSE"]
    grant = api.get(f"/v1/grants/{GRANT}").json()
    assert grant["status"] == "active"  # no article suspends a grant for an incident
    assert [(o["owed"], o["incident"]) for o in grant["owed"]] == [("incident_response", record["id"])]
    assert api.post("/v1/decisions", json=use("2026-03-02T10:00:00+08:00")).json()["outcome"] == "allow"
    assert "grant_incident" in ledger_kinds(api, GRANT)

    response_path = f"/v1/grants/{GRANT}/incidents/{record['id']}/response"
    half = api.post(response_path, json={"emergency_plan_started": False, "measures": "停用账号", "reported_to": ["示范区政务服务和大数据管理局"]})
    assert half.status_code == 422 and "emergency_plan_started" in {f["field"] for f in half.json()["error"]["fields"]}
    assert api.post(response_path, json={"emergency_plan_started": True, "measures": "停用账号", "reported_to": []}).status_code == 422
    reported = api.post(response_path, json={"emergency_plan_started": True, "measures": "停用账号、封堵接口、通知受影响人员",
                                             "reported_to": ["示范区政务服务和大数据管理局", "示范区公安局网安大队"], "on": "2026-03-02"})
    assert reported.status_code == 200, reported.text
    assert reported.json()["owed"] == [] and reported.json()["incidents"][0]["response"]["on"] == "2026-03-02"
    assert api.post(response_path, json={"emergency_plan_started": True, "measures": "x", "reported_to": ["y"]}).status_code == 409
    assert api.post(f"/v1/grants/{GRANT}/incidents/inc-none/response",
                    json={"emergency_plan_started": True, "measures": "x", "reported_to": ["y"]}).status_code == 404


@pytest.mark.parametrize("change, field", [
    ({"kind": "lost"}, "kind"),
    ({"description": ""}, "description"),
    ({"occurred_at": "2026-03-05T09:00:00+08:00"}, "occurred_at"),  # after the time it is recorded
])
def test_a_bad_incident_report_names_the_field_and_records_nothing(api, change, field):
    incident = {"kind": "tampering", "occurred_at": "2026-03-01T09:00:00+08:00", "description": "数据被篡改",
                "reported_by": "requester", "at": "2026-03-02T09:00:00+08:00", **change}
    response = api.post(f"/v1/grants/{GRANT}/incidents", json=incident)
    assert response.status_code == 422, response.text
    assert field in {f["field"] for f in response.json()["error"]["fields"]}, response.json()
    assert "incidents" not in api.get(f"/v1/grants/{GRANT}").json()


@pytest.fixture
def bound(tmp_path):
    service = build_service(make_settings(tmp_path))
    client = TestClient(create_app(service))

    def token(name, role, departments=None):
        body = {"name": name, "role": role, **({"departments": departments} if departments is not None else {})}
        issued = client.post("/v1/tokens", json=body, headers=ADMIN)
        assert issued.status_code == 201, issued.text
        return {"Authorization": f"Bearer {issued.json()['token']}"}

    client.token = token
    return client


def test_who_reports_rests_on_the_token_not_on_the_claim(bound):
    education = bound.token("教育体育局", "platform", [EDUCATION])
    minzheng = bound.token("民政局", "platform", [MINZHENG])
    police = bound.token("公安局合规", "compliance", [POLICE])
    platform = bound.token("平台", "platform")
    ended = {"reason": "achieved"}
    # A department that is neither party cannot report as either.
    for party in ("requester", "provider"):
        refused = bound.post(f"/v1/grants/{GRANT}/purpose-ended", json={**ended, "reported_by": party}, headers=education)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "department_not_allowed"
    # The requester's token cannot claim to be the provider, nor the competent department.
    assert bound.post(f"/v1/grants/{GRANT}/purpose-ended", json={**ended, "reported_by": "provider"}, headers=minzheng).status_code == 403
    # Nor can a bound compliance token, nor a platform-wide token without govern.
    for headers in (minzheng, police, platform):
        refused = bound.post(f"/v1/grants/{GRANT}/purpose-ended", json={**ended, "reported_by": "competent"}, headers=headers)
        assert refused.status_code == 403 and "reported_by" in {f["field"] for f in refused.json()["error"]["fields"]}
    assert "purpose_ended" not in bound.get(f"/v1/grants/{GRANT}", headers=ADMIN).json()
    # The provider's own token may find it; only the requester reports its disposal.
    found = bound.post(f"/v1/grants/{GRANT}/purpose-ended", json={**ended, "reported_by": "provider"}, headers=police)
    assert found.status_code == 200 and found.json()["purpose_ended"]["department"] == POLICE
    assert bound.post(f"/v1/grants/{GRANT}/disposal", json={"method": "delete"}, headers=police).status_code == 403
    assert bound.post(f"/v1/grants/{GRANT}/disposal", json={"method": "delete"}, headers=minzheng).status_code == 200
    # The competent department acts with a platform-wide govern token.
    incident = {"kind": "illegal_use", "occurred_at": "2026-03-01T09:00:00+08:00", "description": "超出职责查询", "reported_by": "competent"}
    assert bound.post("/v1/grants/g-2026-0005/incidents", json=incident, headers=police).status_code == 403
    recorded = bound.post("/v1/grants/g-2026-0005/incidents", json=incident, headers=ADMIN)
    assert recorded.status_code == 201 and "department" not in recorded.json()["incident"]  # the ledger names the token
    assert recorded.json()["incident"]["reported_by"] == "competent"


def test_a_platform_s_own_grant_cannot_reopen_a_grant_whose_purpose_ended(tmp_path):
    client = admin_client(create_app(build_service(make_settings(tmp_path, accept_inline_state=True))))
    own = {"id": "plat-g-1", "dataset": "ds-population-basic", "requester": MINZHENG, "fields": ["name"], "purposes": ["社会救助资格审核"],
           "valid_from": "2026-01-01", "valid_until": "2026-12-31"}
    event = use("2026-03-04T10:00:00+08:00", grant="plat-g-1", inline={"grant": own})
    assert client.post("/v1/decisions", json=event).json()["outcome"] == "allow"  # the control
    assert client.post(f"/v1/grants/{GRANT}/purpose-ended", json={"reason": "achieved", "reported_by": "requester"}).status_code == 200
    refused = client.post("/v1/decisions", json=event)
    assert refused.status_code == 422, refused.text
    (field,) = [f for f in refused.json()["error"]["fields"] if f["field"] == "inline.grant"]
    assert "共享目的已终了（第二十七条第一款）" in field["problem"]["zh"] and "art 27(1)" in field["problem"]["en"]


@pytest.mark.parametrize("path, body", [
    ("/v1/grants/g-2026-0001/purpose-ended", {"reason": "achieved", "reported_by": "requester"}),
    ("/v1/grants/g-2026-0001/incidents", {"kind": "leak", "occurred_at": "2026-03-01T10:00:00", "description": "泄露", "reported_by": "requester"}),
    ("/v1/grants/g-2026-0001/rectify", {}),
    ("/v1/applications/a-x/delivery", {}),
])
def test_a_step_time_with_no_beijing_equivalent_is_a_422_on_at(api, path, body):
    """0001-01-01T00:00+14:00 is a valid ISO time that falls before year 1 in
    Beijing time: the field is refused, never a server error, and nothing changes."""
    response = api.post(path, json={**body, "at": "0001-01-01T00:00:00+14:00"})
    assert response.status_code == 422, response.text
    assert "at" in {f["field"] for f in response.json()["error"]["fields"]}, response.text
    assert api.get("/v1/grants/g-2026-0001").json().get("purpose_ended") is None
