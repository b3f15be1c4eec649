"""Statutory numbers as dated parameters (policies/data/parameters): the rules
and the lifecycle read the value in force on a day, `govshare check` holds each
to its article, a day without a value in force is never guessed, and
`govshare impact --parameters` replays the ledger on a draft file."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from adapters.cli import app
from adapters.lifecycle import Lifecycle
from adapters.regorus_backend import RegorusBackend
from adapters.service import build_service
from engine.decide import DecisionEngine
from engine.deadlines import delivery_due, reply_due
from engine.errors import PolicyError
from engine.models import AccessEvent
from engine.parameters import ParameterNotInForce, load_parameters, with_parameters
from engine.policyset import load_policy_set
from tests.conftest import POLICY_DIR, THIRD_PARTY_TRANSFER, make_settings

WIDE = {"COLUMNS": "250"}
GDSR_FILE = "data/parameters/gdsr.yaml"
DELIVERY = """gdsr.delivery_working_days:
  description:
    zh: 自作出同意共享的答复之日起共享数据的工作日数
    en: Working days to share the data after replying that sharing is approved
  unit: working_days
  source:
    regulation: gdsr
    article: 22
    paragraph: 1
    quote: 政务数据提供部门应当自作出同意共享的答复之日起20个工作日内共享政务数据
  values:
    - value: 20
      effective_from: 2025-08-01
"""
# A record made on 2024-01-10, deleted on 2026-03-02: under art 29(2)'s 3 years it
# must be kept until 2027-01-10.
DELETE_RECORD = {**THIRD_PARTY_TRANSFER, "action": "records", "recipient": {"kind": "self"},
                 "record": {"id": "r-1", "created_on": "2024-01-10"}}


def _replace_parameter(root: Path, name: str, definition: str) -> None:
    """Swap one parameter's definition in the GDSR file for `definition`."""
    path = root / GDSR_FILE
    text = path.read_text(encoding="utf-8")
    start = text.index(f"\n{name}:\n") + 1
    end = text.find("\n\n", start)
    path.write_text(text[:start] + definition.rstrip("\n") + (text[end:] if end != -1 else "\n"), encoding="utf-8")


def _check(runner, root):
    result = runner.invoke(app, ["check", "--policies", str(root)], env=WIDE)
    return result, result.output.replace("\n", "")


# --- the shipped values --------------------------------------------------------


def test_every_shipped_parameter_cites_a_real_article_and_is_in_force_today():
    parameters = load_parameters(POLICY_DIR / "data/parameters", POLICY_DIR)
    assert {"gdsr.reply_conditional_working_days", "gdsr.delivery_working_days", "gdsr.usage_record_retention_years",
            "jiyuan.log_retention_months", "jiyuan.catalog_review_working_days"} <= set(parameters.by_name)
    assert parameters.value("gdsr.usage_record_retention_years", date(2026, 3, 2)) == 3
    assert parameters.value("jiyuan.log_retention_months", date(2026, 3, 2)) == 6
    assert parameters.value("gdsr.catalog_review_working_days", date(2026, 3, 2)) == 2
    assert parameters.value("jiyuan.catalog_review_working_days", date(2026, 3, 2)) == 5
    with pytest.raises(ParameterNotInForce):
        parameters.value("gdsr.delivery_working_days", date(2025, 7, 31))  # before the GDSR
    for parameter in parameters.by_name.values():
        assert parameter.article and parameter.quote and parameter.zh and parameter.en


def test_every_rule_that_counts_a_statutory_period_reads_a_parameter():
    policies = load_policy_set(POLICY_DIR, RegorusBackend())
    readers = set(policies.parameter_reads)
    assert {"gdsr.reply.reply_deadline", "gdsr.deliver.delivery_deadline", "gdsr.records.retention",
            "gdsr.verify.verification_deadline", "local.jiyuan.records.log_retention",
            "local.jiyuan.open.reply_deadline", "local.jiyuan.interface.extension"} <= readers
    assert policies.parameter_reads["gdsr.reply.reply_deadline"] == {
        "gdsr.reply_unconditional_working_days", "gdsr.reply_conditional_working_days", "gdsr.reply_extension_max_working_days"}
    # every shipped parameter is read by some rule
    read = set().union(*policies.parameter_reads.values())
    assert set(policies.parameters.by_name) - read == set()


# --- govshare check -------------------------------------------------------------


