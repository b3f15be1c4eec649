"""`govshare eval|check|test` as a user runs them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from adapters.cli import app
from tests.conftest import THIRD_PARTY_TRANSFER

EVENT = THIRD_PARTY_TRANSFER


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("GOVSHARE_DATA_DIR", str(tmp_path / "data"))
    return CliRunner()


@pytest.fixture
def event_file(tmp_path):
    path = tmp_path / "event.json"
    path.write_text(json.dumps(EVENT, ensure_ascii=False), encoding="utf-8")
    return path


def test_eval_prints_a_chinese_table_by_default(runner, event_file):
    result = runner.invoke(app, ["eval", str(event_file)], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output  # deny
    assert "禁止" in result.output
    assert "《政务数据共享条例》第25条第1款" in result.output
    assert "GDSR-25-THIRD-PARTY" in result.output and "40(3)" in result.output


def test_eval_lang_en_switches_the_language(runner, event_file):
    result = runner.invoke(app, ["eval", str(event_file), "--lang", "en"], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "deny" in result.output and "GDSR art. 25(1)" in result.output
    assert "禁止" not in result.output


def test_eval_json_prints_the_decision(runner, event_file):
    result = runner.invoke(app, ["eval", str(event_file), "--json"])
    decision = json.loads(result.stdout)
    assert decision["outcome"] == "deny" and "GDSR-25-THIRD-PARTY" in {v["code"] for v in decision["violations"]}


def test_eval_allow_exits_zero(runner, tmp_path):
    path = tmp_path / "ok.json"
    path.write_text(json.dumps({**EVENT, "action": "use", "recipient": {"kind": "self"}}, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["eval", str(path), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["allow"] is True


def test_eval_reads_stdin(runner):
    result = runner.invoke(app, ["eval", "-", "--json"], input=json.dumps(EVENT, ensure_ascii=False))
    assert json.loads(result.stdout)["outcome"] == "deny"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"action": ', "文件不是合法的 JSON"),
        ('{"action": "steal", "requester": {"department": "x"}}', "action"),
        ('{"action": "use"}', "requester"),
    ],
)
def test_bad_event_is_a_clear_error_with_exit_2(runner, tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["eval", str(path)])
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


def test_missing_file_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(app, ["eval", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "读不到文件" in result.output


def test_check_and_test_pass_on_the_bundled_policies(runner):
    check = runner.invoke(app, ["check"])
    assert check.exit_code == 0 and "策略检查通过" in check.output
    tests = runner.invoke(app, ["test", "--lang", "en"])
    assert tests.exit_code == 0 and "0 failed" in tests.output


def test_eval_refuses_to_run_on_a_broken_policy(runner, tmp_path, event_file):
    broken = tmp_path / "policies" / "gdsr" / "x"
    broken.mkdir(parents=True)
    (broken / "x.rego").write_text("package gdsr.x\n\nimport rego.v1\n\nviolation contains 1 if {\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", str(event_file), "--policies", str(tmp_path / "policies")])
    assert result.exit_code == 2
    assert "策略无法加载" in result.output and "gdsr/x/x.rego:" in result.output


def test_calendar_show_lists_the_known_years(runner):
    result = runner.invoke(app, ["calendar", "show", "--lang", "en"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "2026" in result.output and "2004" in result.output


def test_calendar_seed_refuses_a_year_it_cannot_know(runner, tmp_path):
    result = runner.invoke(app, ["calendar", "seed", "2027", "--policies", str(tmp_path)])
    assert result.exit_code == 2 and "chinesecalendar" in result.output
    assert not (tmp_path / "data" / "calendar" / "2027.json").exists()


def test_calendar_seed_writes_a_known_year(runner, tmp_path):
    result = runner.invoke(app, ["calendar", "seed", "2025", "--policies", str(tmp_path)])
    assert result.exit_code == 0 and (tmp_path / "data" / "calendar" / "2025.json").exists()


def test_a_setting_that_is_not_a_number_is_a_clear_error(runner, event_file, monkeypatch):
    monkeypatch.setenv("GOVSHARE_CACHE_SIZE", "lots")
    result = runner.invoke(app, ["eval", str(event_file)])
    assert result.exit_code == 2
    assert "GOVSHARE_CACHE_SIZE='lots'" in result.output and "must be an integer" in result.output and "应为整数" in result.output
    assert "Traceback" not in result.output


def test_a_jiyuan_violation_is_cited_by_the_measures_name(runner, tmp_path):
    path = tmp_path / "jiyuan.json"
    path.write_text(json.dumps({**EVENT, "jurisdiction": "jiyuan"}, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["eval", str(path)], env={"COLUMNS": "250"})
    assert result.exit_code == 1
    assert "《济源示范区政务数据共享管理暂行办法》第33条第3款" in result.output
