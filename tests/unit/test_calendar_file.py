"""Checking a calendar document (engine/calendar_file.py): every rule refuses a bad
file at the line of the offending key, in Chinese and English; a good one is
summarised for review and written beside the other years, atomically.

The documents here are test fixtures with made-up dates, not any official arrangement."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from engine.calendar import load_calendar
from engine.calendar_file import (CalendarFileError, CalendarYearExists, parse_calendar_document, parse_calendar_file,
                                  summarize, write_year)
from engine.errors import PolicyError, PolicyProblem
from tests.conftest import POLICY_DIR

GOOD_YAML = """\
# a test fixture, not the official arrangement
year: 2027
source: 测试用例（非官方安排）/ test fixture, not the official arrangement
holidays:
  2027-01-01: 元旦
  2027-02-08: 测试假日
  2027-02-13:
workdays:
  2027-02-06: 测试调休
"""

GOOD_JSON = """{
  "year": 2027,
  "source": "测试用例（非官方安排）/ test fixture",
  "holidays": {
    "2027-01-01": "元旦",
    "2027-02-08": "测试假日"
  },
  "workdays": {"2027-02-06": ""}
}
"""


def problems(text: str, name: str = "cal.yaml", year: int = 2027) -> list:
    with pytest.raises(CalendarFileError) as caught:
        parse_calendar_document(text, name, year)
    return caught.value.problems


def only(text: str, name: str = "cal.yaml", year: int = 2027):
    found = problems(text, name, year)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def yaml_doc(**sections: str) -> str:
    """A good document with some of its lines replaced."""
    parts = {"year": "year: 2027", "source": "source: 测试用例", "holidays": "holidays:\n  2027-01-01: 元旦", "workdays": ""}
    parts.update(sections)
    return "\n".join(v for v in parts.values() if v) + "\n"


# --- good documents -------------------------------------------------------------


def test_a_good_yaml_document_is_read_with_date_keys():
    document = parse_calendar_document(GOOD_YAML, "cal.yaml", 2027)
    assert document.year == 2027 and document.source.startswith("测试用例")
    # YAML gives the keys as date objects; a holiday on a Saturday may go without a name
    assert document.holidays == {"2027-01-01": "元旦", "2027-02-08": "测试假日", "2027-02-13": ""}
    assert document.workdays == {"2027-02-06": "测试调休"}


def test_a_good_json_document_and_quoted_yaml_keys_read_the_same():
    document = parse_calendar_document(GOOD_JSON, "cal.json", 2027)
    assert document.holidays == {"2027-01-01": "元旦", "2027-02-08": "测试假日"}
    assert document.workdays == {"2027-02-06": "调休上班"}  # an empty note gets the usual one
    quoted = parse_calendar_document(yaml_doc(holidays="holidays:\n  '2027-01-01': 元旦"), "cal.yml", 2027)
    assert quoted.holidays == {"2027-01-01": "元旦"}


def test_the_written_shape_is_the_shape_of_the_existing_files(tmp_path):
    document = parse_calendar_document(GOOD_YAML, "cal.yaml", 2027)
    existing = json.loads((POLICY_DIR / "data" / "calendar" / "2026.json").read_text(encoding="utf-8"))
    written = json.loads(document.render())
    assert sorted(written) == sorted(existing) == ["holidays", "source", "workdays", "year"]
    assert written["year"] == 2027 and written["source"] == document.source
    (tmp_path / "2027.json").write_text(document.render(), encoding="utf-8")
    loaded = load_calendar(tmp_path).years[2027]
    assert not loaded.is_working_day(date(2027, 2, 8)) and loaded.is_working_day(date(2027, 2, 6))


def test_the_summary_counts_working_days_per_month():
    summary = summarize(parse_calendar_document(GOOD_YAML, "cal.yaml", 2027))
    assert len(summary.working_days_by_month) == 12
    # January 2027 has 21 weekdays, one of them off; February has 20, one off, one Saturday worked
    assert summary.working_days_by_month[:3] == [20, 20, 23]
    assert summary.working_days == 261 - 2 + 1
    assert [(d.day.isoformat(), d.kind) for d in summary.holidays + summary.workdays] == [
        ("2027-01-01", "holiday"), ("2027-02-08", "holiday"), ("2027-02-13", "holiday"), ("2027-02-06", "workday")]
    body = summary.as_json()
    assert body["working_days"] == 260 and body["holidays"][0]["weekday"] == {"zh": "星期五", "en": "Friday"}


# --- each rule, with the line it reports ----------------------------------------------


def test_a_date_that_does_not_exist_is_refused_at_its_line():
    problem = only(yaml_doc(holidays="holidays:\n  2027-01-01: 元旦\n  2027-02-30: 测试"))
    assert (problem.line, problem.field, problem.code) == (5, "holidays.2027-02-30", "not_a_date")
    assert "不是真实的日期" in problem.zh and "not a real date" in problem.en
    assert str(problem).startswith("cal.yaml:5:3: ") and " / " in problem.message  # 中文 / English
    assert only('{"year": 2027, "source": "s",\n "holidays": {"2027-13-01": "x"}}', "cal.json").line == 2


@pytest.mark.parametrize("key", ["2027-1-32", "20270101", "someday", "2027-01-01 10:00:00"])
def test_a_key_that_is_not_a_date_is_refused(key):
    problem = only(yaml_doc(holidays=f"holidays:\n  2027-01-01: 元旦\n  {key}: 测试"))
    assert problem.line == 5 and problem.code == "not_a_date"


def test_a_date_in_another_year_is_refused_at_its_line():
    problem = only(yaml_doc(workdays="workdays:\n  2026-12-26: 测试调休"))
    assert (problem.line, problem.code) == (6, "wrong_year")
    assert "不在 2027 年内" in problem.zh and "not in 2027" in problem.en


def test_a_day_both_off_and_worked_is_refused_at_the_workday():
    problem = only(yaml_doc(holidays="holidays:\n  2027-01-01: 元旦\n  2027-02-06: 测试", workdays="workdays:\n  2027-02-06: 测试调休"))
    assert (problem.line, problem.code) == (7, "both_holiday_and_workday")
    assert "第 5 行" in problem.zh and "line 5" in problem.en


def test_a_make_up_workday_must_be_a_weekend_day():
    problem = only(yaml_doc(workdays="workdays:\n  2027-02-06: 周六可以\n  2027-02-08: 周一不行"))
    assert (problem.line, problem.code) == (7, "workday_not_weekend")
    assert "星期一" in problem.zh and "Monday" in problem.en


@pytest.mark.parametrize("value", ["", " ''", " null"])
def test_a_weekday_off_needs_its_holidays_name(value):
    problem = only(yaml_doc(holidays=f"holidays:\n  2027-01-01: 元旦\n  2027-02-08:{value}"))
    assert (problem.line, problem.code) == (5, "holiday_without_name")
    assert "星期一" in problem.zh and "needs its holiday's name" in problem.en


def test_a_holiday_name_must_be_text():
    problem = only(yaml_doc(holidays="holidays:\n  2027-01-01: [元旦]"))
    assert (problem.line, problem.code) == (4, "string_type")


@pytest.mark.parametrize("source, line", [("", 1), ("source: ''", 2), ("source:", 2), ("source: [a]", 2)])
def test_the_source_is_required(source, line):
    problem = only(yaml_doc(source=source))
    assert problem.line == line and problem.field == "source"
    assert "source" in problem.zh and "source" in problem.en


def test_the_year_must_be_the_year_being_added():
    found = problems(yaml_doc(), year=2028)  # the dates are then in the wrong year too
    assert [(p.line, p.code) for p in found] == [(1, "year_mismatch"), (4, "wrong_year")]
    assert "2027" in found[0].zh and "2028" in found[0].en


@pytest.mark.parametrize("year_line", ["", "year: '2027'", "year: true"])
def test_the_year_must_be_an_integer_and_present(year_line):
    problem = only(yaml_doc(year=year_line))
    assert problem.field == "year" and problem.line == 1


def test_unknown_keys_are_refused_at_their_line():
    problem = only(yaml_doc(workdays="workdays: {}\nnote: 备注"))
    assert (problem.line, problem.field, problem.code) == (6, "note", "unknown_key")
    assert "未知的字段 note" in problem.zh and "unknown key note" in problem.en


def test_duplicate_keys_are_refused_in_either_format():
    problem = only(yaml_doc(holidays="holidays:\n  2027-01-01: 元旦\n  2027-01-01: 又一次"))
    assert (problem.line, problem.code) == (5, "duplicate_key")
    text = '{"year": 2027, "source": "s",\n "holidays": {"2027-01-01": "元旦"},\n "year": 2027}'
    assert (only(text, "cal.json").line, only(text, "cal.json").code) == (3, "duplicate_key")


def test_holidays_are_required_and_sections_must_be_mappings():
    assert only(yaml_doc(holidays="")).field == "holidays"
    assert only(yaml_doc(holidays="holidays: {}")).code == "empty"
    problem = only(yaml_doc(workdays="workdays: [2027-02-06]"))
    assert (problem.line, problem.code) == (5, "dict_type")


def test_json_problems_carry_the_line_of_the_key():
    text = GOOD_JSON.replace('"2027-02-08": "测试假日"', '"2027-02-08": ""').replace('"2027-02-06": ""', '"2027-02-09": "x"')
    found = problems(text, "cal.json")
    assert [(p.line, p.col, p.code) for p in found] == [(6, 5, "holiday_without_name"), (8, 16, "workday_not_weekend")]


@pytest.mark.parametrize("text, name, line", [
    ("year: 2027\nholidays: {2027-01-01: 元旦\n", "cal.yaml", 3),
    ("year: 2027\n\tsource: x\n", "cal.yaml", 2),
    ('{"year": 2027,\n "source": }', "cal.json", 2),
    ("", "cal.yaml", 1),
    ("- 2027-01-01\n", "cal.yaml", 1),
    ("[]", "cal.json", 1),
])
def test_syntax_errors_and_wrong_shapes_are_problems_with_a_line(text, name, line):
    problem = only(text, name)
    assert problem.line == line and problem.zh and problem.en


def test_every_problem_is_reported_at_once_in_line_order():
    text = "year: 2026\nholidays:\n  2027-02-30: x\n  2027-02-08:\nworkdays:\n  2027-02-09: y\nextra: 1\n"
    found = problems(text)
    assert [(p.line, p.code) for p in found] == [(1, "year_mismatch"), (1, "missing"), (3, "not_a_date"), (4, "holiday_without_name"),
                                                 (6, "workday_not_weekend"), (7, "unknown_key")]


def test_a_file_is_read_by_its_extension(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD_YAML, encoding="utf-8")
    (tmp_path / "a.json").write_text(GOOD_JSON, encoding="utf-8")
    assert parse_calendar_file(tmp_path / "a.yaml", 2027).holidays["2027-01-01"] == "元旦"
    assert parse_calendar_file(tmp_path / "a.json", 2027).holidays["2027-01-01"] == "元旦"
    (tmp_path / "b.yaml").write_bytes("year: 2027\nsource: 测试\n".encode("gbk"))
    with pytest.raises(CalendarFileError) as caught:
        parse_calendar_file(tmp_path / "b.yaml", 2027)
    assert caught.value.problems[0].code == "encoding"


def test_the_example_file_is_valid_and_says_it_is_an_example():
    example = Path(__file__).resolve().parents[2] / "examples" / "calendar-2027.example.yaml"
    document = parse_calendar_file(example, 2027)
    assert "示例" in document.source and "not the official" in document.source
    assert "NOT the official" in example.read_text(encoding="utf-8")


def test_problems_are_policy_problems():
    problem = only(yaml_doc(source=""))
    assert isinstance(problem, PolicyProblem) and problem.as_json()["problem"] == {"zh": problem.zh, "en": problem.en}


def test_the_engine_module_imports_no_framework():
    code = ("import sys, engine.calendar_file; bad = {'fastapi', 'sqlalchemy', 'typer', 'regorus', 'starlette'} & set(sys.modules); "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


# --- writing --------------------------------------------------------------------------


@pytest.fixture
def calendar_dir(tmp_path) -> Path:
    directory = tmp_path / "calendar"
    shutil.copytree(POLICY_DIR / "data" / "calendar", directory)
    return directory


def test_write_year_adds_the_year_and_it_loads(calendar_dir):
    document = parse_calendar_document(GOOD_YAML, "cal.yaml", 2027)
    path = write_year(calendar_dir, document)
    assert path == calendar_dir / "2027.json" and json.loads(path.read_text(encoding="utf-8"))["year"] == 2027
    assert 2027 in load_calendar(calendar_dir).known_years
    assert not [p for p in calendar_dir.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_write_year_refuses_an_existing_year_unless_replacing(calendar_dir):
    document = parse_calendar_document(GOOD_YAML, "cal.yaml", 2027)
    write_year(calendar_dir, document)
    other = parse_calendar_document(GOOD_YAML.replace("测试假日", "另一个名称"), "cal.yaml", 2027)
    with pytest.raises(CalendarYearExists):
        write_year(calendar_dir, other)
    assert "测试假日" in (calendar_dir / "2027.json").read_text(encoding="utf-8")
    write_year(calendar_dir, other, replace=True)
    assert "另一个名称" in (calendar_dir / "2027.json").read_text(encoding="utf-8")


def test_write_year_changes_nothing_when_the_calendar_would_not_load(calendar_dir):
    (calendar_dir / "2020.json").write_text('{"year": 2019}', encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        write_year(calendar_dir, parse_calendar_document(GOOD_YAML, "cal.yaml", 2027))
    assert "2020.json" in str(caught.value)
    assert not (calendar_dir / "2027.json").exists()


def test_write_year_never_replaces_a_year_deadlines_were_counted_on(calendar_dir):
    from engine.calendar_file import CalendarYearInUse

    document = parse_calendar_document(GOOD_YAML, "cal.yaml", 2027)
    write_year(calendar_dir, document)
    other = parse_calendar_document(GOOD_YAML.replace("测试假日", "另一个名称"), "cal.yaml", 2027)
    with pytest.raises(CalendarYearInUse):
        write_year(calendar_dir, other, replace=True, this_year=2027)
    assert "测试假日" in (calendar_dir / "2027.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("text", ["year: !!bool maybe\nsource: x\nholidays:\n  2027-01-01: 元旦\n",
                                  "year: !!timestamp foo\nsource: x\nholidays:\n  2027-01-01: 元旦\n",
                                  "year: 2027\nsource: x\nholidays:\n  !!timestamp foo: 元旦\n"])
def test_a_yaml_tag_that_cannot_be_built_is_a_problem_at_its_line(text):
    with pytest.raises(CalendarFileError) as caught:
        parse_calendar_document(text, "cal.yaml", 2027)
    assert caught.value.problems[0].line in (1, 4)
