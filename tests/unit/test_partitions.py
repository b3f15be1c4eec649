"""A layer query is answered from an engine holding only the modules it needs:
the packages its rule gathers and what those may read, proved from the source
(adapters/rego_guards.py). These tests check the proof on small policies and on
the shipped set; tests/unit/test_action_guards.py checks, on 300 generated
events, that the partitions say what the engine holding every module says."""

from __future__ import annotations

import dataclasses

import pytest

from adapters.rego_guards import package_dependencies
from adapters.regorus_backend import RegorusBackend
from adapters.storage.store import demo_catalog
from engine.decide import DataSnapshot, DecisionEngine
from engine.models import AccessEvent
from engine.policyset import AGGREGATE_PACKAGE, load_policy_set
from tests.conftest import POLICY_DIR

LIBS = [("lib/a.rego", "package lib.a\n\nimport rego.v1\n\nx := 1\n"),
        ("lib/b.rego", "package lib.b\n\nimport rego.v1\n\ny := 2\n"),
        ("q/q.rego", "package q.r\n\nimport rego.v1\n\nz := 3\n")]


def deps(body: str) -> frozenset[str]:
    found = package_dependencies([*LIBS, ("p/p.rego", "package p\n\nimport rego.v1\n\n" + body)])
    assert found["p/p.rego"][0] == "p"
    return found["p/p.rego"][1] - {"p"}


@pytest.mark.parametrize(("body", "expected"), [
    ("v := 1\n", set()),
    ("import data.lib.a\n\nv := a.x\n", {"lib.a"}),
    ("import data.lib.a as other\n\nv := other.x\n", {"lib.a"}),
    ("v := data.lib.b.y\n", {"lib.b"}),
    ('v := data.lib["b"].y\n', {"lib.b"}),
    ("v := data.lib[input.k].y\n", {"lib.a", "lib.b"}),            # a computed key: all under data.lib
    ("v := data.q\n", {"q.r"}),                                    # a prefix of a package
    ("v := data.govshare.catalog[data.lib.a.x]\n", {"lib.a"}),     # a reference inside a computed key
    ("v := data\n", {"lib.a", "lib.b", "q.r"}),                    # the whole of data
    ("v := data[input.k]\n", {"lib.a", "lib.b", "q.r"}),
    ('v := 1 if { input.a with data.lib.a.x as 2 }\n', {"lib.a"}),
])
def test_what_a_module_may_read_is_found(body, expected):
    assert deps(body) == frozenset(expected)


POLICIES = load_policy_set(POLICY_DIR, RegorusBackend())


def test_every_layer_query_has_a_partition_holding_fewer_modules():
    queries = {POLICIES.layer_query(layer, action) for layer in POLICIES.layers for action in ("use", "apply", "catalog")}
    assert queries <= set(POLICIES.partitions)
    for query in queries:
        assert len(POLICIES.partitions[query]) < len(POLICIES.serving_modules) / 2


def test_a_partition_holds_what_its_packages_read():
    paths = {path for path, _ in POLICIES.partitions[POLICIES.layer_query("jiyuan", "use")]}
    # The misuse rule reads three use rules' violations; the state helpers are imported by most.
    for needed in ("local/jiyuan/service/misuse/misuse.rego", "local/jiyuan/use/third_party/third_party.rego",
                   "local/jiyuan/use/other_purpose/other_purpose.rego", "local/jiyuan/use/authorised_scope/authorised_scope.rego",
                   "lib/state/state.rego"):
        assert any(p.endswith(needed) for p in paths), needed
    assert not any("/gdsr/" in p for p in paths)


def test_a_rule_reading_the_aggregate_turns_partitions_off():
    deps = dict(POLICIES.dependencies)
    path, (package, reads) = next((p, d) for p, d in deps.items() if d[0] == "gdsr.use.purpose_stated")
    deps[path] = (package, reads | {AGGREGATE_PACKAGE})
    assert dataclasses.replace(POLICIES, dependencies=deps).partitions == {}


def test_without_dependencies_every_query_uses_the_whole_engine():
    policies = dataclasses.replace(POLICIES, dependencies=None)
    assert policies.partitions == {}
    entries, grants = demo_catalog()
    whole = DecisionEngine(policies, RegorusBackend(), DataSnapshot.build(entries, grants), cache_size=0)
    parted = DecisionEngine(POLICIES, RegorusBackend(), DataSnapshot.build(entries, grants), cache_size=0)
    event = AccessEvent.model_validate({"action": "transfer", "at": "2026-03-02T10:00:00+08:00", "jurisdiction": "jiyuan",
                                        "requester": {"department": "示范区民政局"}, "dataset": "ds-population-basic",
                                        "purpose": "招商引资", "grant": "g-2026-0001",
                                        "recipient": {"kind": "third_party", "name": "某公司"}})
    keep = {"outcome", "violations", "breaches", "obligations"}
    a, b = whole.decide(event), parted.decide(event)
    assert a.outcome == "deny" and a.model_dump(include=keep) == b.model_dump(include=keep)
