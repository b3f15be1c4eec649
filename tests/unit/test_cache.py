"""The decision cache: a repeated input is not evaluated again, but a decision
made under older policies or data is never served."""

from __future__ import annotations

import dataclasses
import shutil
import threading

import orjson
import pytest

from adapters.regorus_backend import RegorusBackend
from adapters.storage.store import demo_catalog
from engine.decide import DataSnapshot, DecisionEngine, EventError
from engine.models import AccessEvent, Decision, GrantStatus
from engine.policyset import AGGREGATE_PACKAGE, load_policy_set
from tests.conftest import POLICY_DIR

USE = {"action": "use", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区民政局"},
       "dataset": "ds-population-basic", "fields": ["name"], "purpose": "社会救助资格审核", "grant": "g-2026-0001",
       "pi_basis": "《个人信息保护法》第十三条第一款第三项", "controls": ["传输加密", "访问权限控制", "操作日志留存"]}

DECISION_QUERIES = f"data.{AGGREGATE_PACKAGE}."


class CountingBackend(RegorusBackend):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def evaluate(self, query, input_json):
        # Counts the decisions' evaluations, not the engine's own checks at load.
        self.calls += query.startswith(DECISION_QUERIES)
        return super().evaluate(query, input_json)


def engine(cache_size=100):
    entries, grants = demo_catalog()
    backend = CountingBackend()
    return DecisionEngine(load_policy_set(POLICY_DIR, RegorusBackend()), backend, DataSnapshot.build(entries, grants),
                          cache_size=cache_size), backend, entries, grants


def test_repeated_input_is_served_from_the_cache_with_a_new_decision_id():
    eng, backend, _, _ = engine()
    event = AccessEvent.model_validate(USE)
    first, second = eng.decide(event), eng.decide(event)
    assert backend.calls == 1 and (eng.cache_hits, eng.cache_misses) == (1, 1)
    assert first.outcome == second.outcome == "allow"
    assert first.decision_id != second.decision_id
    assert first.obligations == second.obligations


def test_changed_data_is_never_answered_from_the_cache():
    eng, backend, entries, grants = engine()
    event = AccessEvent.model_validate(USE)
    assert eng.decide(event).outcome == "allow"
    suspended = [g.model_copy(update={"status": GrantStatus.suspended}) if g.id == "g-2026-0001" else g for g in grants]
    eng.replace_data(DataSnapshot.build(entries, suspended))
    after = eng.decide(event)
    assert after.outcome == "deny" and backend.calls == 2
    assert "GDSR-27-SUSPENDED" in {v.code for v in after.violations}


def test_cache_can_be_switched_off():
    eng, backend, _, _ = engine(cache_size=0)
    event = AccessEvent.model_validate(USE)
    eng.decide(event)
    eng.decide(event)
    assert backend.calls == 2


def test_cache_is_safe_under_threads():
    eng, _, _, _ = engine(cache_size=8)
    events = [AccessEvent.model_validate({**USE, "at": f"2026-03-{day:02d}T10:00:00+08:00"}) for day in range(2, 28)]
    outcomes: list[str] = []

    def worker():
        for event in events:
            outcomes.append(eng.decide(event).outcome)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 4 * len(events) and set(outcomes) == {"allow"}


# --- what a hit relies on -------------------------------------------------

TRANSFER = {**USE, "action": "transfer", "recipient": {"kind": "third_party", "name": "某科技有限公司"}}


class FlakyBackend(CountingBackend):
    """Fails the first `failures` evaluations, then answers normally."""

    def __init__(self, failures):
        super().__init__()
        self.failures = failures

    def evaluate(self, query, input_json):
        if self.failures and query.startswith(DECISION_QUERIES):
            self.failures -= 1
            self.calls += 1
            raise RuntimeError("backend down")
        return super().evaluate(query, input_json)


def flaky_engine(failures):
    entries, grants = demo_catalog()
    backend = FlakyBackend(failures)
    return DecisionEngine(load_policy_set(POLICY_DIR, RegorusBackend()), backend, DataSnapshot.build(entries, grants)), backend


def test_equal_events_built_separately_share_one_entry():
    eng, backend, _, _ = engine()
    first = eng.decide(AccessEvent.model_validate(USE))
    # Another request: the same event from JSON text, its time given in UTC (the same Beijing time).
    again = AccessEvent.model_validate_json(orjson.dumps({**USE, "at": "2026-03-02T02:00:00Z"}))
    second = eng.decide(again)
    assert backend.calls == 1 and (eng.cache_hits, eng.cache_misses) == (1, 1)
    assert second.model_dump(exclude={"decision_id", "evaluated_at"}) == first.model_dump(exclude={"decision_id", "evaluated_at"})


