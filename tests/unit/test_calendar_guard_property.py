"""Issue 13: the working-day calendar cannot be bypassed.

With the calendar truncated after year Y (2025 here: the 2026 file removed),
an engine must never give an answer that the full calendar contradicts:
- an event whose dates all lie in known years decides exactly as with the
  full calendar (a deadline that would fall beyond the calendar is later than
  every known day, so it is not missed by any of them);
- an event with a date in Y+1 either decides as with the full calendar (the
  date reaches no working-day computation, e.g. a plain use) or is
  indeterminate with GOVSHARE-CALENDAR-UNKNOWN-YEAR, and it is never allowed
  when that date sits in what a deadline rule of the action counts from or
  compares with.
Generated over every action, 2,000+ events in all.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.regorus_backend import RegorusBackend
from engine.decide import DecisionEngine
from engine.models import BEIJING, AccessEvent, Action
from engine.policyset import load_policy_set
from tests.conftest import POLICY_DIR

LAST_KNOWN = 2025
ACTIONS = [a.value for a in Action]
EXAMPLES_PER_ACTION = 125  # x 17 actions = 2,125 events

# The test's own oracle, written from the rules' texts: the event parts each
# action's working-day deadlines count from or compare with (and `at`, the
# day of the act when the part gives none), and the layer that must be in force.
DEADLINE_PARTS = {
    "reply": ({"application", "reply"}, None),
    "deliver": ({"application"}, None),
    "verify": ({"verification"}, None),
    "catalog": ({"catalog_update"}, None),
    "open": ({"open_request"}, "jiyuan"),
    "objection": ({"open_request"}, "jiyuan"),
    "interface": ({"interface_request"}, "jiyuan"),
}


@pytest.fixture(scope="module")
def engines(service, tmp_path_factory):
    truncated_dir = tmp_path_factory.mktemp("policies-truncated") / "policies"
    shutil.copytree(POLICY_DIR, truncated_dir)
    for path in (truncated_dir / "data" / "calendar").glob("*.json"):
        if int(path.stem) > LAST_KNOWN:
            path.unlink()
    snapshot = service.engine.snapshot
    full = DecisionEngine(load_policy_set(POLICY_DIR, RegorusBackend()), RegorusBackend(), snapshot, cache_size=0)
    truncated = DecisionEngine(load_policy_set(truncated_dir, RegorusBackend()), RegorusBackend(), snapshot, cache_size=0)
    assert truncated.policies.calendar.known_years[-1] == LAST_KNOWN
    return full, truncated


# Mostly the weeks around the year end, where deadlines cross into Y+1.
dates = st.one_of(st.dates(date(2025, 12, 1), date(2026, 1, 25)), st.dates(date(2025, 8, 1), date(2026, 3, 31)))
days = dates.map(date.isoformat)
maybe_days = st.one_of(st.none(), days)
datasets = st.sampled_from(["ds-population-basic", "ds-geo-basic", "ds-household-registration", "ds-juvenile-record-sealed", "ds-nowhere"])
grants = st.sampled_from([None, "g-2026-0001", "g-2026-0004", "g-2026-0005", "g-nowhere"])
departments = st.sampled_from(["示范区民政局", "示范区公安局", "示范区教育体育局", "某科技有限公司"])


def extension(keys: dict[str, Any]) -> st.SearchStrategy:
    return st.one_of(st.none(), st.fixed_dictionaries({"working_days": st.integers(1, 15)}, optional=keys))


flags = st.booleans()
parts = {
    "application": st.fixed_dictionaries({}, optional={
        "received_on": days, "approved_on": days, "complete": flags, "material_notices": st.integers(0, 2),
        "extension": extension({"approved_by_competent": flags, "requester_notified": flags})}),
    "reply": st.fixed_dictionaries({"decision": st.sampled_from(["approve", "refuse", "request_material", "extend"])}, optional={
        "reasons": st.just("依法不予共享"), "unit_head_approved": flags, "missing_material": st.just(["授权书"]),
        "extension": extension({"approved_by_competent": flags, "requester_notified": flags})}),
    "verification": st.fixed_dictionaries({"received_on": days}, optional={"handled_on": maybe_days}),
    "catalog_update": st.fixed_dictionaries({}, optional={
        "change_on": days, "submitted_on": days, "received_on": days, "published_on": days, "extension_approved": flags}),
    "open_request": st.fixed_dictionaries({}, optional={
        "received_on": days, "replied_on": maybe_days, "head_approved_extension": flags,
        "extension": extension({"approved_by_competent": flags})}),
    "interface_request": st.fixed_dictionaries({"agreed_on": days}, optional={
        "provided_on": maybe_days, "extension": extension({"written": flags, "approved": flags})}),
    "record": st.fixed_dictionaries({"created_on": days}),
    "use_until": days,
}


@st.composite
def events(draw, action: str) -> dict[str, Any]:
    event: dict[str, Any] = {
        "action": action,
        "at": datetime.combine(draw(dates), draw(st.times(time(0), time(23, 59))), BEIJING).isoformat(),
        "requester": {"department": draw(departments)},
        "dataset": draw(datasets),
        "purpose": draw(st.sampled_from(["社会救助资格审核", "其他用途"])),
    }
    if (jurisdiction := draw(st.sampled_from([None, "jiyuan"]))) is not None:
        event["jurisdiction"] = jurisdiction
    if (grant := draw(grants)) is not None:
        event["grant"] = grant
    if action == "catalog":
        event["entry"] = {"id": "ds-new", "name": "新目录", "provider": "示范区民政局", "share_attribute": "unconditional"}
    # The parts the action uses, and now and then one it does not.
    wanted = set(DEADLINE_PARTS.get(action, (set(), None))[0]) | set(draw(st.sets(st.sampled_from(sorted(parts)), max_size=2)))
    for name in sorted(wanted):
        event[name] = draw(parts[name])
    return event


def years_in(value: Any) -> set[int]:
    if isinstance(value, dict):
        return set().union(*(years_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(years_in(v) for v in value)) if value else set()
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[:4].isdigit():
        return {int(value[:4])}
    return set()


def outcome_of(decision) -> tuple:
    def listing(items):
        return sorted((v.code, repr(sorted(v.facts.items()))) for v in items)

    return decision.outcome, listing(decision.violations), listing(decision.breaches), sorted(o.code for o in decision.obligations)


@pytest.mark.parametrize("action", ACTIONS)
def test_a_truncated_calendar_never_contradicts_the_full_one(engines, action):
    full, truncated = engines

    @settings(max_examples=EXAMPLES_PER_ACTION, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(events(action))
    def check(raw: dict[str, Any]) -> None:
        event = AccessEvent.model_validate(raw)
        with_full, with_truncated = full.decide(event), truncated.decide(event)
        if max(years_in(raw)) <= LAST_KNOWN:
            assert outcome_of(with_truncated) == outcome_of(with_full), raw
            return
        if outcome_of(with_truncated) != outcome_of(with_full):
            assert with_truncated.outcome == "indeterminate", raw
            assert [v.code for v in with_truncated.violations] == ["GOVSHARE-CALENDAR-UNKNOWN-YEAR"], raw
        counted, layer = DEADLINE_PARTS.get(action, (set(), None))
        in_force = layer is None or raw.get("jurisdiction") == layer
        reaches = years_in({k: v for k, v in raw.items() if k in counted or k == "at"}) - {LAST_KNOWN}
        if counted and in_force and reaches:
            assert not with_truncated.allow, raw

    check()
