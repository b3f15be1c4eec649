"""The working-day calendar: seeded data agrees with the official calendar, and
an unknown year is never guessed."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from adapters.calendar_seed import seed, year_document
from engine.calendar import UnknownCalendarYear, WorkingCalendar, load_calendar
from engine.errors import PolicyError
from tests.conftest import POLICY_DIR

CALENDAR = load_calendar(POLICY_DIR / "data" / "calendar")


def test_bundled_calendar_covers_the_years_the_package_knows():
    assert CALENDAR.known_years == list(range(2004, 2027))


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_day_agrees_with_chinesecalendar(year):
    day = date(year, 1, 1)
    while day.year == year:
        assert CALENDAR.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_national_day_2026_deadline_skips_the_holiday():
    # Received on Wed 2026-09-30, the last working day before the National Day
    # holiday (10-01 to 10-07 off): one working day later is Thu 2026-10-08.
    assert CALENDAR.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)


def test_make_up_saturday_is_a_working_day():
    # 2026-10-10 (Saturday) is worked in lieu of the National Day holiday.
    assert date(2026, 10, 10).weekday() == 5
    assert CALENDAR.is_working_day(date(2026, 10, 10))


def test_unknown_year_raises_instead_of_guessing():
    with pytest.raises(UnknownCalendarYear) as caught:
        CALENDAR.add_working_days(date(2026, 12, 30), 5)
    assert caught.value.year == 2027


def test_seeding_an_unpublished_year_refuses(tmp_path):
    with pytest.raises(NotImplementedError):
        seed(tmp_path, [2027])
    assert not list(tmp_path.iterdir())


def test_seeded_file_round_trips(tmp_path):
    seed(tmp_path, [2025])
    assert load_calendar(tmp_path).years[2025] == CALENDAR.years[2025]
    assert year_document(2025)["year"] == 2025


def test_malformed_calendar_file_refuses_the_policy_set(tmp_path):
    (tmp_path / "2026.json").write_text('{"year": 2025}', encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_calendar(tmp_path)
    assert "2026.json" in str(caught.value)


def test_ordinals_count_working_days():
    data = WorkingCalendar({2026: CALENDAR.years[2026]}).as_data()
    assert data["ordinal"]["2026-12-31"] == 248 == len(chinese_calendar.get_workdays(date(2026, 1, 1), date(2026, 12, 31)))
    assert data["workday"]["1"] == "2026-01-04"  # Sunday make-up workday after New Year


def test_a_gap_between_known_years_refuses_the_calendar(tmp_path):
    """Deadlines count one running ordinal over the known years: a missing
    year in between would be skipped without a word."""
    for year in (2024, 2026):
        (tmp_path / f"{year}.json").write_text((POLICY_DIR / "data" / "calendar" / f"{year}.json").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_calendar(tmp_path)
    assert "2025" in str(caught.value.problems[0])
