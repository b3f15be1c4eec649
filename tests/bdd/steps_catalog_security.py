"""Step definitions for catalogue management (chapter 3: arts 13, 15(1), 17),
the platform (chapter 5: art 32) and safeguards (chapter 6: arts 35, 36, 37).
Imported by conftest.py so every feature sees them; shared fixtures and helpers
(event, result, send, q, split_list, …) live there, and the breach steps
(已发生违规 …) in steps_sharing.py.

The "假如" steps that name demo data (the controls a dataset's grade requires,
which data items are personal information) check the stored demo catalogue
instead of changing it, so a scenario fails where its premise no longer holds.
"""

from __future__ import annotations

import copy

from pytest_bdd import given, parsers, when

from tests.bdd.conftest import (
    COMPLETE_ENTRY,
    DEPT,
    METHODS,
    SHARE_ATTRIBUTES,
    YES_NO,
    catalog_entry,
    lookup,
    q,
    send,
    split_list,
)

# The competent department (政务数据共享主管部门) of the demo region.
COMPETENT = "示范区政务服务和大数据管理局"


def moment(day: str) -> str:
    """ "2026-10-15" → ten in the morning, Beijing time."""
    return f"{day}T10:00:00+08:00"


# --------------------------------------------------------------------------
# 第十三条：目录的内容（第二款）与编制程序（第一款）
# --------------------------------------------------------------------------

# The items of art 13(2) a scenario may leave out, and the entry keys they are.
ENTRY_ITEMS = {
    "共享方式": ("methods",),
    "数据分类分级": ("classification", "grade"),
    "数据项": ("fields",),
    "数据格式": ("data_format",),
    "数据更新频率": ("update_frequency",),
}
TEXT_ITEMS = {"数据分类": "classification", "数据格式": "data_format", "数据更新频率": "update_frequency"}
GRADES = {"核心数据": "core", "重要数据": "important", "一般数据": "general"}
ASSESSMENTS = {"保密风险评估": "secrecy_risk", "个人信息保护影响评估": "pi_impact"}


@given(parsers.re(DEPT + r" 编制如下目录条目："))
def entry_table(event, department, datatable):
    """Two columns, 项目 | 内容; the department is the providing unit. Items not
    in the table are absent from the entry."""
    header, *rows = datatable
    assert header == ["项目", "内容"], header
    entry: dict = {"provider": department}
    personal: list[str] = []
    for item, value in rows:
        if item == "目录编码":
            entry["id"] = value
        elif item == "数据目录名称":
            entry["name"] = value
        elif item == "共享属性":
            entry["share_attribute"] = lookup(SHARE_ATTRIBUTES, value, "共享属性")
        elif item == "数据项":
            entry["fields"] = [{"name": name} for name in split_list(value)]
        elif item == "属于个人信息的数据项":
            personal = split_list(value)
        elif item == "数据格式":
            entry["data_format"] = value
        elif item == "数据更新频率":
            entry["update_frequency"] = value
        elif item == "共享方式":
            entry["methods"] = [lookup(METHODS, word, "共享方式") for word in split_list(value)]
        elif item in ("共享范围", "使用用途"):
            entry.setdefault("conditions", {})["scope" if item == "共享范围" else "purposes"] = split_list(value)
        elif item == "数据分类":
            entry["classification"] = value
        elif item == "分级":
            entry["grade"] = lookup(GRADES, value, "分级")
        elif item == "已开展的评估":
            entry["assessments"] = {lookup(ASSESSMENTS, word, "评估"): True for word in split_list(value)}
        elif item == "部门负责人审核同意":
            entry["head_approved"] = lookup(YES_NO, value, "是/否")
        else:
            raise AssertionError(f"未知的目录项目“{item}”")
    by_name = {f["name"]: f for f in entry.get("fields", [])}
    for name in personal:
        assert name in by_name, f"“属于个人信息的数据项”中的 {name} 不在数据项中"
        by_name[name]["personal"] = True
    event["action"] = "catalog"
    event["requester"]["department"] = department
    event["entry"] = entry


@given(parsers.re(DEPT + r" 报送目录 " + q("dataset") + r" 的发布请求，但未附目录条目"))
def catalogue_request_without_entry(event, department, dataset):
    event.update(action="catalog", dataset=dataset)
    event["requester"]["department"] = department
    event.pop("entry", None)


@given(parsers.re(r"该条目未写明 " + q("item")))
def entry_lacks(event, item):
    keys = lookup(ENTRY_ITEMS, item, "目录信息")
    assert any(key in event["entry"] for key in keys), f"条目中本来就没有“{item}”"
    for key in keys:
        event["entry"].pop(key, None)


