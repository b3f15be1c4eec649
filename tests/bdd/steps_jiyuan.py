"""Step definitions for the Jiyuan local layer (《济源示范区政务数据共享管理暂行办法》,
features/济源_地方规定.feature). Imported by tests/bdd/test_jiyuan.py only; the
shared fixtures, helpers and steps (event, result, send, q, the national
citation and breach steps, catalogue, use, collection, verification …) come from
conftest.py, steps_sharing.py and steps_catalog_security.py.

A Jiyuan citation is asserted with its own wording, "引用济源办法第N条…", so it
can never be confused with a citation of the national regulation (the shared
step "引用第N条…" insists on `gdsr`).

Open-data requests (chapter 6 of the measures) concern datasets the demo
catalogue does not open; the platform sends those datasets inline with the
event (`inline.dataset`), as a platform that keeps its own open-data catalogue
would.

The demo grants are all valid from 2025 or 2026. Scenarios dated before the
national regulation (only the Jiyuan layer in force) register the grants they
rely on in the store ("示范区数据中台登记有如下共享授权："); the `client`
fixture puts the demo catalogue and grants back after the scenario.
"""

from __future__ import annotations

import re
from typing import Any

from pytest_bdd import given, parsers, then, when

from engine.models import Grant
from tests.bdd.conftest import (
    BASIS_TYPES,
    COMPLETE_APPLICATION,
    DEPT,
    GRANT_STATUS,
    METHODS,
    catalog_entry,
    grant_record,
    lookup,
    q,
    send,
    split_list,
)

JURISDICTION = "jiyuan"

# The competent data department of the measures (示范区数据主管部门, art 4).
COMPETENT = "示范区政务服务和大数据管理局"

BASE_DATABASES = {
    "自然人": "population",
    "法人": "legal_entity",
    "信用信息": "credit",
    "自然资源和空间地理": "geospatial",
    "电子证照": "e_licence",
}
OPEN_ATTRIBUTES = {"无条件开放": "unconditional", "有条件开放": "conditional", "不予开放": "not_open"}
APPLICANT_KINDS = {"公民": "citizen", "法人": "legal_entity", "其他组织": "organisation"}
SECRECY = {"国家秘密": "state_secret", "工作秘密": "work_secret"}


def moment(day: str) -> str:
    """ "2026-10-08" → ten in the morning, Beijing time; a full timestamp is kept."""
    return day if "T" in day else f"{day}T10:00:00+08:00"


# --------------------------------------------------------------------------
# 假如: which layer, which channel
# --------------------------------------------------------------------------


@given("该事件适用济源示范区地方规定")
def in_jiyuan(event):
    event["jurisdiction"] = JURISDICTION


@given("该事件未声明适用地方规定")
def no_jurisdiction(event):
    event.pop("jurisdiction", None)


@given("本次办理经点对点专线进行，未经示范区数据中台")
def outside_the_hub(event):
    event["channel"] = "direct"


@given("本次开放经开放平台以外的渠道进行")
def outside_the_open_platform(event):
    event["channel"] = "direct"


# --------------------------------------------------------------------------
# 第三十二条、第三十九条：目录条目的基础库、开放属性与依据
# --------------------------------------------------------------------------


@given(parsers.re(r"该条目属于 " + q("base") + r" 基础数据库的基础信息项"))
def entry_base_database(event, base):
    event["entry"]["base_data"] = lookup(BASE_DATABASES, base, "基础数据库")


@given(parsers.re(r"该条目的开放属性为 " + q("attribute")))
def entry_open_attribute(event, attribute):
    event["entry"]["open_attribute"] = lookup(OPEN_ATTRIBUTES, attribute, "开放属性")


@given(parsers.re(r"该条目的开放依据为 " + q("rank") + r" (?P<title>《[^》]+》)(?P<article>\S*)"))
def entry_open_basis(event, rank, title, article):
    basis = {"type": lookup(BASIS_TYPES, rank, "依据层级"), "title": title}
    if article:
        basis["article"] = article
    event["entry"].setdefault("open_basis", []).append(basis)


@given("该条目已经脱敏、清洗、加工")
def entry_desensitised(event):
    event["entry"]["desensitised"] = True


