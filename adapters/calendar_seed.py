"""Seed `policies/data/calendar/<year>.json` from the `chinesecalendar` package.

The package knows the years the State Council has published (2004–2026 in
1.11.0) and raises for any other; so does this seeder, so a year is never guessed.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar


def year_document(year: int) -> dict:
    start, end = date(year, 1, 1), date(year, 12, 31)
    chinese_calendar.is_workday(start)  # raises NotImplementedError for an unknown year
    holidays, workdays = {}, {}
    day = start
    while day <= end:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        working = chinese_calendar.is_workday(day)
        if day.weekday() >= 5 and working:
            workdays[day.isoformat()] = name or "调休上班"
        elif day.weekday() < 5 and not working:
            holidays[day.isoformat()] = name or "休息日"
        day += timedelta(days=1)
    return {
        "year": year,
        "source": f"chinesecalendar {getattr(chinese_calendar, '__version__', '')}".strip(),
        "holidays": holidays,
        "workdays": workdays,
    }


def seed(directory: Path, years: list[int], overwrite: bool = False) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for year in years:
        path = directory / f"{year}.json"
        if path.exists() and not overwrite:
            continue
        path.write_text(json.dumps(year_document(year), ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
