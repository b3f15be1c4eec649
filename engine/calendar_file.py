"""Adding a year to the working-day calendar from the State Council's notice.

Compliance staff write a small YAML or JSON document from 国务院办公厅关于某年部分
节假日安排的通知::

    year: 2027
    source: 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）
    holidays:          # days off: every weekday off needs its holiday's name
      2027-01-01: 元旦
    workdays:          # make-up workdays (调休上班), always a Saturday or Sunday
      2027-02-07: 春节调休上班

`parse_calendar_document` reads and checks it and reports every problem at the
line of its key in the input (`file:line:col`, Chinese / English);
`summarize` gives the review (working days per month, the holiday list);
`write_year` writes `<year>.json` beside the other years, atomically, after
making sure the calendar with the new year still loads.

Pure Python (and PyYAML for the YAML form): no web framework, database or Rego engine.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .calendar import YearCalendar, load_calendar
from .errors import PolicyError, PolicyProblem
from .models import BEIJING

KEYS = ("year", "source", "holidays", "workdays")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WEEKDAYS = {"zh": ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"),
            "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}
DEFAULT_WORKDAY_NAME = "调休上班"
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


@dataclass(frozen=True)
class CalendarProblem(PolicyProblem):
    """A problem in a calendar document, at the line of the offending key.
    `message` is "中文 / English"; `field` names the key (`holidays.2027-01-01`)."""

    field: str = ""
    code: str = "invalid"
    zh: str = ""
    en: str = ""

    def text(self, lang: str) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.zh if lang == 'zh' else self.en}"

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "line": self.line, "col": self.col, "type": self.code,
                "problem": {"zh": self.zh, "en": self.en}}


def _problem(file: str, line: int, col: int, field_name: str, code: str, zh: str, en: str) -> CalendarProblem:
    return CalendarProblem(file, line, col, f"{zh} / {en}", field_name, code, zh, en)


class CalendarFileError(ValueError):
    """The document cannot be added; `problems` says where and why."""

    def __init__(self, problems: list[CalendarProblem]):
        self.problems = sorted(problems, key=lambda p: (p.line, p.col))
        super().__init__("\n".join(str(p) for p in self.problems))


class CalendarYearExists(FileExistsError):
    def __init__(self, year: int, path: Path):
        self.year, self.path = year, path
        super().__init__(f"{path} exists")


class CalendarYearInUse(CalendarYearExists):
    """A year not after this one is not replaced: deadlines of logged decisions
    and stored applications were counted on it, and would change under them."""


@dataclass(frozen=True)
class CalendarDocument:
    year: int
    source: str
    holidays: dict[str, str]  # ISO date → name
    workdays: dict[str, str]  # ISO date → name

    def as_json(self) -> dict[str, Any]:
        """The shape of `policies/data/calendar/<year>.json`."""
        return {"holidays": dict(sorted(self.holidays.items())), "source": self.source,
                "workdays": dict(sorted(self.workdays.items())), "year": self.year}

    def render(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# --- reading: one tree of keys with their lines, from either format ---------------


@dataclass
class _Entry:
    key: Any            # the key as the format gives it (str, or a date / int from YAML)
    raw: str            # the key's text
    value: Any          # a scalar, or None when `children` holds a mapping
    line: int
    col: int
    children: list["_Entry"] | None = None
    kind: str = "scalar"  # scalar | mapping | sequence | null


def _is_yaml(filename: str, content_type: str | None) -> bool:
    if content_type:
        return content_type.split(";")[0].strip().lower() in YAML_TYPES
    return filename.lower().endswith((".yaml", ".yml"))


def _read_yaml(text: str, filename: str) -> list[_Entry] | CalendarProblem:
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        return _problem(filename, 1, 1, "", "too_deep", "嵌套层次过深", "nested too deeply")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = " ".join(str(p) for p in (getattr(exc, "context", None), getattr(exc, "problem", None)) if p) or str(exc)
        return _problem(filename, line, col, "", "syntax", f"不是合法的 YAML：{detail}", f"not valid YAML: {detail}")
    loader = yaml.SafeLoader("")

    def scalar(n: Any) -> Any:
        try:
            return loader.construct_object(n, deep=True)
        except Exception:  # noqa: BLE001 - any tag PyYAML cannot build (2027-02-30, !!bool maybe, ...): keep the text
            return n.value

    def entries(mapping: Any, depth: int = 0) -> list[_Entry]:
        # Only the top level's mappings are walked (the sections); deeper ones
        # are wrong anyway, and an alias cannot make the walk recurse for ever.
        found = []
        for key_node, value_node in mapping.value:
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if isinstance(key_node, yaml.ScalarNode):
                key, raw = scalar(key_node), key_node.value
            else:
                key, raw = None, "<" + type(key_node).__name__.removesuffix("Node").lower() + ">"
            if isinstance(value_node, yaml.MappingNode):
                found.append(_Entry(key, raw, None, line, col, entries(value_node, depth + 1) if depth == 0 else None, "mapping"))
            elif isinstance(value_node, yaml.SequenceNode):
                found.append(_Entry(key, raw, None, line, col, None, "sequence"))
            else:
                value = scalar(value_node)
                found.append(_Entry(key, raw, value, line, col, None, "null" if value is None else "scalar"))
        return found

    if node is None:
        return _problem(filename, 1, 1, "", "empty", "文件是空的", "the file is empty")
    if not isinstance(node, yaml.MappingNode):
        return _problem(filename, node.start_mark.line + 1, node.start_mark.column + 1, "", "not_a_mapping",
                        "顶层应为键值映射（year、source、holidays、workdays）", "the top level must be a mapping (year, source, holidays, workdays)")
    return entries(node)


def _read_json(text: str, filename: str) -> list[_Entry] | CalendarProblem:
    try:
        json.loads(text)
    except RecursionError:
        return _problem(filename, 1, 1, "", "too_deep", "嵌套层次过深", "nested too deeply")
    except json.JSONDecodeError as exc:
        return _problem(filename, exc.lineno, exc.colno, "", "syntax", f"不是合法的 JSON：{exc.msg}", f"not valid JSON: {exc.msg}")
    decoder = json.JSONDecoder()
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def where(pos: int) -> tuple[int, int]:
        line = bisect.bisect_right(line_starts, pos)
        return line, pos - line_starts[line - 1] + 1

    def skip(pos: int) -> int:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        return pos

    def mapping(pos: int, depth: int = 0) -> tuple[list[_Entry], int]:
        """Entries of the object starting at text[pos] == '{' (the text is valid JSON)."""
        found: list[_Entry] = []
        pos = skip(pos + 1)
        if text[pos] == "}":
            return found, pos + 1
        while True:
            key_at = pos
            key, pos = json.decoder.scanstring(text, pos + 1)
            pos = skip(skip(pos) + 1)  # past the colon
            line, col = where(key_at)
            if text[pos] == "{" and depth == 0:
                children, pos = mapping(pos, depth + 1)
                found.append(_Entry(key, key, None, line, col, children, "mapping"))
            else:
                value, pos = decoder.raw_decode(text, pos)
                kind = ("mapping" if isinstance(value, dict) else "sequence" if isinstance(value, list)
                        else "null" if value is None else "scalar")
                found.append(_Entry(key, key, value if kind == "scalar" else None, line, col, None, kind))
            pos = skip(pos)
            if text[pos] == "}":
                return found, pos + 1
            pos = skip(pos + 1)  # past the comma

    start = skip(0)
    if start < len(text) and text[start] == "\ufeff":
        start = skip(start + 1)
    if start >= len(text) or text[start] != "{":
        line, col = where(start) if start < len(text) else (1, 1)
        return _problem(filename, line, col, "", "not_a_mapping",
                        "顶层应为 JSON 对象（year、source、holidays、workdays）", "the top level must be a JSON object (year, source, holidays, workdays)")
    return mapping(start)[0]


# --- checking -----------------------------------------------------------------------


def _as_day(entry: _Entry) -> date | None:
    key = entry.key
    if isinstance(key, datetime):
        return None
    if isinstance(key, date):
        return key
    if isinstance(key, str) and _ISO_DATE.match(key.strip()):
        try:
            return date.fromisoformat(key.strip())
        except ValueError:
            return None
    return None


def parse_calendar_document(text: str, filename: str, expected_year: int, content_type: str | None = None) -> CalendarDocument:
    """Read and check a calendar document (YAML when the file name ends in .yaml
    or .yml, or the content type says YAML; JSON otherwise). Raises
    CalendarFileError with every problem found."""
    if text.startswith("\ufeff"):
        text = text[1:]
    tree = (_read_yaml if _is_yaml(filename, content_type) else _read_json)(text, filename)
    if isinstance(tree, CalendarProblem):
        raise CalendarFileError([tree])
    problems: list[CalendarProblem] = []

    def add(entry: _Entry | None, field_name: str, code: str, zh: str, en: str) -> None:
        line, col = (entry.line, entry.col) if entry else (1, 1)
        problems.append(_problem(filename, line, col, field_name, code, zh, en))

    if not 1 <= expected_year <= 9998:
        add(None, "year", "year_range", f"年份 {expected_year} 超出范围", f"the year {expected_year} is out of range")
        raise CalendarFileError(problems)

    top: dict[str, _Entry] = {}
    for entry in tree:
        name = entry.raw
        if name not in KEYS:
            add(entry, name, "unknown_key", f"未知的字段 {name}（只允许 year、source、holidays、workdays）",
                f"unknown key {name} (allowed: year, source, holidays, workdays)")
        elif name in top:
            add(entry, name, "duplicate_key", f"字段 {name} 重复（第 {top[name].line} 行已有）", f"the key {name} appears twice (also on line {top[name].line})")
        else:
            top[name] = entry

    # year
    year = top.get("year")
    if year is None:
        add(None, "year", "missing", "缺少 year（年份）", "year is missing")
    elif year.kind != "scalar" or isinstance(year.value, bool) or not isinstance(year.value, int):
        add(year, "year", "int_type", "year 应为整数年份，如 2027", "year must be an integer, e.g. 2027")
    elif year.value != expected_year:
        add(year, "year", "year_mismatch", f"文件中的年份 {year.value} 与要添加的年份 {expected_year} 不一致",
            f"the file's year {year.value} is not the year being added, {expected_year}")

    # source
    source = top.get("source")
    source_text = ""
    if source is None:
        add(None, "source", "missing", "缺少 source：请写明依据的通知（如：国务院办公厅关于某年部分节假日安排的通知及文号）",
            "source is missing: name the notice it comes from (the State Council's holiday notice and its number)")
    elif source.kind != "scalar" or not isinstance(source.value, str) or not source.value.strip():
        add(source, "source", "empty", "source 应为非空文字，写明依据的通知及文号", "source must be non-empty text naming the notice and its number")
    else:
        source_text = source.value.strip()

    def days(section: str) -> dict[str, tuple[date, _Entry]]:
        entry = top.get(section)
        found: dict[str, tuple[date, _Entry]] = {}
        if entry is None or entry.kind == "null":
            if section == "holidays":
                add(entry, section, "missing", "缺少 holidays（放假日期）", "holidays is missing")
            return found
        if entry.kind != "mapping":
            add(entry, section, "dict_type", f"{section} 应为“日期: 名称”的映射", f"{section} must map dates to names")
            return found
        if section == "holidays" and not entry.children:
            add(entry, section, "empty", "holidays 不能为空", "holidays must not be empty")
        for child in entry.children or []:
            label = f"{section}.{child.raw}"
            day = _as_day(child)
            if day is None:
                add(child, label, "not_a_date", f"{child.raw} 不是真实的日期，应写作 YYYY-MM-DD，如 {expected_year}-01-01",
                    f"{child.raw} is not a real date; write it as YYYY-MM-DD, e.g. {expected_year}-01-01")
                continue
            key = day.isoformat()
            if day.year != expected_year:
                add(child, label, "wrong_year", f"{key} 不在 {expected_year} 年内", f"{key} is not in {expected_year}")
                continue
            if key in found:
                add(child, label, "duplicate_key", f"{key} 重复（第 {found[key][1].line} 行已有）", f"{key} appears twice (also on line {found[key][1].line})")
                continue
            found[key] = (day, child)
        return found

    holidays, workdays = days("holidays"), days("workdays")
    holiday_names: dict[str, str] = {}
    for key, (day, entry) in holidays.items():
        weekday = day.weekday()
        label = f"holidays.{key}"
        if entry.kind not in ("scalar", "null") or (entry.value is not None and not isinstance(entry.value, str)):
            add(entry, label, "string_type", f"{key} 的节日名称应为文字，如 元旦、春节", f"the holiday name for {key} must be text, e.g. 元旦 (New Year's Day)")
            continue
        name = (entry.value or "").strip()
        if not name and weekday < 5:
            add(entry, label, "holiday_without_name",
                f"{key}（{WEEKDAYS['zh'][weekday]}）放假，须写明节日名称，如 元旦、春节",
                f"{key} ({WEEKDAYS['en'][weekday]}) is a day off on a weekday and needs its holiday's name, e.g. 元旦 (New Year's Day)")
            continue
        holiday_names[key] = name
    workday_names: dict[str, str] = {}
    for key, (day, entry) in workdays.items():
        weekday = day.weekday()
        label = f"workdays.{key}"
        if key in holidays:
            other = holidays[key][1].line
            add(entry, label, "both_holiday_and_workday", f"{key} 同时列为放假（第 {other} 行）和调休上班",
                f"{key} is listed both as a holiday (line {other}) and as a make-up workday")
            holiday_names.pop(key, None)
            continue
        if weekday < 5:
            add(entry, label, "workday_not_weekend",
                f"{key} 是{WEEKDAYS['zh'][weekday]}：调休上班日只能是星期六或星期日",
                f"{key} is a {WEEKDAYS['en'][weekday]}: a make-up workday must be a Saturday or Sunday")
            continue
        if entry.kind not in ("scalar", "null") or (entry.value is not None and not isinstance(entry.value, str)):
            add(entry, label, "string_type", f"{key} 的说明应为文字，如 春节调休上班", f"the note for {key} must be text, e.g. 春节调休上班")
            continue
        workday_names[key] = (entry.value or "").strip() or DEFAULT_WORKDAY_NAME
    if problems:
        raise CalendarFileError(problems)
    return CalendarDocument(expected_year, source_text, holiday_names, workday_names)


def parse_calendar_file(path: Path, expected_year: int) -> CalendarDocument:
    """Read `path` (YAML or JSON by its extension) and check it."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CalendarFileError([_problem(name, 1, 1, "", "encoding", "文件不是 UTF-8 编码", "the file is not UTF-8")]) from None
    return parse_calendar_document(text, name, expected_year)