# --------------------------------------------------------------------------
# 第九条、第三十三条、第三十六条：使用共享数据
# --------------------------------------------------------------------------


@given(parsers.re(r"数据集 " + q("dataset") + r" 在目录中提供的共享方式为 " + q("methods")))
def dataset_methods(demo, dataset, methods):
    offered = catalog_entry(demo, dataset).get("methods", [])
    assert sorted(offered) == sorted(lookup(METHODS, m, "共享方式") for m in split_list(methods)), offered


@given(parsers.re(r"授权 " + q("grant") + r" 批准的共享方式为 " + q("method")))
def grant_method(demo, grant, method):
    assert grant_record(demo, grant).get("method") == lookup(METHODS, method, "共享方式"), grant_record(demo, grant)


@when(parsers.re(
    r"它以用途 " + q("purpose") + r" 通过 " + q("method") + r" 方式使用数据集 " + q("dataset") + r" 的数据项 " + q("fields")
))
def use_by_method(client, event, result, purpose, method, dataset, fields):
    event.update(action="use", purpose=purpose, dataset=dataset, fields=split_list(fields), recipient={"kind": "self"},
                 method=lookup(METHODS, method, "共享方式"))
    send(client, event, result)


@when(parsers.re(
    DEPT + r" 以 " + q("method") + r" 方式就数据集 " + q("dataset") + r" 的数据项 " + q("fields") + r" 提交一份内容完整的共享申请"
))
def apply_by_method(client, event, result, department, method, dataset, fields):
    event.update(COMPLETE_APPLICATION, action="apply", dataset=dataset, fields=split_list(fields))
    event["method"] = lookup(METHODS, method, "共享方式")
    event["requester"].update(department=department, unit_head_approved=True)
    send(client, event, result)


GRANT_COLUMNS = {"授权编号": "id", "持有部门": "requester", "数据集": "dataset", "数据项": "fields", "用途": "purposes",
                 "共享方式": "method", "有效期": "validity", "状态": "status"}


@given("示范区数据中台登记有如下共享授权：")
def registered_grants(client, service, app, datatable):
    """Grants the hub holds besides the demo ones (one row each). `client` is
    asked for first, so that its clean-up sees the change and restores the demo."""
    header, *rows = datatable
    keys = [lookup(GRANT_COLUMNS, h, "授权表头") for h in header]
    grants = []
    for row in rows:
        cells = dict(zip(keys, row))
        start, _, end = cells.pop("validity", "").partition(" 至 ")
        record: dict[str, Any] = {
            "id": cells["id"],
            "requester": cells["requester"],
            "dataset": cells["dataset"],
            "fields": split_list(cells.get("fields", "")),
            "purposes": split_list(cells.get("purposes", "")),
            "status": lookup(GRANT_STATUS, cells.get("status", "有效"), "授权状态"),
        }
        if cells.get("method"):
            record["method"] = lookup(METHODS, cells["method"], "共享方式")
        if start:
            record["valid_from"] = start
        if end:
            record["valid_until"] = end
        grants.append(Grant.model_validate(record))
    service.store.put_grants(grants)
    app.state.lifecycle.refresh(force=True)


@given(parsers.re(DEPT + r" 未写明所依据的共享授权"))
def names_no_grant(event, department):
    event["requester"]["department"] = department
    event.pop("grant", None)


@then(parsers.re(r"授权 " + q("grant") + r" 仍然有效，未被自动暂停"))
def grant_still_active(service, grant):
    assert service.store.grant(grant).status.value == "active", service.store.grant(grant)


@then(parsers.re(r"授权 " + q("grant") + r" 的共享权限已被暂停"))
def grant_suspended_by_misuse(service, grant):
    """GDSR 27(2): the competent or providing department 应当暂停 (must suspend);
    the `client` fixture restores the demo grants after the scenario."""
    assert service.store.grant(grant).status.value == "suspended", service.store.grant(grant)


# --------------------------------------------------------------------------
# 第二十八条第二款：日志记录
# --------------------------------------------------------------------------


