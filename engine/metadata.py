"""Read the `# METADATA` blocks of Rego files.

regorus cannot expose `rego.metadata` at run time, so the engine parses the
blocks itself (they are YAML inside comments, as in OPA) and joins them with the
facts each rule emits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from .errors import PolicyProblem
from .models import Text

_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)")
_RULE_HEAD = re.compile(r"^(violation|breach|obligation)\s+contains\b", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

# What each severity means and which rule a package of that severity defines:
# prohibited → deny; needs_action → a missing step, not allowed until done;
# breach → a deadline or duty already missed: reported with its liability, but
# it does not block the act (a late reply must still be made); obligation → a
# duty attached to an allowed act.
EMITTED_RULE = {"prohibited": "violation", "needs_action": "violation", "breach": "breach", "obligation": "obligation"}
SEVERITIES = tuple(EMITTED_RULE)
RULE_KINDS = ("violation", "breach", "obligation")


@dataclass(frozen=True)
class RegoFile:
    path: str  # relative to the policies directory, with forward slashes
    text: str

    @property
    def is_test(self) -> bool:
        return self.path.endswith("_test.rego")

    @property
    def is_library(self) -> bool:
        return self.path.startswith("lib/")


@dataclass(frozen=True)
class RuleMeta:
    package: str
    file: str
    line: int
    code: str
    regulation: str
    article: int
    severity: str
    title: Text
    message: Text
    remedy: Text
    effective_from: date
    effective_to: date | None = None
    paragraph: int | None = None
    item: int | None = None
    liability: str | None = None
    description: str | None = None
    labels: dict[str, Text] = field(default_factory=dict)
    # GDSR 27(2): misuse by the grant's holder suspends the grant.
    suspends_grant: bool = False
    emits: frozenset[str] = frozenset()  # of RULE_KINDS
    # The clause the rule enforces, copied from the official text of the cited
    # article; the policy loader refuses a rule without one or with other words.
    quote: str | None = None

    @property
    def citation(self) -> str:
        cite = f"{self.regulation} art {self.article}"
        if self.paragraph:
            cite += f"({self.paragraph})"
        if self.item:
            cite += f" item {self.item}"
        return cite

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)


@dataclass
class ParsedFile:
    package: str | None
    package_line: int
    metadata: dict[str, Any] | None
    metadata_line: int
    emits: frozenset[str]
    problems: list[PolicyProblem]


def parse_file(rego: RegoFile) -> ParsedFile:
    """Find the package, its METADATA block and which decision rules it defines."""
    lines = rego.text.splitlines()
    problems: list[PolicyProblem] = []
    package, package_line = None, 0
    metadata, metadata_line = None, 0
    block: list[str] | None = None
    block_start = 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if block is not None:
            if stripped.startswith("#"):
                block.append(stripped[1:][1:] if stripped[1:2] == " " else stripped[1:])
                continue
            parsed = _load_yaml(block, rego.path, block_start, problems)
            block = None
            match = _PACKAGE.match(line)
            if match and package is None:
                metadata, metadata_line = parsed, block_start
        if stripped == "# METADATA":
            block, block_start = [], number
            continue
        match = _PACKAGE.match(line)
        if match and package is None:
            package, package_line = match.group(1), number
    emits = frozenset(m.group(1) for m in _RULE_HEAD.finditer(rego.text))
    return ParsedFile(package, package_line, metadata, metadata_line, emits, problems)


def _load_yaml(block: list[str], path: str, line: int, problems: list[PolicyProblem]) -> dict[str, Any] | None:
    try:
        loaded = yaml.safe_load("\n".join(block)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = line + 1 + (mark.line if mark else 0)
        problems.append(PolicyProblem(path, row, (mark.column + 3) if mark else 1, f"METADATA is not valid YAML: {getattr(exc, 'problem', exc)}"))
        return None
    if not isinstance(loaded, dict):
        problems.append(PolicyProblem(path, line, 1, "METADATA must be a YAML mapping"))
        return None
    return loaded


def rule_meta(parsed: ParsedFile, path: str) -> tuple[RuleMeta | None, list[PolicyProblem]]:
    """Validate a rule file's METADATA and build its RuleMeta."""
    where = parsed.metadata_line or parsed.package_line or 1
    problems: list[PolicyProblem] = []

    def problem(message: str) -> None:
        problems.append(PolicyProblem(path, where, 1, message))

    meta = parsed.metadata
    if meta is None:
        problem("rule has no # METADATA block above its package: every rule must cite the article it enforces")
        return None, problems
    custom = meta.get("custom") or {}
    if not isinstance(custom, dict):
        problem("METADATA custom must be a mapping")
        return None, problems

    def text(key: str) -> Text | None:
        value = custom.get(key)
        if not isinstance(value, dict) or not value.get("zh") or not value.get("en"):
            problem(f"METADATA custom.{key} needs both zh and en")
            return None
        return Text(zh=str(value["zh"]), en=str(value["en"]))

    for key in ("code", "regulation", "article", "severity", "effective_from"):
        if custom.get(key) in (None, ""):
            problem(f"METADATA custom.{key} is missing")
    if not meta.get("title"):
        problem("METADATA title is missing")
    if not custom.get("title_en"):
        problem("METADATA custom.title_en is missing")
    message, remedy = text("message"), text("remedy")
    severity = custom.get("severity")
    if severity is not None and severity not in SEVERITIES:
        problem(f"METADATA custom.severity {severity!r} must be one of {', '.join(SEVERITIES)}")
    article = custom.get("article")
    if article is not None and not isinstance(article, int):
        problem(f"METADATA custom.article {article!r} must be a whole number")
    for key in ("paragraph", "item"):
        if custom.get(key) is not None and not isinstance(custom.get(key), int):
            problem(f"METADATA custom.{key} must be a whole number")
    dates = {}
    for key in ("effective_from", "effective_to"):
        value = custom.get(key)
        if value is not None and not isinstance(value, date):
            problem(f"METADATA custom.{key} {value!r} must be a date YYYY-MM-DD")
        dates[key] = value if isinstance(value, date) else None
    labels = {}
    for key, value in (custom.get("labels") or {}).items():
        if not isinstance(value, dict) or not value.get("zh") or not value.get("en"):
            problem(f"METADATA custom.labels.{key} needs both zh and en")
            continue
        labels[str(key)] = Text(zh=str(value["zh"]), en=str(value["en"]))
    if custom.get("suspends_grant") not in (None, True, False):
        problem("METADATA custom.suspends_grant must be true or false")
    if not parsed.emits:
        problem("rule file defines no `violation contains`, `breach contains` or `obligation contains` rule")
    if problems:
        return None, problems
    return (
        RuleMeta(
            package=parsed.package or "",
            file=path,
            line=where,
            code=str(custom["code"]),
            regulation=str(custom["regulation"]),
            article=article,
            paragraph=custom.get("paragraph"),
            item=custom.get("item"),
            liability=str(custom["liability"]) if custom.get("liability") is not None else None,
            severity=severity,
            title=Text(zh=str(meta["title"]), en=str(custom["title_en"])),
            message=message,
            remedy=remedy,
            effective_from=dates["effective_from"],
            effective_to=dates["effective_to"],
            description=meta.get("description"),
            labels=labels,
            suspends_grant=custom.get("suspends_grant") is True,
            emits=parsed.emits,
            quote=str(custom["quote"]) if custom.get("quote") is not None else None,
        ),
        problems,
    )


def placeholders(template: str) -> set[str]:
    return set(_PLACEHOLDER.findall(template))
