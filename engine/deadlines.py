"""Due dates to show people (an application's reply is due on …).

Whether a deadline was missed is decided by the Rego rules (reply_deadline,
delivery_deadline, …) so the law stays in one place; these figures only let the
service display the date, and a test checks they agree with the rules.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .calendar import UnknownCalendarYear, WorkingCalendar, add_year_remedy, missing_years_text

# GDSR art 21(1): reply within 1 working day (unconditional) or 10 (conditional);
# extensions of at most 10 in all, with the competent department's approval.
REPLY_WORKING_DAYS = {"unconditional": 1, "conditional": 10}
MAX_EXTENSION_WORKING_DAYS = 10
# GDSR art 22: deliver within 20 working days of approving.
DELIVERY_WORKING_DAYS = 20


def reply_due(calendar: WorkingCalendar, received_on: date, share_attribute: str, extension_days: int = 0) -> date | None:
    """The last day to reply, or None when the attribute has no reply period
    (not-shareable data is never approved)."""
    days = REPLY_WORKING_DAYS.get(share_attribute)
    if days is None:
        return None
    return calendar.add_working_days(received_on, days + min(extension_days, MAX_EXTENSION_WORKING_DAYS))


def delivery_due(calendar: WorkingCalendar, approved_on: date) -> date:
    return calendar.add_working_days(approved_on, DELIVERY_WORKING_DAYS)


# What each due date is called where it is shown pending.
DUE_DATE_NAMES = {"reply_due": ("答复期限", "reply due date"), "delivery_due": ("交付期限", "delivery due date")}


def due_date_pending(name: str, exc: UnknownCalendarYear) -> dict[str, Any]:
    """Shown in place of a due date the calendar cannot count yet: the step is
    still recorded, and the date is computed once the missing year is added."""
    zh_name, en_name = DUE_DATE_NAMES[name]
    zh, en = missing_years_text([exc.year], exc.known)
    remedy_zh, remedy_en = add_year_remedy(exc.year)
    return {
        "code": "GOVSHARE-CALENDAR-UNKNOWN-YEAR",
        "years": [exc.year],
        "message": {"zh": f"{zh}，{zh_name}暂无法计算，不作推测。",
                    "en": f"{en}; the {en_name} cannot be counted yet and is not guessed."},
        "remedy": {"zh": f"{remedy_zh}；生效后{zh_name}自动计算。",
                   "en": f"{remedy_en}; the {en_name} is computed once it is live."},
    }
