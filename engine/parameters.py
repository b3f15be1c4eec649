"""Statutory numbers as dated parameters (OpenFisca's way).

The periods and retention terms the regulations set (GDSR art 21(1): reply
within 10 working days; art 29(2): keep records at least 3 years; …) live in
`policies/data/parameters/*.yaml`, each with the article it comes from and the
dates it is in force, so a change in the law is a new dated value, not an edit
of a rule. The policies read them through `data.lib.parameters.value(name,
day)` (`policies/lib/parameters`), which sees them as `data.govshare_parameters`;
the lifecycle's due dates (engine.deadlines) read the same values here.

A parameter with no value in force on a day has no answer: the engine refuses
to decide an event that reaches a rule reading it (indeterminate, never a
guess), as it does for a calendar year it does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .errors import PolicyError, PolicyProblem
from .regulations import REGULATIONS

if TYPE_CHECKING:
    from .policyset import PolicySet

PARAMETERS_DIR = "data/parameters"
# Where the policies see the parameters: a data root of its own, beside
# `govshare`, so a Rego test that replaces `data.govshare` with a fixture still
# reads the shipped values (and one can replace these with `with`).
DATA_ROOT = "govshare_parameters"
UNITS = ("working_days", "months", "years")
_PARAMETER_KEYS = {"description", "unit", "source", "values"}
_SOURCE_KEYS = {"regulation", "article", "paragraph", "quote"}
_PERIOD_KEYS = {"value", "effective_from", "effective_to"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class ParameterNotInForce(LookupError):
    """A parameter that has no value in force on a day (or does not exist)."""

    def __init__(self, name: str, day: date):
        self.name, self.day = name, day
        super().__init__(not_in_force_text([name], day)[1])


def not_in_force_text(names: Iterable[str], day: date) -> tuple[str, str]:
    """"The parameter … has no value in force on …", in zh and en."""
    names = sorted(names)
    return (f"法定参数{'、'.join(names)}在{day.isoformat()}没有施行中的取值",
            f"The statutory parameter{'s' if len(names) > 1 else ''} {', '.join(names)} "
            f"{'have' if len(names) > 1 else 'has'} no value in force on {day.isoformat()}")


def set_value_remedy() -> tuple[str, str]:
    return (f"由合规人员在 policies/{PARAMETERS_DIR}/ 中补充该日期施行的取值（注明条文出处），经 govshare check 后生效",
            f"Have compliance staff add the value in force on that date to policies/{PARAMETERS_DIR}/ (with its article), "
            "and put it live after govshare check")


@dataclass(frozen=True)
class Period:
    value: int
    effective_from: date
    effective_to: date | None = None  # the last day in force (inclusive); None: open-ended

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def as_data(self) -> dict[str, Any]:
        found: dict[str, Any] = {"value": self.value, "effective_from": self.effective_from.isoformat()}
        if self.effective_to is not None:
            found["effective_to"] = self.effective_to.isoformat()
        return found


@dataclass(frozen=True)
class Parameter:
    name: str
    zh: str
    en: str
    unit: str
    regulation: str
    article: int
    paragraph: int | None
    quote: str | None
    periods: tuple[Period, ...]
    file: str = ""
    line: int = 1

    def period_on(self, day: date) -> Period | None:
        return next((p for p in self.periods if p.in_force(day)), None)

    def value_on(self, day: date) -> int:
        period = self.period_on(day)
        if period is None:
            raise ParameterNotInForce(self.name, day)
        return period.value

    @property
    def citation(self) -> str:
        return f"{self.regulation} art {self.article}" + (f"({self.paragraph})" if self.paragraph else "")


@dataclass
class Parameters:
    by_name: dict[str, Parameter] = field(default_factory=dict)
    _complete: dict[tuple[date, frozenset[str]], bool] = field(default_factory=dict, repr=False, compare=False)

    def value(self, name: str, day: date) -> int:
        """The value of `name` in force on `day`; ParameterNotInForce if none
        (an unknown name too: nothing is guessed)."""
        parameter = self.by_name.get(name)
        if parameter is None:
            raise ParameterNotInForce(name, day)
        return parameter.value_on(day)

    def missing_on(self, names: Iterable[str], day: date) -> list[str]:
        """The `names` with no value in force on `day`."""
        return sorted(n for n in set(names) if n not in self.by_name or self.by_name[n].period_on(day) is None)

    def complete_on(self, day: date, names: frozenset[str]) -> bool:
        """Whether every one of `names` has a value on `day` (remembered per
        day and set of names: a decision asks it every time)."""
        key = (day, names)
        known = self._complete.get(key)
        if known is None:
            if len(self._complete) > 100_000:
                self._complete.clear()
            known = self._complete[key] = not self.missing_on(names, day)
        return known

    def as_data(self) -> dict[str, list[dict[str, Any]]]:
        """What the policies see as `data.govshare_parameters`: name → periods."""
        return {name: [p.as_data() for p in parameter.periods] for name, parameter in sorted(self.by_name.items())}


# --- loading and checking -------------------------------------------------------


def parameter_files(path: Path) -> list[Path]:
    """The parameter files under a directory (every *.yaml / *.yml), or the file itself."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))