@given(parsers.re(r"该条目的 " + q("item") + r" 只填了空白"))
def entry_blank(event, item):
    key = lookup(TEXT_ITEMS, item, "目录信息")
    assert isinstance(event["entry"].get(key), str), f"条目中本来就没有“{item}”"
    event["entry"][key] = "  "


@given("该条目只写明了名称、提供单位和共享属性")
def entry_bare(event):
    for key in COMPLETE_ENTRY:
        event["entry"].pop(key, None)


@given(parsers.re(r"该条目未写明数据分类，只标注了分级 " + q("grade")))
def entry_grade_only(event, grade):
    event["entry"].pop("classification", None)
    event["entry"]["grade"] = lookup(GRADES, grade, "分级")


@given(parsers.re(r"其中数据项 " + q("fields") + r" 属于个人信息"))
def entry_fields_personal(event, fields):
    by_name = {f["name"]: f for f in event["entry"].get("fields", [])}
    for name in split_list(fields):
        assert name in by_name, f"条目中没有数据项 {name}"
        by_name[name]["personal"] = True


@given(parsers.re(r"该条目编制时未开展 " + q("assessment")))
def entry_not_assessed(event, assessment):
    key = lookup(ASSESSMENTS, assessment, "评估")
    assert event["entry"].get("assessments", {}).get(key) is True, f"条目本来就没有开展{assessment}"
    event["entry"]["assessments"][key] = False


@given("该条目没有写明共享方式")
def entry_has_no_method(event):
    assert not event["entry"].get("methods"), event["entry"].get("methods")


@given("该条目编制时未开展任何评估，也未经部门负责人审核同意")
def entry_nothing_done(event):
    event["entry"].pop("assessments", None)
    event["entry"].pop("head_approved", None)


@given("该条目未经部门负责人审核同意")
def entry_not_signed_off(event):
    event["entry"]["head_approved"] = False


# --------------------------------------------------------------------------
# 第十五条第一款：同意共享时不得擅自增设条件
# --------------------------------------------------------------------------


def split_conditions(text: str) -> list[str]:
    """Conditions are separated by 、 only: a condition may itself contain a comma."""
    return [part.strip() for part in text.split("、") if part.strip()]


@given(parsers.re(r"数据集 " + q("dataset") + r" 在目录中列明的使用条件包括 " + q("conditions")))
def dataset_conditions(demo, dataset, conditions):
    listed = catalog_entry(demo, dataset).get("conditions") or {}
    every = {c for kind in ("scope", "purposes", "other") for c in listed.get(kind, [])}
    missing = [c for c in split_conditions(conditions) if c not in every]
    assert not missing, f"{dataset} 的目录未列明 {missing}；列明的是 {sorted(every)}"


@given(parsers.re(r"答复附加使用条件 " + q("conditions")))
def reply_conditions(event, conditions):
    event.setdefault("reply", {})["conditions"] = split_conditions(conditions)


# --------------------------------------------------------------------------
# 第十七条：目录更新（第二款）与主管部门审核发布（第三款）
# --------------------------------------------------------------------------


def _update_entry(event, demo, department, dataset) -> None:
    entry = copy.deepcopy(catalog_entry(demo, dataset))
    assert entry["provider"] == department, f"数据集 {dataset} 的提供部门是 {entry['provider']}，不是 {department}"
    event.update(action="catalog", dataset=dataset, entry=entry)


@given(parsers.re(
    DEPT + r" 的职责于 " + q("day") + r" 发生调整，目录条目 " + q("dataset") + r" 需要相应更新"
))
def duties_changed(event, demo, department, day, dataset):
    _update_entry(event, demo, department, dataset)
    event["requester"]["department"] = department
    event["catalog_update"] = {"change_on": day}


@given("未申请延长更新期限")
def update_not_extended(event):
    event["catalog_update"]["extension_approved"] = False


@given("因特殊原因，经同级主管部门同意延长更新期限 5 个工作日")
def update_extended(event):
    event["catalog_update"]["extension_approved"] = True


@when(parsers.re(r"它于 " + q("day") + r" 完成更新并报送主管部门审核"))
def update_submitted(client, event, result, day):
    event["catalog_update"]["submitted_on"] = day
    event["at"] = moment(day)
    send(client, event, result)


@when(parsers.re(r"它于 " + q("day") + r" 报送更新后的目录，未另行写明报审日期"))
def update_submitted_now(client, event, result, day):
    assert "submitted_on" not in event["catalog_update"]
    event["at"] = moment(day)
    send(client, event, result)


@given(parsers.re(r"主管部门于 " + q("day") + r" 收到 " + DEPT + r" 更新后的目录条目 " + q("dataset")))
def update_received(event, demo, day, department, dataset):
    _update_entry(event, demo, department, dataset)
    event["requester"]["department"] = COMPETENT
    event["catalog_update"] = {"received_on": day}


