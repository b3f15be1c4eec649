"""Load every policy under a directory, check it, and describe it to the engine.

A policy set that does not compile, or a rule that could deny without citing a
real article, is refused as a whole: the service does not start on it.
"""

from __future__ import annotations

import hashlib
from datetime import date
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .backend import CalendarReads, RegoBackend
from .calendar import WorkingCalendar, load_calendar
from .errors import PolicyError, PolicyProblem
from .metadata import EMITTED_RULE, RULE_KINDS, RegoFile, RuleMeta, parse_file, placeholders, rule_meta
from .models import Action
from .parameters import PARAMETERS_DIR, Parameters, load_parameters, parameter_reads
from .lawtext import quote_problem
from .regulations import REGULATIONS, liability_problem

AGGREGATE_PACKAGE = "govshare.aggregate"
AGGREGATE_QUERY = f"data.{AGGREGATE_PACKAGE}.result"
AGGREGATE_PATH = "<generated>/govshare_aggregate.rego"
ACTIONS = tuple(a.value for a in Action)
# The rules through which the policies may see the event's time `at`: its
# Beijing calendar date and nothing finer (the engine checks that on the loaded
# policies too, see DecisionEngine).
EVENT_DATE_RULES = frozenset({"lib.state.event_date", "lib.state.has_utc_offset"})
EVENT_DATE_QUERY = "data.lib.state.event_date"


