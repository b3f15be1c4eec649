"""A decision evaluates only the rule packages its action can reach. That set is
proved from the policy source (adapters/rego_guards.py); these tests check the
proof on small policies, and that skipping never changes what the full policy
set says about an event."""

from __future__ import annotations

from datetime import date

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.rego_guards import GuardAnalysis
from adapters.regorus_backend import RegorusBackend
from adapters.storage.store import demo_catalog
from engine.decide import DataSnapshot, DecisionEngine
from engine.models import AccessEvent, Action
from engine.policyset import AGGREGATE_QUERY, load_policy_set
from tests.conftest import POLICY_DIR

LIB = ("lib/state/state.rego", 'package lib.state\n\nimport rego.v1\n\nuse_actions := {"use", "transfer"}\n')


def actions_of(body: str, extra: tuple[tuple[str, str], ...] = ()) -> frozenset[str] | None:
    module = ("p/p.rego", "package p\n\nimport rego.v1\n\nimport data.lib.state\nimport data.lib.state as st\n\n" + body)
    return GuardAnalysis([LIB, module, *extra]).package_actions("p", ("violation", "breach", "obligation"))


@pytest.mark.parametrize(("body", "expected"), [
    ('violation contains 1 if input.action == "use"\n', {"use"}),
    ('violation contains 1 if "reply" == input.action\n', {"reply"}),
    ('violation contains 1 if input.action in {"apply", "deliver"}\n', {"apply", "deliver"}),
    ('violation contains 1 if input.action in state.use_actions\n', {"use", "transfer"}),
    ('violation contains 1 if input.action in st.use_actions\n', {"use", "transfer"}),
    ('mine := {"open"}\nviolation contains 1 if input.action in mine\n', {"open"}),
    ('applies if input.action == "use"\napplies if input.action == "collect"\nviolation contains 1 if {\n\tinput.x\n\tapplies\n}\n', {"use", "collect"}),
    ('violation contains 1 if {\n\tinput.action in {"use", "apply"}\n\tinput.action == "use"\n}\n', {"use"}),
    ('violation contains 1 if input.action == "use"\nbreach contains 2 if input.action == "reply"\n', {"use", "reply"}),
])
def test_guards_that_are_proved(body, expected):
    assert actions_of(body) == frozenset(expected)


@pytest.mark.parametrize("body", [
    'violation contains 1 if input.x\n',                                          # no guard at all
    'violation contains 1 if not input.action == "use"\n',                        # negated
    'violation contains 1 if input.action == "use"\nviolation contains 2 if input.y\n',  # one unguarded body
    'default applies := true\napplies if input.action == "use"\nviolation contains 1 if applies\n',  # default holds always
    'applies := true if { input.action == "use" } else := true\nviolation contains 1 if applies\n',  # else branch unguarded
    'violation contains 1 if input.action == input.other\n',                      # not a constant
    'open := {"open"} if input.z\nviolation contains 1 if input.action in open\n',  # set defined by a body
    'violation contains 1 if { input.action == "use" with input as {"action": "use"} }\n',  # with: not a guard
    'violation contains 1 if count(data.q.violation) > 0\n',                      # depends on another package
])
def test_what_cannot_be_proved_reaches_every_action(body):
    assert actions_of(body) is None


POLICIES = load_policy_set(POLICY_DIR, RegorusBackend())
ENTRIES, GRANTS = demo_catalog()
ENGINE = DecisionEngine(POLICIES, RegorusBackend(), DataSnapshot.build(ENTRIES, GRANTS), cache_size=0)
DAYS = st.dates(min_value=date(2022, 10, 1), max_value=date(2026, 12, 31)).map(date.isoformat)

events = st.fixed_dictionaries(
    {
        "action": st.sampled_from([a.value for a in Action]),
        "at": DAYS.map(lambda d: f"{d}T10:00:00+08:00"),
        "requester": st.fixed_dictionaries({"department": st.sampled_from(sorted({e.provider for e in ENTRIES} | {g.requester for g in GRANTS}))},
                                           optional={"unit_head_approved": st.booleans()}),
        "dataset": st.sampled_from(sorted(e.id for e in ENTRIES) + ["ds-unknown"]),
    },
    optional={
        "jurisdiction": st.just("jiyuan"),
        "fields": st.lists(st.sampled_from(sorted({f.name for e in ENTRIES for f in e.fields})), max_size=3, unique=True),
        "purpose": st.sampled_from(["社会救助资格审核", "商业营销", ""]),
        "method": st.sampled_from(["api", "verify", "bulk", "file"]),
        "grant": st.sampled_from([g.id for g in GRANTS] + ["g-unknown"]),
        "recipient": st.one_of(st.just({"kind": "self"}), st.fixed_dictionaries(
            {"kind": st.sampled_from(["department", "third_party"]), "name": st.sampled_from(["某科技有限公司", "示范区民政局"])})),
        "channel": st.sampled_from(["platform", "direct"]),
        "application": st.fixed_dictionaries({}, optional={"received_on": DAYS, "approved_on": DAYS, "complete": st.booleans()}),
        "reply": st.fixed_dictionaries({"decision": st.sampled_from(["approve", "refuse", "request_material", "extend"])},
                                       optional={"reasons": st.just("材料不符"), "unit_head_approved": st.booleans()}),
        "verification": st.fixed_dictionaries({"received_on": DAYS}, optional={"handled_on": DAYS}),
        "record": st.fixed_dictionaries({"created_on": DAYS}),
        "controls": st.lists(st.sampled_from(["传输加密", "访问权限控制", "操作日志留存"]), max_size=3, unique=True),
        "return_conditions": st.lists(st.just("仅限查询"), max_size=1),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events)
def test_a_skipped_package_would_have_said_nothing(raw):
    event = AccessEvent.model_validate(raw)
    input_json = orjson.dumps(event.model_dump(mode="json", exclude_none=True)).decode()
    everything = ENGINE.backend.evaluate(AGGREGATE_QUERY, input_json)  # from the engine holding every module
    for layer in POLICIES.layers:
        # From the partition holding only what this layer's rule for the action needs.
        assert POLICIES.layer_query(layer, event.action.value) in POLICIES.partitions
        evaluated = ENGINE.backend.evaluate(POLICIES.layer_query(layer, event.action.value), input_json)
        for kind, by_package in everything.items():
            for package, facts in by_package.items():
                if POLICIES.rules[package].regulation != layer:
                    continue
                if package in evaluated[kind]:
                    assert evaluated[kind][package] == facts, package
                else:
                    assert facts == [], f"{package} was skipped for {event.action.value} but says {facts}"


def test_most_packages_are_proved_and_a_use_reaches_only_its_own():
    proved = [p for p, actions in POLICIES.actions.items() if actions is not None]
    assert len(proved) >= 0.8 * len(POLICIES.rules)
    assert POLICIES.reaches("gdsr.sharing.third_party", "use")
    assert not POLICIES.reaches("gdsr.catalog.required_fields", "use")
    assert not POLICIES.reaches("gdsr.reply.extension", "use")
