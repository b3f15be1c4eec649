"""Steps for what happens to a grant after approval, through the lifecycle's
HTTP routes: the end of its purpose and the disposal it owes (art 27(1)), and
security incidents in its use with the response they owe (arts 34(2), 35(3)).

They change the stored grant; the `client` fixture puts the demo catalogue
back after each scenario."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from tests.bdd.conftest import Outcome, lookup, q, split_list

PARTIES = {"需求部门报告": "requester", "提供部门认定": "provider", "主管部门认定": "competent",
           "提供部门发现": "provider", "主管部门发现": "competent"}
PURPOSE_ENDS = {"共享目的已实现": "achieved", "共享目的无法实现": "impossible", "为实现共享目的不再必要": "unnecessary"}
INCIDENT_KINDS = {"篡改": "tampering", "破坏": "destruction", "泄露": "leak", "非法利用": "illegal_use"}
OWED = {"待按要求处置": ["disposal"], "待应急处置和报告": ["incident_response"], "不再有待办事项": []}


@pytest.fixture
def recorded_incidents() -> dict[str, str]:
    """grant → the id of the last incident a step recorded on it."""
    return {}


def _record(result: Outcome, response: Any) -> None:
    """A lifecycle step answered with its decision (allowed, or refused with 422)."""
    assert response.status_code in (200, 201, 422), f"HTTP {response.status_code}: {response.text}"
    decision = response.json()["decision"]
    assert decision["allow"] is (decision["outcome"] == "allow"), decision
    result.record(decision)


@given(parsers.re(r"(?P<party>需求部门报告|提供部门认定|主管部门认定)：授权 " + q("grant")
                  + r" (?P<reason>共享目的已实现|共享目的无法实现|为实现共享目的不再必要)"))
def purpose_ended(client, event, party, grant, reason):
    body = {"reason": lookup(PURPOSE_ENDS, reason, "目的终了的情形"), "reported_by": PARTIES[party], "at": event["at"]}
    response = client.post(f"/v1/grants/{grant}/purpose-ended", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["purpose_ended"]["reported_by"] == PARTIES[party]


@when(parsers.re(r"需求部门报告已以 " + q("method") + r" 方式处置授权 " + q("grant") + r" 的数据"))
def disposal_reported(client, event, result, method, grant):
    _record(result, client.post(f"/v1/grants/{grant}/disposal", json={"method": method, "at": event["at"]}))


@when(parsers.re(r"(?P<party>需求部门报告|提供部门发现|主管部门发现)：授权 " + q("grant") + r" 的数据于 " + q("occurred_at")
                 + r" 遭(?P<kind>篡改|破坏|泄露|非法利用)，经过为 " + q("description")))
def incident_recorded(client, event, result, recorded_incidents, party, grant, occurred_at, kind, description):
    body = {"kind": INCIDENT_KINDS[kind], "occurred_at": occurred_at, "description": description,
            "reported_by": PARTIES[party], "at": event["at"]}
    response = client.post(f"/v1/grants/{grant}/incidents", json=body)
    _record(result, response)
    if response.status_code == 201:
        recorded_incidents[grant] = response.json()["incident"]["id"]


@when(parsers.re(r"需求部门报告授权 " + q("grant") + r" 的安全事件已启动应急预案，采取了 " + q("measures")
                 + r"，并已向 " + q("reported_to") + r" 报告"))
def incident_response_reported(client, recorded_incidents, grant, measures, reported_to):
    assert grant in recorded_incidents, f"授权 {grant} 上没有本场景登记的安全事件"
    body = {"emergency_plan_started": True, "measures": measures, "reported_to": split_list(reported_to)}
    response = client.post(f"/v1/grants/{grant}/incidents/{recorded_incidents[grant]}/response", json=body)
    assert response.status_code == 200, response.text


@then(parsers.re(r"授权 " + q("grant") + r" 仍为有效，(?P<owed>待按要求处置|待应急处置和报告|不再有待办事项)"))
def grant_still_active_with(client, grant, owed):
    stored = client.get(f"/v1/grants/{grant}").json()
    assert stored["status"] == "active", f"授权 {grant} 的状态是 {stored['status']}，不应暂停或终止：{stored}"
    assert [item["owed"] for item in stored["owed"]] == OWED[owed], stored["owed"]


@then(parsers.re(r"待办清单列出授权 " + q("grant") + r" 的(?P<owed>按要求处置|应急处置和报告)"))
def owed_listing(client, grant, owed):
    kind = {"按要求处置": "disposal", "应急处置和报告": "incident_response"}[owed]
    listed = {g["grant"]: [item["owed"] for item in g["owed"]] for g in client.get("/v1/owed").json()}
    assert kind in listed.get(grant, []), listed