def load_parameters(path: Path, display_root: Path | None = None) -> Parameters:
    """Read and check every parameter file under `path` (a directory or one
    file); raise PolicyError listing every problem (file:line, zh / en)."""
    parameters = Parameters()
    problems: list[PolicyProblem] = []
    for file in parameter_files(path):
        shown = _shown(file, display_root)
        for parameter in _read_file(file, shown, problems):
            if (other := parameters.by_name.get(parameter.name)) is not None:
                problems.append(PolicyProblem(shown, parameter.line, 1,
                                              f"参数 {parameter.name} 已在 {other.file}:{other.line} 定义 / "
                                              f"parameter {parameter.name} is already defined in {other.file}:{other.line}"))
                continue
            parameters.by_name[parameter.name] = parameter
    if problems:
        raise PolicyError(problems)
    return parameters


def _shown(file: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return file.relative_to(root).as_posix()
        except ValueError:
            pass
    return file.as_posix()


def _read_file(file: Path, shown: str, problems: list[PolicyProblem]) -> list[Parameter]:
    import yaml

    try:
        root = yaml.compose(file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(PolicyProblem(shown, 1, 1, f"无法读取参数文件 / cannot read the parameter file: {exc}"))
        return []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(PolicyProblem(shown, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1,
                                      f"参数文件不是合法的 YAML / the parameter file is not valid YAML: {getattr(exc, 'problem', exc)}"))
        return []
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        problems.append(PolicyProblem(shown, root.start_mark.line + 1, 1,
                                      "参数文件须是“参数名: 定义”的映射 / a parameter file maps parameter names to definitions"))
        return []
    found = []
    for key_node, value_node in root.value:
        parameter = _read_parameter(key_node, value_node, shown, problems)
        if parameter is not None:
            found.append(parameter)
    return found


def _plain(node: Any) -> Any:
    """A YAML node as Python values (dates as dates), with the safe loader's types."""
    import yaml

    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _read_parameter(key_node: Any, node: Any, shown: str, problems: list[PolicyProblem]) -> Parameter | None:
    import yaml

    line = key_node.start_mark.line + 1
    name = str(key_node.value)
    before = len(problems)

    def problem(zh: str, en: str, at: Any = None) -> None:
        where = at.start_mark.line + 1 if at is not None else line
        problems.append(PolicyProblem(shown, where, 1, f"参数 {name}：{zh} / parameter {name}: {en}"))

    if not _NAME.match(name):
        problem("名称须为“法规.名称”形式的小写字母、数字和下划线（如 gdsr.delivery_working_days）",
                "the name must be <regulation>.<name> in lower-case letters, digits and underscores (e.g. gdsr.delivery_working_days)")
        return None
    if not isinstance(node, yaml.MappingNode):
        problem("定义须是映射（description、unit、source、values）", "the definition must be a mapping (description, unit, source, values)", node)
        return None
    fields = {str(k.value): v for k, v in node.value}
    for unknown in sorted(set(fields) - _PARAMETER_KEYS):
        problem(f"未知的键 {unknown}（可用：{'、'.join(sorted(_PARAMETER_KEYS))}）",
                f"unknown key {unknown} (known: {', '.join(sorted(_PARAMETER_KEYS))})", node)

    description = _plain(fields["description"]) if "description" in fields else None
    if not (isinstance(description, dict) and all(isinstance(description.get(lang), str) and description[lang].strip() for lang in ("zh", "en"))):
        problem("缺少中英文说明（description: {zh: …, en: …}）", "needs a description in zh and en (description: {zh: …, en: …})", fields.get("description"))
        description = {"zh": "", "en": ""}
    unit = _plain(fields["unit"]) if "unit" in fields else None
    if unit not in UNITS:
        problem(f"unit 须为 {'、'.join(UNITS)} 之一（现为 {unit!r}）", f"unit must be one of {', '.join(UNITS)} (found {unit!r})", fields.get("unit"))

    # The source: a real article of a known regulation, which the name is under.
    source = _plain(fields["source"]) if "source" in fields else None
    regulation = article = paragraph = quote = None
    if not isinstance(source, dict):
        problem("缺少出处（source: {regulation, article, paragraph}）：没有条文依据的数字不能作为法定参数",
                "has no source (source: {regulation, article, paragraph}): a number without its article cannot be a statutory parameter",
                fields.get("source"))
    else:
        for unknown in sorted(set(source) - _SOURCE_KEYS):
            problem(f"source 中未知的键 {unknown}", f"unknown key {unknown} in source", fields["source"])
        regulation, article, paragraph, quote = (source.get(k) for k in ("regulation", "article", "paragraph", "quote"))
        law = REGULATIONS.get(regulation) if isinstance(regulation, str) else None
        if law is None:
            problem(f"未知的法规 {regulation!r}（已知：{'、'.join(sorted(REGULATIONS))}）",
                    f"unknown regulation {regulation!r} (known: {', '.join(sorted(REGULATIONS))})", fields["source"])
        elif not name.startswith(regulation + "."):
            problem(f"名称须以其法规 {regulation}. 开头", f"the name must start with its regulation, {regulation}.", fields["source"])
        if not _positive_int(article):
            problem("缺少出处条文（source.article）", "has no source article (source.article)", fields["source"])
        elif law is not None and article not in law.articles:
            problem(f"{regulation} 没有第{article}条（第1–{max(law.articles)}条）",
                    f"{regulation} has no article {article} (articles 1–{max(law.articles)})", fields["source"])
        if paragraph is not None and not _positive_int(paragraph):
            problem(f"source.paragraph 须为正整数（现为 {paragraph!r}）", f"source.paragraph must be a positive integer (found {paragraph!r})", fields["source"])
        if quote is not None and not (isinstance(quote, str) and quote.strip()):
            problem("source.quote 须为条文原文", "source.quote must be the words of the article", fields["source"])
        elif law is not None and _positive_int(article) and article in law.articles:
            _check_text(regulation, article, paragraph if _positive_int(paragraph) else None, quote, problem, fields["source"])

    periods = _read_periods(fields.get("values"), problem, REGULATIONS.get(regulation) if isinstance(regulation, str) else None)
    if len(problems) > before:
        return None
    return Parameter(name, description["zh"], description["en"], unit, regulation, article, paragraph,
                     quote, tuple(periods), shown, line)


def _check_text(regulation: str, article: int, paragraph: int | None, quote: str | None, problem: Any, node: Any) -> None:
    """The paragraph must exist in the shipped official text, and the quote be
    its words (whitespace aside), as for a rule's `quote:`."""
    from .lawtext import article_text, without_whitespace

    text = article_text(regulation, article)
    if text is None:
        return  # no official text ships for it: the article registry is all there is to check
    try:
        clause = text.clause(paragraph)
    except LookupError:
        problem(f"{regulation} 第{article}条没有第{paragraph}款（共{len(text.paragraphs)}款）",
                f"{regulation} art {article} has no paragraph {paragraph} (it has {len(text.paragraphs)})", node)
        return
    if quote is not None and without_whitespace(quote) not in without_whitespace(clause):
        where_zh, where_en = (f"第{article}条第{paragraph}款", f"art {article}({paragraph})") if paragraph else (f"第{article}条", f"art {article}")
        problem(f"source.quote 不是 {regulation} {where_zh}原文的一部分（已忽略空白）：{quote}",
                f"source.quote is not, whitespace aside, part of the text of {regulation} {where_en}", node)


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _read_periods(node: Any, problem: Any, law: Any) -> list[Period]:
    import yaml

    if not isinstance(node, yaml.SequenceNode) or not node.value:
        problem("缺少取值（values: [{value, effective_from, effective_to}]）",
                "has no values (values: [{value, effective_from, effective_to}])", node)
        return []
    periods = []
    for item in node.value:
        raw = _plain(item)
        if not isinstance(raw, dict):
            problem("每个取值须是映射（value、effective_from、effective_to）", "each value must be a mapping (value, effective_from, effective_to)", item)
            continue
        for unknown in sorted(set(raw) - _PERIOD_KEYS):
            problem(f"取值中未知的键 {unknown}（可用：value、effective_from、effective_to）",
                    f"unknown key {unknown} in a value (known: value, effective_from, effective_to)", item)
        value = raw.get("value")
        if not _positive_int(value):
            problem(f"取值须为正整数（现为 {value!r}）", f"a value must be a positive integer (found {value!r})", item)
        start, end = _date(raw.get("effective_from")), _date(raw.get("effective_to")) if raw.get("effective_to") is not None else None
        if start is None:
            problem(f"effective_from 须为日期 YYYY-MM-DD（现为 {raw.get('effective_from')!r}）",
                    f"effective_from must be a date YYYY-MM-DD (found {raw.get('effective_from')!r})", item)
            continue
        if raw.get("effective_to") is not None and end is None:
            problem(f"effective_to 须为日期 YYYY-MM-DD（现为 {raw.get('effective_to')!r}）",
                    f"effective_to must be a date YYYY-MM-DD (found {raw.get('effective_to')!r})", item)
            continue
        if end is not None and end < start:
            problem(f"effective_to {end} 早于 effective_from {start}", f"effective_to {end} is before effective_from {start}", item)
            continue
        if law is not None and start < law.effective_from:
            problem(f"生效日期 {start} 早于《{law.name_zh}》施行日期 {law.effective_from}",
                    f"effective_from {start} is before the {law.name_en} took effect ({law.effective_from})", item)
        if _positive_int(value):
            periods.append((Period(value, start, end), item))
    periods.sort(key=lambda found: found[0].effective_from)
    for (earlier, _), (later, item) in zip(periods, periods[1:]):
        if earlier.effective_to is None or later.effective_from <= earlier.effective_to:
            until = earlier.effective_to.isoformat() if earlier.effective_to else "（无终止日期）"
            until_en = earlier.effective_to.isoformat() if earlier.effective_to else "(no end date)"
            problem(f"取值期间重叠：自 {earlier.effective_from} 至 {until} 的取值与自 {later.effective_from} 起的取值重叠",
                    f"overlapping periods: the value from {earlier.effective_from} to {until_en} overlaps the one from {later.effective_from}", item)
    return [period for period, _ in periods]


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


# --- what the rules read ------------------------------------------------------------

_COMMENT = re.compile(r"#[^\n]*")
_CALL = re.compile(r"\bparameters\.value\(\s*")
_LITERAL = re.compile(r'"([^"\\]*)"')
_RAW_READ = re.compile(r"\bdata\.(" + DATA_ROOT + r")\b|\bdata\[\s*\"" + DATA_ROOT + r"\"")
_ALIAS = re.compile(r"^\s*import\s+data\.lib\.parameters\s+as\b", re.MULTILINE)
LIBRARY_DIR = "lib/parameters/"


_PACKAGE = re.compile(r"^package\s+([\w.]+)", re.MULTILINE)


def parameter_reads(files: Iterable[tuple[str, str]], known: Parameters) -> tuple[dict[str, frozenset[str]], list[PolicyProblem]]:
    """For each package of the (path, text) modules (not the tests), the
    parameters its rules read; and the problems that would let a rule read one
    the engine cannot see: a name that is not a string literal, an import of
    the helper under another name, a read of `data.govshare_parameters` around
    the helper, or an unknown name. The engine's check that every parameter an
    event reaches is in force on its date rests on this list being complete."""
    reads: dict[str, set[str]] = {}
    problems: list[PolicyProblem] = []
    for path, text in files:
        code = _COMMENT.sub(lambda m: " " * len(m.group()), text)  # keep offsets, drop comments
        package = match.group(1) if (match := _PACKAGE.search(code)) else path

        def line_of(offset: int) -> int:
            return code.count("\n", 0, offset) + 1

        if not path.startswith(LIBRARY_DIR):
            for match in _RAW_READ.finditer(code):
                problems.append(PolicyProblem(path, line_of(match.start()), 1,
                                              "规则须通过 data.lib.parameters.value(名称, 日期) 读取法定参数 / "
                                              "rules read statutory parameters only through data.lib.parameters.value(name, day)"))
            for match in _ALIAS.finditer(code):
                problems.append(PolicyProblem(path, line_of(match.start()), 1,
                                              "导入 data.lib.parameters 时不得另起别名 / import data.lib.parameters without an alias"))
        for match in _CALL.finditer(code):
            literal = _LITERAL.match(code, match.end())
            if literal is None:
                if path.startswith(LIBRARY_DIR):
                    continue  # the helper's own definition
                problems.append(PolicyProblem(path, line_of(match.start()), 1,
                                              "parameters.value 的第一个参数须是参数名的字符串字面量 / "
                                              "the first argument of parameters.value must be the parameter's name as a string literal"))
                continue
            name = literal.group(1)
            if name not in known.by_name:
                problems.append(PolicyProblem(path, line_of(match.start()), 1,
                                              f"未知的法定参数 {name}（见 policies/{PARAMETERS_DIR}/） / unknown statutory parameter {name} (see policies/{PARAMETERS_DIR}/)"))
            reads.setdefault(package, set()).add(name)
    return {package: frozenset(names) for package, names in reads.items()}, problems


# --- a draft parameter file -------------------------------------------------------


def with_parameters(policies: "PolicySet", path: Path) -> "PolicySet":
    """`policies` with the parameters defined in `path` (a file or a
    directory) in place of its own of the same names, the others kept: what
    `govshare impact --parameters` replays the ledger on, so a draft holds only
    what it changes. Checked like the shipped ones; its revision is the
    policies' and the files' hash."""
    import dataclasses
    import hashlib

    path = Path(path)
    if not parameter_files(path):
        raise PolicyError([PolicyProblem(path.as_posix(), 1, 1, "没有参数文件（*.yaml） / no parameter file (*.yaml) found")])
    drafted = load_parameters(path, path.parent if path.is_file() else path)
    parameters = Parameters({**policies.parameters.by_name, **drafted.by_name})
    reads, problems = parameter_reads([(f.path, f.text) for f in policies.files if not f.is_test], parameters)
    if problems:
        raise PolicyError(problems)
    digest = hashlib.sha256(policies.revision.encode())
    for file in parameter_files(path):
        digest.update(b"\0" + file.read_bytes())
    return dataclasses.replace(policies, parameters=parameters, parameter_reads=reads, revision="sha256:" + digest.hexdigest())
