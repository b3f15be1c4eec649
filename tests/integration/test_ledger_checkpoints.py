"""The end of the ledger is anchored: signed checkpoints of the chain head let
`govshare ledger verify` and `GET /v1/ledger/verify` find the newest entries
deleted, which a hash chain alone cannot (what is left is a valid, shorter chain)."""

from __future__ import annotations

import json
import stat
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from adapters.cli import app as cli
from adapters.http.app import create_app
from adapters.service import build_service
from adapters.signing import KEY_FILE, Ed25519Verifier, load_or_create_signer
from adapters.storage.checkpointer import Checkpointer
from adapters.storage.store import Store
from engine.checkpoints import Checkpoint, signature_valid
from tests.conftest import ADMIN, THIRD_PARTY_TRANSFER, make_settings
from tests.integration.test_ledger_store import append


@pytest.fixture
def runner(tmp_path, monkeypatch):
    # The CLI finds the signing key under the data directory, as the service does.
    monkeypatch.setenv("GOVSHARE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GOVSHARE_LEDGER_KEY", raising=False)
    return CliRunner()


def anchored(db_url: str, tmp_path, every: int = 0, seconds: float = 0) -> Store:
    """A store whose commits checkpoint the ledger, signed with the key the CLI finds."""
    store = Store(db_url)
    store.checkpointer = Checkpointer(store, load_or_create_signer(tmp_path / KEY_FILE), every, seconds)
    return store