# --- the review -------------------------------------------------------------------------


@dataclass(frozen=True)
class DayEntry:
    day: date
    kind: str  # holiday | workday
    name: str

    def as_json(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "kind": self.kind, "name": self.name,
                "weekday": {"zh": WEEKDAYS["zh"][self.day.weekday()], "en": WEEKDAYS["en"][self.day.weekday()]}}


@dataclass(frozen=True)
class CalendarSummary:
    year: int
    source: str
    working_days_by_month: list[int]  # January … December
    holidays: list[DayEntry] = field(default_factory=list)
    workdays: list[DayEntry] = field(default_factory=list)

    @property
    def working_days(self) -> int:
        return sum(self.working_days_by_month)

    def as_json(self) -> dict[str, Any]:
        return {"year": self.year, "source": self.source, "working_days": self.working_days,
                "working_days_by_month": self.working_days_by_month,
                "holidays": [d.as_json() for d in self.holidays], "workdays": [d.as_json() for d in self.workdays]}


def working_days_by_month(calendar: YearCalendar) -> list[int]:
    counts = [0] * 12
    day = date(calendar.year, 1, 1)
    while day.year == calendar.year:
        if calendar.is_working_day(day):
            counts[day.month - 1] += 1
        day += timedelta(days=1)
    return counts


