"""The compliance workbench: `govshare check | test | impact | bundle` as a user runs them."""

from __future__ import annotations

import io
import json
import shutil
import tarfile

import orjson
import pytest
import regorus

from adapters.cli import app
from adapters.lifecycle import Lifecycle
from adapters.service import build_service
from engine.models import AccessEvent
from engine.policyset import AGGREGATE_QUERY, load_policy_set
from adapters.regorus_backend import RegorusBackend
from tests.conftest import POLICY_DIR, THIRD_PARTY_TRANSFER, make_settings, restore_demo

WIDE = {"COLUMNS": "250"}

TRANSFER = {**THIRD_PARTY_TRANSFER, "scenario": "最低生活保障申请审核"}
TRANSFER_2 = {**TRANSFER, "requester": {"department": "示范区医疗保障局"}, "grant": "g-2026-0005",
              "purpose": "医保待遇资格认证", "recipient": {"kind": "third_party", "name": "某保险公司"}}
USE = {**TRANSFER, "action": "use", "recipient": {"kind": "self"}}


APP_CONTENTS = "gdsr/sharing/application_contents/application_contents.rego"


# --- check -------------------------------------------------------------------


def test_check_shows_a_syntax_error_with_its_line_and_a_caret(runner, draft):
    path = draft / APP_CONTENTS
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith('violation contains {"item": "fields"} if {'))
    lines[number] = "\tcount(object.get(input, \"fields\", [])) ==== 0"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--policies", str(draft)], env=WIDE)
    assert result.exit_code == 1
    text = result.output
    location = f"{APP_CONTENTS}:{number + 1}:"
    assert location in text
    # the offending line (tabs shown as four spaces) with a caret under the column
    out = text.splitlines()
    at = next(i for i, line in enumerate(out) if 'count(object.get(input, "fields", [])) ==== 0' in line)
    col = int(text.split(location, 1)[1].split(":", 1)[0])
    source, caret = out[at], out[at + 1]
    assert source.startswith(f"{number + 1:>5} | ")
    assert caret.rstrip().endswith("^") and caret.index("^") == len(f"{number + 1:>5} | ") + col - 1


def test_check_refuses_a_missing_effective_date_and_an_article_that_does_not_exist(runner, draft):
    third = draft / "gdsr/sharing/third_party/third_party.rego"
    third.write_text(third.read_text(encoding="utf-8").replace("#   article: 25\n", "#   article: 99\n"), encoding="utf-8")
    stated = next((draft / "gdsr/sharing/recipient_stated").glob("recipient_stated.rego"))
    stated.write_text(stated.read_text(encoding="utf-8").replace("#   effective_from: 2025-08-01\n", ""), encoding="utf-8")
    result = runner.invoke(app, ["check", "--policies", str(draft), "--lang", "en"], env=WIDE)
    assert result.exit_code == 1
    assert "gdsr/sharing/third_party/third_party.rego:" in result.output and "no article 99" in result.output
    assert "recipient_stated.rego:" in result.output and "effective_from" in result.output
    assert "2 problem(s)" in result.output
    assert "| # METADATA" in result.output  # the source line is shown


def test_check_passes_on_the_shipped_policies(runner):
    result = runner.invoke(app, ["check"], env=WIDE)
    assert result.exit_code == 0 and "策略检查通过" in result.output


# --- test --------------------------------------------------------------------


def test_test_reports_per_article_with_coverage(runner):
    result = runner.invoke(app, ["test", "--no-features", "--lang", "en"], env=WIDE)
    summary = result.output.split("Rego tests: ")[1].split("\n")[0]
    passed, failed = int(summary.split(" passed")[0]), int(summary.split(", ")[1].split(" failed")[0])
    assert passed > 300
    # every failure is named with its file and line, and fails the run
    assert result.output.count("FAIL ") == failed
    assert result.exit_code == (1 if failed else 0), result.output
    assert "Policy line coverage: " in result.output
    assert "GDSR-25-THIRD-PARTY" in result.output and "gdsr art 25" in result.output
    assert "Scenarios:" not in result.output


def test_min_coverage_above_100_fails(runner):
    result = runner.invoke(app, ["test", "--no-features", "--min-coverage", "101"], env=WIDE)
    assert result.exit_code == 1
    assert "Rego 测试：" in result.output and "低于要求的 101%" in result.output