def test_a_hit_is_a_new_decision_with_its_own_id_and_time():
    eng, _, _, _ = engine()
    event = AccessEvent.model_validate(TRANSFER)
    first = eng.decide(event)
    hits = [eng.decide(event) for _ in range(50)]
    assert eng.cache_hits == 50
    ids = {first.decision_id} | {d.decision_id for d in hits}
    assert len(ids) == 51 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert all(d.evaluated_at >= first.evaluated_at and d.evaluated_at.tzinfo is not None for d in hits)
    assert hits[-1].evaluated_at >= hits[0].evaluated_at
    for d in hits:
        assert d is not first and d.violations is not first.violations
        assert d.model_dump(exclude={"decision_id", "evaluated_at"}) == first.model_dump(exclude={"decision_id", "evaluated_at"})


def test_a_hit_is_a_complete_pydantic_decision():
    eng, _, _, _ = engine()
    event = AccessEvent.model_validate(TRANSFER)
    miss, hit = eng.decide(event), eng.decide(event)
    assert hit.outcome == "deny" and hit.violations
    assert hit.model_fields_set == miss.model_fields_set
    assert hit.model_extra == miss.model_extra and hit.__pydantic_private__ == miss.__pydantic_private__
    assert Decision.model_validate_json(hit.model_dump_json()) == hit
    assert hit == hit.model_copy()
    hit.outcome = "allow"  # assignment works as on any model, and stays with this object
    assert hit.outcome == "allow" and eng.decide(event).outcome == "deny"


def test_changing_a_returned_decision_never_changes_the_next_hit():
    eng, _, _, _ = engine()
    denied, allowed = AccessEvent.model_validate(TRANSFER), AccessEvent.model_validate(USE)
    for event in (denied, allowed):
        first = eng.decide(event)  # the miss: the cache keeps its own copy of this one
        expected = first.model_dump(exclude={"decision_id", "evaluated_at"})
        assert expected["violations"] or expected["obligations"]
        for got in (first, eng.decide(event)):
            got.violations.clear()
            got.violations.append(None)
            got.breaches.append(None)
            got.obligations.clear()
            got.allow, got.outcome, got.decision_id = True, "allow", "x"
            got.__dict__["law_version"] = "tampered"
        assert eng.decide(event).model_dump(exclude={"decision_id", "evaluated_at"}) == expected


def test_an_event_differing_in_day_fields_or_jurisdiction_is_a_miss():
    eng, backend, _, _ = engine()
    eng.decide(AccessEvent.model_validate(USE))
    eng.decide(AccessEvent.model_validate({**USE, "at": "2026-03-03T10:00:00+08:00"}))
    eng.decide(AccessEvent.model_validate({**USE, "at": "2026-03-02T16:00:00Z"}))  # 00:00 on 3 March in Beijing
    eng.decide(AccessEvent.model_validate({**USE, "fields": ["name", "id_number"]}))
    eng.decide(AccessEvent.model_validate({**USE, "fields": ["id_number"]}))
    eng.decide(AccessEvent.model_validate({**USE, "jurisdiction": "jiyuan"}))
    # One evaluation each, two for jiyuan (its own layer too), but 3 March
    # twice over: the UTC event falls on the same Beijing day as the second.
    assert backend.calls == 6 and eng.cache_hits == 1 and eng.cache_misses == 5


def test_the_policies_see_only_the_day_so_a_later_time_that_day_is_a_hit_with_its_own_time():
    eng, backend, _, _ = engine()
    assert eng.policies.sees_only_the_day and eng.keys_on_the_day
    first = eng.decide(AccessEvent.model_validate({**USE, "at": "2026-03-02T00:00:00+08:00"}))
    later = eng.decide(AccessEvent.model_validate({**USE, "at": "2026-03-02T23:59:59.999999+08:00"}))
    utc = eng.decide(AccessEvent.model_validate({**USE, "at": "2026-03-01T16:00:00Z"}))  # 00:00 Beijing
    assert backend.calls == 1 and eng.cache_hits == 2
    assert (later.event_at.hour, later.event_at.microsecond) == (23, 999999)
    assert utc.event_at == first.event_at and utc.decision_id != first.decision_id
    assert later.model_dump(exclude={"decision_id", "evaluated_at", "event_at"}) == \
        first.model_dump(exclude={"decision_id", "evaluated_at", "event_at"})


def _policies_with(tmp_path, relative: str, replace: tuple[str, str] | None = None, append: str = ""):
    root = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, root)
    target = root / relative
    text = target.read_text()
    if replace:
        assert replace[0] in text
        text = text.replace(*replace)
    target.write_text(text + append)
    return root