def summarize(document: CalendarDocument) -> CalendarSummary:
    """Working days per month of the year, and the holidays and make-up workdays, for review."""
    calendar = YearCalendar(document.year, document.holidays, document.workdays)
    return CalendarSummary(
        document.year, document.source, working_days_by_month(calendar),
        [DayEntry(date.fromisoformat(k), "holiday", v) for k, v in sorted(document.holidays.items())],
        [DayEntry(date.fromisoformat(k), "workday", v) for k, v in sorted(document.workdays.items())],
    )


# --- writing ------------------------------------------------------------------------------


def year_path(directory: Path, year: int) -> Path:
    return Path(directory) / f"{year}.json"


def check_loads_with(directory: Path, document: CalendarDocument) -> None:
    """Raise PolicyError if the calendar directory with this year added (or
    replaced) would not load — checked on a copy, before anything goes live."""
    directory = Path(directory)
    with tempfile.TemporaryDirectory(prefix="govshare-calendar-") as scratch:
        trial = Path(scratch)
        if directory.is_dir():
            for path in directory.glob("*.json"):
                if path.name != f"{document.year}.json":
                    shutil.copyfile(path, trial / path.name)
        year_path(trial, document.year).write_text(document.render(), encoding="utf-8")
        try:
            load_calendar(trial)
        except PolicyError as exc:
            def real(file: str) -> str:  # name the real directory, not the scratch copy
                return directory.as_posix() if Path(file) == trial else (directory / Path(file).name).as_posix()

            raise PolicyError([PolicyProblem(real(p.file), p.line, p.col, p.message) for p in exc.problems]) from None


