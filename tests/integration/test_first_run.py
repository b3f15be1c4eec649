"""A first run that teaches: the README's "Try it" examples, run in their order
against the service, do what the README says (a dry run records nothing; the
decisions of record allow the use, then deny the transfer and suspend the demo
grant), and `govshare demo reset` brings the allowed example back, logged in
the ledger, without removing anything from it. `make serve PORT=…` advertises
the URL it listens on."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from adapters.cli import app as cli
from adapters.http.app import create_app
from adapters.service import PROJECT_ROOT, Settings, build_service

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
TOKEN = "gs_first_run_admin"


def try_it_requests() -> list[tuple[str, str, Path]]:
    """The decision requests of the README's "Try it" section, in order: (method, path with query, body file)."""
    section = README[README.index("## 试一试 / Try it"):README.index("## 角色 / Roles")]
    found = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        command = block.replace("\\\n", " ")
        for line in command.splitlines():
            words = shlex.split(line, comments=True)
            if not words or words[0] != "curl" or "-d" not in words:
                continue
            url = next(w for w in words if w.startswith("http://"))
            body = words[words.index("-d") + 1]
            if not body.startswith("@") or "/v1/decisions" not in url:
                continue
            found.append((words[words.index("-X") + 1], url.split("8181", 1)[1], PROJECT_ROOT / body[1:]))
    return found


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A fresh service as `make serve` starts it, and the CLI on the same data directory."""
    monkeypatch.setenv("GOVSHARE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("GOVSHARE_BOOTSTRAP_TOKEN", TOKEN)
    monkeypatch.setenv("GOVSHARE_DATA_POLL_SECONDS", "0")  # see another process's writes on the next request
    for name in ("GOVSHARE_POLICY_DIR", "GOVSHARE_DATABASE_URL", "GOVSHARE_SEED_DEMO"):
        monkeypatch.delenv(name, raising=False)
    service = build_service(Settings())
    client = TestClient(create_app(service), headers={"Authorization": f"Bearer {TOKEN}"})
    return service, client


def decide(client, method: str, path: str, body: Path) -> dict:
    response = client.request(method, path, content=body.read_bytes(), headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_readme_tries_a_dry_run_first_then_decisions_of_record():
    requests = try_it_requests()
    assert [(m, p, f.name) for m, p, f in requests] == [
        ("POST", "/v1/decisions?dry_run=true", "transfer-to-third-party.json"),
        ("POST", "/v1/decisions", "use-within-grant.json"),
        ("POST", "/v1/decisions", "transfer-to-third-party.json"),
    ]
    assert all(f.is_file() for _, _, f in requests)


def test_the_readme_examples_in_order_do_what_the_readme_says(site):
    service, client = site
    (dry_run, use, transfer) = try_it_requests()
    before = service.store.ledger_length()
    for _ in range(2):  # a trial can be asked again: it changes nothing
        trial = decide(client, *dry_run)
        assert trial["outcome"] == "deny" and "GDSR-25-THIRD-PARTY" in {v["code"] for v in trial["violations"]}
    assert service.store.ledger_length() == before
    assert client.get("/v1/grants/g-2026-0001").json()["status"] == "active"

    assert decide(client, *use)["outcome"] == "allow"
    assert decide(client, *transfer)["outcome"] == "deny"
    assert client.get("/v1/grants/g-2026-0001").json()["status"] == "suspended"
    after_use = decide(client, *use)
    assert after_use["outcome"] == "deny" and "GDSR-27-SUSPENDED" in {v["code"] for v in after_use["violations"]}


def test_demo_reset_brings_the_allowed_example_back_and_keeps_the_ledger(site):
    service, client = site
    runner = CliRunner()  # on the site's data directory
    _, use, transfer = try_it_requests()
    decide(client, *transfer)  # suspends g-2026-0001 (art 27(2))
    assert decide(client, *use)["outcome"] == "deny"
    entries = [(e.seq, e.hash) for e in service.store.ledger()]

    result = runner.invoke(cli, ["demo", "reset"])
    assert result.exit_code == 0, result.output
    assert "g-2026-0001 suspended → active" in result.output and "demo_reset" in result.output

    assert decide(client, *use)["outcome"] == "allow"  # the running service sees the reset
    ledger = list(service.store.ledger())
    assert [(e.seq, e.hash) for e in ledger[:len(entries)]] == entries  # nothing removed or rewritten
    reset = next(e for e in ledger if e.kind == "demo_reset")
    assert reset.body["grants"] == [{"grant": "g-2026-0001", "from": "suspended", "to": "active"}]
    assert reset.body["requested_by"] == {"token": None, "name": "cli"}
    verified = runner.invoke(cli, ["ledger", "verify"])
    assert verified.exit_code == 0, verified.output


def test_demo_reset_of_untouched_demo_data_changes_and_logs_nothing(site):
    service, _ = site
    runner = CliRunner()
    before = service.store.ledger_length()
    result = runner.invoke(cli, ["demo", "reset", "--lang", "en"])
    assert result.exit_code == 0
    assert "nothing to reset" in result.output
    assert service.store.ledger_length() == before


def test_demo_reset_refuses_when_the_demo_data_is_off(runner, monkeypatch):
    monkeypatch.setenv("GOVSHARE_SEED_DEMO", "0")
    result = runner.invoke(cli, ["demo", "reset"])
    assert result.exit_code == 2
    assert "GOVSHARE_SEED_DEMO=0" in result.output and "未作任何更改" in result.output


# --- make serve PORT=… ------------------------------------------------------------

FAKE_GOVSHARE = """#!{python}
import sys
sys.path.insert(0, {root!r})
from adapters.service import Settings
print("public_url", Settings().public_url)
print("argv", *sys.argv[1:])
"""


def make_serve(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, str]:
    """Run the Makefile's serve recipe with a stand-in `govshare` that prints the
    public URL the service's settings would read, and its arguments."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "govshare"
    fake.write_text(FAKE_GOVSHARE.format(python=sys.executable, root=str(PROJECT_ROOT)))
    fake.chmod(0o755)
    environment = {k: v for k, v in os.environ.items() if k != "GOVSHARE_PUBLIC_URL"} | (env or {})
    done = subprocess.run(["make", "--no-print-directory", "-s", "-o", ".venv/.installed-stamp", "serve", f"BIN={bin_dir}", *args],
                          cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return dict(line.split(" ", 1) for line in done.stdout.splitlines())


@pytest.mark.skipif(not any((Path(d) / "make").exists() for d in os.environ.get("PATH", "").split(":")), reason="no make")
def test_make_serve_advertises_the_host_and_port_it_listens_on(tmp_path):
    printed = make_serve(tmp_path, "PORT=9999", "HOST=0.0.0.0")
    assert printed["public_url"] == "http://0.0.0.0:9999"
    assert printed["argv"] == "serve --host 0.0.0.0 --port 9999 --workers 1"


@pytest.mark.skipif(not any((Path(d) / "make").exists() for d in os.environ.get("PATH", "").split(":")), reason="no make")
def test_make_serve_keeps_a_given_public_url(tmp_path):
    printed = make_serve(tmp_path, "PORT=9999", env={"GOVSHARE_PUBLIC_URL": "https://pdp.example.gov.cn"})
    assert printed["public_url"] == "https://pdp.example.gov.cn"


# --- the language of the CLI, and the start-up lines ------------------------------


def not_a_policy_dir(tmp_path: Path) -> str:
    (tmp_path / "notes").mkdir(exist_ok=True)
    return str(tmp_path / "notes")


@pytest.mark.parametrize("args, env, expected", [
    ([], {}, "不是策略目录"),
    (["--lang", "en"], {}, "is not a policy directory"),
    ([], {"GOVSHARE_LANG": "en"}, "is not a policy directory"),
    (["--lang", "zh"], {"GOVSHARE_LANG": "en"}, "不是策略目录"),
], ids=["default zh", "--lang before the command", "GOVSHARE_LANG", "--lang over GOVSHARE_LANG"])
def test_the_cli_language_comes_from_lang_then_govshare_lang_then_chinese(runner, tmp_path, monkeypatch, args, env, expected):
    monkeypatch.delenv("GOVSHARE_LANG", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = runner.invoke(cli, [*args, "impact", "--policies", not_a_policy_dir(tmp_path)])
    assert result.exit_code == 2 and expected in result.output, result.output


def test_the_command_s_own_lang_wins_over_the_one_before_it(runner, tmp_path):
    result = runner.invoke(cli, ["--lang", "zh", "impact", "--policies", not_a_policy_dir(tmp_path), "--lang", "en"])
    assert "is not a policy directory" in result.output


def test_an_unknown_language_is_refused_in_both_languages(runner, monkeypatch):
    monkeypatch.setenv("GOVSHARE_LANG", "fr")
    result = runner.invoke(cli, ["calendar", "show"])
    assert result.exit_code == 2
    assert "语言只能是 zh 或 en" in result.output and "the language must be zh or en (got fr" in result.output


@pytest.fixture
def serve_without_listening(tmp_path, monkeypatch):
    """`govshare serve` up to the point it would listen; what it hands uvicorn is recorded."""
    monkeypatch.setenv("GOVSHARE_DATA_DIR", str(tmp_path / "var"))
    for name in ("GOVSHARE_BOOTSTRAP_TOKEN", "GOVSHARE_LOG_FORMAT", "GOVSHARE_LANG", "GOVSHARE_POLICY_DIR", "GOVSHARE_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GOVSHARE_JSON_LOGS", "0")  # serve sets these for its workers; restored afterwards
    monkeypatch.setenv("GOVSHARE_LOG_FORMAT", "")
    monkeypatch.setattr("adapters.http.app.configure_json_logging", lambda: None)
    handed: list[dict] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: handed.append(k))
    return handed


def test_serve_prints_the_token_and_a_dry_run_curl_line_unbroken(serve_without_listening):
    result = CliRunner().invoke(cli, ["serve", "--lang", "en", "--port", "9999"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    (token_line,) = [line for line in lines if line.startswith("Admin token (shown once, keep it safe): gs_")]
    token = token_line.rsplit(" ", 1)[1]
    (curl,) = [line for line in lines if line.startswith("curl ")]
    assert len(curl) > 80  # wider than the runner's terminal, and still one line
    words = shlex.split(curl)
    assert words[:4] == ["curl", "-s", "-X", "POST"]
    assert words[4] == "http://127.0.0.1:9999/v1/decisions?dry_run=true"
    assert f"Authorization: Bearer {token}" in words
    assert Path(words[-1].lstrip("@")).is_file()
    assert "Try it (a dry run: decided, nothing recorded, no grant suspended):" in lines
    (loaded,) = [line for line in lines if line.startswith("Loaded ")]
    assert loaded.endswith(".sqlite3") and "catalogue entries; database" in loaded


def test_serve_in_chinese_by_default(serve_without_listening):
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    assert any(line.startswith("管理员令牌（只显示这一次，请妥善保存）：gs_") for line in result.output.splitlines())
    assert "试一试（试算：只作决策，不记台账，不暂停授权）：" in result.output.splitlines()


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_serve_gives_uvicorn_one_log_format_and_no_access_log_of_its_own(serve_without_listening, monkeypatch, fmt):
    monkeypatch.setenv("GOVSHARE_LOG_FORMAT", fmt)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    (options,) = serve_without_listening
    assert options["access_log"] is False
    config = options["log_config"]
    formatter = config["formatters"]["govshare"]["()"]
    assert formatter == f"adapters.http.observability.{'JsonFormatter' if fmt == 'json' else 'TextFormatter'}"
    assert config["loggers"]["govshare"]["handlers"] == config["loggers"]["uvicorn"]["handlers"] == ["stderr"]
    assert os.environ["GOVSHARE_LOG_FORMAT"] == fmt  # carried into worker processes


def test_an_unknown_log_format_stops_serve_naming_it(serve_without_listening, monkeypatch):
    monkeypatch.setenv("GOVSHARE_LOG_FORMAT", "xml")
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert "GOVSHARE_LOG_FORMAT='xml'：应为 text 或 json / must be text or json" in result.output
    assert serve_without_listening == []


def test_a_running_service_logs_json_lines_only_one_per_request(tmp_path):
    """The real `govshare serve` with GOVSHARE_LOG_FORMAT=json: every log line,
    uvicorn's included, is JSON, and a request is logged once (no second, uvicorn access line)."""
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "GOVSHARE_DATA_DIR": str(tmp_path / "var"), "GOVSHARE_BOOTSTRAP_TOKEN": TOKEN,
           "GOVSHARE_LOG_FORMAT": "json", "GOVSHARE_RELOAD": "0"}
    server = subprocess.Popen([sys.executable, "-m", "adapters.cli", "serve", "--port", str(port)], cwd=PROJECT_ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the service did not start: {server.stderr.read()}")
                time.sleep(0.2)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/decisions?dry_run=true", method="POST",
                                         data=(PROJECT_ROOT / "examples" / "use-within-grant.json").read_bytes(),
                                         headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
        assert urllib.request.urlopen(request).status == 200
    finally:
        server.terminate()
        _, logged = server.communicate(timeout=60)
    lines = [json.loads(line) for line in logged.splitlines() if line.strip()]  # fails on any line that is not JSON
    assert {line["logger"] for line in lines} >= {"uvicorn.error", "govshare.access"}
    decisions = [line for line in lines if line.get("path") == "/v1/decisions"]
    assert len(decisions) == 1 and decisions[0]["status"] == 200 and len(decisions[0]["decision_ids"]) == 1
    assert not any("POST /v1/decisions" in line["message"] for line in lines)  # no uvicorn access line besides