@pytest.mark.parametrize("definition, zh, en", [
    (DELIVERY.replace("    article: 22\n", ""), "缺少出处条文", "has no source article"),
    (DELIVERY.replace("  source:\n    regulation: gdsr\n    article: 22\n    paragraph: 1\n"
                      "    quote: 政务数据提供部门应当自作出同意共享的答复之日起20个工作日内共享政务数据\n", ""),
     "缺少出处", "has no source"),
    (DELIVERY.replace("article: 22", "article: 45"), "gdsr 没有第45条", "gdsr has no article 45"),
    (DELIVERY.replace("paragraph: 1", "paragraph: 3"), "第22条没有第3款", "art 22 has no paragraph 3"),
    (DELIVERY.replace("quote: 政务数据提供部门应当", "quote: 政务数据提供部门可以"), "不是 gdsr 第22条第1款原文", "is not, whitespace aside, part of the text"),
    (DELIVERY.replace("value: 20", "value: -20"), "取值须为正整数", "must be a positive integer"),
    (DELIVERY.replace("value: 20", "value: twenty"), "取值须为正整数", "must be a positive integer"),
    (DELIVERY.replace("effective_from: 2025-08-01", "effective_from: 2025-07-01"), "早于《政务数据共享条例》施行日期", "before the Government Data Sharing Regulation took effect"),
    (DELIVERY.replace("effective_from: 2025-08-01", "effective_from: 2025-08-01\n      efective_to: 2026-12-31"), "未知的键 efective_to", "unknown key efective_to"),
    (DELIVERY + "    - value: 15\n      effective_from: 2027-01-01\n", "取值期间重叠", "overlapping periods"),
    (DELIVERY.replace("effective_from: 2025-08-01", "effective_from: 2025-08-01\n      effective_to: 2026-12-31")
     + "    - value: 15\n      effective_from: 2026-12-31\n", "取值期间重叠", "overlapping periods"),
    (DELIVERY.replace("  unit: working_days\n", "  unit: weeks\n"), "unit 须为", "unit must be one of"),
])
def test_check_refuses_a_parameter_that_is_not_held_to_its_article(runner, draft, definition, zh, en):
    _replace_parameter(draft, "gdsr.delivery_working_days", definition)
    result, text = _check(runner, draft)
    assert result.exit_code == 1, result.output
    assert GDSR_FILE in text and "gdsr.delivery_working_days" in text
    assert zh in text and en in text


def test_check_accepts_a_change_of_value_on_a_date(runner, draft):
    _replace_parameter(draft, "gdsr.delivery_working_days", DELIVERY.replace(
        "effective_from: 2025-08-01", "effective_from: 2025-08-01\n      effective_to: 2026-12-31")
        + "    - value: 15\n      effective_from: 2027-01-01\n")
    result, _ = _check(runner, draft)
    assert result.exit_code == 0, result.output
    parameters = load_parameters(draft / "data/parameters")
    assert [parameters.value("gdsr.delivery_working_days", date(y, m, d)) for y, m, d in ((2026, 12, 31), (2027, 1, 1))] == [20, 15]


@pytest.mark.parametrize("line, zh, en", [
    ('working_days := data.lib.parameters.value("gdsr.delivery_days", state.event_date)', "未知的法定参数 gdsr.delivery_days", "unknown statutory parameter gdsr.delivery_days"),
    ('working_days := data.lib.parameters.value(sprintf("gdsr.%s", ["delivery_working_days"]), state.event_date)', "须是参数名的字符串字面量", "as a string literal"),
    ('working_days := data.govshare_parameters["gdsr.delivery_working_days"][0].value', "规则须通过 data.lib.parameters.value", "rules read statutory parameters only through"),
])
def test_check_refuses_a_rule_that_reads_a_parameter_the_engine_cannot_see(runner, draft, line, zh, en):
    rule = draft / "gdsr/deliver/delivery_deadline/delivery_deadline.rego"
    text = rule.read_text(encoding="utf-8")
    old = 'working_days := data.lib.parameters.value("gdsr.delivery_working_days", state.event_date)'
    assert old in text
    rule.write_text(text.replace(old, line), encoding="utf-8")
    result, output = _check(runner, draft)
    assert result.exit_code == 1, result.output
    assert "gdsr/deliver/delivery_deadline/delivery_deadline.rego" in output and zh in output and en in output


# --- decisions: the value in force on the event's date, or no decision ----------


def _engine(root: Path) -> DecisionEngine:
    service = build_service(make_settings(root.parent / "store"))  # the demo catalogue and grants
    return DecisionEngine(load_policy_set(root, RegorusBackend()), RegorusBackend(), service.engine.snapshot, cache_size=0)