@dataclass
class PolicySet:
    root: Path
    files: list[RegoFile]
    rules: dict[str, RuleMeta]  # package → metadata
    test_packages: dict[str, RegoFile] = field(default_factory=dict)
    # package → the actions that can make it emit anything, proved from the
    # source by the backend; a package not listed (or None) is reached by all.
    actions: dict[str, frozenset[str] | None] = field(default_factory=dict)
    jurisdictions: frozenset[str] = frozenset()
    # Proved from the source by the backend: no rule reads `input.at` except
    # through EVENT_DATE_RULES, so events differing only in the time of day
    # get the same decision (the decision cache keys on the day then).
    sees_only_the_day: bool = False
    # module path → (its package, the packages it may read), proved from the
    # source by the backend; None: unknown (every decision uses every module).
    dependencies: dict[str, tuple[str, frozenset[str]]] | None = None
    # package → what may reach the working-day calendar in it (only packages
    # that use it), proved from the source by the backend; None: unknown
    # (every date of an event counts).
    calendar_reads: dict[str, CalendarReads] | None = None
    revision: str = ""
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    # The statutory numbers (policies/data/parameters), and which of them each
    # package reads (engine/parameters.py).
    parameters: Parameters = field(default_factory=Parameters)
    parameter_reads: dict[str, frozenset[str]] = field(default_factory=dict)

    def data(self) -> dict:
        """Data that ships with the policies (not the catalogue): `data.govshare.calendar`."""
        return {"calendar": self.calendar.as_data()}

    def root_data(self) -> dict:
        """Data that ships with the policies under roots of its own: `data.govshare_parameters`."""
        return {"govshare_parameters": self.parameters.as_data()}

    @cached_property
    def parameters_read(self) -> frozenset[str]:
        """Every parameter some package reads."""
        return frozenset(n for found in self.parameter_reads.values() for n in found)

    def parameters_missing(self, layers: frozenset[str], action: str, day: date) -> list[str]:
        """The parameters a decision of `action` under `layers` on `day` may
        read (through the rules in force it reaches, and the libraries) that
        have no value in force that day."""
        if self.parameters.complete_on(day, self.parameters_read):
            return []  # the usual case: every parameter read has a value that day
        names = {n for p, found in self.parameter_reads.items() for n in found
                 if p not in self.rules or (self.rules[p].regulation in layers and self.reaches(p, action) and self.rules[p].in_force(day))}
        return self.parameters.missing_on(names, day)

    @property
    def modules(self) -> list[tuple[str, str]]:
        """Every module the backend loads: the files plus the generated aggregate."""
        return [(f.path, f.text) for f in self.files] + [(AGGREGATE_PATH, self.aggregate_module())]

    @property
    def rule_modules(self) -> list[tuple[str, str]]:
        """The policy files without the `_test.rego` ones."""
        return [(f.path, f.text) for f in self.files if not f.is_test]

    @property
    def serving_modules(self) -> list[tuple[str, str]]:
        """What a decision needs: the rule modules and the aggregate. regorus'
        interpreter slows with every module loaded, and decisions never read a
        test package (measured: 2–3× faster without them)."""
        return self.rule_modules + [(AGGREGATE_PATH, self.aggregate_module())]

    @cached_property
    def layers(self) -> list[str]:
        """The regulations (layers) the rules belong to."""
        return sorted({m.regulation for m in self.rules.values()})

    @staticmethod
    def layer_query(layer: str, action: str) -> str:
        """The rule gathering what one layer's rules say about one action: a
        decision evaluates only the layers in force, and in each only the
        packages its action can reach."""
        return f"data.{AGGREGATE_PACKAGE}.{_layer_rule(layer, action)}"

    def reaches(self, package: str, action: str) -> bool:
        """Whether an event of `action` can make `package` emit anything
        (`actions` is proved from the source; unknown means yes)."""
        actions = self.actions.get(package)
        return actions is None or action in actions

    def judging_rules(self, layer: str, action: str) -> list[RuleMeta]:
        """The rules of `layer` that are proved to speak to `action` in
        particular. A rule reached by every action (or whose reach cannot be
        proved) is a general duty: it applies, but does not make the action
        judged. A decision needs, in each layer in force that governs the
        action, one of these in force on the event's date."""
        key = (layer, action)
        if key not in self._judging:
            self._judging[key] = [m for p, m in sorted(self.rules.items())
                                  if m.regulation == layer and (actions := self.actions.get(p)) is not None and action in actions]
        return self._judging[key]

    @cached_property
    def _judging(self) -> dict:
        return {}

    def calendar_scope(self, layers: frozenset[str], action: str) -> CalendarReads | None:
        """What may reach a working-day computation when the `layers` judge an
        event of `action`: the union over the calendar-using packages the
        action reaches. None: unknown, every date of the event counts."""
        key = (layers, action)
        if key not in self._calendar_scopes:
            if self.calendar_reads is None:
                scope = None
            else:
                reads = [r for p, r in self.calendar_reads.items()
                         if p in self.rules and self.rules[p].regulation in layers and self.reaches(p, action)]
                scope = CalendarReads(
                    None if any(r.input_fields is None for r in reads) else frozenset().union(*(r.input_fields for r in reads)),
                    frozenset().union(*(r.stored for r in reads)),
                )
            self._calendar_scopes[key] = scope
        return self._calendar_scopes[key]

    @cached_property
    def _calendar_scopes(self) -> dict:
        return {}

    def _layer_packages(self, layer: str, action: str) -> list[str]:
        return [p for p in sorted(self.rules) if self.rules[p].regulation == layer and self.reaches(p, action)]

    @cached_property
    def partitions(self) -> dict[str, list[tuple[str, str]]]:
        """For each layer query, the only modules it needs: the packages its
        rule gathers, what those may read (transitively), and an aggregate
        holding just that rule. regorus' interpreter slows with every module it
        holds (measured: ~25 % a decision), so the backend can answer a layer
        query from an engine holding only these. Empty when the dependencies
        are unknown or a rule reads the aggregate itself."""
        if self.dependencies is None:
            return {}
        package_of = {path: package for path, (package, _) in self.dependencies.items()}
        needs: dict[str, set[str]] = {}
        for package, deps in self.dependencies.values():
            needs.setdefault(package, set()).update(deps)
        found = {}
        for layer in self.layers:
            for action in ACTIONS:
                wanted: set[str] = set()
                todo = self._layer_packages(layer, action)
                while todo:
                    package = todo.pop()
                    if package not in wanted:
                        wanted.add(package)
                        todo.extend(needs.get(package, ()))
                if AGGREGATE_PACKAGE in wanted:
                    return {}
                modules = [(path, text) for path, text in self.rule_modules if package_of.get(path) in wanted]
                modules.append((f"<generated>/govshare_aggregate_{layer}_{action}.rego", self.aggregate_module([(layer, action)])))
                found[self.layer_query(layer, action)] = modules
        return found

    def aggregate_module(self, layer_rules: list[tuple[str, str]] | None = None) -> str:
        """Rules that gather the packages' violations, breaches and obligations:
        `result` for all of them, `layer_<regulation>_<action>` for each layer
        and action, so a decision is one evaluation per layer in force over only
        the packages its action can reach. Given `layer_rules`, only those."""
        def gather(packages: list[str]) -> str:
            def entries(kind: str) -> str:
                # One entry a line: regorus refuses lines over 1,024 columns.
                return "".join(f'\t\t"{p}": data.{p}.{kind},\n' for p in packages if kind in self.rules[p].emits)

            return "{\n" + "".join(f'\t"{kind}": {{\n{entries(kind)}\t}},\n' for kind in RULE_KINDS) + "}\n"

        parts = [f"package {AGGREGATE_PACKAGE}\n\nimport rego.v1\n"]
        if layer_rules is None:
            parts.append(f"\nresult := {gather(sorted(self.rules))}")
        for layer, action in layer_rules or [(layer, action) for layer in self.layers for action in ACTIONS]:
            parts.append(f"\n{_layer_rule(layer, action)} := {gather(self._layer_packages(layer, action))}")
        return "".join(parts)