def test_an_untested_helper_lowers_the_coverage(runner, draft):
    helper = draft / "lib" / "untested.rego"
    helper.write_text("package lib.untested\n\nimport rego.v1\n\nodd(x) if {\n\tx % 2 == 1\n}\n", encoding="utf-8")
    result = runner.invoke(app, ["test", "--no-features", "--policies", str(draft), "--files", "--lang", "en",
                                 "--min-coverage", "99.99"], env=WIDE)
    assert "lib/untested.rego" in result.output and "0.0%" in result.output
    coverage = float(result.output.split("Policy line coverage: ")[1].split("%")[0])
    assert coverage < 100.0
    assert result.exit_code == 1  # below the minimum


def test_test_runs_the_scenarios_and_counts_them_per_article(runner):
    result = runner.invoke(app, ["test", "--lang", "en"], env=WIDE)
    summary = result.output.split("Scenarios: ")[1].split("\n")[0]
    passed = int(summary.split(" passed")[0])
    failed = int(summary.split(", ")[1].split(" failed")[0])
    assert passed > 50
    # a failed scenario is named by feature file and line, and fails the run
    assert result.output.count("FAIL features/") == failed
    assert result.exit_code == (1 if failed else 0), result.output
    row = next(line for line in result.output.splitlines() if "gdsr art 25" in line)
    cells = [c.strip() for c in row.split("│")]
    scenarios = cells[5]
    assert int(scenarios.split("/")[0]) > 0


# --- impact ------------------------------------------------------------------


@pytest.fixture
def logged(tmp_path):
    """A store under tmp_path/data whose ledger holds three decisions: an
    allowed use, then two third-party transfers by two departments (deny).
    Inputs are logged with /scenario masked."""
    service = build_service(make_settings(tmp_path / "data"))
    lifecycle = Lifecycle(service, ("/scenario",))
    decisions = [lifecycle.decide(AccessEvent.model_validate(e)) for e in (USE, TRANSFER, TRANSFER_2)]
    restore_demo(service)  # misuse suspended the grants; replay against the demo grants
    return service, decisions


def _impact(runner, draft, *extra):
    result = runner.invoke(app, ["impact", "--policies", str(draft), "--json", *extra], env=WIDE)
    return result, (json.loads(result.stdout) if result.stdout.strip().startswith("{") else None)


def test_impact_of_removing_a_rule_groups_the_flipped_decisions(runner, draft, logged):
    _, decisions = logged
    assert [d.outcome for d in decisions] == ["allow", "deny", "deny"]
    shutil.rmtree(draft / "gdsr/sharing/third_party")
    shutil.rmtree(draft / "gdsr/sharing/third_party_test", ignore_errors=True)
    result, report = _impact(runner, draft)
    assert result.exit_code == 1, result.output
    assert report["replayed"] == 3 and report["unchanged"] == 1 and report["changed"] == 2
    assert report["masked_inputs"] == 3
    by_article = {g["key"]: g for g in report["by_article"]}
    assert by_article["gdsr:25"]["count"] == 2
    assert by_article["gdsr:25"]["transitions"] == {"deny → allow": 2}
    assert {e["decision_id"] for e in by_article["gdsr:25"]["examples"]} == {decisions[1].decision_id, decisions[2].decision_id}
    assert all(e["removed"] == ["GDSR-25-THIRD-PARTY"] for e in by_article["gdsr:25"]["examples"])
    by_department = {g["key"]: g["count"] for g in report["by_department"]}
    assert by_department == {"示范区民政局": 1, "示范区医疗保障局": 1}
    assert report["grants"]["refused_by_draft"] == []

    # the table view says the same, and that inputs were masked
    table = runner.invoke(app, ["impact", "--policies", str(draft), "--lang", "en"], env=WIDE)
    assert table.exit_code == 1
    assert "gdsr art 25" in table.output and "示范区医疗保障局" in table.output
    assert "deny → allow" in table.output and "**MASKED**" in table.output


def test_impact_reports_live_grants_the_draft_would_refuse(runner, draft, logged):
    rule = draft / "gdsr/sharing/third_party/third_party.rego"
    rule.write_text(rule.read_text(encoding="utf-8").replace(
        'outside_recipients := {"third_party", "department"}', 'outside_recipients := {"third_party", "department", "self"}'),
        encoding="utf-8")
    result, report = _impact(runner, draft)
    assert result.exit_code == 1
    refused = {g["grant"]: g for g in report["grants"]["refused_by_draft"]}
    assert {"g-2026-0001", "g-2026-0005", "g-2026-0007"} <= set(refused)
    assert refused["g-2026-0001"]["live"] == "allow" and refused["g-2026-0001"]["draft"] == "deny"
    assert "GDSR-25-THIRD-PARTY" in refused["g-2026-0001"]["codes"]
    assert "g-2026-0003" not in refused  # suspended grants are not live
    # and the logged allowed use now flips
    flipped = [c for c in report["changes"] if c["before"] == "allow"]
    assert len(flipped) == 1 and flipped[0]["added"] == ["GDSR-25-THIRD-PARTY"]


