"""The compliance workbench: what `govshare check | test | impact | bundle` do.

- `problem_excerpt`: a policy problem with its source line and a caret.
- `run_test_report`: every Rego `test_*` rule (with line coverage of the
  policies) and every Gherkin scenario, gathered per article.
- `impact`: replay the logged decisions on draft policies and re-check the live
  grants, to see what a change would flip before it goes live.
- `write_bundle`: an OPA bundle of the policies and the data they see.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable

import orjson
from pydantic import ValidationError

from engine.articles import read_scenarios
from engine.decide import DataSnapshot, DecisionEngine, EventError
from engine.errors import PolicyProblem
from engine.ledger import MASKED
from engine.models import BEIJING, AccessEvent, Grant
from engine.policyset import PolicySet
from engine.regotest import RegoTestResult, discover
from engine.regulations import REGULATIONS

from .regorus_backend import RegorusBackend  # noqa: F401  (sets RUST_BACKTRACE before regorus errors)

import regorus  # noqa: E402

# --- check: problems with their source -----------------------------------------


def problem_excerpt(root: Path, problem: PolicyProblem) -> tuple[str, str] | None:
    """(the offending source line, a caret under the column), when the file and
    line can be read."""
    if problem.line < 1:
        return None
    path = Path(problem.file)
    if not path.is_absolute():
        path = root / path
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if problem.line > len(lines):
        return None
    # regorus counts a tab as four columns; show the line the same way.
    source = lines[problem.line - 1].replace("\t", "    ")
    width = min(max(problem.col - 1, 0), len(source))
    return source, " " * width + "^"


# --- test: Rego tests with coverage, scenarios, per article ---------------------


@dataclass
class FileCoverage:
    path: str
    covered: int
    total: int
    estimated: bool = False  # never reached: lines counted from the source

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.total if self.total else 100.0


@dataclass
class ScenarioResult:
    feature: str
    line: int
    name: str
    passed: bool
    articles: dict[str, frozenset[int]]  # regulation → articles its tags name


@dataclass
class ArticleReport:
    regulation: str
    article: int
    title: dict[str, str]
    rules: list[str] = field(default_factory=list)
    tests_passed: int = 0
    tests_failed: int = 0
    scenarios_passed: int = 0
    scenarios_failed: int = 0
    covered: int = 0
    total: int = 0

    @property
    def coverage(self) -> float | None:
        return 100.0 * self.covered / self.total if self.total else None


@dataclass
class TestReport:
    results: list[RegoTestResult]
    coverage: dict[str, FileCoverage]  # rule and library files only (not tests)
    scenarios: list[ScenarioResult] | None  # None when features were skipped
    feature_error: str | None = None
    articles: list[ArticleReport] = field(default_factory=list)

    @property
    def failed(self) -> list[RegoTestResult]:
        return [r for r in self.results if not r.passed]

    @property
    def coverage_percent(self) -> float:
        covered = sum(c.covered for c in self.coverage.values())
        total = sum(c.total for c in self.coverage.values())
        return 100.0 * covered / total if total else 100.0

    @property
    def scenarios_failed(self) -> list[ScenarioResult]:
        return [s for s in self.scenarios or [] if not s.passed]


def _code_lines(text: str) -> int:
    """Lines that hold code: not blank, not comments, not `package`/`import`,
    not a lone brace."""
    count = 0
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped in ("{", "}", "})", "]", "}}"):
            continue
        if stripped.startswith(("package ", "import ")):
            continue
        count += 1
    return count


def run_rego_tests_with_coverage(
    policies: PolicySet, on_result: Callable[[RegoTestResult], None] | None = None
) -> tuple[list[RegoTestResult], dict[str, FileCoverage]]:
    """Evaluate every test rule (as `engine.regotest` does, with empty data) on
    one regorus engine with coverage on; return the results and the coverage of
    every non-test policy file."""
    engine = regorus.Engine()
    engine.set_enable_coverage(True)
    for path, text in policies.modules:
        engine.add_policy(path, text)
    engine.add_data_json(json.dumps(policies.root_data()))  # as engine.regotest: the parameters only
    results = []
    for package, name, file, line in discover(policies):
        try:
            engine.set_input_json("{}")
            value = orjson.loads(engine.eval_rule_as_json(f"data.{package}.{name}"))
            result = RegoTestResult(package, name, file, line, value is True,
                                    None if value is True else f"result was {value!r}, not true")
        except Exception as exc:  # an error in a test is a failed test
            from engine.errors import clean_engine_message
            result = RegoTestResult(package, name, file, line, False, clean_engine_message(str(exc)))
        results.append(result)
        if on_result:
            on_result(result)
    report = json.loads(engine.get_coverage_report_as_json())
    coverage: dict[str, FileCoverage] = {}
    policy_files = {f.path: f for f in policies.files}
    for entry in report.get("files", []):
        path = entry["path"]
        rego = policy_files.get(path)
        if rego is None or rego.is_test:
            continue  # the generated aggregate and the tests themselves
        covered = len(set(entry.get("covered", [])))
        total = covered + len(set(entry.get("not_covered", [])))
        coverage[path] = FileCoverage(path, covered, total)
    for path, rego in policy_files.items():
        if not rego.is_test and path not in coverage:
            # regorus leaves out a file no test reached at all: count its code
            # lines, none of them covered.
            coverage[path] = FileCoverage(path, 0, _code_lines(rego.text), estimated=True)
    return results, coverage


def run_features(project_root: Path, timeout: float = 900) -> tuple[list[ScenarioResult] | None, str | None]:
    """Run the Gherkin scenarios (pytest on tests/bdd) in a subprocess and read
    its cucumber JSON; (results, None) or (None, why it could not run)."""
    features_dir = project_root / "features"
    articles_at: dict[tuple[str, int], dict[str, frozenset[int]]] = defaultdict(dict)
    for regulation in ("gdsr", "jiyuan"):
        if regulation not in REGULATIONS:
            continue
        for s in read_scenarios(features_dir, regulation):
            articles_at[(s.feature, s.line)][regulation] = s.articles
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "cucumber.json"
        cmd = [sys.executable, "-m", "pytest", str(project_root / "tests" / "bdd"), "-q", "-p", "no:cacheprovider",
               f"--cucumberjson={report}"]
        try:
            proc = subprocess.run(cmd, cwd=project_root, capture_output=True, text=True, timeout=timeout,
                                  env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        except subprocess.TimeoutExpired:
            return None, f"pytest tests/bdd timed out after {timeout:.0f}s"
        if not report.exists():
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-5:])
            return None, f"pytest tests/bdd wrote no report (exit {proc.returncode}): {tail}"
        document = json.loads(report.read_text(encoding="utf-8") or "[]")
    results = []
    for feature in document:
        name = Path(feature.get("uri", "")).name
        for element in feature.get("elements", []):
            if element.get("type", "scenario") != "scenario":
                continue
            steps = element.get("steps", [])
            passed = bool(steps) and all(s.get("result", {}).get("status") == "passed" for s in steps)
            line = int(element.get("line", 0))
            results.append(ScenarioResult(name, line, element.get("name", ""), passed, articles_at.get((name, line), {})))
    return results, None


def run_test_report(policies: PolicySet, project_root: Path, features: bool = True,
                    on_result: Callable[[RegoTestResult], None] | None = None) -> TestReport:
    results, coverage = run_rego_tests_with_coverage(policies, on_result)
    scenarios, error = run_features(project_root) if features else (None, None)
    report = TestReport(results, coverage, scenarios, error)
    report.articles = per_article(policies, report)
    return report


def per_article(policies: PolicySet, report: TestReport) -> list[ArticleReport]:
    rows: dict[tuple[str, int], ArticleReport] = {}

    def row(regulation: str, number: int) -> ArticleReport | None:
        law = REGULATIONS.get(regulation)
        if law is None or number not in law.articles:
            return None
        if (regulation, number) not in rows:
            article = law.articles[number]
            rows[(regulation, number)] = ArticleReport(regulation, number, {"zh": article.zh, "en": article.en})
        return rows[(regulation, number)]

    by_package: dict[str, list[RegoTestResult]] = defaultdict(list)
    for result in report.results:
        by_package[result.package.removesuffix("_test")].append(result)
    for package, meta in sorted(policies.rules.items(), key=lambda kv: kv[1].code):
        target = row(meta.regulation, meta.article)
        if target is None:
            continue
        target.rules.append(meta.code)
        for result in by_package.get(package, []):
            if result.passed:
                target.tests_passed += 1
            else:
                target.tests_failed += 1
        cov = report.coverage.get(meta.file)
        if cov:
            target.covered += cov.covered
            target.total += cov.total
    for scenario in report.scenarios or []:
        for regulation, numbers in scenario.articles.items():
            for number in numbers:
                target = row(regulation, number)
                if target is None:
                    continue
                if scenario.passed:
                    target.scenarios_passed += 1
                else:
                    target.scenarios_failed += 1
    order = {key: i for i, key in enumerate(REGULATIONS)}
    return sorted(rows.values(), key=lambda r: (order.get(r.regulation, 99), r.article))


# --- impact: replay the ledger on draft policies --------------------------------


def _has_masked(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_masked(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_masked(v) for v in value)
    return value == MASKED


@dataclass
class Change:
    decision_id: str
    recorded_at: str
    department: str
    before: str
    after: str
    added: list[str]
    removed: list[str]
    articles: list[str]  # "gdsr:25"
    # The live policies, replayed on the same data, give the same answer as the
    # draft: the change comes from data that changed since (a grant suspended,
    # a catalogue entry edited), not from the draft.
    data_only: bool = False

    def as_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class GrantFinding:
    grant: str
    dataset: str
    requester: str
    live: str  # outcome under the live policies
    draft: str  # outcome under the draft
    codes: list[str]

    def as_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class ImpactReport:
    draft_revision: str
    live_revision: str
    replayed: int = 0
    unchanged: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)  # could not be replayed, with why
    masked: int = 0  # replayed inputs holding masked values
    changes: list[Change] = field(default_factory=list)
    grants_checked: int = 0
    grants_refused: list[GrantFinding] = field(default_factory=list)  # allowed live, refused by the draft
    grants_already_refused: list[GrantFinding] = field(default_factory=list)
    grants_now_allowed: list[GrantFinding] = field(default_factory=list)

    @property
    def by_draft(self) -> list[Change]:
        return [c for c in self.changes if not c.data_only]

    def by_article(self, examples: int = 3) -> list[dict[str, Any]]:
        return _group(self.changes, lambda c: c.articles or ["—"], examples)

    def by_department(self, examples: int = 3) -> list[dict[str, Any]]:
        return _group(self.changes, lambda c: [c.department], examples)

    def as_json(self, examples: int = 3) -> dict[str, Any]:
        return {
            "draft_revision": self.draft_revision,
            "live_revision": self.live_revision,
            "replayed": self.replayed,
            "unchanged": self.unchanged,
            "changed": len(self.changes),
            "changed_by_draft": len(self.by_draft),
            "changed_by_data_only": len(self.changes) - len(self.by_draft),
            "skipped": self.skipped,
            "masked_inputs": self.masked,
            "by_article": self.by_article(examples),
            "by_department": self.by_department(examples),
            "changes": [c.as_json() for c in self.changes],
            "grants": {
                "checked": self.grants_checked,
                "refused_by_draft": [g.as_json() for g in self.grants_refused],
                "already_refused_live": [g.as_json() for g in self.grants_already_refused],
                "allowed_by_draft_only": [g.as_json() for g in self.grants_now_allowed],
            },
        }


def _group(changes: list[Change], keys: Callable[[Change], list[str]], examples: int) -> list[dict[str, Any]]:
    groups: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        for key in keys(change):
            groups[key].append(change)
    out = []
    for key, found in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        transitions: dict[str, int] = defaultdict(int)
        for c in found:
            transitions[f"{c.before} → {c.after}"] += 1
        out.append({
            "key": key,
            "count": len(found),
            "transitions": dict(sorted(transitions.items())),
            "by_draft": sum(1 for c in found if not c.data_only),
            "examples": [{"decision_id": c.decision_id, "before": c.before, "after": c.after,
                          "added": c.added, "removed": c.removed, "data_only": c.data_only} for c in found[:examples]],
        })
    return out


def _article_key(regulation: str | None, article: int | None) -> str | None:
    return f"{regulation}:{article}" if regulation and article is not None else None


def decision_entries(store: Any, since: datetime | None = None, limit: int | None = None) -> list[Any]:
    """Logged decisions (ledger entries of kind "decision"), oldest first; with
    `limit`, the most recent `limit` of them."""
    found = []
    for entry in store.ledger():
        if entry.kind != "decision":
            continue
        if since is not None:
            try:
                recorded = datetime.fromisoformat(entry.recorded_at.replace("Z", "+00:00"))
            except ValueError:
                recorded = None
            if recorded is not None and recorded < since:
                continue
        found.append(entry)
    if limit is not None and limit >= 0:
        found = found[-limit:] if limit else []
    return found


def impact(
    store: Any,
    draft: PolicySet,
    live: PolicySet,
    *,
    since: datetime | None = None,
    limit: int | None = None,
    accept_inline_state: bool = False,
    on_total: Callable[[int], None] | None = None,
    on_step: Callable[[], None] | None = None,
    today: datetime | None = None,
) -> ImpactReport:
    """Replay every logged decision on `draft` (with the store's current
    catalogue and grants) and compare outcome, violation and breach codes with what was
    logged; then try a use within its terms for every active grant, under the
    live policies and the draft."""
    snapshot: DataSnapshot = store.snapshot()
    draft_engine = DecisionEngine(draft, RegorusBackend(), snapshot, accept_inline_state, cache_size=0)
    live_engine = DecisionEngine(live, RegorusBackend(), snapshot, accept_inline_state, cache_size=0)
    report = ImpactReport(draft.revision, live.revision)
    entries = decision_entries(store, since, limit)
    if on_total:
        on_total(len(entries) + len(snapshot.grants))
    for entry in entries:
        if on_step:
            on_step()
        body = entry.body or {}
        document = body.get("input")
        logged = body.get("decision") or {}
        if not isinstance(document, dict):
            report.skipped.append({"decision_id": entry.ref, "why": "no input logged"})
            continue
        masked = _has_masked(document)
        report.masked += masked
        try:
            event = AccessEvent.model_validate(document)
            after = draft_engine.decide(event)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = "/".join(str(p) for p in first.get("loc", ()))
            report.skipped.append({"decision_id": entry.ref, "why": f"input no longer valid at {where}: {first.get('msg')}"
                                   + (" (masked)" if masked else "")})
            continue
        except EventError as exc:
            report.skipped.append({"decision_id": entry.ref, "why": str(exc)})
            continue
        report.replayed += 1
        # Breaches count too: a changed deadline (a draft parameter) moves breaches, not denials.
        logged_cited = [*logged.get("violations", []), *logged.get("breaches", [])]
        after_cited = [*after.violations, *after.breaches]
        before_codes = {v.get("code") for v in logged_cited}
        after_codes = _cited(after)
        before_outcome = logged.get("outcome", "?")
        if before_outcome == after.outcome and before_codes == after_codes:
            report.unchanged += 1
            continue
        articles: set[str] = set()
        for v in logged_cited:
            if v.get("code") in before_codes - after_codes and (key := _article_key(v.get("regulation"), v.get("article"))):
                articles.add(key)
        for v in after_cited:
            if v.code in after_codes - before_codes and (key := _article_key(v.regulation, v.article)):
                articles.add(key)
        report.changes.append(Change(
            decision_id=logged.get("decision_id", entry.ref),
            recorded_at=entry.recorded_at,
            department=str((document.get("requester") or {}).get("department", "—")),
            before=before_outcome,
            after=after.outcome,
            added=sorted(after_codes - before_codes),
            removed=sorted(c for c in before_codes - after_codes if c),
            articles=sorted(articles),
            data_only=_same(live_engine.decide(event), after),
        ))
    _check_grants(report, store.grants(), snapshot, draft_engine, live_engine, on_step, today)
    return report


def synthetic_use(grant: Grant, at: datetime, entry: dict[str, Any] | None = None) -> AccessEvent:
    """A use within the grant's terms: its dataset, fields, first purpose,
    scenario and method, by its holder, at `at`, with what a careful holder
    brings along: every security control the catalogue entry requires and, for
    personal information, a stated basis (the grant itself)."""
    document: dict[str, Any] = {
        "action": "use",
        "at": at.isoformat(),
        "requester": {"department": grant.requester},
        "dataset": grant.dataset,
        "fields": list(grant.fields),
        "grant": grant.id,
        "recipient": {"kind": "self"},
    }
    if grant.purposes:
        document["purpose"] = grant.purposes[0]
    if grant.scenario:
        document["scenario"] = grant.scenario
    if grant.method:
        document["method"] = grant.method.value if hasattr(grant.method, "value") else grant.method
    entry = entry or {}
    if entry.get("controls"):
        document["controls"] = list(entry["controls"])
    personal = {f.get("name") for f in entry.get("fields", []) if f.get("personal") or f.get("sensitive")}
    if personal & set(grant.fields):
        document["pi_basis"] = f"共享授权 {grant.id} 所载依据 / the basis recorded in grant {grant.id}"
    return AccessEvent.model_validate(document)


def _cited(decision: Any) -> set[str]:
    return {v.code for v in [*decision.violations, *decision.breaches]}


def _same(a: Any, b: Any) -> bool:
    return a.outcome == b.outcome and _cited(a) == _cited(b)


def _check_grants(report: ImpactReport, grants: Iterable[Grant], snapshot: DataSnapshot, draft_engine: DecisionEngine,
                  live_engine: DecisionEngine, on_step: Callable[[], None] | None, today: datetime | None) -> None:
    at = (today or datetime.now(BEIJING)).astimezone(BEIJING)
    for grant in grants:
        if on_step:
            on_step()
        if not grant.in_force(at.date()):
            continue
        try:
            event = synthetic_use(grant, at, snapshot.catalog.get(grant.dataset))
            before, after = live_engine.decide(event), draft_engine.decide(event)
        except (ValidationError, EventError):
            continue
        report.grants_checked += 1
        finding = GrantFinding(grant.id, grant.dataset, grant.requester, before.outcome, after.outcome,
                               sorted({v.code for v in after.violations}))
        if before.allow and not after.allow:
            report.grants_refused.append(finding)
        elif not before.allow and not after.allow:
            report.grants_already_refused.append(finding)
        elif not before.allow and after.allow:
            report.grants_now_allowed.append(finding)


# --- bundle: policies + data as OPA loads them ----------------------------------

# Rego v1, as OPA's manifest spells it (`rego_version`: 0 or 1): every module imports rego.v1.
REGO_VERSION = 1


def bundle_roots(policies: PolicySet) -> list[str]:
    """The top-level packages of every module, plus `govshare` (the data and the
    aggregate live under it) and the data roots beside it (`govshare_parameters`)."""
    from engine.metadata import parse_file

    roots = {"govshare", *policies.root_data()}
    for rego in policies.files:
        if rego.is_test:
            continue
        parsed = parse_file(rego)
        if parsed.package:
            roots.add(parsed.package.split(".")[0])
    return sorted(roots)


def _policy_data_files(policies: PolicySet) -> dict[str, bytes]:
    """The data files shipped beside the policies (calendar, parameters): what
    `engine.policyset.revision_of` hashes besides the Rego files."""
    from .bundle import POLICY_DATA_SUFFIXES

    root = Path(policies.root)
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in POLICY_DATA_SUFFIXES}


def bundle_members(policies: PolicySet, snapshot: DataSnapshot) -> dict[str, bytes]:
    """Bundle path → content: `.manifest`, every policy file but the `_test.rego`
    ones at its path, the aggregate module, `data.json` with `data.govshare` as
    the engine sees it, and the policies' own data files (calendar, parameters)
    at their paths, so that a service can serve the bundle (docs/bundles.md).

    The manifest's revision is the revision of what the bundle carries (the
    policies without their tests, and their data files), the one a service
    serving it reports; `metadata.source_revision` is the revision of the
    policy directory it was built from, tests included."""
    from engine.policyset import revision_of

    from .bundle import AGGREGATE_BUNDLE_PATH

    shipped = [f for f in policies.files if not f.is_test]
    members: dict[str, bytes] = {}
    manifest = {
        "revision": revision_of(Path(policies.root), shipped),
        "roots": bundle_roots(policies),
        "rego_version": REGO_VERSION,
        "metadata": {"data_revision": snapshot.revision, "source_revision": policies.revision,
                     "generated_by": "govshare bundle"},
    }
    members[".manifest"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    for rego in shipped:
        members[rego.path] = rego.text.encode()
    members.update(_policy_data_files(policies))
    members[AGGREGATE_BUNDLE_PATH] = policies.aggregate_module().encode()
    members["data.json"] = snapshot.data_json(policies.data(), policies.root_data())
    return members


def write_bundle(policies: PolicySet, snapshot: DataSnapshot, out: Path, *, signing_key: Path | None = None,
                 signing_alg: str = "RS256", key_id: str | None = None) -> dict[str, Any]:
    """Write the bundle as a gzipped tar, with `.signatures.json` when a signing
    key is given (raises adapters.bundle.BundleError when it cannot sign);
    return the manifest."""
    from .bundle import SIGNATURES, load_signing_key, pack, signatures_file

    members = bundle_members(policies, snapshot)
    if signing_key is not None:
        members[SIGNATURES] = signatures_file(members, load_signing_key(signing_key), signing_alg, key_id)
    archive = pack(members, int(time.time()))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(archive)
    return json.loads(members[".manifest"])