def _layer_rule(layer: str, action: str) -> str:
    return f"layer_{layer}_{action}"


def read_files(root: Path) -> list[RegoFile]:
    if not root.is_dir():
        raise PolicyError([PolicyProblem(str(root), 0, 0, "policy directory does not exist")])
    files = []
    for path in sorted(root.rglob("*.rego")):
        rel = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyError([PolicyProblem(rel, 0, 0, f"cannot read policy file: {exc}")]) from exc
        files.append(RegoFile(rel, text))
    return files


CALENDAR_DIR = "data/calendar"


def revision_of(root: Path, files: list[RegoFile]) -> str:
    """Content hash of everything that decides: every policy and every data file
    shipped beside them."""
    digest = hashlib.sha256()
    data_files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".json", ".yaml", ".yml")) if root.is_dir() else []
    for path, content in [(f.path, f.text.encode()) for f in files] + [(p.relative_to(root).as_posix(), p.read_bytes()) for p in data_files]:
        digest.update(path.encode())
        digest.update(b"\0")
        digest.update(content)
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()


def load_policy_set(root: Path | str, backend: RegoBackend) -> PolicySet:
    """Read, check and compile the policies under `root`; raise PolicyError with
    every problem found (file:line:col) if they cannot be served."""
    root = Path(root)
    files = read_files(root)
    problems: list[PolicyProblem] = []
    rules: dict[str, RuleMeta] = {}
    tests: dict[str, RegoFile] = {}
    seen_codes: dict[str, str] = {}
    for rego in files:
        parsed = parse_file(rego)
        problems.extend(parsed.problems)
        if parsed.package is None:
            problems.append(PolicyProblem(rego.path, 1, 1, "file has no package declaration"))
            continue
        if rego.is_test:
            tests[parsed.package] = rego
            continue
        if rego.is_library:
            if parsed.emits:
                problems.append(PolicyProblem(rego.path, parsed.package_line, 1, "lib/ helpers must not emit violations, breaches or obligations; put the rule in its own cited package"))
            continue
        meta, found = rule_meta(parsed, rego.path)
        problems.extend(found)
        if meta is None:
            continue
        problems.extend(_check_citation(meta))
        if meta.package in rules:
            problems.append(PolicyProblem(rego.path, parsed.package_line, 1, f"package {meta.package} is also defined in {rules[meta.package].file}; one obligation, one package"))
        if meta.code in seen_codes:
            problems.append(PolicyProblem(rego.path, meta.line, 1, f"code {meta.code} is already used by {seen_codes[meta.code]}"))
        seen_codes[meta.code] = rego.path
        rules[meta.package] = meta
    policy_set = PolicySet(
        root=root,
        files=files,
        rules=rules,
        test_packages=tests,
        jurisdictions=frozenset(REGULATIONS[m.regulation].jurisdiction for m in rules.values()
                                if m.regulation in REGULATIONS and REGULATIONS[m.regulation].jurisdiction),
        revision=revision_of(root, files),
    )
    try:
        policy_set.calendar = load_calendar(root / CALENDAR_DIR)
    except PolicyError as exc:
        problems.extend(exc.problems)
    try:
        policy_set.parameters = load_parameters(root / PARAMETERS_DIR, root)
        policy_set.parameter_reads, found = parameter_reads([(f.path, f.text) for f in files if not f.is_test], policy_set.parameters)
        problems.extend(found)
    except PolicyError as exc:
        problems.extend(exc.problems)
    if not problems:
        # Compile everything, including tests: an unknown builtin or a syntax
        # error anywhere refuses the set.
        problems.extend(backend.compile(policy_set.modules, [AGGREGATE_QUERY]))
    if not problems and hasattr(backend, "action_guards"):
        policy_set.actions = backend.action_guards(policy_set.rule_modules, {p: tuple(sorted(m.emits)) for p, m in rules.items()})
    if not problems and hasattr(backend, "package_dependencies"):
        # With the aggregate: a rule that reads it cannot be served from a partition.
        policy_set.dependencies = backend.package_dependencies(policy_set.serving_modules)
    if not problems and hasattr(backend, "calendar_readers"):
        policy_set.calendar_reads = backend.calendar_readers(policy_set.rule_modules)
    if not problems and hasattr(backend, "input_readers"):
        readers = backend.input_readers(policy_set.rule_modules)
        policy_set.sees_only_the_day = readers is not None and readers.get("at", frozenset()) <= EVENT_DATE_RULES
    if problems:
        raise PolicyError(sorted(problems, key=lambda p: (p.file, p.line, p.col)))
    return policy_set


