"""The calendar guard's analysis (adapters/rego_guards.calendar_readers) finds
every package whose rules reach the working-day calendar, however a rule is
written, and what those rules read; what it cannot follow counts as everything."""

from __future__ import annotations

import pytest

from adapters.rego_guards import calendar_readers

CALENDAR = """package lib.calendar

import rego.v1

add_working_days(day, n) := data.govshare.calendar.workday[format_int(data.govshare.calendar.ordinal[day] + n, 10)]
"""

# Each body computes a deadline from input.request.received_on in its own way
# and compares input.reply.replied_on with it.
FORMS = {
    "a plain rule": """deadline := data.lib.calendar.add_working_days(input.request.received_on, 10)
late if input.reply.replied_on > deadline""",
    "an import alias": """deadline := cal.add_working_days(input.request.received_on, 10)
late if input.reply.replied_on > deadline""",
    "a rule head with a path": """due.extended := cal.add_working_days(input.request.received_on, 10)
late if input.reply.replied_on > due.extended""",
    "a rule head with a key": """due["extended"] := cal.add_working_days(input.request.received_on, 10)
late if input.reply.replied_on > due.extended""",
    "an object literal indexed": """late if input.reply.replied_on > {"d": cal.add_working_days(input.request.received_on, 10)}["d"]""",
    "a call's result indexed": """late if input.reply.replied_on > split(cal.add_working_days(input.request.received_on, 10), "T")[0]""",
    "a comprehension indexed": """late if input.reply.replied_on > [d | d := cal.add_working_days(input.request.received_on, 10)][0]""",
    "a function of its own": """deadline_of(day) := cal.add_working_days(day, 10)
late if input.reply.replied_on > deadline_of(input.request.received_on)""",
    "a rule in another package": """late if input.reply.replied_on > helper.deadline""",
}

HELPER = """package lib.helper

import rego.v1

deadline := data.lib.calendar.add_working_days(input.request.received_on, 10)
"""


def rule(body: str, extra_import: str = "") -> str:
    return f"""package gdsr.t.rule

import rego.v1

import data.lib.calendar as cal
import data.lib.helper
{extra_import}
{body}

violation contains {{"x": 1}} if late
"""


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_way_of_reaching_the_calendar_is_found(form):
    found = calendar_readers([("lib/calendar.rego", CALENDAR), ("lib/helper.rego", HELPER), ("gdsr/t/rule.rego", rule(FORMS[form]))])
    assert "gdsr.t.rule" in found, form
    fields = found["gdsr.t.rule"].input_fields
    assert fields is None or {"request", "reply"} <= fields, (form, fields)


def test_an_alias_of_the_input_makes_every_field_count():
    body = """deadline := cal.add_working_days(req.received_on, 10)
late if input.reply.replied_on > deadline"""
    found = calendar_readers([("lib/calendar.rego", CALENDAR), ("lib/helper.rego", HELPER),
                              ("gdsr/t/rule.rego", rule(body, "import input.request as req"))])
    assert found["gdsr.t.rule"].input_fields is None


def test_a_package_that_never_reaches_the_calendar_is_not_listed():
    body = """late if input.reply.replied_on > input.request.received_on"""
    found = calendar_readers([("lib/calendar.rego", CALENDAR), ("lib/helper.rego", HELPER), ("gdsr/t/rule.rego", rule(body))])
    assert "gdsr.t.rule" not in found