@when(parsers.re(r"主管部门于 " + q("day") + r" 审核通过并发布"))
def update_published(client, event, result, day):
    event["catalog_update"]["published_on"] = day
    event["at"] = moment(day)
    send(client, event, result)


# --------------------------------------------------------------------------
# 第三十二条：通过全国一体化政务大数据体系开展共享
# --------------------------------------------------------------------------


@given("本次办理经点对点专线进行，未经全国一体化政务大数据体系")
def direct_channel(event):
    event["channel"] = "direct"


@when(parsers.re(DEPT + r" 向 " + q("provider") + r" 提出对数据集 " + q("dataset") + r" 的校核申请"))
def verification_filed(client, event, result, demo, department, provider, dataset):
    entry = catalog_entry(demo, dataset)
    assert entry["provider"] == provider, f"数据集 {dataset} 的提供部门是 {entry['provider']}，不是 {provider}"
    assert department != provider
    event["requester"]["department"] = department
    event.update(action="verify", dataset=dataset, verification={"received_on": event["at"][:10]})
    send(client, event, result)


# --------------------------------------------------------------------------
# 第三十五条：按分类分级要求落实安全措施
# --------------------------------------------------------------------------


@given(parsers.re(r"数据集 " + q("dataset") + r" 的分级为 " + q("grade") + r"，目录要求使用部门落实安全措施 " + q("controls")))
def dataset_controls(demo, dataset, grade, controls):
    entry = catalog_entry(demo, dataset)
    assert entry.get("grade") == lookup(GRADES, grade, "分级"), entry.get("grade")
    assert sorted(entry.get("controls", [])) == sorted(split_list(controls)), entry.get("controls")


@given(parsers.re(r"数据集 " + q("dataset") + r" 的分级为 " + q("grade") + r"，目录未要求特别的安全措施"))
def dataset_no_controls(demo, dataset, grade):
    entry = catalog_entry(demo, dataset)
    assert entry.get("grade") == lookup(GRADES, grade, "分级"), entry.get("grade")
    assert not entry.get("controls"), entry.get("controls")


@given(parsers.re(r"它已落实安全措施 " + q("controls")))
def controls_in_place(event, controls):
    event["controls"] = split_list(controls)


@given("它未说明已落实的安全措施")
def controls_not_stated(event):
    event.pop("controls", None)


# --------------------------------------------------------------------------
# 第三十六条第一款：委托他人处理政务数据
# --------------------------------------------------------------------------

DONE = {"已": True, "未": False}


@given(parsers.re(
    r"(?:它|(?P<department>[^\s\"“”]+) )委托 " + q("contractor") + r" 代为操作，委托(?P<approved>已|未)履行批准程序，本次访问(?P<authorised>已|未)经授权"
))
def contractor_engaged(event, department, contractor, approved, authorised):
    if department:
        event["requester"]["department"] = department
    event["requester"]["contractor"] = {"name": contractor, "approved": DONE[approved], "authorised": DONE[authorised]}


# --------------------------------------------------------------------------
# 第三十七条第一款：处理个人信息须有《个人信息保护法》依据
# --------------------------------------------------------------------------


@given(parsers.re(r"数据集 " + q("dataset") + r" 的数据项 " + q("fields") + r" 在目录中标注为个人信息"))
def dataset_fields_personal(demo, dataset, fields):
    by_name = {f["name"]: f for f in catalog_entry(demo, dataset).get("fields", [])}
    for name in split_list(fields):
        assert name in by_name, f"{dataset} 没有数据项 {name}"
        assert by_name[name].get("personal") or by_name[name].get("sensitive"), f"{dataset} 的 {name} 未标注为个人信息"


@given(parsers.re(r"数据集 " + q("dataset") + r" 的数据项 " + q("fields") + r" 不属于个人信息"))
def dataset_fields_not_personal(demo, dataset, fields):
    by_name = {f["name"]: f for f in catalog_entry(demo, dataset).get("fields", [])}
    for name in split_list(fields):
        assert name in by_name, f"{dataset} 没有数据项 {name}"
        assert not (by_name[name].get("personal") or by_name[name].get("sensitive")), f"{dataset} 的 {name} 标注为个人信息"


@given(parsers.re(r"它说明处理个人信息的依据为 " + q("basis")))
def pi_basis_stated(event, basis):
    event["pi_basis"] = basis


@given(parsers.re(r"(?:它|需求部门)未说明处理个人信息的法律依据"))
def pi_basis_missing(event):
    event.pop("pi_basis", None)


@given("它处理个人信息的依据只填了空白")
def pi_basis_blank(event):
    event["pi_basis"] = "   "