def _check_citation(meta: RuleMeta) -> list[PolicyProblem]:
    problems = []

    def problem(message: str) -> None:
        problems.append(PolicyProblem(meta.file, meta.line, 1, message))

    regulation = REGULATIONS.get(meta.regulation)
    if regulation is None:
        problem(f"unknown regulation {meta.regulation!r}; known: {', '.join(sorted(REGULATIONS))}")
        return problems
    if regulation.policy_dir and not meta.file.startswith(regulation.policy_dir + "/"):
        problem(f"a {meta.regulation} rule belongs under policies/{regulation.policy_dir}/ (layers are chosen by where rules live and what they cite)")
    if meta.article not in regulation.articles:
        problem(f"{meta.regulation} has no article {meta.article} (articles 1–{max(regulation.articles)}): a rule must cite a real article")
    elif why := quote_problem(meta.regulation, meta.article, meta.quote):
        problem(why)
    if meta.liability is not None and (why := liability_problem(regulation, meta.liability)):
        problem(why)
    expected = EMITTED_RULE.get(meta.severity)
    if expected and meta.emits != {expected}:
        found = ", ".join(sorted(meta.emits))
        problem(f"severity {meta.severity} must define `{expected} contains` and nothing else (found: {found})")
    for lang in ("zh", "en"):
        for name in placeholders(getattr(meta.message, lang)):
            if name not in meta.labels and not name.isidentifier():
                problem(f"message placeholder {{{name}}} is not a name")
    return problems