def test_a_rule_counts_with_the_value_in_force_on_the_event_date(draft):
    # Art 29(2) reduced to 2 years from 2026-03-01 (a hypothetical amendment).
    _replace_parameter(draft, "gdsr.usage_record_retention_years", """gdsr.usage_record_retention_years:
  description: {zh: 使用记录的最短保存年数, en: The fewest years usage records are kept}
  unit: years
  source: {regulation: gdsr, article: 29, paragraph: 2, quote: 有关记录保存期限不少于3年}
  values:
    - {value: 3, effective_from: 2025-08-01, effective_to: 2026-02-28}
    - {value: 2, effective_from: 2026-03-01}
""")
    engine = _engine(draft)
    before = engine.decide(AccessEvent.model_validate({**DELETE_RECORD, "at": "2026-02-27T10:00:00+08:00"}))
    after = engine.decide(AccessEvent.model_validate(DELETE_RECORD))
    assert "GDSR-29-RECORD-RETENTION" in {v.code for v in before.violations}, before.violations
    retention = next(v for v in before.violations if v.code == "GDSR-29-RECORD-RETENTION")
    assert retention.facts["keep_years"] == 3 and retention.facts["earliest"] == "2027-01-10"
    assert "GDSR-29-RECORD-RETENTION" not in {v.code for v in after.violations}


def test_no_value_in_force_on_the_event_date_is_indeterminate_not_allow(draft):
    _replace_parameter(draft, "gdsr.usage_record_retention_years", """gdsr.usage_record_retention_years:
  description: {zh: 使用记录的最短保存年数, en: The fewest years usage records are kept}
  unit: years
  source: {regulation: gdsr, article: 29, paragraph: 2}
  values:
    - {value: 3, effective_from: 2025-08-01, effective_to: 2026-01-31}
""")
    engine = _engine(draft)
    # a record old enough under any reading: without the parameter the rule would be silent
    decision = engine.decide(AccessEvent.model_validate({**DELETE_RECORD, "record": {"id": "r-0", "created_on": "2020-01-10"}}))
    assert (decision.allow, decision.outcome) == (False, "indeterminate")
    [failure] = decision.violations
    assert failure.code == "GOVSHARE-PARAMETER-NOT-IN-FORCE"
    assert failure.facts["parameters"] == ["gdsr.usage_record_retention_years"]
    assert "gdsr.usage_record_retention_years" in failure.message.zh and "2026-03-02" in failure.message.zh
    assert "no value in force on 2026-03-02" in failure.message.en
    assert "policies/data/parameters/" in failure.remedy.zh and "policies/data/parameters/" in failure.remedy.en
    # before the period ended the same deletion is judged
    judged = engine.decide(AccessEvent.model_validate({**DELETE_RECORD, "at": "2026-01-20T10:00:00+08:00",
                                                       "record": {"id": "r-0", "created_on": "2020-01-10"}}))
    assert judged.outcome != "indeterminate"
    # a transfer reaches it too (art 29(2)'s duty to record a use names the retention term) …
    transfer = engine.decide(AccessEvent.model_validate(THIRD_PARTY_TRANSFER))
    assert transfer.outcome == "indeterminate"
    # … but an action that reaches no rule reading it is still decided
    apply = engine.decide(AccessEvent.model_validate({**THIRD_PARTY_TRANSFER, "action": "apply", "recipient": {"kind": "self"}}))
    assert apply.outcome != "indeterminate", apply.violations


def test_the_lifecycle_due_dates_read_the_same_parameters(draft):
    policies = load_policy_set(POLICY_DIR, RegorusBackend())
    calendar, parameters = policies.calendar, policies.parameters
    assert reply_due(calendar, parameters, date(2026, 9, 30), "unconditional") == date(2026, 10, 8)
    assert reply_due(calendar, parameters, date(2026, 3, 2), "conditional", 15) == reply_due(calendar, parameters, date(2026, 3, 2), "conditional", 10)
    assert delivery_due(calendar, parameters, date(2026, 3, 2)) == calendar.add_working_days(date(2026, 3, 2), 20)
    _replace_parameter(draft, "gdsr.delivery_working_days", DELIVERY.replace(
        "effective_from: 2025-08-01", "effective_from: 2025-08-01\n      effective_to: 2026-02-28")
        + "    - value: 5\n      effective_from: 2026-03-01\n")
    changed = load_policy_set(draft, RegorusBackend())
    assert delivery_due(changed.calendar, changed.parameters, date(2026, 3, 2)) == calendar.add_working_days(date(2026, 3, 2), 5)
    with pytest.raises(ParameterNotInForce):
        delivery_due(changed.calendar, changed.parameters, date(2025, 7, 1))


# --- govshare impact --parameters ---------------------------------------------


def _impact(runner, *args):
    result = runner.invoke(app, ["impact", "--json", *args], env=WIDE)
    return result, (json.loads(result.stdout) if result.stdout.strip().startswith("{") else None)


