"""Step definitions for chapter 4 (共享使用): collecting (art 19), replying to an
application (arts 20(3), 21), delivering (art 22), returning data to a lower
level (art 24), verification requests (art 26), disposal and ending a service
(art 27) and deleting usage records (art 29(2)); plus the steps that check the
decision's `breaches` (deadlines already missed: reported with their liability,
not blocking the act). Imported by conftest.py so every feature sees them;
shared fixtures and helpers (event, result, send, q, split_list, …) live there.

The "假如" steps that name demo data (who provides a dataset, what a grant
requires, which catalogue entries share a data item) check the stored demo
catalogue instead of changing it, so a scenario fails where its premise no
longer holds.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_bdd import given, parsers, then, when

from tests.bdd.conftest import (
    BREACHES,
    DEPT,
    YES_NO,
    catalog_entry,
    completeness_problem,
    grant_record,
    lookup,
    q,
    send,
    split_list,
)

# The PIPL basis a department states when it handles personal information
# (GDSR art 37); every event here that carries personal data items states one.
PI_BASIS = "《个人信息保护法》第十三条第一款第三项"

REPLY_DECISIONS = {"同意共享": "approve", "不同意共享": "refuse", "要求补充材料": "request_material", "延期答复": "extend"}
DISPOSAL_REASONS = {"共享目的已实现": "achieved", "共享目的无法实现": "impossible", "为实现共享目的不再必要": "unnecessary"}
SERVICE_ACTS = {"终止": "terminate", "变更": "change"}
DONE = {"已": True, "未": False}


def moment(day: str) -> str:
    """ "2026-10-08" → ten in the morning, Beijing time; a full timestamp is kept."""
    return day if "T" in day else f"{day}T10:00:00+08:00"


def provided_by(demo, dataset: str, department: str) -> None:
    provider = catalog_entry(demo, dataset)["provider"]
    assert provider == department, f"数据集 {dataset} 的提供部门是 {provider}，不是 {department}"


# --------------------------------------------------------------------------
# 第十九条第一款：不得重复收集
# --------------------------------------------------------------------------


def _field_index(service) -> dict[str, list[str]]:
    return service.engine.snapshot.field_index()


@given(parsers.re(r"数据项 " + q("field") + r" 可以通过共享从 " + q("name") + r" 获取"))
def field_shared_by(service, demo, field, name):
    names = [catalog_entry(demo, entry)["name"] for entry in _field_index(service).get(field, [])]
    assert name in names, f"数据项 {field} 可从 {names} 获取，其中没有“{name}”"


@given(parsers.re(r"没有任何已发布的可共享目录提供数据项 " + q("field")))
def field_shared_by_nobody(service, field):
    assert field not in _field_index(service), f"数据项 {field} 可从 {_field_index(service)[field]} 获取"


@given(parsers.re(r"数据项 " + q("field") + r" 只由 " + DEPT + r" 自己的目录提供"))
def field_shared_only_by(service, demo, field, department):
    providers = {catalog_entry(demo, entry)["provider"] for entry in _field_index(service).get(field, [])}
    assert providers == {department}, f"数据项 {field} 的提供部门为 {sorted(providers)}"


@when(parsers.re(DEPT + r" 以用途 " + q("purpose") + r" 向公民、法人和其他组织收集数据项 " + q("fields")))
def collect(client, event, result, department, purpose, fields):
    event.update(action="collect", purpose=purpose, fields=split_list(fields), pi_basis=PI_BASIS)
    event["requester"]["department"] = department
    send(client, event, result)


@when(parsers.re(DEPT + r" 以用途 " + q("purpose") + r" 向公民、法人和其他组织收集数据，但未列明数据项"))
def collect_unnamed(client, event, result, department, purpose):
    event.update(action="collect", purpose=purpose, fields=[], pi_basis=PI_BASIS)
    event["requester"]["department"] = department
    send(client, event, result)


# --------------------------------------------------------------------------
# 第二十条第三款、第二十一条：答复共享申请
# --------------------------------------------------------------------------


@given(parsers.re(DEPT + r" 于 " + q("day") + r" 收到对数据集 " + q("dataset") + r" 的共享申请"))
def application_received(event, demo, department, day, dataset):
    provided_by(demo, dataset, department)
    event["requester"]["department"] = department
    event["dataset"] = dataset
    event["application"] = {"id": "app-2026-0001", "received_on": day, "complete": True}


@given("该申请未写明提供部门收到申请之日")
def application_undated(event):
    event["application"].pop("received_on", None)


@given("交付请求未写明作出同意答复之日")
def approval_undated(event):
    event["application"].pop("approved_on", None)


@given(parsers.re(DEPT + r" 处理需求部门对数据集 " + q("dataset") + r" 的校核申请，但未写明该申请及其收到之日"))
def verification_undescribed(event, demo, department, dataset):
    provided_by(demo, dataset, department)
    event["requester"]["department"] = department
    event["dataset"] = dataset
    event.pop("verification", None)


@given("该申请材料不全")
def application_incomplete(event):
    event["application"]["complete"] = False


@given(parsers.re(r"此前已就该申请发出过 (?P<count>\d+) 次补正通知"))
def notices_sent(event, count):
    event["application"]["material_notices"] = int(count)


def _extension(days: str, approved: str, notified: str) -> dict[str, Any]:
    return {"working_days": int(days), "approved_by_competent": DONE[approved], "requester_notified": DONE[notified]}


EXTENSION = r"(?P<days>\d+) 个工作日，(?P<approved>已|未)经同级主管部门同意，(?P<notified>已|未)告知需求部门"


@given(parsers.re(r"该申请的答复期限此前已延长 " + EXTENSION))
def extension_granted(event, days, approved, notified):
    event["application"]["extension"] = _extension(days, approved, notified)


@given(parsers.re(r"本次拟将答复期限延长 " + EXTENSION))
def extension_asked(event, days, approved, notified):
    event.setdefault("reply", {})["extension"] = _extension(days, approved, notified)


@given("答复未经本部门共享工作机构负责人同意")
def reply_not_approved(event):
    event.setdefault("reply", {})["unit_head_approved"] = False


@given(parsers.re(r"答复说明的不同意理由为 " + q("reasons")))
def reply_reasons(event, reasons):
    event.setdefault("reply", {})["reasons"] = reasons


@given(parsers.re(r"答复列明需要补充的材料为 " + q("material")))
def reply_material(event, material):
    event.setdefault("reply", {})["missing_material"] = split_list(material)


@when(parsers.re(r"它于 " + q("day") + r" 作出答复：(?P<answer>同意共享|不同意共享|要求补充材料|延期答复)"))
def reply(client, event, result, day, answer):
    event.update(action="reply", at=moment(day))
    answer_ = event.setdefault("reply", {})
    answer_["decision"] = REPLY_DECISIONS[answer]
    answer_.setdefault("unit_head_approved", True)
    send(client, event, result)


# --------------------------------------------------------------------------
# 第二十二条第一款：交付
# --------------------------------------------------------------------------


@given(parsers.re(DEPT + r" 已于 " + q("day") + r" 同意 (?P<requester>[^\s\"]+) 对数据集 " + q("dataset") + r" 的共享申请"))
def application_approved(event, demo, department, day, requester, dataset):
    provided_by(demo, dataset, department)
    event["requester"]["department"] = department
    event.update(dataset=dataset, method="api", recipient={"kind": "department", "name": requester})
    event["application"] = {"id": "app-2026-0001", "received_on": day, "complete": True, "approved_on": day}


@when(parsers.re(r"它于 " + q("day") + r" 交付数据"))
def deliver(client, event, result, day):
    event.update(action="deliver", at=moment(day))
    send(client, event, result)


# --------------------------------------------------------------------------
# 第二十四条：回流
# --------------------------------------------------------------------------


@given(parsers.re(r"上级部门为回流附加条件 " + q("conditions")))
def return_conditions(event, conditions):
    event["return_conditions"] = split_list(conditions)


def _return(event: dict[str, Any], upper: str, lower: str, dataset: str, fields: str) -> None:
    event.update(action="return", dataset=dataset, fields=split_list(fields), method="bulk", pi_basis=PI_BASIS,
                 recipient={"kind": "department", "name": lower})
    event["requester"].update(department=upper, level="provincial")


@when(parsers.re(
    r"(?P<upper>[^\s\"]+) 向下级的 (?P<lower>[^\s\"]+) 回流数据集 " + q("dataset") + r" 的数据项 " + q("fields")
    + r"，用于 " + q("purpose")
))
def return_for_duty(client, event, result, upper, lower, dataset, fields, purpose):
    _return(event, upper, lower, dataset, fields)
    event["purpose"] = purpose
    send(client, event, result)


@when(parsers.re(
    r"(?P<upper>[^\s\"]+) 向下级的 (?P<lower>[^\s\"]+) 回流数据集 " + q("dataset") + r" 的数据项 " + q("fields")
    + r"，未写明用于下级部门的哪项职责"
))
def return_without_duty(client, event, result, upper, lower, dataset, fields):
    _return(event, upper, lower, dataset, fields)
    event.pop("purpose", None)
    send(client, event, result)


# --------------------------------------------------------------------------
# 第二十六条第二款：校核申请
# --------------------------------------------------------------------------


@given(parsers.re(DEPT + r" 于 " + q("day") + r" 收到需求部门对数据集 " + q("dataset") + r" 的校核申请"))
def verification_received(event, demo, department, day, dataset):
    provided_by(demo, dataset, department)
    event["requester"]["department"] = department
    event["dataset"] = dataset
    event["verification"] = {"received_on": day}


@given(parsers.re(r"它于 " + q("day") + r" 核实、更正并反馈了校核结果"))
def verification_handled(event, day):
    event["verification"]["handled_on"] = day


@given("它尚未办结该校核申请")
def verification_pending(event):
    assert "handled_on" not in event["verification"]


@when(parsers.re(r"它于 " + q("day") + r" 报送该校核申请的办理情况"))
def verification_report(client, event, result, day):
    event.update(action="verify", at=moment(day))
    send(client, event, result)


# --------------------------------------------------------------------------
# 第二十七条第一款：目的实现后的处置；第三款：终止或变更共享服务
# --------------------------------------------------------------------------


@given(parsers.re(r"授权 " + q("grant") + r" 载明提供部门的处置要求为 " + q("requirement")))
def grant_disposal_requirement(demo, grant, requirement):
    assert grant_record(demo, grant).get("disposal_requirement") == requirement, grant_record(demo, grant)


@given(parsers.re(r"授权 " + q("grant") + r" 未载明提供部门的处置要求"))
def grant_without_disposal_requirement(demo, grant):
    assert not grant_record(demo, grant).get("disposal_requirement"), grant_record(demo, grant)


@when(parsers.re(
    r"它因(?P<reason>共享目的已实现|共享目的无法实现|为实现共享目的不再必要)，以 " + q("method")
    + r" 方式处置数据集 " + q("dataset")
))
def dispose(client, event, result, reason, method, dataset):
    event.update(action="dispose", dataset=dataset, disposal={"reason": DISPOSAL_REASONS[reason], "method": method})
    send(client, event, result)


def _service_event(event: dict[str, Any], demo, department: str, act: str, grant: str) -> None:
    dataset = grant_record(demo, grant)["dataset"]
    provided_by(demo, dataset, department)
    event.update(action=SERVICE_ACTS[act], dataset=dataset, grant=grant)
    event["requester"]["department"] = department


@when(parsers.re(
    DEPT + r" (?P<act>终止|变更)依授权 " + q("grant") + r" 提供的共享服务，理由为 " + q("cause")
    + r"，(?P<consulted>已|未)与需求部门协商，(?P<filed>已|未)报同级主管部门备案"
))
def change_service(client, event, result, demo, department, act, grant, cause, consulted, filed):
    _service_event(event, demo, department, act, grant)
    event["service_change"] = {"cause": cause, "consulted": DONE[consulted], "filed": DONE[filed]}
    send(client, event, result)


@when(parsers.re(DEPT + r" (?P<act>终止|变更)依授权 " + q("grant") + r" 提供的共享服务，未说明理由和程序"))
def change_service_silently(client, event, result, demo, department, act, grant):
    _service_event(event, demo, department, act, grant)
    event.pop("service_change", None)
    send(client, event, result)


# --------------------------------------------------------------------------
# 第二十八条第二款：共享争议的协调处理
# --------------------------------------------------------------------------

DISPUTE_PARTIES = {"同级部门之间": "same_level", "跨层级": "cross_level", "跨地域": "cross_region"}
DISPUTE_BODIES = {"同级主管部门": "same_level_competent", "共同的上级主管部门": "common_superior_competent",
                  "本级人民政府": "government"}


@when(parsers.re(
    DEPT + r" 就数据集 " + q("dataset") + r" 的(?P<parties>同级部门之间|跨层级|跨地域)共享争议，(?P<negotiated>已|未)先行协商，"
    + r"(?P<coordinated>已|未)经主管部门协调，提请(?P<body>同级主管部门|共同的上级主管部门|本级人民政府)处理"
))
def dispute(client, event, result, department, dataset, parties, negotiated, coordinated, body):
    event.update(action="dispute", dataset=dataset, dispute={
        "between": DISPUTE_PARTIES[parties], "negotiated": negotiated == "已",
        "coordinated": coordinated == "已", "submitted_to": DISPUTE_BODIES[body]})
    event["requester"]["department"] = department
    send(client, event, result)


# --------------------------------------------------------------------------
# 第二十九条第二款：使用记录的保存期限
# --------------------------------------------------------------------------


@when(parsers.re(DEPT + r" 于 " + q("day") + r" 删除 " + q("created") + r" 形成的使用记录 " + q("record")))
def delete_record(client, event, result, department, day, created, record):
    event.update(action="records", at=moment(day), record={"id": record, "created_on": created})
    event["requester"]["department"] = department
    send(client, event, result)


@when(parsers.re(DEPT + r" 于 " + q("day") + r" 删除未写明形成日期的使用记录 " + q("record")))
def delete_undated_record(client, event, result, department, day, record):
    event.update(action="records", at=moment(day), record={"id": record})
    event["requester"]["department"] = department
    response = client.post("/v1/decisions", json=event)
    if response.status_code == 422:
        # The event model requires the date: the request is refused before any rule runs.
        result.record({"outcome": "rejected", "status": 422, "detail": response.json()})
        return
    send(client, event, result)


@when(parsers.re(DEPT + r" 于 " + q("day") + r" 删除一条使用记录，但未提供该记录的任何信息"))
def delete_unknown_record(client, event, result, department, day):
    event.update(action="records", at=moment(day))
    event.pop("record", None)
    event["requester"]["department"] = department
    send(client, event, result)


# --------------------------------------------------------------------------
# 那么: breaches (已发生违规) — reported with their liability, not blocking the act.
# --------------------------------------------------------------------------


def _breaches(result) -> list[dict[str, Any]]:
    return result.body["breaches"]


BREACH_CITATION = (
    r"已发生违规 " + q("code")
    + r"，引用第(?P<article>\d+)条(?:第(?P<paragraph>\d+)款)?"
    + r"，责任条款 " + q("liability")
)


@then(parsers.re(BREACH_CITATION))
def breach_cited(result, code, article, paragraph, liability):
    found = result.breach_with_code(code)
    for b in found:
        assert b["severity"] == "breach", b
        assert (b["regulation"], b["article"], b["paragraph"]) == ("gdsr", int(article), int(paragraph) if paragraph else None), (
            f"{code} 引用了第{b['article']}条第{b['paragraph']}款，应为第{article}条" + (f"第{paragraph}款" if paragraph else "")
        )
        assert b["liability"] == liability, f"{code} 的责任条款是 {b['liability']!r}，应为 {liability!r}"
        assert b["title"]["zh"] and b["title"]["en"] and b["remedy"]["zh"] and b["remedy"]["en"], b
    result.focus = found


@then(parsers.re(r"已发生违规仅为 (?P<codes>\"[^\"]+\"(?:、\"[^\"]+\")*)"))
def breaches_exactly(result, codes):
    listed = sorted(re.findall(r'"([^"]+)"', codes))
    actual = sorted(b["code"] for b in _breaches(result))
    problem = completeness_problem(BREACHES, set(listed), set(actual))
    assert problem is None, f"{problem}\n{result.body}"
    # A code breached twice is listed twice.
    assert actual == listed, f"已发生违规应仅为 {listed}，实际为 {actual} / breaches should be exactly {listed}, are {actual}"
    result.state(BREACHES, set(listed))
    result.focus = list(_breaches(result))


@then("没有已发生违规")
def no_breaches(result):
    assert _breaches(result) == [], f"不应有已发生违规，实际：{[b['message']['zh'] for b in _breaches(result)]}"


@then(parsers.re(r"已发生违规的中文说明包含 " + q("text")))
def breach_message_zh(result, text):
    messages = [b["message"]["zh"] for b in _breaches(result)]
    assert any(text in m for m in messages), f"已发生违规的中文说明中没有“{text}”：{messages}"


@then(parsers.re(r"已发生违规的英文说明包含 " + q("text")))
def breach_message_en(result, text):
    messages = [b["message"]["en"] for b in _breaches(result)]
    assert any(text in m for m in messages), f"已发生违规的英文说明中没有“{text}”：{messages}"


@then(parsers.re(r"中文说明中没有 " + q("text")))
def message_zh_lacks(result, text):
    messages = [v["message"]["zh"] for v in (result.focus or result.violations)]
    assert messages and not any(text in m for m in messages), f"中文说明中不应出现“{text}”：{messages}"


@then(parsers.re(r"该请求被拒绝受理，因为缺少 " + q("field")))
def request_rejected(result, field):
    body = result.decision
    assert body is not None and body.get("outcome") == "rejected", f"请求应被拒绝受理（HTTP 422），实际：{body}"
    assert field in str(body["detail"]), body["detail"]

