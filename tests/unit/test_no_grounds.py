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


ALL_BUT_CATALOG = ["apply", "reply", "deliver", "use", "transfer", "collect", "return", "verify", "dispose",
                   "terminate", "change", "records", "dispute", "open", "objection", "interface"]


@pytest.mark.parametrize("action", ALL_BUT_CATALOG)
def test_an_unknown_dataset_id_is_never_allowed(service, action):
    """GDSR art 16(2), and Jiyuan art 13: only the catalogue counts, for every
    action but publishing the entry itself."""
    decision = decide(service, {**OPEN_MISSPELT, "action": action, "jurisdiction": "jiyuan"})
    assert decision.allow is False
    codes = {v.code for v in decision.violations}
    if decision.outcome == "indeterminate":  # an action the layers in force do not judge at all
        assert codes == {"GOVSHARE-NO-RULE-FOR-ACTION"}
    else:
        assert "GDSR-16-PUBLISHED-CATALOGUE" in codes


@pytest.mark.parametrize("action", ALL_BUT_CATALOG)
def test_an_unknown_dataset_id_is_never_allowed_under_the_local_measures_alone(service, action):
    """Before 2025-08-01 only the Jiyuan measures were in force."""
    decision = decide(service, {**OPEN_MISSPELT, "action": action, "jurisdiction": "jiyuan", "at": "2024-06-03T10:00:00+08:00"})
    assert decision.allow is False
    codes = {v.code for v in decision.violations}
    if decision.outcome == "indeterminate":
        assert codes == {"GOVSHARE-NO-RULE-FOR-ACTION"}
    else:
        assert "JY-13-CATALOGUED" in codes


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


# --- no combination of action and layers reaches allow with nothing judged ----

USE = {"action": "use", "requester": {"department": "示范区民政局"}, "dataset": "ds-population-basic",
       "fields": ["name"], "purpose": "社会救助资格审核", "grant": "g-2026-0001",
       "pi_basis": "《个人信息保护法》第十三条第一款第三项", "controls": ["传输加密", "访问权限控制", "操作日志留存"]}


class RecordingBackend:
    """Wraps the live engine's backend and notes every layer query it answers."""

    def __init__(self, inner):
        self.inner, self.queries = inner, []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def evaluate(self, query, input_json):
        self.queries.append(query)
        return self.inner.evaluate(query, input_json)


@pytest.mark.parametrize("at", ["2024-06-03T10:00:00+08:00", "2026-03-02T10:00:00+08:00"])
@pytest.mark.parametrize("jurisdiction", [None, "jiyuan"])
def test_no_action_and_no_layers_allow_with_no_rule_in_force_for_the_action(service, jurisdiction, at):
    from datetime import date

    from adapters.regorus_backend import RegorusBackend
    from engine.decide import DecisionEngine
    from engine.models import Action

    recording = RecordingBackend(RegorusBackend())
    engine = DecisionEngine(service.engine.policies, recording, service.engine.snapshot, cache_size=0)
    allowed = 0
    for action in (a.value for a in Action):
        event = {**USE, "action": action, "at": at, **({"jurisdiction": jurisdiction} if jurisdiction else {})}
        recording.queries.clear()
        decision = engine.decide(AccessEvent.model_validate(event))
        if not decision.allow:
            continue
        allowed += 1
        day = date.fromisoformat(at[:10])
        judged = [m for query in recording.queries for layer in engine.policies.layers
                  if query == engine.policies.layer_query(layer, action)
                  for m in engine.policies.judging_rules(layer, action) if m.in_force(day)]
        assert judged, f"{action} allowed under {jurisdiction} on {at} with no rule in force for it"
    if at.startswith("2026"):
        assert allowed, "the control: a lawful use is allowed"


def test_a_governing_layer_whose_rules_for_the_action_are_all_gone_is_not_judged(tmp_path):
    import shutil

    from adapters.regorus_backend import RegorusBackend
    from engine.decide import DataSnapshot, DecisionEngine
    from engine.policyset import load_policy_set
    from tests.conftest import POLICY_DIR

    root = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, root)
    shutil.rmtree(root / "gdsr" / "dispute")
    engine = DecisionEngine(load_policy_set(root, RegorusBackend()), RegorusBackend(), DataSnapshot())
    event = {"action": "dispute", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区民政局"},
             "dispute": {"between": "same_level", "negotiated": True, "submitted_to": "same_level_competent"}}
    violation = assert_no_rule_for_action(engine.decide(AccessEvent.model_validate(event)), "dispute")
    assert violation.facts["missing"] == ["gdsr"]


def test_a_rule_retired_by_effective_to_no_longer_judges_its_action(tmp_path):
    import shutil

    from adapters.regorus_backend import RegorusBackend
    from engine.decide import DataSnapshot, DecisionEngine
    from engine.policyset import load_policy_set
    from tests.conftest import POLICY_DIR

    root = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, root)
    rule = root / "gdsr" / "dispute" / "escalation" / "escalation.rego"
    rule.write_text(rule.read_text(encoding="utf-8").replace("#   effective_from: 2025-08-01\n", "#   effective_from: 2025-08-01\n#   effective_to: 2026-01-01\n"), encoding="utf-8")
    engine = DecisionEngine(load_policy_set(root, RegorusBackend()), RegorusBackend(), DataSnapshot())
    event = {"action": "dispute", "requester": {"department": "示范区民政局"},
             "dispute": {"between": "same_level", "negotiated": True, "submitted_to": "same_level_competent"}}
    before = engine.decide(AccessEvent.model_validate({**event, "at": "2025-12-31T10:00:00+08:00"}))
    assert before.outcome == "allow"
    assert_no_rule_for_action(engine.decide(AccessEvent.model_validate({**event, "at": "2026-01-01T10:00:00+08:00"})), "dispute")


def test_over_http_the_misspelt_open_event_is_indeterminate_not_allowed(client):
    """The issue's first reproduction, as a platform sends it."""
    response = client.post("/v1/decisions", json=OPEN_MISSPELT)
    assert response.status_code == 200
    body = response.json()
    assert body["allow"] is False and body["outcome"] == "indeterminate"
    assert [v["code"] for v in body["violations"]] == ["GOVSHARE-NO-RULE-FOR-ACTION"]
    assert body["violations"][0]["message"]["zh"] and body["violations"][0]["message"]["en"]
