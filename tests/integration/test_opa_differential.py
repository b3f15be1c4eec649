"""The policies mean the same under OPA as under regorus.

The bundle is meant for OPA fleets, so the policies must be standard Rego.
These tests load the output of `govshare bundle` into OPA's own engine (v1.20,
embedded by the PyPI package `opa-golib-python-bindings`, pinned in the
Makefile) and check that (a) every Rego test gives the same verdict as under
regorus, and (b) every evaluation the BDD scenarios make gives the same JSON.

Through this binding a query is compiled (all modules, ~0.15 s; ~0.5 s with
the test modules) the first time it is evaluated after a change of policies or
data; later evaluations of the same query string reuse it. So each query is
prepared once per data document: one query for all Rego tests, and one per
query string and data version for the scenarios.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

try:
    from opa_bindings import OpaEngine, OpaError
except ImportError as exc:  # the wheel could not be installed on this machine
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError(f"CI=true but OPA's engine cannot be imported ({exc}); `make install` installs opa-golib-python-bindings") from exc
    pytest.skip(f"OPA 的引擎不可用（{exc}），无法比对 / OPA's engine (opa-golib-python-bindings) cannot be imported: {exc}",
                allow_module_level=True)

from typer.testing import CliRunner

from adapters.cli import app
from adapters.regorus_backend import RegorusBackend
from engine.policyset import AGGREGATE_PATH, load_policy_set
from engine.regotest import discover, run_rego_tests

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"
AGGREGATE_IN_BUNDLE = "govshare/aggregate.rego"
UNDEFINED = {"undefined": True}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> dict[str, str]:
    """The members of the bundle `govshare bundle` writes (path → text)."""
    out = tmp_path_factory.mktemp("bundle")
    env = {"GOVSHARE_DATA_DIR": str(out / "data")}
    result = CliRunner().invoke(app, ["bundle", "-o", str(out / "bundle.tar.gz"), "--policies", str(POLICIES),
                                      "--db", f"sqlite:///{out / 'govshare.db'}"], env=env)
    assert result.exit_code == 0, result.output
    with tarfile.open(out / "bundle.tar.gz") as tar:
        return {m.name: tar.extractfile(m).read().decode() for m in tar.getmembers() if m.isfile()}


def opa_engine(modules: dict[str, str], data: Any) -> OpaEngine:
    engine = OpaEngine()
    engine.print_handler = lambda message, location: None
    for path, text in modules.items():
        engine.add_policy(path, text)
    engine.add_data(data)
    return engine


def opa_value(engine: OpaEngine, query: str, event: Any) -> Any:
    """The query's value under OPA, UNDEFINED, or {"error": …}. The query
    string is fixed per rule, so OPA compiles it once per engine."""
    try:
        rows = engine.eval_query(f"value := {query}", event)
    except OpaError as exc:
        return {"error": exc.message}
    return rows[0]["value"] if rows else UNDEFINED


# --- (a) every Rego test -------------------------------------------------------

class _RecordingBackend(RegorusBackend):
    """regorus, remembering the data document the test runner loads."""

    data_json: str | bytes = "{}"

    def load(self, modules, data_json, partitions=None):
        self.data_json = data_json
        return super().load(modules, data_json, partitions)


def test_every_rego_test_has_the_same_verdict_under_opa(bundle):
    policies = load_policy_set(POLICIES, RegorusBackend())
    regorus = _RecordingBackend()
    under_regorus = {r.id: r.passed for r in run_rego_tests(policies, regorus)}
    tests = [f"{package}.{name}" for package, name, _, _ in discover(policies)]
    assert tests and set(tests) == set(under_regorus)
    # The bundle carries the rules, not their tests (docs/bundles.md): the tests
    # come from the policy directory and run against the bundle's rules.
    assert not [p for p in bundle if p.endswith("_test.rego")], "the bundle must carry no test module"
    test_modules = {f.path: f.text for f in policies.files if f.is_test}

    # One generated rule gathers every test's value, so OPA compiles one query.
    gather = "package govshare_opa_difftest\n\nimport rego.v1\n\n" + "".join(
        f'results["{test}"] := value if value := data.{test}\n' for test in tests)
    # The same data the runner gave regorus (what the tests see besides their `with`).
    engine = opa_engine({**{p: t for p, t in bundle.items() if p.endswith(".rego")}, **test_modules,
                         "govshare_opa_difftest.rego": gather},
                        json.loads(regorus.data_json))
    try:
        values = engine.eval_document("govshare_opa_difftest.results")
    except OpaError:  # a test that errors under OPA: ask one by one, to name it
        values = {test: opa_value(engine, f"data.{test}", None) for test in tests}
    under_opa = {test: values.get(test) is True for test in tests}

    differ = sorted(t for t in tests if under_opa[t] != under_regorus[t])
    assert not differ, "OPA 与 regorus 对以下 Rego 测试结论不同 / these Rego tests differ under OPA:\n" + "\n".join(
        f"  {t}: regorus {'通过/passed' if under_regorus[t] else '失败/failed'}, OPA {values.get(t, '未定义/undefined')!r}" for t in differ)


def test_the_termination_rule_test_passes_under_opa(bundle):
    """`not trim_space(cause) != ""` failed under OPA (it lifts the call out of
    the `not`); the rule now negates a helper rule and means the same in both."""
    test = "gdsr.service.termination_test.test_each_missing_step_listed"
    policies = load_policy_set(POLICIES, RegorusBackend())
    regorus = _RecordingBackend()
    passed = {r.id: r.passed for r in run_rego_tests(policies, regorus)}
    modules = {**bundle, **{f.path: f.text for f in policies.files if f.is_test}}  # the bundle carries no tests
    engine = opa_engine({p: t for p, t in modules.items() if p.endswith(".rego") and p.startswith(("gdsr/service/termination/", "lib/"))},
                        json.loads(regorus.data_json))
    assert passed[test] is True
    assert opa_value(engine, f"data.{test}", None) is True


# --- (b) every scenario's decisions ---------------------------------------------

@pytest.fixture(scope="module")
def scenario_evaluations(tmp_path_factory) -> dict[str, Any]:
    """Every evaluation the BDD suite makes, recorded by tests/opa_differential_plugin.py."""
    out = tmp_path_factory.mktemp("capture") / "evaluations.json"
    env = {**os.environ, "GOVSHARE_OPA_CAPTURE": str(out),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "tests"), os.environ.get("PYTHONPATH")]))}
    # The scenarios' own assertions are the BDD suite's business: here only what was decided matters.
    run = subprocess.run([sys.executable, "-m", "pytest", str(ROOT / "tests" / "bdd"), "-q", "-p", "no:cacheprovider",
                          "-p", "opa_differential_plugin", "-o", "addopts="],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.exists(), f"the BDD run recorded nothing:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    captured = json.loads(out.read_text(encoding="utf-8"))
    assert captured["evaluations"], f"the BDD run made no evaluation:\n{run.stdout[-3000:]}"
    return captured


def test_every_scenario_decision_is_the_same_under_opa(bundle, scenario_evaluations):
    policies = {(AGGREGATE_PATH if p == AGGREGATE_IN_BUNDLE else p): t for p, t in bundle.items()
                if p.endswith(".rego") and not p.endswith("_test.rego")}
    by_load: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for evaluation in scenario_evaluations["evaluations"]:
        by_load[evaluation["modules"], evaluation["data"]].append(evaluation)

    differences = []
    for (modules_key, data_key), evaluations in by_load.items():
        # The scenarios ran on the very policies the bundle carries.
        assert dict(scenario_evaluations["modules"][modules_key]) == policies
        engine = opa_engine(policies, json.loads(scenario_evaluations["data"][data_key]))
        try:
            for evaluation in evaluations:
                expected = evaluation.get("value", {"error": evaluation.get("error")})
                found = opa_value(engine, evaluation["query"], json.loads(evaluation["input"]))
                both_failed = "error" in evaluation and isinstance(found, dict) and "error" in found
                if found != expected and not both_failed:
                    differences.append((evaluation["query"], evaluation["input"], expected, found))
        finally:
            engine.close()

    assert not differences, f"OPA 与 regorus 的决定不同 / {len(differences)} evaluations differ under OPA:\n" + "\n".join(
        f"  {query} with input {event[:300]}\n    regorus: {json.dumps(expected, ensure_ascii=False)[:600]}\n"
        f"    OPA:     {json.dumps(found, ensure_ascii=False)[:600]}" for query, event, expected, found in differences[:5])
    assert len(scenario_evaluations["evaluations"]) > 100  # the suite decided something worth comparing
