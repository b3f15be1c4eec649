"""The regulation map is complete: every enforceable article has a rule and a
scenario, every rule is proven by a scenario, and every tag names a real article."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from adapters.cli import app
from adapters.regorus_backend import RegorusBackend
from adapters.service import PROJECT_ROOT
from engine.articles import article_matrix, gaps, read_scenarios
from engine.policyset import load_policy_set
from engine.regulations import REGULATIONS
from tests.conftest import POLICY_DIR

FEATURES = PROJECT_ROOT / "features"
POLICIES = load_policy_set(POLICY_DIR, RegorusBackend())
ROWS = article_matrix(POLICIES, FEATURES)


def test_every_enforceable_article_has_a_rule_and_a_scenario():
    assert [g.text("en") for g in gaps(ROWS)] == []


def test_every_rule_code_is_exercised_by_a_scenario():
    text = "\n".join(p.read_text(encoding="utf-8") for p in FEATURES.glob("*.feature"))
    unproven = sorted(m.code for m in POLICIES.rules.values() if f'"{m.code}"' not in text)
    assert unproven == []


def test_every_scenario_names_an_article_that_exists():
    """Each scenario carries at least one article tag of some layer (`@第25条`,
    `@济源第33条`), and every tagged article exists in that layer's text."""
    by_layer = {name: {(s.feature, s.line): s for s in read_scenarios(FEATURES, name)} for name in REGULATIONS}
    places = set().union(*(set(scenarios) for scenarios in by_layer.values()))
    assert places
    for place in sorted(places):
        cited = {name: scenarios[place].articles for name, scenarios in by_layer.items()}
        assert any(cited.values()), f"{place[0]}:{place[1]} has no @第N条 or @济源第N条 tag"
        for name, articles in cited.items():
            assert articles <= set(REGULATIONS[name].articles), (place, name, sorted(articles))


def test_scenario_tags_match_the_citations_they_assert():
    """A scenario tagged @第25条 that asserts a citation must cite article 25."""
    for path in FEATURES.glob("*.feature"):
        blocks = re.split(r"\n(?=\s*@)", path.read_text(encoding="utf-8"))
        for block in blocks:
            tags = {int(a) for a in re.findall(r"@第(\d+)条(?=\s|$|@)", block.split("\n", 1)[0])}
            cited = {int(a) for a in re.findall(r"违规包含 \"[^\"]+\"，引用第(\d+)条", block)}
            if tags and cited:
                assert tags & cited, f"{path.name}: tags {tags} but cites {cited}:\n{block[:300]}"


def test_articles_command_prints_the_matrix_and_passes():
    result = CliRunner().invoke(app, ["articles", "--lang", "en"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "GDSR-25-THIRD-PARTY" in result.output and "Government Data Sharing Regulation: article matrix" in result.output


def test_articles_command_fails_on_a_gap(tmp_path):
    (tmp_path / "lib").mkdir()
    result = CliRunner().invoke(app, ["articles", "--policies", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "第3条：没有规则执行" in result.output


def test_an_article_without_the_mark_says_why_and_names_rules_that_exist():
    """Each article the registry leaves unmarked gives a reason in both languages
    that names the rule codes enforcing its duty elsewhere; they must exist."""
    from engine.regulations import ENFORCEABLE, NOT_MARKED

    codes = {m.code for m in POLICIES.rules.values()}
    for regulation, reasons in NOT_MARKED.items():
        for number, (zh, en) in reasons.items():
            assert number not in ENFORCEABLE[regulation], (regulation, number)
            named = set(re.findall(r"\b(?:JY|GDSR)-[\w-]+", zh + " " + en))
            assert named, (regulation, number, zh)
            for code in named:
                if code.endswith("-"):  # a family, "JY-9-*"
                    assert any(c.startswith(code) for c in codes), code
                else:
                    assert code in codes, (regulation, number, code)


def test_each_enforceable_article_needs_its_own_rule_test_and_scenario(tmp_path):
    """No article rides on another's rule: a matrix with a rule but no Rego test,
    or no scenario, is a gap for that article alone."""
    from engine.articles import ArticleRow, Gap
    from engine.regulations import ENFORCEABLE

    law = REGULATIONS["gdsr"]
    rows = [ArticleRow(law.articles[n], True, rules=["X"], tests=1, scenarios=[object()]) for n in ENFORCEABLE["gdsr"]]
    assert gaps(rows) == []
    rows[0].tests = 0
    rows[1].scenarios = []
    rows[2].rules = []
    assert gaps(rows) == [
        Gap("gdsr", str(rows[0].article.number), "test"),
        Gap("gdsr", str(rows[1].article.number), "scenario"),
        Gap("gdsr", str(rows[2].article.number), "rule"),
    ]