@pytest.fixture
def logged_deletion(tmp_path):
    """A ledger holding one refused deletion of a usage record (kept < 3 years)."""
    service = build_service(make_settings(tmp_path / "data"))
    decision = Lifecycle(service).decide(AccessEvent.model_validate(DELETE_RECORD))
    assert "GDSR-29-RECORD-RETENTION" in {v.code for v in decision.violations}
    return decision


def test_impact_replays_the_ledger_on_a_draft_parameter_file(runner, tmp_path, logged_deletion):
    draft_file = tmp_path / "draft-gdsr.yaml"
    shutil.copy(POLICY_DIR / GDSR_FILE, draft_file)
    text = draft_file.read_text(encoding="utf-8")
    draft_file.write_text(text.replace("""    quote: 有关记录保存期限不少于3年
  values:
    - value: 3
      effective_from: 2025-08-01""", """    quote: 有关记录保存期限不少于3年
  values:
    - value: 3
      effective_from: 2025-08-01
      effective_to: 2025-12-31
    - value: 2
      effective_from: 2026-01-01"""), encoding="utf-8")
    result, report = _impact(runner, "--parameters", str(draft_file))
    assert result.exit_code == 1, result.output
    assert report["replayed"] == 1 and report["changed"] == 1 and report["changed_by_draft"] == 1
    [change] = report["changes"]
    assert change["decision_id"] == logged_deletion.decision_id
    assert "GDSR-29-RECORD-RETENTION" in change["removed"]
    assert {g["key"] for g in report["by_article"]} == {"gdsr:29"}
    # the live parameters change nothing
    same, unchanged = _impact(runner, "--parameters", str(POLICY_DIR / "data/parameters"))
    assert same.exit_code == 0, same.output
    assert unchanged["changed"] == 0 and unchanged["replayed"] == 1


def test_impact_refuses_a_draft_parameter_file_that_fails_the_checks(runner, tmp_path, logged_deletion):
    draft_file = tmp_path / "bad.yaml"
    draft_file.write_text(DELIVERY.replace("    article: 22\n", ""), encoding="utf-8")
    result = runner.invoke(app, ["impact", "--parameters", str(draft_file), "--lang", "en"], env=WIDE)
    assert result.exit_code == 2
    text = result.output.replace("\n", "")
    assert "do not compile or fail the checks" in text and "has no source article" in text


def test_a_draft_parameter_file_replaces_only_the_parameters_it_defines(tmp_path):
    live = load_policy_set(POLICY_DIR, RegorusBackend())
    partial = tmp_path / "delivery.yaml"
    partial.write_text(DELIVERY.replace("value: 20", "value: 15"), encoding="utf-8")
    draft = with_parameters(live, partial)
    assert draft.parameters.value("gdsr.delivery_working_days", date(2026, 3, 2)) == 15
    assert draft.parameters.value("gdsr.reply_conditional_working_days", date(2026, 3, 2)) == 10
    assert draft.revision != live.revision and live.parameters.value("gdsr.delivery_working_days", date(2026, 3, 2)) == 20
    with pytest.raises(PolicyError):
        with_parameters(live, tmp_path / "nothing-here")


def test_impact_reports_a_breach_a_changed_period_would_remove(runner, tmp_path):
    """A period mostly moves breaches (a late delivery is still made), not
    denials: impact compares the breach codes too."""
    service = build_service(make_settings(tmp_path / "data"))
    late = Lifecycle(service).decide(AccessEvent.model_validate({
        "action": "deliver", "at": "2026-04-15T10:00:00+08:00", "requester": {"department": "示范区公安局"},
        "dataset": "ds-population-basic", "fields": ["name"], "method": "api",
        "recipient": {"kind": "department", "name": "示范区民政局"}, "application": {"approved_on": "2026-03-02"},
        "pi_basis": "《个人信息保护法》第十三条第一款第三项", "controls": ["传输加密", "访问权限控制", "操作日志留存"],
    }))
    assert [b.code for b in late.breaches] == ["GDSR-22-DELIVERY-DEADLINE"], late
    draft_file = tmp_path / "delivery.yaml"
    draft_file.write_text(DELIVERY.replace("- value: 20", "- value: 40"), encoding="utf-8")
    assert "value: 40" in draft_file.read_text(encoding="utf-8")
    result, report = _impact(runner, "--parameters", str(draft_file))
    assert result.exit_code == 1, result.output
    [change] = report["changes"]
    assert change["decision_id"] == late.decision_id and change["removed"] == ["GDSR-22-DELIVERY-DEADLINE"]
    assert {g["key"] for g in report["by_article"]} == {"gdsr:22"}
