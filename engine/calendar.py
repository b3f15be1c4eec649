"""China's official working-day calendar (工作日), as data.

Deadlines in the regulation count working days: weekends and statutory holidays
are off, make-up workdays (调休上班) on weekends are on. The calendar lives in
`policies/data/calendar/<year>.json` so compliance staff can add a year when the
State Council publishes it; a year that is not there is unknown, and the engine
never guesses it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .errors import PolicyError, PolicyProblem

_DATE_TEXT = re.compile(r"(\d{4})-\d{2}-\d{2}")


def years_in(value: Any, zone: Any = None) -> set[int]:
    """The years of every date in `value`: dates, date-times (in `zone`, when
    given), ISO date strings (a date-time's leading date), in models, mappings
    and lists at any depth."""
    years: set[int] = set()

    def walk(item: Any) -> None:
        if isinstance(item, datetime):
            years.add((item.astimezone(zone) if zone else item).year)
        elif isinstance(item, date):
            years.add(item.year)
        elif isinstance(item, str):
            if match := _DATE_TEXT.match(item):
                years.add(int(match[1]))
        elif isinstance(item, BaseModel):
            for name in type(item).model_fields:
                walk(getattr(item, name))
        elif isinstance(item, dict):
            for inner in item.values():
                walk(inner)
        elif isinstance(item, (list, tuple)):
            for inner in item:
                walk(inner)

    walk(value)
    return years


def missing_years_text(years: list[int], known: list[int]) -> tuple[str, str]:
    """"The calendar has no data for …" in zh and en, with the years it knows."""
    span = f"{known[0]}–{known[-1]}" if known else None
    return (f"工作日历没有{'、'.join(map(str, years))}年的数据（已知：{span or '无'}）",
            f"The working-day calendar has no data for {', '.join(map(str, years))} (known: {span or 'none'})")


def add_year_remedy(year: int | None = None) -> tuple[str, str]:
    """How a missing year is added, in zh and en (the caller says what follows)."""
    zh_year, en_year, path_year = (f"{year}年", str(year), str(year)) if year else ("该年度", "that year", "{year}")
    return (f"由合规人员依国务院办公厅的节假日安排通知添加{zh_year}日历（govshare calendar add 或 POST /v1/calendar/{path_year}）",
            f"Have compliance staff add {en_year} from the State Council's holiday notice (govshare calendar add, or POST /v1/calendar/{path_year})")


@dataclass(frozen=True)
class YearCalendar:
    year: int
    holidays: dict[str, str]  # ISO date → name, days off that would otherwise be workdays or fall in a holiday period
    workdays: dict[str, str]  # ISO date → name, weekend days worked in lieu

    def is_working_day(self, day: date) -> bool:
        key = day.isoformat()
        if key in self.workdays:
            return True
        return day.weekday() < 5 and key not in self.holidays


class UnknownCalendarYear(LookupError):
    def __init__(self, year: int, known: list[int]):
        self.year, self.known = year, known
        super().__init__(missing_years_text([year], known)[1])


@dataclass
class WorkingCalendar:
    years: dict[int, YearCalendar] = field(default_factory=dict)

    @property
    def known_years(self) -> list[int]:
        return sorted(self.years)

    def _year(self, year: int) -> YearCalendar:
        if year not in self.years:
            raise UnknownCalendarYear(year, self.known_years)
        return self.years[year]

    def is_working_day(self, day: date) -> bool:
        return self._year(day.year).is_working_day(day)

    def add_working_days(self, start: date, count: int) -> date:
        """The date `count` working days after `start` (the start day itself not
        counted, as periods are counted in Chinese administrative law)."""
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def as_data(self) -> dict:
        """What the policies see as `data.govshare.calendar`:
        `ordinal[date]` — working days from the first known day up to and including
        that date; `workday[n]` — the working day with ordinal n (keys are strings);
        `years` — the known years."""
        ordinal: dict[str, int] = {}
        workday: dict[str, str] = {}
        count = 0
        for year in self.known_years:
            day = date(year, 1, 1)
            while day.year == year:
                if self.years[year].is_working_day(day):
                    count += 1
                    workday[str(count)] = day.isoformat()
                ordinal[day.isoformat()] = count
                day += timedelta(days=1)
        return {"ordinal": ordinal, "workday": workday, "years": self.known_years}


def load_calendar(directory: Path) -> WorkingCalendar:
    """Read every `<year>.json` under `directory`; a malformed file refuses the set."""
    calendar = WorkingCalendar()
    if not directory.is_dir():
        return calendar
    problems = []
    for path in sorted(directory.glob("*.json")):
        rel = path.as_posix()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            year = int(raw["year"])
            if path.stem != str(year):
                raise ValueError(f"file {path.name} holds year {year}")
            holidays = {str(k): str(v) for k, v in raw.get("holidays", {}).items()}
            workdays = {str(k): str(v) for k, v in raw.get("workdays", {}).items()}
            for key in list(holidays) + list(workdays):
                if date.fromisoformat(key).year != year:
                    raise ValueError(f"{key} is not in {year}")
            calendar.years[year] = YearCalendar(year, holidays, workdays)
        except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
            problems.append(PolicyProblem(rel, 1, 1, f"calendar file is not valid: {exc}"))
    known = calendar.known_years
    gaps = sorted(set(range(known[0], known[-1] + 1)) - set(known)) if known else []
    if gaps and not problems:
        # The policies count working days by one running ordinal across the
        # known years; a missing year in between would be skipped silently.
        problems.append(PolicyProblem(directory.as_posix(), 1, 1,
                                      f"日历年份须连续，缺少：{'、'.join(map(str, gaps))} / calendar years must be consecutive; missing: {', '.join(map(str, gaps))}"))
    if problems:
        raise PolicyError(problems)
    return calendar
