"""Which parts of the input the policies read, proved from the source
(adapters/rego_guards.py): the decision cache keys on the event's day instead
of its instant only when no rule but lib.state's date rules reads `at`. These
tests check the proof on small policies, and that the date rule as shipped
gives the Beijing date of any instant."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.rego_guards import input_field_readers
from adapters.regorus_backend import RegorusBackend
from engine.models import BEIJING, AccessEvent
from engine.policyset import EVENT_DATE_QUERY, EVENT_DATE_RULES, load_policy_set
from tests.conftest import POLICY_DIR


def readers(body: str) -> dict[str, frozenset[str]] | None:
    return input_field_readers([("p/p.rego", "package p\n\nimport rego.v1\n\n" + body)])


@pytest.mark.parametrize(("body", "expected"), [
    ("x := input.at\n", {"at": {"p.x"}}),
    ('x := input["at"]\n', {"at": {"p.x"}}),
    ("x if input.requester.department == input.dataset\n", {"requester": {"p.x"}, "dataset": {"p.x"}}),
    ('x := object.get(input, "fields", [])\n', {"fields": {"p.x"}}),
    ('x := object.get(input, ["recipient", "kind"], "self")\n', {"recipient": {"p.x"}}),
    ('f(k) := input.purpose if k\nv contains 1 if f(input.at)\n', {"purpose": {"p.f"}, "at": {"p.v"}}),
    ('default d := false\nd if input.at\n', {"at": {"p.d"}}),
    ("x := 1\n", {}),
])
def test_fields_read_by_name_are_found(body, expected):
    assert readers(body) == {name: frozenset(rules) for name, rules in expected.items()}


@pytest.mark.parametrize("body", [
    "x := input\n",                                       # the whole input
    "x := json.marshal(input)\n",                         # passed to a function
    "x := input[input.key]\n",                            # a computed key
    'f(k) := input[k]\nx := f("at")\n',                   # a key given by the caller
    "x := object.get(input, input.key, 1)\n",             # object.get with a computed key
    "x := y if { y := 1 } else := input\n",               # in an else branch
    'x if { input.a with input as {"at": 1} }\n',         # replaced by with
    "x := [v | some v in input]\n",                       # iterated over
])
def test_what_cannot_be_followed_is_not_proved(body):
    assert readers(body) is None


def test_an_import_of_the_input_is_not_proved():
    assert input_field_readers([("p/p.rego", "package p\n\nimport rego.v1\n\nimport input.at as t\n\nx := t\n")]) is None


def test_the_shipped_policies_read_the_time_only_through_the_date_rules():
    policies = load_policy_set(POLICY_DIR, RegorusBackend())
    found = input_field_readers(policies.rule_modules)
    assert found is not None and found["at"] == EVENT_DATE_RULES
    assert policies.sees_only_the_day


@pytest.fixture(scope="module")
def date_rule():
    backend = RegorusBackend()
    policies = load_policy_set(POLICY_DIR, backend)
    backend.load(policies.serving_modules, b"{}")
    return lambda at: backend.evaluate(EVENT_DATE_QUERY, orjson.dumps({"at": at}).decode())


@settings(max_examples=300, deadline=None)
@given(instant=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 12, 31)),
       offset_minutes=st.integers(min_value=-12 * 60, max_value=14 * 60))
def test_the_date_rule_gives_the_beijing_date_of_any_instant(date_rule, instant, offset_minutes):
    at = instant.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    beijing_day = at.astimezone(BEIJING).date().isoformat()
    # As the engine sends it (the model puts `at` in Beijing time) and as a platform might write it.
    as_sent = orjson.loads(AccessEvent.model_validate({"action": "use", "at": at, "requester": {"department": "d"}})
                           .model_dump_json(include={"at"}))["at"]
    assert date_rule(as_sent) == beijing_day
    assert date_rule(at.isoformat()) == beijing_day
    assert date_rule(at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")) == beijing_day
