"""The 那么 steps must name every violation and breach code of a decision, no
more and no fewer (tests/bdd/conftest.py: `Outcome`, `completeness_problem`,
`pytest_bdd_after_scenario`).

The unit tests hold the checking function and `Outcome` to that; the last test
runs deliberately incomplete Chinese scenarios in a separate pytest process
with the real step definitions, hooks and HTTP service, and requires each of
them to fail with the codes it left out or named wrongly (also in the cucumber
report `govshare test` reads), and a complete one to pass."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import pytest

from adapters.service import PROJECT_ROOT
from tests.bdd.conftest import BREACHES, VIOLATIONS, Outcome, completeness_problem


def decision(violations: Sequence[str] = (), breaches: Sequence[str] = ()) -> dict:
    return {"outcome": "deny" if violations else "allow", "allow": not violations,
            "violations": [{"code": c} for c in violations], "breaches": [{"code": c} for c in breaches]}


# ----------------------------------------------------------- the checking function


def test_named_codes_equal_to_the_decisions_pass():
    assert completeness_problem(VIOLATIONS, {"A", "B"}, {"A", "B"}) is None
    assert completeness_problem(BREACHES, set(), set()) is None


def test_a_code_the_steps_did_not_name_fails_as_extra():
    problem = completeness_problem(VIOLATIONS, {"A"}, {"A", "B"})
    assert problem is not None
    assert "多出" in problem and "extra" in problem and "['B']" in problem
    assert "缺少" not in problem


def test_a_named_code_the_decision_lacks_fails_as_missing():
    problem = completeness_problem(BREACHES, {"A", "C"}, {"A"})
    assert problem is not None
    assert problem.startswith("已发生违规不完整 / breaches incomplete")
    assert "缺少" in problem and "missing" in problem and "['C']" in problem
    assert "多出" not in problem


# ----------------------------------------------------------- Outcome


def test_a_deny_whose_codes_no_step_names_is_incomplete():
    result = Outcome()
    result.record(decision(["GDSR-25-PURPOSE"]))
    with pytest.raises(AssertionError, match="GDSR-25-PURPOSE"):
        result.assert_complete()


def test_naming_a_code_through_a_lookup_or_a_full_set_completes_it():
    result = Outcome()
    result.record(decision(["A", "B"], ["X"]))
    result.with_code("A")
    result.state(VIOLATIONS, {"A", "B"})
    result.breach_with_code("X")
    result.assert_complete()


def test_violations_and_breaches_are_checked_apart():
    result = Outcome()
    result.record(decision(["A"], ["A"]))
    result.with_code("A")
    with pytest.raises(AssertionError, match="已发生违规不完整"):
        result.assert_complete()


def test_a_full_set_naming_an_absent_code_is_incomplete():
    result = Outcome()
    result.record(decision(["A"]))
    result.state(VIOLATIONS, {"A", "B"})
    with pytest.raises(AssertionError, match=r"缺少.*\['B'\]"):
        result.assert_complete()


def test_a_new_decision_requires_the_previous_one_complete():
    result = Outcome()
    result.record(decision(["A"]))
    with pytest.raises(AssertionError, match="A"):
        result.record(decision())
    result.with_code("A")
    result.record(decision(["B"]))
    assert result.named == {VIOLATIONS: set(), BREACHES: set()}, "a new decision starts with nothing named"


def test_a_request_refused_before_any_rule_ran_has_no_codes_to_state():
    result = Outcome()
    result.record({"outcome": "rejected", "status": 422, "detail": {}})
    result.assert_complete()


# ----------------------------------------------------------- real scenarios, run apart

FEATURE = """\
# language: zh-CN
功能: 那么步骤须列全违规与已发生违规

  背景:
    假如 事件时间为 "2026-03-02T10:00:00+08:00"

  场景: 只看结果不列违规
    假如 示范区民政局 持有授权 "g-2026-0001"
    当 它以用途 "招商引资" 使用数据集 "ds-population-basic" 的数据项 "name"
    那么 决策结果为 "deny"

  场景: 少列一项违规
    假如 示范区民政局 持有授权 "g-2026-0001"
    而且 提供部门未同意授权 "g-2026-0001" 的持有部门向 "某科技有限公司" 提供数据
    当 它以用途 "招商引资" 将数据集 "ds-population-basic" 的数据项 "name" 提供给第三方 "某科技有限公司"
    那么 决策结果为 "deny"
    而且 违规包含 "GDSR-25-THIRD-PARTY"，引用第25条第1款，责任条款 "40(3)"

  场景: 多列一项违规
    假如 示范区民政局 持有授权 "g-2026-0001"
    当 它以用途 "招商引资" 使用数据集 "ds-population-basic" 的数据项 "name"
    那么 违规仅为 "GDSR-25-PURPOSE"、"GDSR-25-THIRD-PARTY"

  场景: 前一次决策的违规未列出就换了新决策
    假如 示范区民政局 持有授权 "g-2026-0001"
    当 它以用途 "招商引资" 使用数据集 "ds-population-basic" 的数据项 "name"
    当 它以用途 "社会救助资格审核" 使用数据集 "ds-population-basic" 的数据项 "name"
    那么 决策结果为 "allow"

  场景: 未列出已发生违规
    假如 示范区公安局 于 "2026-09-30" 收到需求部门对数据集 "ds-population-basic" 的校核申请
    而且 它尚未办结该校核申请
    当 它于 "2026-10-21" 报送该校核申请的办理情况
    那么 决策结果为 "allow"

  场景: 列全了的场景照常通过
    假如 示范区民政局 持有授权 "g-2026-0001"
    当 它以用途 "招商引资" 使用数据集 "ds-population-basic" 的数据项 "name"
    那么 决策结果为 "deny"
    而且 违规包含 "GDSR-25-PURPOSE"，引用第25条第1款，责任条款 "40(2)"
