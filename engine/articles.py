"""The regulation map: article → rules → Rego tests → Gherkin scenarios.

Compliance staff read it to see what is enforced and proven; the suite uses it
to fail when an enforceable article has no rule or no scenario.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .policyset import PolicySet
from .regotest import discover
from .regulations import ENFORCEABLE, NOT_MARKED, REGULATIONS, Article

# Scenario tags name articles: `@第25条` for the national regulation,
# `@济源第33条` for the Jiyuan measures.
TAG_PREFIX = {"gdsr": "", "jiyuan": "济源"}


def _tag_pattern(regulation: str) -> re.Pattern[str]:
    return re.compile(rf"@{TAG_PREFIX[regulation]}第(\d+)条(?=\s|$|@)")
_SCENARIO = re.compile(r"^\s*(场景大纲|场景|剧本大纲|剧本)\s*[:：]\s*(.*)$")
_TAG_LINE = re.compile(r"^\s*@")
_FEATURE = re.compile(r"^\s*(功能|Feature)\s*[:：]")
_OTHER_BLOCK = re.compile(r"^\s*(例子|背景|规则|Examples|Background|Rule)\s*[:：]")


@dataclass(frozen=True)
class Scenario:
    feature: str
    line: int
    name: str
    articles: frozenset[int]


@dataclass
class ArticleRow:
    article: Article
    enforceable: bool
    rules: list[str] = field(default_factory=list)  # codes
    tests: int = 0
    scenarios: list[Scenario] = field(default_factory=list)
    # Why an article that touches an act of sharing carries no 须执行 mark (zh, en).
    unmarked_reason: tuple[str, str] | None = None


def read_scenarios(features_dir: Path, regulation: str = "gdsr") -> list[Scenario]:
    """Scenarios and the articles of `regulation` their tags (`@第25条`,
    `@济源第33条`) name; tags on the feature line apply to every scenario in it."""
    article_tag = _tag_pattern(regulation)
    found = []
    for path in sorted(features_dir.glob("*.feature")):
        pending: set[int] = set()
        feature_articles: set[int] = set()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if _TAG_LINE.match(line):
                pending |= {int(a) for a in article_tag.findall(line)}
            elif _FEATURE.match(line):
                feature_articles, pending = pending, set()
            elif match := _SCENARIO.match(line):
                found.append(Scenario(path.name, number, match.group(2).strip(), frozenset(pending | feature_articles)))
                pending = set()
            elif _OTHER_BLOCK.match(line):
                pending = set()
    return found


def article_matrix(policies: PolicySet, features_dir: Path | None, regulation: str = "gdsr") -> list[ArticleRow]:
    """One row per article of `regulation`: its rules, their Rego tests and the
    scenarios (none read when `features_dir` is None)."""
    law = REGULATIONS[regulation]
    enforceable = set(ENFORCEABLE.get(regulation, ()))
    reasons = NOT_MARKED.get(regulation, {})
    rows = {n: ArticleRow(a, n in enforceable, unmarked_reason=reasons.get(n)) for n, a in law.articles.items()}
    tests_by_package: dict[str, int] = defaultdict(int)
    for package, _, _, _ in discover(policies):
        tests_by_package[package.removesuffix("_test")] += 1
    for package, meta in sorted(policies.rules.items(), key=lambda kv: kv[1].code):
        if meta.regulation != regulation:
            continue
        row = rows[meta.article]
        row.rules.append(meta.code)
        row.tests += tests_by_package.get(package, 0)
    for scenario in read_scenarios(features_dir, regulation) if features_dir is not None else ():
        for number in scenario.articles:
            if number in rows:
                rows[number].scenarios.append(scenario)
    return [rows[n] for n in sorted(rows)]


@dataclass(frozen=True)
class Gap:
    regulation: str
    articles: str  # the article's number, "31"
    missing: str  # "rule" | "test" | "scenario"

    def text(self, lang: str) -> str:
        law = REGULATIONS[self.regulation]
        if lang == "zh":
            what = {"rule": "没有规则执行", "test": "规则没有 Rego 测试", "scenario": "没有场景证明"}[self.missing]
            return f"《{law.name_zh}》第{self.articles}条：{what}"
        what = {"rule": "no rule enforces it", "test": "its rules have no Rego test", "scenario": "no scenario proves it"}[self.missing]
        return f"{self.regulation} art {self.articles}: {what}"


def gaps(rows: list[ArticleRow], regulation: str = "gdsr") -> list[Gap]:
    """Enforceable articles with no rule citing them, whose rules have no Rego
    test, or that no tagged scenario proves."""
    by_number = {r.article.number: r for r in rows}
    found = []
    for number in ENFORCEABLE.get(regulation, ()):
        row = by_number[number]
        if not row.rules:
            found.append(Gap(regulation, str(number), "rule"))
        elif not row.tests:
            found.append(Gap(regulation, str(number), "test"))
        if not row.scenarios:
            found.append(Gap(regulation, str(number), "scenario"))
    return found


def rule_gaps(policies: PolicySet) -> list[Gap]:
    """The enforceable articles, of every regulation, that no rule in
    `policies` enforces: what `govshare articles` marks 须执行 with no rule."""
    return [gap for regulation in ENFORCEABLE
            for gap in gaps(article_matrix(policies, None, regulation), regulation) if gap.missing == "rule"]


def gap_articles(gap: Gap) -> frozenset[int]:
    """The article numbers of a gap ("31" → {31})."""
    return frozenset(int(n) for n in re.findall(r"\d+", gap.articles))
