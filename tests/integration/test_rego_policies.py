"""Every `test_*` rule beside the policies is one pytest test."""

from __future__ import annotations

import pytest

from adapters.regorus_backend import RegorusBackend
from engine.policyset import load_policy_set
from engine.regotest import discover, run_rego_tests
from tests.conftest import POLICY_DIR

POLICIES = load_policy_set(POLICY_DIR, RegorusBackend())
RESULTS = {r.id: r for r in run_rego_tests(POLICIES, RegorusBackend())}


@pytest.mark.parametrize("test_id", sorted(RESULTS))
def test_rego(test_id):
    result = RESULTS[test_id]
    assert result.passed, f"{result.file}:{result.line} {result.id}: {result.error}"


def test_every_rule_package_has_tests_beside_it():
    tested = {package.removesuffix("_test") for package in POLICIES.test_packages}
    untested = sorted(set(POLICIES.rules) - tested)
    assert not untested, f"rule packages without a _test.rego: {untested}"


def test_every_rule_has_an_allowing_and_a_denying_test():
    names = {}
    for package, name, _, _ in discover(POLICIES):
        names.setdefault(package.removesuffix("_test"), []).append(name)
    for package in POLICIES.rules:
        assert len(names.get(package, [])) >= 2, f"{package} needs at least one allowing and one denying test"


def test_the_runner_reports_a_false_test_as_failed(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "x_test.rego").write_text(
        'package lib.x_test\n\nimport rego.v1\n\ntest_true if { 1 == 1 }\n\ntest_false if { 1 == 2 }\n\ntest_error if { 1 / 0 == 1 }\n',
        encoding="utf-8",
    )
    results = {r.name: r for r in run_rego_tests(load_policy_set(tmp_path, RegorusBackend()), RegorusBackend())}
    assert results["test_true"].passed
    assert not results["test_false"].passed
    assert not results["test_error"].passed and "divide by zero" in results["test_error"].error
