"""China's official working-day calendar (工作日), as data.

Deadlines in the regulation count working days: weekends and statutory holidays
are off, make-up workdays (调休上班) on weekends are on. The calendar lives in
`policies/data/calendar/<year>.json` so compliance staff can add a year when the
State Council publishes it; a year that is not there is unknown, and the engine
never guesses it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .errors import PolicyError, PolicyProblem


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
        span = f"{known[0]}–{known[-1]}" if known else "none"
        super().__init__(f"the working-day calendar has no data for {year} (known: {span})")


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