@when(parsers.re(DEPT + r" 于 " + q("day") + r" 删除 " + q("created") + r" 形成的数据提供和获取日志记录 " + q("record")))
def delete_log(client, event, result, department, day, created, record):
    event.update(action="records", at=moment(day), record={"id": record, "created_on": created})
    event["requester"]["department"] = department
    send(client, event, result)


# --------------------------------------------------------------------------
# 第二十四条：问题数据的核实与更正
# --------------------------------------------------------------------------


@given(parsers.re(r"示范区数据主管部门于 " + q("day") + r" 通过数据中台将数据集 " + q("dataset") + r" 的问题数据分发至 " + DEPT))
def problem_data_received(event, demo, day, dataset, department):
    provider = catalog_entry(demo, dataset)["provider"]
    assert provider == department, f"数据集 {dataset} 的数据生产部门是 {provider}，不是 {department}"
    event["requester"]["department"] = department
    event["dataset"] = dataset
    event["verification"] = {"received_on": day}


@given(parsers.re(r"它于 " + q("day") + r" 核实问题、作出是否更正的决定并告知示范区数据主管部门"))
def problem_data_reported(event, day):
    event["verification"]["handled_on"] = day


@given(parsers.re(
    r"它于 " + q("decided") + r" 核实问题、作出更正决定并告知示范区数据主管部门，于 " + q("corrected") + r" 从数据源头更正并重新汇聚"
))
def problem_data_corrected(event, decided, corrected):
    """Jiyuan 24 counts 5 working days to the decision and 10 more to the
    correction; GDSR 26(2) counts 10 to verifying, correcting and answering
    (handled_on). The decision day is stated apart (verification.decided_on)."""
    event["verification"].update(decided_on=decided, correcting=True, handled_on=corrected)


@given("它尚未告知核实结果")
def problem_data_pending(event):
    assert "handled_on" not in event["verification"]


@when(parsers.re(r"它于 " + q("day") + r" 报送问题数据的办理情况"))
def problem_data_report(client, event, result, day):
    event.update(action="verify", at=moment(day))
    send(client, event, result)


# --------------------------------------------------------------------------
# 第三十八条至第四十一条：开放数据
# --------------------------------------------------------------------------


@given(parsers.re(
    r"开放目录列有数据集 " + q("id") + r"，名称为 " + q("name") + r"，数据生产部门为 " + DEPT + r"，开放属性为 " + q("attribute")
))
def open_dataset(event, id, name, department, attribute):
    """A dataset of the platform's own open-data catalogue, sent inline."""
    event.setdefault("inline", {})["dataset"] = {
        "id": id,
        "name": name,
        "provider": department,
        "share_attribute": "unconditional",
        "methods": ["api"],
        "classification": "一般数据",
        "grade": "general",
        "fields": [{"name": "record_no", "label": "记录编号"}],
        "open_attribute": lookup(OPEN_ATTRIBUTES, attribute, "开放属性"),
        "open_basis": [] if attribute == "无条件开放" else [{"type": "law", "title": "《中华人民共和国数据安全法》"}],
    }


def _inline(event) -> dict[str, Any]:
    assert "dataset" in event.get("inline", {}), "先用“开放目录列有数据集 …”写明该数据集"
    return event["inline"]["dataset"]


@given(parsers.re(r"该数据集的数据项为 " + q("fields")))
def open_dataset_fields(event, fields):
    _inline(event)["fields"] = [{"name": name} for name in split_list(fields)]


@given(parsers.re(r"该数据集的数据项 " + q("fields") + r" 属于个人信息"))
def open_dataset_personal(event, fields):
    by_name = {f["name"]: f for f in _inline(event)["fields"]}
    for name in split_list(fields):
        assert name in by_name, f"该数据集没有数据项 {name}"
        by_name[name]["personal"] = True


@given(parsers.re(r"该数据集的数据项 " + q("field") + r" 标注为 " + q("secrecy")))
def open_dataset_secret(event, field, secrecy):
    matches = [f for f in _inline(event)["fields"] if f["name"] == field]
    assert matches, f"该数据集没有数据项 {field}"
    matches[0]["secrecy"] = lookup(SECRECY, secrecy, "密级")


@given("该数据集已经脱敏、清洗、加工")
def open_dataset_desensitised(event):
    _inline(event)["desensitised"] = True