def test_impact_limit_and_since(runner, draft, logged):
    result, report = _impact(runner, draft, "--limit", "1")
    assert result.exit_code == 0 and report["replayed"] == 1 and report["changed"] == 0
    result, report = _impact(runner, draft, "--since", "2999-01-01")
    assert result.exit_code == 0 and report["replayed"] == 0


def test_impact_refuses_a_draft_that_does_not_compile(runner, draft, logged):
    path = draft / APP_CONTENTS
    path.write_text(path.read_text(encoding="utf-8") + "\nbroken if {\n", encoding="utf-8")
    result = runner.invoke(app, ["impact", "--policies", str(draft), "--lang", "en"], env=WIDE)
    assert result.exit_code == 2
    assert "do not compile" in result.output
    assert f"{APP_CONTENTS}:" in result.output


# --- bundle ------------------------------------------------------------------


def test_bundle_round_trips_into_a_fresh_engine(runner, tmp_path):
    out = tmp_path / "bundle.tar.gz"
    result = runner.invoke(app, ["bundle", "-o", str(out)], env=WIDE)
    assert result.exit_code == 0, result.output
    with tarfile.open(out, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    policies = load_policy_set(POLICY_DIR, RegorusBackend())

    manifest = json.loads(members[".manifest"])
    # The bundle carries the rules without their tests (OPA's convention): its
    # revision is that of what it carries; the source directory's is in the metadata.
    from engine.policyset import revision_of
    assert manifest["revision"] == revision_of(POLICY_DIR, [f for f in policies.files if not f.is_test])
    assert manifest["metadata"]["source_revision"] == policies.revision and manifest["rego_version"] == 1
    assert {"gdsr", "local", "lib", "govshare"} <= set(manifest["roots"])
    rego = {name for name in members if name.endswith(".rego")}
    assert rego == {f.path for f in policies.files if not f.is_test} | {"govshare/aggregate.rego"}
    assert members["govshare/aggregate.rego"].decode() == policies.aggregate_module()

    data = json.loads(members["data.json"])
    assert set(data) == {"govshare", "govshare_parameters"} and set(manifest["roots"]) >= set(data)
    assert data["govshare_parameters"] == policies.root_data()["govshare_parameters"]
    assert {"catalog", "grants", "calendar", "field_index"} <= set(data["govshare"])

    # every module compiles in a fresh engine with the bundle's data, and a
    # decision evaluated from the bundle is the service's
    service = build_service(make_settings(tmp_path / "data"))
    assert data["govshare"] == orjson.loads(service.engine.snapshot.data_json(policies.data()))["govshare"]
    engine = regorus.Engine()
    for name in sorted(rego):
        engine.add_policy(name, members[name].decode())
    engine.add_data_json(members["data.json"].decode())
    for event in (TRANSFER, USE):
        input_json = orjson.dumps(AccessEvent.model_validate(event).model_dump(mode="json", exclude_none=True)).decode()
        engine.set_input_json(input_json)
        from_bundle = json.loads(engine.eval_rule_as_json(AGGREGATE_QUERY))
        assert from_bundle == service.engine.backend.evaluate(AGGREGATE_QUERY, input_json)
    assert from_bundle["violation"]["gdsr.sharing.third_party"] == []
    engine.set_input_json(orjson.dumps(AccessEvent.model_validate(TRANSFER).model_dump(mode="json", exclude_none=True)).decode())
    assert json.loads(engine.eval_rule_as_json(AGGREGATE_QUERY))["violation"]["gdsr.sharing.third_party"]
    decision = service.engine.decide(AccessEvent.model_validate(TRANSFER))
    assert "GDSR-25-THIRD-PARTY" in {v.code for v in decision.violations}


def test_impact_tells_changes_from_data_apart_from_changes_by_the_draft(runner, draft, tmp_path):
    service = build_service(make_settings(tmp_path / "data"))
    lifecycle = Lifecycle(service)
    lifecycle.decide(AccessEvent.model_validate(USE))
    lifecycle.decide(AccessEvent.model_validate(TRANSFER))  # misuse: suspends g-2026-0001
    result, report = _impact(runner, draft)  # the draft is the live policies, unchanged
    assert result.exit_code == 0, result.output
    # both logged decisions now meet a suspended grant: changed, but not by the draft
    assert report["changed"] == 2 and report["changed_by_draft"] == 0 and report["changed_by_data_only"] == 2
    assert all(c["data_only"] and "GDSR-27-SUSPENDED" in c["added"] for c in report["changes"])
    assert {c["before"] for c in report["changes"]} == {"allow", "deny"}