def write_year(directory: Path, document: CalendarDocument, replace: bool = False, this_year: int | None = None) -> Path:
    """Write `<directory>/<year>.json` atomically (a temporary file in the same
    directory, then a rename, so a watcher never reads half a file) and check
    that the directory still loads. Raises CalendarYearExists when the year is
    there and `replace` is not set, CalendarYearInUse when it is not after
    `this_year` (Beijing's, by default), PolicyError when the calendar would not load
    (nothing is changed then)."""
    directory = Path(directory)
    target = year_path(directory, document.year)
    if target.exists() and not replace:
        raise CalendarYearExists(document.year, target)
    if target.exists() and document.year <= (this_year or datetime.now(BEIJING).year):
        raise CalendarYearInUse(document.year, target)
    check_loads_with(directory, document)
    directory.mkdir(parents=True, exist_ok=True)
    previous = target.read_bytes() if target.exists() else None
    # Not *.json, so neither the watcher nor load_calendar ever reads it.
    handle, temp_name = tempfile.mkstemp(prefix=f".{document.year}.", suffix=".tmp", dir=directory)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(document.render())
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        if replace:
            os.replace(temp, target)
        else:
            try:
                os.link(temp, target)  # fails if another writer got there first
            except FileExistsError:
                raise CalendarYearExists(document.year, target) from None
            except OSError:  # a file system without hard links
                if target.exists():
                    raise CalendarYearExists(document.year, target) from None
                os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    try:
        load_calendar(directory)
    except PolicyError:
        _restore(target, previous)
        raise
    return target


def _restore(target: Path, previous: bytes | None) -> None:
    if previous is None:
        target.unlink(missing_ok=True)
        return
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=target.parent)
    with os.fdopen(handle, "wb") as stream:
        stream.write(previous)
    os.replace(temp_name, target)