@given(parsers.re(r"数据集 " + q("dataset") + r" 未列入开放目录"))
def dataset_not_in_open_catalogue(demo, dataset):
    assert "open_attribute" not in catalog_entry(demo, dataset), catalog_entry(demo, dataset)


@given(parsers.re(
    r"(?P<kind>公民|法人|其他组织) " + q("applicant") + r" 于 " + q("day") + r" 通过开放平台申请获取数据集 " + q("dataset")
    + r"(?: 的数据项 " + q("fields") + r")?"
))
def open_request(event, kind, applicant, day, dataset, fields):
    event.update(action="open", dataset=dataset)
    event["requester"] = {"department": applicant, "kind": APPLICANT_KINDS[kind]}
    if fields:
        event["fields"] = split_list(fields)
    event["open_request"] = {"received_on": day}


@given(parsers.re(r"(?P<approved>经|未经)数据生产部门主要负责人同意，答复期限延长 (?P<days>\d+) 个工作日"))
def open_request_extended(event, approved, days):
    event["open_request"]["extension"] = {"working_days": int(days)}
    event["open_request"]["head_approved_extension"] = approved == "经"


@when(parsers.re(r"数据生产部门于 " + q("day") + r" 作出答复"))
def open_request_answered(client, event, result, day):
    event["open_request"]["replied_on"] = day
    event["at"] = moment(day)
    send(client, event, result)


@when(parsers.re(r"数据生产部门于 " + q("day") + r" 决定延长答复期限"))
def open_request_extending(client, event, result, day):
    assert "extension" in event["open_request"], "先写明延长的期限"
    event["at"] = moment(day)
    send(client, event, result)


@when(parsers.re(r"截至 " + q("day") + r" 数据生产部门仍未答复"))
def open_request_pending(client, event, result, day):
    event["at"] = moment(day)
    send(client, event, result)


@when(parsers.re(r"开放平台于 " + q("day") + r" 向申请人开放该数据"))
def open_data(client, event, result, day):
    event["open_request"]["replied_on"] = day
    event["at"] = moment(day)
    send(client, event, result)


@given("该申请未写明收到申请之日")
def open_request_undated(event):
    event["open_request"].pop("received_on", None)


# --------------------------------------------------------------------------
# 第四十条第二款、第三款：对开放目录的异议（更正申请）
# --------------------------------------------------------------------------


@given(parsers.re(
    r"(?P<kind>公民|法人|其他组织) " + q("applicant") + r" 于 " + q("day") + r" 通过开放平台对开放目录中的数据集 " + q("dataset")
    + r" 提出更正申请"
))
def correction_request(event, kind, applicant, day, dataset):
    event.update(action="objection", dataset=dataset)
    event["requester"] = {"department": applicant, "kind": APPLICANT_KINDS[kind]}
    event["open_request"] = {"received_on": day}


# --------------------------------------------------------------------------
# 第八条第二款：按要求提供服务接口及其延期
# --------------------------------------------------------------------------


@given(parsers.re(
    r"示范区数据主管部门要求 " + DEPT + r" 为数据集 " + q("dataset") + r" 提供更多服务接口，双方协商于 " + q("day") + r" 前提供"
))
def interfaces_requested(event, demo, department, dataset, day):
    provider = catalog_entry(demo, dataset)["provider"]
    assert provider == department, f"数据集 {dataset} 的数据生产部门是 {provider}，不是 {department}"
    event.update(action="interface", dataset=dataset, interface_request={"agreed_on": day})
    event["requester"]["department"] = department


@given(parsers.re(
    r"它(?P<written>已|未)提交书面延期申请，(?P<approved>经|未经)示范区数据主管部门批准，延期 (?P<days>\d+) 个工作日"
))
def interfaces_extended(event, written, approved, days):
    event["interface_request"]["extension"] = {"working_days": int(days), "written": written == "已", "approved": approved == "经"}


@given("它未申请延期")
def interfaces_not_extended(event):
    assert "extension" not in event["interface_request"], event["interface_request"]


