"""The decision cache: a repeated input is not evaluated again, but a decision
made under older policies or data is never served."""

from __future__ import annotations

import threading

from adapters.regorus_backend import RegorusBackend
from adapters.storage.store import demo_catalog
from engine.decide import DataSnapshot, DecisionEngine
from engine.models import AccessEvent, GrantStatus
from engine.policyset import load_policy_set
from tests.conftest import POLICY_DIR

USE = {"action": "use", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区民政局"},
       "dataset": "ds-population-basic", "fields": ["name"], "purpose": "社会救助资格审核", "grant": "g-2026-0001",
       "pi_basis": "《个人信息保护法》第十三条第一款第三项", "controls": ["传输加密", "访问权限控制", "操作日志留存"]}


class CountingBackend(RegorusBackend):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def evaluate(self, query, input_json):
        self.calls += 1
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
