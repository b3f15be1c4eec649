"""Due dates to show people (an application's reply is due on …).

Whether a deadline was missed is decided by the Rego rules (reply_deadline,
delivery_deadline, …) so the law stays in one place; these figures only let the
service display the date, and a test checks they agree with the rules.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .calendar import UnknownCalendarYear, WorkingCalendar, add_year_remedy, missing_years_text
from .parameters import ParameterNotInForce, Parameters, not_in_force_text, set_value_remedy

# The periods are the statutory parameters the rules read (policies/data/parameters):
# GDSR art 21(1), reply within 1 working day (unconditional) or 10 (conditional),
# extensions of at most 10 in all; art 22(1), deliver within 20 of approving.
REPLY_PARAMETERS = {"unconditional": "gdsr.reply_unconditional_working_days", "conditional": "gdsr.reply_conditional_working_days"}
MAX_EXTENSION_PARAMETER = "gdsr.reply_extension_max_working_days"
DELIVERY_PARAMETER = "gdsr.delivery_working_days"


def reply_due(calendar: WorkingCalendar, parameters: Parameters, received_on: date, share_attribute: str,
              extension_days: int = 0) -> date | None:
    """The last day to reply, or None when the attribute has no reply period
    (not-shareable data is never approved). The periods are those in force on
    the day the application was received; ParameterNotInForce if there are none."""
    name = REPLY_PARAMETERS.get(share_attribute)
    if name is None:
        return None
    days = parameters.value(name, received_on)
    return calendar.add_working_days(received_on, days + min(extension_days, parameters.value(MAX_EXTENSION_PARAMETER, received_on)))


def delivery_due(calendar: WorkingCalendar, parameters: Parameters, approved_on: date) -> date:
    return calendar.add_working_days(approved_on, parameters.value(DELIVERY_PARAMETER, approved_on))


# What each due date is called where it is shown pending.
DUE_DATE_NAMES = {"reply_due": ("答复期限", "reply due date"), "delivery_due": ("交付期限", "delivery due date")}


def due_date_pending(name: str, exc: UnknownCalendarYear | ParameterNotInForce) -> dict[str, Any]:
    """Shown in place of a due date the calendar (or a period without a value
    in force) cannot count yet: the step is still recorded, and the date is
    computed once the missing year or value is added."""
    zh_name, en_name = DUE_DATE_NAMES[name]
    if isinstance(exc, ParameterNotInForce):
        code, what = "GOVSHARE-PARAMETER-NOT-IN-FORCE", {"parameters": [exc.name]}
        (zh, en), (remedy_zh, remedy_en) = not_in_force_text([exc.name], exc.day), set_value_remedy()
    else:
        code, what = "GOVSHARE-CALENDAR-UNKNOWN-YEAR", {"years": [exc.year]}
        (zh, en), (remedy_zh, remedy_en) = missing_years_text([exc.year], exc.known), add_year_remedy(exc.year)
    return {
        "code": code,
        **what,
        "message": {"zh": f"{zh}，{zh_name}暂无法计算，不作推测。",
                    "en": f"{en}; the {en_name} cannot be counted yet and is not guessed."},
        "remedy": {"zh": f"{remedy_zh}；生效后{zh_name}自动计算。",
                   "en": f"{remedy_en}; the {en_name} is computed once it is live."},
    }