def wait_until(condition, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def cut(store: Store, after: int, checkpoints_too: bool = False) -> None:
    """What someone with write access to the database does to hide the newest entries."""
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM ledger WHERE seq > :n"), {"n": after})
        if checkpoints_too:
            conn.execute(text("DELETE FROM ledger_checkpoints"))


def verify(runner, db_url: str, *args: str, lang: str = "en"):
    return runner.invoke(cli, ["ledger", "verify", "--db", db_url, "--lang", lang, *args], env={"COLUMNS": "300"})


def test_deleting_the_newest_entries_after_a_checkpoint_is_detected(db_url, tmp_path, runner):
    service = build_service(make_settings(tmp_path, database_url=db_url, checkpoint_every=5))
    with TestClient(create_app(service), headers=ADMIN) as client:
        for _ in range(6):
            assert client.post("/v1/decisions", json=THIRD_PARTY_TRANSFER).status_code == 200
        store = service.store
        # Every 5 entries the writer signs the head, off the request path.
        latest = wait_until(lambda: (cp := store.latest_checkpoint()) and store.ledger_head()[0] - cp.seq < 5 and cp)
        assert latest.seq >= 5
        assert client.get("/v1/ledger/verify").json()["intact"] is True
        cut(store, latest.seq - 3)
        report = client.get("/v1/ledger/verify").json()
    assert report["first_break"] is None  # the chain that is left is valid on its own
    assert report["intact"] is False
    assert report["missing"] == {"first": latest.seq - 2, "last": latest.seq}
    assert report["checkpoint"]["seq"] == latest.seq and report["checkpoint"]["verified"] is False
    problem = report["checkpoint_problem"]
    assert problem["reason"] == "missing"
    assert problem["message"]["en"].startswith(f"entries {latest.seq - 2}..{latest.seq} missing")
    assert problem["message"]["zh"].startswith(f"第 {latest.seq - 2}–{latest.seq} 条缺失")

    en = verify(runner, db_url)
    assert en.exit_code == 1, en.output
    assert f"entries {latest.seq - 2}..{latest.seq} missing" in en.output
    zh = verify(runner, db_url, lang="zh")
    assert zh.exit_code == 1 and f"第 {latest.seq - 2}–{latest.seq} 条缺失" in zh.output


def test_an_older_checkpoint_still_detects_what_it_covers(db_url, tmp_path, runner):
    store = anchored(db_url, tmp_path)
    append(store, 5)
    assert store.checkpointer.checkpoint_now().seq == 5
    append(store, 3, prefix="later")  # not checkpointed yet
    cut(store, 3)
    result = verify(runner, db_url)
    assert result.exit_code == 1 and "entries 4..5 missing" in result.output, result.output
    # Nor will the writer sign the cut ledger, which would anchor it anew.
    refused = runner.invoke(cli, ["ledger", "checkpoint", "--export", str(tmp_path / "cp.json"), "--db", db_url, "--lang", "en"],
                            env={"COLUMNS": "300"})
    assert refused.exit_code == 1 and "entries were deleted" in refused.output, refused.output
    assert store.latest_checkpoint().seq == 5 and not (tmp_path / "cp.json").exists()


def test_an_intact_ledger_verifies_against_its_checkpoint(db_url, tmp_path, runner):
    store = anchored(db_url, tmp_path)
    append(store, 4)
    store.checkpointer.checkpoint_now()
    append(store, 2, prefix="later")
    result = verify(runner, db_url)
    assert result.exit_code == 0, result.output
    assert "6 entries" in result.output and "checkpoint" in result.output and "entry 4" in result.output


def test_a_tampered_checkpoint_signature_is_detected(db_url, tmp_path, runner):
    store = anchored(db_url, tmp_path)
    append(store, 5)
    store.checkpointer.checkpoint_now()
    # Cut two entries and move the checkpoint back to match: its signature no longer does.
    head_3 = list(store.ledger())[2].hash
    cut(store, 3)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_checkpoints SET seq = 3, head_hash = :h"), {"h": head_3})
    result = verify(runner, db_url)
    assert result.exit_code == 1 and "does not verify" in result.output, result.output
    zh = verify(runner, db_url, lang="zh")
    assert zh.exit_code == 1 and "签名无效" in zh.output


def test_an_exported_checkpoint_finds_a_cut_that_also_removed_the_stored_checkpoints(db_url, tmp_path, runner):
    store = anchored(db_url, tmp_path)
    append(store, 6)
    exported, public = tmp_path / "auditor" / "checkpoint.json", tmp_path / "auditor" / "ledger.pub"
    exported.parent.mkdir()
    made = runner.invoke(cli, ["ledger", "checkpoint", "--export", str(exported), "--db", db_url, "--lang", "en"])
    assert made.exit_code == 0, made.output
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["seq"] == 6 and document["head_hash"] == list(store.ledger())[-1].hash and document["at"]
    pubkey = runner.invoke(cli, ["ledger", "pubkey"])
    assert pubkey.exit_code == 0
    public.write_text(pubkey.stdout, encoding="utf-8")

    cut(store, 3, checkpoints_too=True)
    # Nothing left in the database shows the cut ...
    assert verify(runner, db_url).exit_code == 0
    # ... the auditor's copy does.
    result = verify(runner, db_url, "--against", str(exported), "--pubkey", str(public))
    assert result.exit_code == 1 and "entries 4..6 missing" in result.output, result.output

    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({**document, "seq": 3, "head_hash": list(store.ledger())[-1].hash}), encoding="utf-8")
    result = verify(runner, db_url, "--against", str(forged), "--pubkey", str(public))
    assert result.exit_code == 1 and "does not verify" in result.output, result.output

    other_key = tmp_path / "other.pub"
    other_key.write_text(load_or_create_signer(tmp_path / "other.pem").public_pem(), encoding="utf-8")
    result = verify(runner, db_url, "--against", str(exported), "--pubkey", str(other_key))
    assert result.exit_code == 1 and "does not verify" in result.output


