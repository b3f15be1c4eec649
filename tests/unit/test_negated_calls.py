"""The check that refuses a `not` OPA would read otherwise (adapters/rego_guards.py)."""

from __future__ import annotations

import json

import pytest
import regorus

from adapters.rego_guards import negated_call_problems
from adapters.regorus_backend import RegorusBackend


def module(body: str) -> str:
    return ("package t\n\nimport rego.v1\n\nfacts contains 1 if input.y\n\nlimit := 3 if input.y\n\n"
            "g := {\"a\": true}\n\nf(v) := v\n\n"
            f"r if {{\n\tx := \"b\"\n\t{body}\n}}\n")


BODY_LINE = 15  # where `body` sits in `module`

# Flagged: OPA evaluates a reference or call operand before the `not`.
LIFTED = [
    'not trim_space(input.x) != ""',
    'not f(input.x) != "b"',
    'not input.x != ""',
    'not input.x in {"a"}',
    'not count(input.xs) > 0',
    'not startswith(input.x, "a")',
    'not data.t.g[input.x]',
    'not input.x == lower(input.y)',
    'not 1 < limit',
]
# Not flagged: nothing that can be undefined is evaluated outside the `not`.
KEPT = [
    "not input.x",
    'not input.x == "a"',
    "not input.x == input.y",
    'not startswith(x, "a")',
    "not f(false)",
    'not "a" in facts',
    "not data.t.g[x]",
]


def test_a_call_inside_not_is_refused_with_file_and_line():
    modules = [("gdsr/x/x.rego", module('not trim_space(input.service_change.cause) != ""'))]
    problems = RegorusBackend().compile(modules, ["data.t.r"])
    assert [(p.file, p.line) for p in problems] == [("gdsr/x/x.rego", BODY_LINE)]
    message = problems[0].message
    assert "OPA" in message and "`trim_space(input.service_change.cause)`" in message
    zh, en = message.split(" / ", 1)
    assert "辅助规则" in zh and "helper rule" in en  # the way out, in both languages


def test_negating_a_helper_rule_passes():
    text = module("not cause_stated").replace("r if {", 'cause_stated if trim_space(input.c) != ""\n\nr if {')
    assert negated_call_problems([("t.rego", text)]) == []
    assert RegorusBackend().compile([("t.rego", text)], ["data.t.r"]) == []


@pytest.mark.parametrize("body", KEPT)
def test_a_not_over_what_opa_keeps_inside_passes(body):
    assert negated_call_problems([("t.rego", module(body))]) == []


@pytest.mark.parametrize("body", LIFTED)
def test_a_not_over_what_opa_lifts_is_refused(body):
    problems = negated_call_problems([("t.rego", module(body))])
    assert [p.line for p in problems] == [BODY_LINE]


def test_a_not_inside_a_comprehension_is_checked_too():
    text = module("ys := {y | some y in input.ys; not y in limit}\n\tcount(ys) > 0")
    assert [p.line for p in negated_call_problems([("t.rego", text)])] == [BODY_LINE]


def test_the_shipped_policies_have_no_such_not():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "policies"
    modules = [(p.relative_to(root).as_posix(), p.read_text(encoding="utf-8")) for p in sorted(root.rglob("*.rego"))]
    assert negated_call_problems(modules) == []


@pytest.mark.parametrize("body", LIFTED + KEPT)
def test_the_check_flags_exactly_what_opa_reads_otherwise(body):
    """With no input at all every operand is undefined: OPA and regorus then
    disagree on `r` exactly where the check refuses the form."""
    opa = pytest.importorskip("opa_bindings", reason="OPA's engine (opa-golib-python-bindings) is not installed")
    text = module(body)
    engine = opa.OpaEngine()
    engine.add_policy("t.rego", text)
    under_opa = bool(engine.eval_query("value := data.t.r", {}))
    reference = regorus.Engine()
    reference.add_policy("t.rego", text)
    reference.set_input_json("{}")
    under_regorus = json.loads(reference.eval_rule_as_json("data.t.r")) is True
    assert under_regorus, "every form is true under regorus when nothing is given"
    assert (under_opa != under_regorus) == bool(negated_call_problems([("t.rego", text)]))