"""

# scenario → (passes?, texts its failure must show)
EXPECTED = {
    "只看结果不列违规": (False, ["违规不完整", "多出", "GDSR-25-PURPOSE"]),
    "少列一项违规": (False, ["违规不完整", "多出", "GDSR-25-PURPOSE"]),
    "多列一项违规": (False, ["GDSR-25-THIRD-PARTY"]),
    "前一次决策的违规未列出就换了新决策": (False, ["违规不完整", "GDSR-25-PURPOSE"]),
    "未列出已发生违规": (False, ["已发生违规不完整", "GDSR-26-VERIFY-DEADLINE"]),
    "列全了的场景照常通过": (True, []),
}

TEST_MODULE = """\
from pytest_bdd import scenarios

scenarios({feature!r})
"""


def test_incomplete_scenarios_fail_and_a_complete_one_passes(tmp_path: Path):
    feature = tmp_path / "incomplete.feature"
    feature.write_text(FEATURE, encoding="utf-8")
    module = tmp_path / "test_incomplete_scenarios.py"
    module.write_text(TEST_MODULE.format(feature=str(feature)), encoding="utf-8")
    report = tmp_path / "report.xml"
    cucumber = tmp_path / "cucumber.json"
    # The step definitions, fixtures and hooks are loaded as plugins, exactly as
    # the project's scenarios see them; the scenarios live outside tests/.
    run = subprocess.run(
        [sys.executable, "-m", "pytest", str(module), "-c", str(PROJECT_ROOT / "pyproject.toml"), "--rootdir", str(PROJECT_ROOT),
         "-p", "tests.conftest", "-p", "tests.bdd.conftest",
         "-p", "no:randomly", "-p", "no:cacheprovider", "-q", f"--junitxml={report}", f"--cucumberjson={cucumber}"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert report.exists(), f"pytest did not run:\n{run.stdout}\n{run.stderr}"
    cases = {}
    for case in ET.parse(report).iter("testcase"):
        failure = case.find("failure")
        error = case.find("error")
        assert error is None, f"{case.get('name')}: {error.get('message')}\n{error.text}"
        cases[case.get("name")] = None if failure is None else (failure.get("message", "") + (failure.text or ""))
    assert len(cases) == len(EXPECTED), f"{sorted(cases)}\n{run.stdout}"
    for scenario, (passes, texts) in EXPECTED.items():
        (name,) = [n for n in cases if scenario in n]
        failure = cases[name]
        if passes:
            assert failure is None, f"“{scenario}”应通过 / should pass:\n{failure}"
            continue
        assert failure is not None, f"“{scenario}”应失败 / should fail, but passed"
        for text in texts:
            assert text in failure, f"“{scenario}”的失败说明中没有“{text}” / failure lacks {text!r}:\n{failure}"
    # `govshare test` reads the cucumber report, which has step results only:
    # a scenario failed by the check after its last step must show a failed step.
    steps_passed = {element["name"]: all(step["result"]["status"] == "passed" for step in element["steps"])
                    for feature_ in json.loads(cucumber.read_text(encoding="utf-8")) for element in feature_["elements"]}
    assert steps_passed == {scenario: passes for scenario, (passes, _) in EXPECTED.items()}, steps_passed
