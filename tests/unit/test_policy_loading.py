"""The policy loader refuses what must not be served, with file:line:col."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adapters.regorus_backend import RegorusBackend
from engine.errors import PolicyError
from engine.policyset import load_policy_set
from engine.regulations import REGULATIONS
from tests.conftest import POLICY_DIR

GOOD_RULE = '''# METADATA
# title: 测试规则
# custom:
#   code: TEST-25
#   regulation: gdsr
#   article: {article}
#   paragraph: 1
#   liability: "{liability}"
#   severity: prohibited
#   quote: "不得擅自将获得的政务数据提供给第三方"
#   effective_from: 2025-08-01
#   title_en: Test rule
#   message:
#     zh: 向{{recipient}}提供数据。
#     en: Passing data to {{recipient}}.
#   remedy:
#     zh: 停止提供。
#     en: Stop.
package gdsr.test.rule

import rego.v1

violation contains {{"recipient": input.recipient.name}} if {{
	input.action == "transfer"
	{body}
}}
'''


def write_rule(root: Path, text: str, name: str = "gdsr/test/rule/rule.rego") -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(root: Path):
    return load_policy_set(root, RegorusBackend())


def problems_of(root: Path) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        load(root)
    return [str(p) for p in caught.value.problems]


def test_a_valid_rule_loads_with_its_metadata(tmp_path):
    write_rule(tmp_path, GOOD_RULE.format(article=25, liability="40(3)", body="true"))
    policy_set = load(tmp_path)
    meta = policy_set.rules["gdsr.test.rule"]
    assert (meta.code, meta.article, meta.paragraph, meta.liability) == ("TEST-25", 25, 1, "40(3)")
    assert meta.message.zh == "向{recipient}提供数据。"
    assert policy_set.revision.startswith("sha256:")


def test_syntax_error_is_reported_with_file_line_col(tmp_path):
    write_rule(tmp_path, GOOD_RULE.format(article=25, liability="40(3)", body="input.x =="))
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("gdsr/test/rule/rule.rego:26:")
    assert "expecting expression" in problem


def test_unknown_builtin_is_refused_at_load_not_at_first_request(tmp_path):
    write_rule(tmp_path, GOOD_RULE.format(article=25, liability="40(3)", body='contanis("ab", "a")'))
    (problem,) = problems_of(tmp_path)
    assert problem.startswith("gdsr/test/rule/rule.rego:25:")
    assert "contanis" in problem


def test_rule_without_metadata_is_refused(tmp_path):
    write_rule(tmp_path, 'package gdsr.bare\n\nimport rego.v1\n\nviolation contains {"x": 1} if input.x\n')
    (problem,) = problems_of(tmp_path)
    assert "no # METADATA" in problem and problem.startswith("gdsr/test/rule/rule.rego:")


@pytest.mark.parametrize("article", [0, 45, 99])
def test_citing_an_article_that_does_not_exist_is_refused(tmp_path, article):
    write_rule(tmp_path, GOOD_RULE.format(article=article, liability="40(3)", body="true"))
    (problem,) = problems_of(tmp_path)
    assert f"gdsr has no article {article}" in problem


@pytest.mark.parametrize("liability", ["40(8)", "39(10)", "25(1)", "forty", "40"])
def test_invalid_liability_item_is_refused(tmp_path, liability):
    write_rule(tmp_path, GOOD_RULE.format(article=25, liability=liability, body="true"))
    assert problems_of(tmp_path)


def test_message_in_one_language_only_is_refused(tmp_path):
    text = GOOD_RULE.format(article=25, liability="40(3)", body="true").replace("#     en: Passing data to {recipient}.\n", "")
    write_rule(tmp_path, text)
    assert any("custom.message needs both zh and en" in p for p in problems_of(tmp_path))


def test_missing_effective_date_is_refused(tmp_path):
    text = GOOD_RULE.format(article=25, liability="40(3)", body="true").replace("#   effective_from: 2025-08-01\n", "")
    write_rule(tmp_path, text)
    assert any("effective_from is missing" in p for p in problems_of(tmp_path))


def test_two_rules_with_one_code_are_refused(tmp_path):
    write_rule(tmp_path, GOOD_RULE.format(article=25, liability="40(3)", body="true"))
    write_rule(tmp_path, GOOD_RULE.format(article=25, liability="40(3)", body="true").replace("package gdsr.test.rule", "package gdsr.test.other"), "gdsr/test/other/other.rego")
    assert any("code TEST-25 is already used" in p for p in problems_of(tmp_path))


def test_library_package_may_not_emit_violations(tmp_path):
    write_rule(tmp_path, 'package lib.sneaky\n\nimport rego.v1\n\nviolation contains {"x": 1} if input.x\n', "lib/sneaky/sneaky.rego")
    assert any("lib/ helpers must not emit" in p for p in problems_of(tmp_path))


def test_missing_policy_directory_is_a_clear_error(tmp_path):
    assert "policy directory does not exist" in problems_of(tmp_path / "nowhere")[0]


def test_revision_changes_with_any_byte_of_any_policy(tmp_path):
    shutil.copytree(POLICY_DIR, tmp_path / "p")
    before = load(tmp_path / "p").revision
    target = next((tmp_path / "p").rglob("*_test.rego"))
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert load(tmp_path / "p").revision != before


def test_bundled_policies_load_and_every_rule_cites_a_real_article():
    policy_set = load(POLICY_DIR)
    assert len(policy_set.rules) >= 10
    assert {meta.regulation for meta in policy_set.rules.values()} == {"gdsr", "jiyuan"}
    for meta in policy_set.rules.values():
        assert meta.article in REGULATIONS[meta.regulation].articles, meta.package
        # a local rule lives in its layer's folder, a national one under gdsr/
        folder = "gdsr." if meta.regulation == "gdsr" else f"local.{meta.regulation}."
        assert meta.package.startswith(folder), meta.package
