"""Issue 13: the engine never says allow without having judged.

Each test here reproduces one way the first version allowed without grounds:
an action no rule in force can judge, a dataset the catalogue does not hold,
and a working-day deadline the calendar cannot count.
"""

from __future__ import annotations

import pytest

from engine.models import AccessEvent

OPEN_MISSPELT = {"action": "open", "at": "2026-11-10T10:00:00+08:00",
                 "requester": {"department": "示范区民政局"}, "dataset": "ds-population-basc"}


def decide(service, event):
    return service.engine.decide(AccessEvent.model_validate(event))


def assert_no_rule_for_action(decision, action):
    assert decision.allow is False and decision.outcome == "indeterminate"
    (violation,) = decision.violations
    assert violation.code == "GOVSHARE-NO-RULE-FOR-ACTION"
    assert violation.article is None and violation.regulation == "govshare"
    assert action in violation.message.zh and action in violation.message.en
    assert violation.facts["action"] == action
    return violation


@pytest.mark.parametrize("action", ["open", "objection", "interface"])
def test_a_local_action_without_its_jurisdiction_is_not_judged(service, action):
    violation = assert_no_rule_for_action(decide(service, {**OPEN_MISSPELT, "action": action}), action)
    assert violation.facts["layers"] == ["gdsr"]


@pytest.mark.parametrize("action", ["open", "objection", "interface"])
def test_a_local_action_with_a_correct_dataset_but_no_jurisdiction_is_not_judged(service, action):
    assert_no_rule_for_action(decide(service, {**OPEN_MISSPELT, "action": action, "dataset": "ds-population-basic"}), action)


def test_interface_with_a_misspelt_dataset_is_denied_by_the_published_catalogue(service):
    event = {**OPEN_MISSPELT, "action": "interface", "jurisdiction": "jiyuan",
             "interface_request": {"agreed_on": "2026-11-20"}}
    decision = decide(service, event)
    assert decision.allow is False and decision.outcome == "deny"
    assert "GDSR-16-PUBLISHED-CATALOGUE" in {v.code for v in decision.violations}


@pytest.mark.parametrize("action", ["collect", "dispose", "terminate", "change", "records", "dispute", "open", "objection", "interface"])
def test_an_unknown_dataset_id_is_never_allowed(service, action):
    """GDSR art 16: only the published catalogue counts, for every action but
    publishing the entry itself."""
    decision = decide(service, {**OPEN_MISSPELT, "action": action, "jurisdiction": "jiyuan"})
    assert decision.allow is False
    codes = {v.code for v in decision.violations}
    assert "GDSR-16-PUBLISHED-CATALOGUE" in codes or decision.outcome == "indeterminate"


def interface_event(agreed_on, provided_on):
    return {"action": "interface", "jurisdiction": "jiyuan", "at": f"{provided_on}T10:00:00+08:00",
            "requester": {"department": "示范区公安局"}, "dataset": "ds-population-basic",
            "interface_request": {"agreed_on": agreed_on, "provided_on": provided_on,
                                  "extension": {"written": True, "approved": True, "working_days": 5}}}


def test_interface_deadline_in_a_known_year_reports_the_breach(service):
    decision = decide(service, interface_event("2026-11-02", "2026-11-30"))
    assert "JY-8-INTERFACE-DEADLINE" in {v.code for v in decision.breaches}


def test_interface_deadline_reaching_an_unknown_year_is_indeterminate(service):
    decision = decide(service, interface_event("2026-12-28", "2027-01-20"))
    assert decision.allow is False and decision.outcome == "indeterminate"
    (violation,) = decision.violations
    assert violation.code == "GOVSHARE-CALENDAR-UNKNOWN-YEAR"
    assert violation.facts["years"] == [2027]
