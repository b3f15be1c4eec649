"""Whatever fails between the event and an explained answer never allows."""

from __future__ import annotations

from datetime import datetime

import pytest

from adapters.regorus_backend import RegorusBackend
from engine.decide import DataSnapshot, DecisionEngine, EventError
from engine.errors import BackendError
from engine.models import BEIJING, AccessEvent
from engine.policyset import load_policy_set
from tests.conftest import POLICY_DIR

EVENT = {
    "action": "use",
    "at": "2026-03-02T10:00:00+08:00",
    "requester": {"department": "示范区民政局"},
    "dataset": "ds-x",
    "purpose": "社会救助资格审核",
    "grant": "g-x",
}


class ScriptedBackend(RegorusBackend):
    """The real backend, with its evaluation replaced by a scripted answer."""

    def __init__(self, answer):
        super().__init__()
        self.answer = answer

    def evaluate(self, query, input_json):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.fixture(scope="module")
def policies():
    return load_policy_set(POLICY_DIR, RegorusBackend())


def decide_with(policies, answer, event=EVENT):
    engine = DecisionEngine(policies, ScriptedBackend(answer), DataSnapshot())
    return engine.decide(AccessEvent.model_validate(event))


def assert_indeterminate(decision, code):
    assert decision.allow is False
    assert decision.outcome == "indeterminate"
    (violation,) = decision.violations
    assert violation.code == code and violation.severity == "error"
    assert violation.message.zh and violation.message.en
    return violation


def test_backend_error_is_indeterminate_and_names_the_failure(policies):
    decision = decide_with(policies, BackendError("--> x.rego:3:4 divide by zero"))
    violation = assert_indeterminate(decision, "GOVSHARE-ENGINE-ERROR")
    assert "divide by zero" in violation.message.en and "divide by zero" in violation.message.zh


@pytest.mark.parametrize("answer", ["<undefined>", None, [], {"violation": []}, {"violation": {}, "obligation": "x"}])
def test_result_of_unexpected_shape_is_indeterminate(policies, answer):
    assert_indeterminate(decide_with(policies, answer), "GOVSHARE-ENGINE-ERROR")


def test_result_from_unknown_package_is_indeterminate(policies):
    answer = {"violation": {"gdsr.not.loaded": [{"x": 1}]}, "breach": {}, "obligation": {}}
    assert_indeterminate(decide_with(policies, answer), "GOVSHARE-ENGINE-ERROR")


def test_rule_emitting_a_non_object_is_indeterminate(policies):
    package = next(iter(policies.rules))
    answer = {"violation": {package: ["just a string"]}, "breach": {}, "obligation": {}}
    assert_indeterminate(decide_with(policies, answer), "GOVSHARE-ENGINE-ERROR")


def test_rule_emitting_an_invalid_liability_is_indeterminate(policies):
    package = next(p for p, m in policies.rules.items() if "violation" in m.emits)
    answer = {"violation": {package: [{"liability": "40(9)"}]}, "breach": {}, "obligation": {}}
    assert_indeterminate(decide_with(policies, answer), "GOVSHARE-ENGINE-ERROR")


def test_empty_result_allows(policies):
    """The control for the tests above: the same engine does allow when the
    policies find nothing, so the indeterminate answers come from the failures."""
    decision = decide_with(policies, {"violation": {}, "breach": {}, "obligation": {}})
    assert decision.allow is True and decision.outcome == "allow"


def test_event_before_the_regulation_took_effect_is_not_allowed(policies):
    decision = decide_with(policies, {"violation": {}, "breach": {}, "obligation": {}}, {**EVENT, "at": "2025-07-31T23:59:00+08:00"})
    violation = assert_indeterminate(decision, "GOVSHARE-NO-LAW-IN-FORCE")
    assert "2025-08-01" in violation.message.zh
    assert decision.law_version == "none"


def test_event_time_in_utc_is_judged_by_its_beijing_date(policies):
    # 2025-07-31T16:30Z is 2025-08-01 00:30 in Beijing: the regulation applies.
    decision = decide_with(policies, {"violation": {}, "breach": {}, "obligation": {}}, {**EVENT, "at": "2025-07-31T16:30:00Z"})
    assert decision.outcome == "allow"
    assert decision.event_at == datetime(2025, 8, 1, 0, 30, tzinfo=BEIJING)
    assert decision.law_version == "gdsr@2025-08-01"


def test_unknown_jurisdiction_is_refused_not_ignored(policies):
    engine = DecisionEngine(policies, ScriptedBackend({"violation": {}, "breach": {}, "obligation": {}}), DataSnapshot())
    with pytest.raises(EventError) as caught:
        engine.decide(AccessEvent.model_validate({**EVENT, "jurisdiction": "atlantis"}))
    assert caught.value.field == "jurisdiction"


def test_deadline_in_a_year_the_calendar_does_not_know_is_indeterminate(policies):
    event = {**EVENT, "action": "reply", "at": "2027-01-05T10:00:00+08:00",
             "application": {"received_on": "2026-12-30"}, "reply": {"decision": "approve"}}
    decision = decide_with(policies, {"violation": {}, "breach": {}, "obligation": {}}, event)
    violation = assert_indeterminate(decision, "GOVSHARE-CALENDAR-UNKNOWN-YEAR")
    assert violation.facts["years"] == [2027]
    assert "2027" in violation.message.zh and "2027" in violation.message.en


def test_event_without_deadlines_in_a_later_year_is_still_decided(policies):
    """A plain use in 2027 counts no working days, so the calendar does not block it."""
    decision = decide_with(policies, {"violation": {}, "breach": {}, "obligation": {}}, {**EVENT, "at": "2027-01-05T10:00:00+08:00"})
    assert decision.outcome == "allow"


def test_field_index_leaves_out_look_up_keys_and_what_cannot_be_shared():
    from engine.models import CatalogEntry

    entries = [
        CatalogEntry(id="a", name="A", provider="P", share_attribute="unconditional",
                     fields=[{"name": "id_number", "key": True}, {"name": "income"}, {"name": "plan", "secrecy": "state_secret"}]),
        CatalogEntry(id="b", name="B", provider="P", share_attribute="not_shareable", fields=[{"name": "census"}]),
        CatalogEntry(id="c", name="C", provider="P", share_attribute="conditional", published=False, fields=[{"name": "draft"}]),
    ]
    assert DataSnapshot.build(entries, []).field_index() == {"income": ["a"]}
