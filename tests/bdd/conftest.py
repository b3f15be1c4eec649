"""Step definitions for the Chinese Gherkin in features/*.feature.

Every scenario builds one access event as a plain dict (the `event` fixture),
sends it to POST /v1/decisions with the shared `client` fixture, and checks the
decision JSON: outcome, allow, the violation codes and their citations
(article / paragraph / item / liability), the bilingual messages and the
obligations. The 那么 steps must name every violation and breach code of each
decision, no more and no fewer (`Outcome.assert_complete`, run when the next
decision arrives and after the scenario).

"Given" steps that describe the demo catalogue (a grant is suspended, a dataset
is not shareable, ...) do not change anything: they check the stored demo data,
so a scenario fails at the step that no longer holds if the catalogue changes,
rather than at a misleading assertion about the policy.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

# --------------------------------------------------------------------------
# Markers: every @tag of the feature files becomes a registered marker, so
# `--strict-markers` passes and new tags need no manual list.
# --------------------------------------------------------------------------

_TAG = re.compile(r"@(\S+)")


def _feature_dir(config: pytest.Config) -> Path:
    base = Path(config.getini("bdd_features_base_dir") or "features")
    return base if base.is_absolute() else Path(config.rootpath) / base


def feature_tags(directory: Path) -> set[str]:
    """Tags used in the feature files (the name after "@", as pytest-bdd uses it)."""
    tags: set[str] = set()
    for path in sorted(directory.glob("*.feature")):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            # Tags stand on their own lines; "@" elsewhere (a comment, a step) is not a tag.
            if stripped.startswith("@"):
                tags.update(_TAG.findall(stripped.split(" #", 1)[0]))
    return tags


def pytest_configure(config: pytest.Config) -> None:
    for tag in sorted(feature_tags(_feature_dir(config))):
        config.addinivalue_line("markers", f"{tag}: 条例条款标签 / regulation tag from features/*.feature")


# --------------------------------------------------------------------------
# Vocabulary: the Chinese words of the feature files → the values of the API.
# --------------------------------------------------------------------------

SHARE_ATTRIBUTES = {"无条件共享": "unconditional", "有条件共享": "conditional", "不予共享": "not_shareable"}
BASIS_TYPES = {
    "法律": "law",
    "行政法规": "administrative_regulation",
    "国务院决定": "state_council_decision",
    "部门规章": "departmental_rule",
    "地方性法规": "local_regulation",
    "地方政府规章": "local_rule",
    "规范性文件": "policy_document",
    "党中央、国务院政策文件": "party_central_policy",
}
SECRECY = {"国家秘密": "state_secret", "工作秘密": "work_secret", "无": "none"}
METHODS = {"服务接口": "api", "核验": "verify", "批量交换": "bulk", "文件下载": "file"}
RECIPIENT_KINDS = {"第三方": "third_party", "其他政府部门": "department"}
GRANT_STATUS = {"有效": "active", "已被暂停": "suspended", "已被终止": "terminated", "已过期": "expired"}
YES_NO = {"是": True, "否": False}

# The items of a sharing application (art 20(2)) as the feature files name them.
APPLICATION_ITEMS = {
    "使用依据": "legal_basis",
    "使用场景": "scenario",
    "使用用途": "purpose",
    "使用范围": "use_scope",
    "申请的数据项": "fields",
    "共享方式": "method",
    "使用时限": "use_until",
    "本部门共享工作机构负责人同意": "unit_head_approved",
}

# What "一份内容完整的共享申请" states, unless the scenario says otherwise.
COMPLETE_APPLICATION = {
    "legal_basis": "《社会救助暂行办法》第十一条",
    "scenario": "最低生活保障申请审核",
    "use_scope": {"units": ["社会救助科"]},
    "purpose": "社会救助资格审核",
    "method": "api",
    "use_until": "2026-12-31",
}

# What a catalogue entry "编制目录条目 …" states besides its name and attribute,
# unless the scenario says otherwise: the other items art 13(2) requires, the
# assessments and the head's sign-off of art 13(1).
COMPLETE_ENTRY = {
    "methods": ["api"],
    "classification": "一般数据",
    "grade": "general",
    "fields": [{"name": "record_no", "label": "记录编号"}],
    "data_format": "JSON",
    "update_frequency": "每日",
    "assessments": {"secrecy_risk": True, "pi_impact": True},
    "head_approved": True,
}

DEPT = r'(?P<department>[^\s"“”]+)'
Q = r'"(?P<{}>[^"]*)"'  # a quoted value


def q(name: str) -> str:
    return Q.format(name)


def split_list(text: str) -> list[str]:
    """ "name、id_number" → ["name", "id_number"]; also accepts ，and ,."""
    return [part.strip() for part in re.split(r"[、，,]", text) if part.strip()]


def lookup(table: dict[str, Any], word: str, what: str) -> Any:
    assert word in table, f"未知的{what}“{word}”，可用：{'、'.join(table)}"
    return table[word]


# --------------------------------------------------------------------------
# Fixtures: the event under construction and the decision received.
# --------------------------------------------------------------------------


# What every event states unless the scenario says otherwise: the PIPL basis for
# handling personal information (art 37) and the security controls the demo
# catalogue requires for important-grade data (art 35). Scenarios about other
# articles are thus not blocked by these; the 第六章 scenarios take them away.
PI_BASIS = "《个人信息保护法》第十三条第一款第三项"
GRADE_CONTROLS = ["传输加密", "访问权限控制", "操作日志留存"]


@pytest.fixture
def event() -> dict[str, Any]:
    """The access event a scenario builds, step by step, as the JSON body."""
    return {"requester": {}, "recipient": {"kind": "self"}, "channel": "platform",
            "pi_basis": PI_BASIS, "controls": list(GRADE_CONTROLS)}


VIOLATIONS, BREACHES = "violations", "breaches"
KIND_NAMES = {VIOLATIONS: ("违规", "violations"), BREACHES: ("已发生违规", "breaches")}


def completeness_problem(kind: str, named: set[str], actual: set[str]) -> str | None:
    """Why the codes the 那么 steps named are not exactly the decision's, or None.

    A scenario is right for the right reasons only if it states every code the
    decision carries: an unnamed code may be a rule firing where the law does
    not apply, and a named code that is absent is a rule that no longer fires."""
    unnamed, absent = sorted(actual - named), sorted(named - actual)
    if not unnamed and not absent:
        return None
    zh, en = KIND_NAMES[kind]
    lines = [f"{zh}不完整 / {en} incomplete: 那么步骤列出 {sorted(named)}，决策实际为 {sorted(actual)}"
             f" / the 那么 steps name {sorted(named)}, the decision has {sorted(actual)}"]
    if unnamed:
        lines.append(f"  多出（决策中有、场景未列出）/ extra (in the decision, not named): {unnamed}")
    if absent:
        lines.append(f"  缺少（场景列出、决策中没有）/ missing (named, not in the decision): {absent}")
    return "\n".join(lines)


class Outcome:
    """What the last request returned, which violations / obligation the
    following "而且 …说明包含" steps talk about, and which codes the 那么 steps
    have named so far.

    Every step that names a code (`with_code`, `breach_with_code`) or states a
    whole set (`state`) records it; when a new decision replaces this one, and
    at the end of the scenario, `assert_complete` requires the named codes to be
    exactly the decision's, violations and breaches separately. A decision whose
    codes no step names must therefore have none."""

    def __init__(self) -> None:
        self.decision: dict[str, Any] | None = None
        self.focus: list[dict[str, Any]] = []
        self.obligation: dict[str, Any] | None = None
        self.named: dict[str, set[str]] = {VIOLATIONS: set(), BREACHES: set()}

    def record(self, decision: dict[str, Any]) -> None:
        """A new decision: the previous one must have been fully stated first."""
        self.assert_complete()
        self.decision = decision
        self.focus, self.obligation = [], None
        self.named = {VIOLATIONS: set(), BREACHES: set()}

    def assert_complete(self) -> None:
        # A request refused before any rule ran (HTTP 422) carries no codes to state.
        if self.decision is None or VIOLATIONS not in self.decision:
            return
        problems = [
            problem
            for kind in (VIOLATIONS, BREACHES)
            if (problem := completeness_problem(kind, self.named[kind], {c["code"] for c in self.decision.get(kind, [])}))
        ]
        assert not problems, "\n".join(problems) + f"\n{self.decision}"

    def state(self, kind: str, codes: set[str]) -> None:
        """A step stated the whole set of `kind` (after checking it)."""
        self.named[kind].update(codes)

    @property
    def body(self) -> dict[str, Any]:
        assert self.decision is not None, "场景尚未提交事件（缺少“当”步骤）"
        return self.decision

    @property
    def violations(self) -> list[dict[str, Any]]:
        return self.body["violations"]

    @property
    def breaches(self) -> list[dict[str, Any]]:
        return self.body["breaches"]

    def codes(self) -> list[str]:
        return [v["code"] for v in self.violations]

    def with_code(self, code: str) -> list[dict[str, Any]]:
        found = [v for v in self.violations if v["code"] == code]
        assert found, f"没有违规 {code}；实际违规：{self.codes()}\n{self.body}"
        self.named[VIOLATIONS].add(code)
        return found

    def breach_with_code(self, code: str) -> list[dict[str, Any]]:
        found = [b for b in self.breaches if b["code"] == code]
        assert found, f"没有已发生违规 {code}；实际：{[b['code'] for b in self.breaches]}\n{self.body}"
        self.named[BREACHES].add(code)
        return found


@pytest.fixture
def result() -> Outcome:
    return Outcome()


# A step already failed: the completeness check would only hide its error.
_STEP_FAILED = pytest.StashKey[bool]()


def pytest_bdd_step_error(request, feature, scenario, step, step_func, step_func_args, exception) -> None:
    request.node.stash[_STEP_FAILED] = True


def pytest_bdd_after_scenario(request, feature, scenario) -> None:
    """The last decision of every scenario must have had all its codes named
    (steps_lifecycle's `Flow` keeps its own `Outcome` under the same rule)."""
    if request.node.stash.get(_STEP_FAILED, False):
        return
    try:
        for name in ("result", "flow"):
            if name in request.fixturenames:
                holder = request.getfixturevalue(name)
                (holder if isinstance(holder, Outcome) else holder.outcome).assert_complete()
    except AssertionError:
        _fail_last_step(request)
        raise


def _fail_last_step(request) -> None:
    """The cucumber JSON that `govshare test` reads has step results only: a
    failure after the last step would be reported as a pass, so put it on that
    step (pytest-bdd's own report registry)."""
    from pytest_bdd.reporting import scenario_reports_registry

    report = scenario_reports_registry.get(request.node)
    if report is not None and report.step_reports:
        report.current_step_report.failed = True


@pytest.fixture
def demo(service) -> dict[str, dict[str, Any]]:
    """The catalogue and grants the service was seeded with."""
    snapshot = service.engine.snapshot
    return {"catalog": snapshot.catalog, "grants": snapshot.grants}


def send(client, event: dict[str, Any], result: Outcome) -> None:
    response = client.post("/v1/decisions", json=event)
    assert response.status_code == 200, f"HTTP {response.status_code}: {response.text}\n事件：{event}"
    decision = response.json()
    # Whatever the scenario checks next, allow and outcome must agree.
    assert decision["allow"] is (decision["outcome"] == "allow"), decision
    result.record(decision)


def catalog_entry(demo, dataset: str) -> dict[str, Any]:
    assert dataset in demo["catalog"], f"示范目录中没有数据集 {dataset}"
    return demo["catalog"][dataset]


def grant_record(demo, grant: str) -> dict[str, Any]:
    assert grant in demo["grants"], f"示范目录中没有共享授权 {grant}"
    return demo["grants"][grant]


# --------------------------------------------------------------------------
# 假如: time, who acts, what the demo catalogue holds.
# --------------------------------------------------------------------------


@given(parsers.re(r"事件时间为 " + q("at")))
def event_time(event, at):
    event["at"] = at


@given(parsers.re(DEPT + r" 持有授权 " + q("grant")))
def holds_grant(event, demo, department, grant):
    record = grant_record(demo, grant)
    assert record["requester"] == department, f"授权 {grant} 的持有部门是 {record['requester']}，不是 {department}"
    event["requester"]["department"] = department
    event["grant"] = grant


@given(parsers.re(DEPT + r" 凭 (?P<holder>[^\s\"]+) 的授权 " + q("grant")))
def relies_on_foreign_grant(event, demo, department, holder, grant):
    record = grant_record(demo, grant)
    assert record["requester"] == holder, f"授权 {grant} 的持有部门是 {record['requester']}，不是 {holder}"
    assert holder != department
    event["requester"]["department"] = department
    event["grant"] = grant


@given(parsers.re(DEPT + r" 未取得任何共享授权"))
def holds_no_grant(event, demo, department):
    held = [g for g, record in demo["grants"].items() if record["requester"] == department]
    assert not held, f"{department} 在示范目录中持有授权 {held}"
    event["requester"]["department"] = department
    event.pop("grant", None)


@given(parsers.re(DEPT + r" 引用授权编号 " + q("grant")))
def cites_grant_id(event, department, grant):
    """The requester names a grant id, whatever the catalogue says about it."""
    event["requester"]["department"] = department
    event["grant"] = grant


@given(parsers.re(r"授权 " + q("grant") + r" (?P<status>有效|已被暂停|已被终止|已过期)"))
def grant_status(demo, grant, status):
    record = grant_record(demo, grant)
    assert record["status"] == GRANT_STATUS[status], f"授权 {grant} 的状态是 {record['status']}"


@given(parsers.re(r"授权 " + q("grant") + r" 批准的用途为 " + q("purposes") + r"，数据项为 " + q("fields")))
def grant_terms(demo, grant, purposes, fields):
    record = grant_record(demo, grant)
    assert sorted(record.get("purposes", [])) == sorted(split_list(purposes)), record
    assert sorted(record.get("fields", [])) == sorted(split_list(fields)), record


@given(parsers.re(r"授权 " + q("grant") + r" 针对数据集 " + q("dataset")))
def grant_dataset(demo, grant, dataset):
    assert grant_record(demo, grant)["dataset"] == dataset


@given(parsers.re(r"授权 " + q("grant") + r" 的有效期为 " + q("start") + r" 至 " + q("end")))
def grant_validity(demo, grant, start, end):
    record = grant_record(demo, grant)
    assert (record.get("valid_from"), record.get("valid_until")) == (start, end), record


@given(parsers.re(r"提供部门已同意授权 " + q("grant") + r" 的持有部门向 " + q("recipient") + r" 提供数据"))
def consent_recorded(demo, grant, recipient):
    assert recipient in grant_record(demo, grant).get("third_party_consent", [])


@given(parsers.re(r"提供部门未同意授权 " + q("grant") + r" 的持有部门向 " + q("recipient") + r" 提供数据"))
def consent_absent(demo, grant, recipient):
    assert recipient not in grant_record(demo, grant).get("third_party_consent", [])


@given(parsers.re(r"数据集 " + q("dataset") + r" 在目录中属于 " + q("attribute") + r" 类"))
def dataset_attribute(demo, dataset, attribute):
    entry = catalog_entry(demo, dataset)
    assert entry["share_attribute"] == lookup(SHARE_ATTRIBUTES, attribute, "共享属性"), entry


@given(parsers.re(r"数据集 " + q("dataset") + r" 的目录状态为 " + q("state")))
def dataset_catalogue_state(demo, dataset, state):
    if state == "未编入目录":
        assert dataset not in demo["catalog"], f"{dataset} 已在目录中"
    elif state == "未经审核发布":
        assert catalog_entry(demo, dataset).get("published", True) is False
    elif state == "已审核发布":
        assert catalog_entry(demo, dataset).get("published", True) is True
    else:
        raise AssertionError(f"未知的目录状态“{state}”")


@given(parsers.re(r"数据集 " + q("dataset") + r" 的数据项 " + q("field") + r" 标注为 " + q("secrecy")))
def dataset_field_secrecy(demo, dataset, field, secrecy):
    fields = {f["name"]: f for f in catalog_entry(demo, dataset).get("fields", [])}
    assert field in fields, f"{dataset} 没有数据项 {field}"
    assert fields[field].get("secrecy", "none") == lookup(SECRECY, secrecy, "密级")


@given(parsers.re(r"数据集 " + q("dataset") + r" 整体标注为 " + q("secrecy")))
def dataset_secrecy(demo, dataset, secrecy):
    assert catalog_entry(demo, dataset).get("secrecy", "none") == lookup(SECRECY, secrecy, "密级")


# --- a sharing application (art 20) ----------------------------------------


@given(parsers.re(DEPT + r" 就数据集 " + q("dataset") + r" 准备了如下共享申请："))
def application_table(event, department, dataset, datatable):
    """The table has two columns, 项目 | 内容, one row per item of the application."""
    header, *rows = datatable
    assert header == ["项目", "内容"], header
    event.update(action="apply", dataset=dataset)
    event["requester"]["department"] = department
    for item, value in rows:
        key = lookup(APPLICATION_ITEMS, item, "申请项目")
        if key == "fields":
            event["fields"] = split_list(value)
        elif key == "method":
            event["method"] = lookup(METHODS, value, "共享方式")
        elif key == "unit_head_approved":
            event["requester"]["unit_head_approved"] = lookup(YES_NO, value, "是/否")
        elif key == "use_scope":
            event["use_scope"] = use_scope(value)
        else:
            event[key] = value


USE_SCOPE_PARTS = {"单位": "units", "区域": "regions", "业务": "businesses"}


def use_scope(text: str) -> dict[str, list[str]]:
    """ "单位：社会救助科；区域：419001" → {"units": [...], "regions": [...]}; a
    value without a part name lists units."""
    scope: dict[str, list[str]] = {}
    for part in (p for p in re.split(r"[；;]", text) if p.strip()):
        name, _, values = part.partition("：") if "：" in part else ("单位", "", part)
        scope[lookup(USE_SCOPE_PARTS, name.strip(), "使用范围的组成")] = split_list(values)
    return scope


@given(parsers.re(r"申请未写明 " + q("item")))
def application_lacks(event, item):
    key = lookup(APPLICATION_ITEMS, item, "申请项目")
    holder = event["requester"] if key == "unit_head_approved" else event
    assert key in holder, f"申请中本来就没有“{item}”"
    del holder[key]


@given(parsers.re(r"申请的 " + q("item") + r" 只填了空白"))
def application_blank(event, item):
    key = lookup(APPLICATION_ITEMS, item, "申请项目")
    assert key in event and isinstance(event[key], str)
    event[key] = "   "


@given(parsers.re(r"本部门共享工作机构负责人不同意该申请"))
def application_refused_by_unit_head(event):
    event["requester"]["unit_head_approved"] = False


# --- a catalogue entry to publish (arts 3, 15) --------------------------------


@given(parsers.re(DEPT + r" 编制目录条目 " + q("id") + r"，名称为 " + q("name") + r"，共享属性为 " + q("attribute")))
def new_entry(event, department, id, name, attribute):
    event["action"] = "catalog"
    event["requester"]["department"] = department
    share_attribute = lookup(SHARE_ATTRIBUTES, attribute, "共享属性")
    event["entry"] = {
        "id": id,
        "name": name,
        "provider": department,
        "share_attribute": share_attribute,
        **copy.deepcopy(COMPLETE_ENTRY),
    }
    if share_attribute == "not_shareable":
        del event["entry"]["methods"]  # not shared by any method


@given(parsers.re(r"该条目写明不予共享理由 " + q("reason")))
def entry_reason(event, reason):
    event["entry"]["not_shareable_reason"] = reason


@given(parsers.re(r"该条目的依据为 " + q("rank") + r" (?P<title>《[^》]+》)(?P<article>\S*)"))
def entry_basis(event, rank, title, article):
    basis = {"type": lookup(BASIS_TYPES, rank, "依据层级"), "title": title}
    if article:
        basis["article"] = article
    event["entry"].setdefault("legal_basis", []).append(basis)


@given(parsers.re(r"该条目的共享范围为 " + q("scope")))
def entry_scope(event, scope):
    event["entry"].setdefault("conditions", {})["scope"] = split_list(scope)


@given(parsers.re(r"该条目的使用用途为 " + q("purposes")))
def entry_purposes(event, purposes):
    event["entry"].setdefault("conditions", {})["purposes"] = split_list(purposes)


@given(parsers.re(r"该条目的数据项为 " + q("fields")))
def entry_fields(event, fields):
    event["entry"]["fields"] = [{"name": name} for name in split_list(fields)]


@given(parsers.re(r"其中数据项 " + q("field") + r" 标注为 " + q("secrecy")))
def entry_field_secrecy(event, field, secrecy):
    matches = [f for f in event["entry"].get("fields", []) if f["name"] == field]
    assert matches, f"条目中没有数据项 {field}"
    matches[0]["secrecy"] = lookup(SECRECY, secrecy, "密级")


@given(parsers.re(r"该条目整体标注为 " + q("secrecy")))
def entry_secrecy(event, secrecy):
    event["entry"]["secrecy"] = lookup(SECRECY, secrecy, "密级")


# --------------------------------------------------------------------------
# 当: the act, sent to POST /v1/decisions.
# --------------------------------------------------------------------------


@when(parsers.re(r"提交该申请"))
def submit_application(client, event, result):
    assert event.get("action") == "apply"
    send(client, event, result)


@when(parsers.re(DEPT + r" 就数据集 " + q("dataset") + r" 的数据项 " + q("fields") + r" 提交一份内容完整的共享申请"))
def submit_complete_application(client, event, result, department, dataset, fields):
    event.update(COMPLETE_APPLICATION, action="apply", dataset=dataset, fields=split_list(fields))
    event["requester"].update(department=department, unit_head_approved=True)
    send(client, event, result)


@when(parsers.re(r"提交该目录条目审核发布"))
def submit_entry(client, event, result):
    assert event.get("action") == "catalog"
    send(client, event, result)


@when(parsers.re(r"它以用途 " + q("purpose") + r" 使用数据集 " + q("dataset") + r" 的数据项 " + q("fields")))
def use_dataset(client, event, result, purpose, dataset, fields):
    event.update(action="use", purpose=purpose, dataset=dataset, fields=split_list(fields), recipient={"kind": "self"})
    send(client, event, result)


@when(parsers.re(r"它未说明用途，使用数据集 " + q("dataset") + r" 的数据项 " + q("fields")))
def use_without_purpose(client, event, result, dataset, fields):
    event.update(action="use", dataset=dataset, fields=split_list(fields), recipient={"kind": "self"})
    event.pop("purpose", None)
    send(client, event, result)


@when(parsers.re(
    r"它以用途 " + q("purpose") + r" 将数据集 " + q("dataset") + r" 的数据项 " + q("fields")
    + r" 提供给(?P<kind>第三方|其他政府部门) " + q("recipient")
))
def transfer_dataset(client, event, result, purpose, dataset, fields, kind, recipient):
    event.update(
        action="transfer",
        purpose=purpose,
        dataset=dataset,
        fields=split_list(fields),
        recipient={"kind": RECIPIENT_KINDS[kind], "name": recipient},
    )
    send(client, event, result)


@when(parsers.re(r"它以用途 " + q("purpose") + r" 使用数据集 " + q("dataset") + r"，但未列明数据项"))
def use_without_fields(client, event, result, purpose, dataset):
    event.update(action="use", purpose=purpose, dataset=dataset, fields=[], recipient={"kind": "self"})
    send(client, event, result)


@when(parsers.re(r"它以用途 " + q("purpose") + r" 再提供数据集 " + q("dataset") + r" 的数据项 " + q("fields") + r"，但未说明接收方"))
def transfer_without_recipient(client, event, result, purpose, dataset, fields):
    event.update(action="transfer", purpose=purpose, dataset=dataset, fields=split_list(fields))
    event.pop("recipient", None)
    send(client, event, result)


@when(parsers.re(
    r"它以用途 " + q("purpose") + r" 使用数据集 " + q("dataset") + r" 的数据项 " + q("fields")
    + r"，并把数据交给第三方 " + q("recipient")
))
def use_handing_to_third_party(client, event, result, purpose, dataset, fields, recipient):
    event.update(action="use", purpose=purpose, dataset=dataset, fields=split_list(fields),
                 recipient={"kind": "third_party", "name": recipient})
    send(client, event, result)


# One sentence per step of sharing by which not-shareable data would move (art 14).
@when(parsers.re(DEPT + r" (?P<act>申请使用|使用|向第三方提供|交付|回流)数据集 " + q("dataset") + r" 的数据项 " + q("fields")))
def act_on_dataset(client, event, result, department, act, dataset, fields):
    event.update(dataset=dataset, fields=split_list(fields))
    event["requester"]["department"] = department
    if act == "申请使用":
        event.update(COMPLETE_APPLICATION, action="apply")
        event["requester"]["unit_head_approved"] = True
    elif act == "使用":
        event.update(action="use", purpose=COMPLETE_APPLICATION["purpose"])
    elif act == "向第三方提供":
        event.update(action="transfer", purpose=COMPLETE_APPLICATION["purpose"],
                     recipient={"kind": "third_party", "name": "某科技有限公司"})
    elif act == "交付":
        # Approved the same day, so a delivery scenario proves only its own article
        # (the approval date of art 22(1) has scenarios of its own).
        event.update(action="deliver", method="api", recipient={"kind": "department", "name": "示范区民政局"},
                     application={"approved_on": event.get("at", "2026-03-02")[:10]})
    else:  # 回流
        # A return states the lower-level duty it serves (art 24(2)).
        event.update(action="return", method="bulk", purpose=COMPLETE_APPLICATION["purpose"],
                     recipient={"kind": "department", "name": "示范区民政局"})
    send(client, event, result)


# --------------------------------------------------------------------------
# 那么: the decision.
# --------------------------------------------------------------------------


@then(parsers.re(r"决策结果为 " + q("outcome")))
def outcome_is(result, outcome):
    assert outcome in ("allow", "deny", "needs_action", "indeterminate"), outcome
    body = result.body
    assert body["outcome"] == outcome, f"决策结果是 {body['outcome']}，不是 {outcome}；违规：{result.codes()}\n{body}"
    assert body["allow"] is (outcome == "allow")


CITATION = (
    r"违规包含 " + q("code")
    + r"，引用第(?P<article>\d+)条(?:第(?P<paragraph>\d+)款)?(?:第(?P<item>\d+)项)?"
    + r"，(?:责任条款 " + q("liability") + r"|不涉及责任条款)"
)


@then(parsers.re(CITATION))
def violation_cited(result, code, article, paragraph, item, liability):
    found = result.with_code(code)
    for v in found:
        assert v["regulation"] == "gdsr", v
        expected = (int(article), int(paragraph) if paragraph else None, int(item) if item else None)
        assert (v["article"], v["paragraph"], v["item"]) == expected, (
            f"{code} 引用了第{v['article']}条第{v['paragraph']}款第{v['item']}项，应为第{article}条"
            + (f"第{paragraph}款" if paragraph else "") + (f"第{item}项" if item else "")
        )
        assert v["liability"] == liability, f"{code} 的责任条款是 {v['liability']!r}，应为 {liability!r}"
        assert v["title"]["zh"] and v["title"]["en"] and v["remedy"]["zh"] and v["remedy"]["en"], v
    result.focus = found


@then(parsers.re(r"违规仅为 (?P<codes>\"[^\"]+\"(?:、\"[^\"]+\")*)"))
def violations_exactly(result, codes):
    expected = set(re.findall(r'"([^"]+)"', codes))
    problem = completeness_problem(VIOLATIONS, expected, set(result.codes()))
    assert problem is None, f"{problem}\n{result.body}"
    result.state(VIOLATIONS, expected)
    result.focus = [v for v in result.violations]


@then("违规仅为 无")
def no_violations_at_all(result):
    assert result.violations == [], f"不应有违规，实际：{result.codes()}"
    result.focus = []


@then("已发生违规仅为 无")
def no_breaches_at_all(result):
    assert result.body["breaches"] == [], f"不应有已发生违规，实际：{[b['code'] for b in result.body['breaches']]}"
    result.state(BREACHES, set())


@then("违规仅为以下各项：")
def violations_table(result, datatable):
    """Columns: 规则代码 | 条 | 款 | 责任条款 ("—" = none). The set of codes must be exactly the table's."""
    header, *rows = datatable
    assert header == ["规则代码", "条", "款", "责任条款"], header
    expected = {row[0] for row in rows}
    assert len(expected) == len(rows), "表中规则代码重复"
    problem = completeness_problem(VIOLATIONS, expected, set(result.codes()))
    assert problem is None, f"{problem}\n{result.body}"
    result.state(VIOLATIONS, expected)
    for code, article, paragraph, liability in rows:
        for v in result.with_code(code):
            assert (v["article"], v["paragraph"]) == (int(article), int(paragraph)), v
            assert v["liability"] == (None if liability in ("—", "-", "") else liability), v
    result.focus = list(result.violations)


@then("没有任何违规")
def no_violations(result):
    assert result.violations == [], f"不应有违规，实际：{result.codes()}"
    result.focus = []


@then(parsers.re(r"违规 " + q("code") + r" 共 (?P<count>\d+) 条，说明分别包含："))
def violations_enumerated(result, code, count, datatable):
    """One row per expected violation of the code; each row's text must appear in
    the Chinese message of exactly one of them, and every one is matched."""
    header, *rows = datatable
    assert len(header) == 1, header
    found = result.with_code(code)
    assert len(found) == int(count) == len(rows), f"{code} 应有 {count} 条（表中 {len(rows)} 行），实际 {len(found)} 条：{[v['message']['zh'] for v in found]}"
    unmatched = list(found)
    for (text,) in rows:
        hits = [v for v in unmatched if text in v["message"]["zh"]]
        assert len(hits) == 1, f"“{text}”应恰好出现在一条 {code} 的说明中，实际 {len(hits)} 条：{[v['message']['zh'] for v in found]}"
        unmatched.remove(hits[0])
    assert not unmatched
    result.focus = found


def _focused(result: Outcome) -> list[dict[str, Any]]:
    return result.focus or result.violations


@then(parsers.re(r"中文说明包含 " + q("text")))
def message_zh(result, text):
    messages = [v["message"]["zh"] for v in _focused(result)]
    assert any(text in m for m in messages), f"中文说明中没有“{text}”：{messages}"


@then(parsers.re(r"英文说明包含 " + q("text")))
def message_en(result, text):
    messages = [v["message"]["en"] for v in _focused(result)]
    assert any(text in m for m in messages), f"英文说明中没有“{text}”：{messages}"


@then(parsers.re(r"整改建议包含 " + q("text")))
def remedy_zh(result, text):
    remedies = [v["remedy"]["zh"] for v in _focused(result)]
    assert any(text in r for r in remedies), f"整改建议中没有“{text}”：{remedies}"


@then(parsers.re(r"附带义务 " + q("code") + r"，引用第(?P<article>\d+)条第(?P<paragraph>\d+)款"))
def obligation_cited(result, code, article, paragraph):
    found = [o for o in result.body["obligations"] if o["code"] == code]
    assert len(found) == 1, f"应附带一项义务 {code}，实际：{[o['code'] for o in result.body['obligations']]}"
    (obligation,) = found
    assert (obligation["regulation"], obligation["article"], obligation["paragraph"]) == ("gdsr", int(article), int(paragraph)), obligation
    result.obligation = obligation


@then(parsers.re(r"义务仅为 (?P<codes>\"[^\"]+\"(?:、\"[^\"]+\")*)"))
def obligations_exactly(result, codes):
    expected = sorted(re.findall(r'"([^"]+)"', codes))
    assert sorted(o["code"] for o in result.body["obligations"]) == expected, result.body["obligations"]


@then(parsers.re(r"义务说明包含 " + q("text")))
def obligation_zh(result, text):
    assert result.obligation is not None, "先用“附带义务 …”指明是哪项义务"
    assert text in result.obligation["message"]["zh"], result.obligation["message"]["zh"]


@then(parsers.re(r"义务英文说明包含 " + q("text")))
def obligation_en(result, text):
    assert result.obligation is not None, "先用“附带义务 …”指明是哪项义务"
    assert text in result.obligation["message"]["en"], result.obligation["message"]["en"]


@then("没有附带义务")
def no_obligations(result):
    assert result.body["obligations"] == [], result.body["obligations"]


# Step definitions per part of the regulation live in their own modules (so two
# people can add scenarios without editing one file); importing them here makes
# them visible to every feature.
from tests.bdd.steps_catalog_security import *  # noqa: E402,F401,F403
from tests.bdd.steps_sharing import *  # noqa: E402,F401,F403
from tests.bdd.steps_scope_channel import *  # noqa: E402,F401,F403
from tests.bdd.steps_grant_events import *  # noqa: E402,F401,F403