def test_a_rule_reading_the_time_of_day_makes_every_instant_its_own_entry(tmp_path):
    # A rule that reads the hour: the proof fails, so the key holds the instant.
    root = _policies_with(tmp_path, "gdsr/use/purpose_stated/purpose_stated.rego",
                          append='\nafter_hours if substring(input.at, 11, 2) >= "18"\n')
    entries, grants = demo_catalog()
    backend = CountingBackend()
    eng = DecisionEngine(load_policy_set(root, RegorusBackend()), backend, DataSnapshot.build(entries, grants))
    assert not eng.policies.sees_only_the_day and not eng.keys_on_the_day
    eng.decide(AccessEvent.model_validate(USE))
    eng.decide(AccessEvent.model_validate({**USE, "at": "2026-03-02T10:00:00.000001+08:00"}))
    assert backend.calls == 2 and eng.cache_hits == 0
    eng.decide(AccessEvent.model_validate({**USE, "at": "2026-03-02T10:00:00.000001+08:00"}))
    assert backend.calls == 2 and eng.cache_hits == 1


def test_a_date_rule_that_gives_the_time_too_makes_every_instant_its_own_entry(tmp_path):
    # The date rule itself changed to keep the time: the source proof still
    # holds (only it reads `at`), but the check on the loaded policies fails.
    root = _policies_with(tmp_path, "lib/state/state.rego",
                          replace=("event_date := substring(input.at, 0, 10) if {\n\tendswith",
                                   "event_date := substring(input.at, 0, 16) if {\n\tendswith"))
    entries, grants = demo_catalog()
    backend = CountingBackend()
    eng = DecisionEngine(load_policy_set(root, RegorusBackend()), backend, DataSnapshot.build(entries, grants))
    assert eng.policies.sees_only_the_day and not eng.keys_on_the_day
    eng.decide(AccessEvent.model_validate(USE))
    eng.decide(AccessEvent.model_validate({**USE, "at": "2026-03-02T11:00:00+08:00"}))
    assert backend.calls == 2 and eng.cache_hits == 0


def test_a_decision_under_other_policies_is_never_served():
    eng, backend, _, _ = engine()
    event = AccessEvent.model_validate(USE)
    eng.decide(event)
    eng.policies = dataclasses.replace(eng.policies, revision="sha256:" + "0" * 64)
    after = eng.decide(event)
    assert backend.calls == 2 and after.policy_revision == "sha256:" + "0" * 64


def test_an_engine_error_is_never_cached():
    eng, backend = flaky_engine(failures=1)
    event = AccessEvent.model_validate(USE)
    assert eng.decide(event).outcome == "indeterminate"
    assert eng.decide(event).outcome == "allow"  # evaluated again, not served the failure
    assert eng.decide(event).outcome == "allow" and eng.cache_hits == 1 and backend.calls == 2


def test_indeterminate_answers_are_decided_afresh_every_time():
    eng, backend, _, _ = engine()
    before_law = AccessEvent.model_validate({**USE, "at": "2025-07-31T23:59:00+08:00"})
    unknown_year = AccessEvent.model_validate({**USE, "action": "reply", "at": "2099-01-05T10:00:00+08:00",
                                               "application": {"received_on": "2098-12-30"}, "reply": {"decision": "approve"}})
    for _ in range(3):
        assert eng.decide(before_law).violations[0].code == "GOVSHARE-NO-LAW-IN-FORCE"
        assert eng.decide(unknown_year).violations[0].code == "GOVSHARE-CALENDAR-UNKNOWN-YEAR"
    assert eng.cache_hits == 0 and backend.calls == 0


def test_refused_events_are_refused_even_after_an_equal_one_was_cached():
    eng, _, _, _ = engine()
    eng.accept_inline_state = True
    inline = AccessEvent.model_validate({**USE, "inline": {}})
    assert eng.decide(inline).outcome == "allow" and eng.decide(inline).outcome == "allow"
    eng.accept_inline_state = False
    with pytest.raises(EventError):
        eng.decide(inline)
    for _ in range(2):
        with pytest.raises(EventError):
            eng.decide(AccessEvent.model_validate({**USE, "jurisdiction": "atlantis"}))


def test_the_least_recently_used_entry_goes_first():
    eng, backend, _, _ = engine(cache_size=2)
    a, b, c = (AccessEvent.model_validate({**USE, "at": f"2026-03-0{day}T10:00:00+08:00"}) for day in (2, 3, 4))
    eng.decide(a), eng.decide(b), eng.decide(a)  # a is now the most recently used
    eng.decide(c)  # evicts b
    assert backend.calls == 3
    eng.decide(a)
    assert backend.calls == 3
    eng.decide(b)
    assert backend.calls == 4