@when(parsers.re(r"它于 " + q("day") + r" 申请延期提供服务接口"))
def interfaces_extension_asked(client, event, result, day):
    assert "extension" in event["interface_request"], "先写明延期的申请与批准情况"
    event["at"] = moment(day)
    send(client, event, result)


@when(parsers.re(r"它于 " + q("day") + r" 提供服务接口"))
def interfaces_provided(client, event, result, day):
    event["interface_request"]["provided_on"] = day
    event["at"] = moment(day)
    send(client, event, result)


@when(parsers.re(r"截至 " + q("day") + r" 它仍未提供服务接口"))
def interfaces_pending(client, event, result, day):
    event["at"] = moment(day)
    send(client, event, result)


# --------------------------------------------------------------------------
# 那么: the law applied, Jiyuan citations and breaches
# --------------------------------------------------------------------------


@then(parsers.re(r"适用的法律版本为 " + q("version")))
def law_version(result, version):
    assert result.body["law_version"] == version, f"适用的法律版本是 {result.body['law_version']}，不是 {version}"


def _expected(article: str, paragraph: str | None, item: str | None) -> tuple[int, int | None, int | None]:
    return int(article), int(paragraph) if paragraph else None, int(item) if item else None


def _cited(v: dict[str, Any]) -> str:
    return f"第{v['article']}条" + (f"第{v['paragraph']}款" if v["paragraph"] else "") + (f"第{v['item']}项" if v["item"] else "")


JIYUAN_CITATION = (
    r"违规包含 " + q("code")
    + r"，引用济源办法第(?P<article>\d+)条(?:第(?P<paragraph>\d+)款)?(?:第(?P<item>\d+)项)?"
    + r"，(?:责任条款 " + q("liability") + r"|不涉及责任条款)"
)


@then(parsers.re(JIYUAN_CITATION))
def jiyuan_violation_cited(result, code, article, paragraph, item, liability):
    found = result.with_code(code)
    for v in found:
        assert v["regulation"] == JURISDICTION, f"{code} 属于 {v['regulation']}，不是济源办法"
        assert (v["article"], v["paragraph"], v["item"]) == _expected(article, paragraph, item), f"{code} 引用了{_cited(v)}"
        assert v["liability"] == liability, f"{code} 的责任条款是 {v['liability']!r}，应为 {liability!r}"
        assert v["severity"] in ("prohibited", "needs_action"), v
        assert v["title"]["zh"] and v["title"]["en"] and v["remedy"]["zh"] and v["remedy"]["en"], v
    result.focus = found


JIYUAN_BREACH = (
    r"已发生违规 " + q("code")
    + r"，引用济源办法第(?P<article>\d+)条(?:第(?P<paragraph>\d+)款)?"
    + r"，责任条款 " + q("liability")
)


@then(parsers.re(JIYUAN_BREACH))
def jiyuan_breach_cited(result, code, article, paragraph, liability):
    found = result.breach_with_code(code)
    for b in found:
        assert b["severity"] == "breach", b
        assert b["regulation"] == JURISDICTION, f"{code} 属于 {b['regulation']}，不是济源办法"
        assert (b["article"], b["paragraph"], b["item"]) == _expected(article, paragraph, None), f"{code} 引用了{_cited(b)}"
        assert b["liability"] == liability, f"{code} 的责任条款是 {b['liability']!r}，应为 {liability!r}"
        assert b["title"]["zh"] and b["title"]["en"] and b["remedy"]["zh"] and b["remedy"]["en"], b
    result.focus = found


@then(parsers.re(r"违规 " + q("code") + r" 的严重程度为 " + q("severity")))
def violation_severity(result, code, severity):
    for v in result.with_code(code):
        assert v["severity"] == severity, f"{code} 的严重程度是 {v['severity']}，不是 {severity}"


@then(parsers.re(r"各项违规分属 (?P<regulations>\"[^\"]+\"(?:、\"[^\"]+\")*)"))
def violations_by_regulation(result, regulations):
    expected = set(re.findall(r'"([^"]+)"', regulations))
    assert {v["regulation"] for v in result.violations} == expected, [(v["code"], v["regulation"]) for v in result.violations]


@given("答复期限未延长")
def open_request_not_extended(event):
    assert "extension" not in event["open_request"], event["open_request"]
