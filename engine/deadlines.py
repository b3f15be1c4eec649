"""Due dates to show people (an application's reply is due on …).

Whether a deadline was missed is decided by the Rego rules (reply_deadline,
delivery_deadline, …) so the law stays in one place; these figures only let the
service display the date, and a test checks they agree with the rules.
"""

from __future__ import annotations

from datetime import date

from .calendar import WorkingCalendar

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