@pytest.mark.parametrize("content", ["not json", '{"format": "something else"}'])
def test_a_file_that_is_not_a_checkpoint_is_refused(tmp_path, runner, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = verify(runner, f"sqlite:///{tmp_path / 'db.sqlite3'}", "--against", str(path))
    assert result.exit_code == 2 and "bad.json" in result.output


def test_the_key_file_is_created_owner_only_and_reused_across_restarts(tmp_path):
    settings = make_settings(tmp_path)
    first = build_service(settings)
    key = tmp_path / "ledger-signing-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    again = build_service(settings)
    assert again.store.checkpointer.signer.key_id == first.store.checkpointer.signer.key_id

    elsewhere = tmp_path / "keys" / "ledger.pem"  # GOVSHARE_LEDGER_KEY
    moved = build_service(make_settings(tmp_path, ledger_key=elsewhere))
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o600
    assert moved.store.checkpointer.signer.key_id != first.store.checkpointer.signer.key_id


def test_settings_come_from_the_environment(tmp_path, monkeypatch):
    from adapters.service import Settings, SettingsError

    monkeypatch.setenv("GOVSHARE_CHECKPOINT_EVERY", "250")
    monkeypatch.setenv("GOVSHARE_CHECKPOINT_SECONDS", "2.5")
    monkeypatch.setenv("GOVSHARE_LEDGER_KEY", str(tmp_path / "k.pem"))
    settings = Settings()
    assert (settings.checkpoint_every, settings.checkpoint_seconds, settings.ledger_key_path) == (250, 2.5, tmp_path / "k.pem")
    monkeypatch.delenv("GOVSHARE_LEDGER_KEY")
    monkeypatch.setenv("GOVSHARE_DATA_DIR", str(tmp_path / "data"))
    assert Settings().ledger_key_path == tmp_path / "data" / "ledger-signing-key.pem"
    monkeypatch.setenv("GOVSHARE_CHECKPOINT_EVERY", "many")
    with pytest.raises(SettingsError, match="GOVSHARE_CHECKPOINT_EVERY"):
        Settings()


def test_an_unusable_key_file_stops_the_start_with_a_clear_message(tmp_path):
    from adapters.service import SettingsError

    (tmp_path / "ledger-signing-key.pem").write_text("not a key")
    with pytest.raises(SettingsError, match="ledger-signing-key.pem"):
        build_service(make_settings(tmp_path))


def test_pubkey_prints_a_pem_that_verifies_the_stored_checkpoints(tmp_path, runner):
    db_url = f"sqlite:///{tmp_path / 'govshare.sqlite3'}"
    store = anchored(db_url, tmp_path, every=3)
    # Signed every 3 entries, off the appending thread: wait for each round, so
    # there are two checkpoints however the thread is timed.
    for round_ in (1, 2):
        append(store, 3, prefix=f"r{round_}")
        wait_until(lambda: (cp := store.latest_checkpoint()) and cp.seq >= 3 * round_)
    result = runner.invoke(cli, ["ledger", "pubkey"])
    assert result.exit_code == 0 and result.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    verifier = Ed25519Verifier.from_pem(result.stdout.encode())
    stored = store.checkpoints()
    assert len(stored) >= 2 and all(signature_valid(cp, verifier) for cp in stored)
    assert all(isinstance(cp, Checkpoint) and cp.head_hash == list(store.ledger())[cp.seq - 1].hash for cp in stored)


def test_a_quiet_ledger_is_checkpointed_after_t_seconds(tmp_path):
    store = anchored(f"sqlite:///{tmp_path / 'govshare.sqlite3'}", tmp_path, every=1000, seconds=0.3)
    append(store, 2)
    assert wait_until(lambda: store.latest_checkpoint(), timeout=10).seq == 2


def test_two_workers_checkpointing_the_same_head_keep_one(tmp_path):
    store = anchored(f"sqlite:///{tmp_path / 'govshare.sqlite3'}", tmp_path)
    append(store, 2)
    first = store.checkpointer.checkpoint_now()
    other = Checkpointer(store, store.checkpointer.signer).checkpoint_now()  # another process, same head
    assert first.seq == other.seq == 2 and len(store.checkpoints()) == 1


def test_a_failing_checkpoint_never_fails_a_decision(tmp_path, monkeypatch):
    service = build_service(make_settings(tmp_path, checkpoint_every=2))
    store, real = service.store, service.store.add_checkpoint
    calls = []

    def flaky(checkpoint):
        calls.append(checkpoint.seq)
        if len(calls) == 1:
            raise RuntimeError("database is locked")
        return real(checkpoint)

    monkeypatch.setattr(store, "add_checkpoint", flaky)
    with TestClient(create_app(service), headers=ADMIN) as client:
        for _ in range(3):
            assert client.post("/v1/decisions", json=THIRD_PARTY_TRANSFER).status_code == 200
        # The failure was logged and the checkpoint written on a later try.
        assert wait_until(lambda: store.latest_checkpoint(), timeout=20)
    assert store.checkpointer.failures >= 1 and len(calls) >= 2
