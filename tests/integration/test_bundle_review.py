"""Adversarial review of bundle loading: a bundle server (or the network) that
answers badly must never crash the start with a stack trace nor hang the
download, and a bundle directory damaged on disk must not be served."""

from __future__ import annotations

import io
import socket
import tarfile
import threading
import time
from pathlib import Path

import pytest

from adapters.bundle import BundleError, BundleSource, Fetched
from adapters.service import SettingsError, build_service
from tests.conftest import POLICY_DIR, make_settings
from tests.integration.test_bundle import build, keys, signed  # noqa: F401 - keys, signed: fixtures


class RawServer:
    """A TCP server on 127.0.0.1 that answers every connection with `answer(conn)`."""

    def __init__(self, answer):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/bundle.tar.gz"
        self.answer, self.closed = answer, threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.closed.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        try:
            conn.recv(65536)
            self.answer(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.closed.set()
        self.sock.close()


@pytest.fixture
def raw_server():
    made = []

    def make(answer):
        made.append(RawServer(answer))
        return made[-1]

    yield make
    for server in made:
        server.close()


def start_with(tmp_path, monkeypatch, location: str) -> SettingsError:
    monkeypatch.setenv("GOVSHARE_BUNDLE", location)
    monkeypatch.setenv("GOVSHARE_RELOAD", "0")
    with pytest.raises(SettingsError) as refused:
        build_service(make_settings(tmp_path / "data"))
    return refused.value


@pytest.mark.parametrize("answer, reason", [
    (lambda conn: conn.sendall(b"THIS IS NOT HTTP\r\n\r\n"), "garbage status line"),
    (lambda conn: conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\nshort"), "body cut short"),
    (lambda conn: conn.sendall(b'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n'), "304 to a request without If-None-Match"),
], ids=["garbage", "cut-short", "unasked-304"])
def test_a_bundle_server_answering_badly_stops_the_start_with_a_reason_not_a_crash(tmp_path, monkeypatch, raw_server, answer, reason):
    server = raw_server(answer)
    refused = start_with(tmp_path, monkeypatch, server.url)
    assert "服务不启动" in str(refused) and "does not start" in str(refused) and server.url in str(refused)


def test_a_bundle_download_that_trickles_is_given_up_after_the_timeout(raw_server, tmp_path):
    def trickle(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n")
        for _ in range(60):  # each byte well within the socket timeout, the whole far beyond it
            conn.sendall(b"x")
            time.sleep(0.1)

    source = BundleSource(raw_server(trickle).url, tmp_path / "bundles", timeout=0.5)
    with pytest.raises(BundleError) as refused:
        source.fetch()
    assert "超时" in refused.value.zh and "timed out" in refused.value.en
    assert source.describe()["last_error"]["en"] == refused.value.en


def raw_tar(path, members: dict[str, bytes]):
    """A gzipped tar holding exactly these members, names as given (no normalising)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    path.write_bytes(buffer.getvalue())
    return path


def test_a_bundle_whose_files_cannot_be_written_is_refused_with_a_reason(tmp_path, monkeypatch):
    # a file and a directory of the same name: no directory can hold both
    bundle = raw_tar(tmp_path / "clash.tar.gz", {"a.rego": b"package a\n", "a.rego/b.rego": b"package b\n"})
    refused = start_with(tmp_path, monkeypatch, str(bundle))
    assert "a.rego" in str(refused)
    assert not list((tmp_path / "data" / "bundles").glob(".unpacking-*"))  # no half-written directory left behind


def test_names_that_differ_only_by_empty_or_dot_segments_are_the_same_file(tmp_path, monkeypatch):
    bundle = raw_tar(tmp_path / "twice.tar.gz", {"lib/x.rego": b"package x\n", "lib//./x.rego": b"package y\n"})
    refused = start_with(tmp_path, monkeypatch, str(bundle))
    assert "lib/x.rego" in str(refused) and "twice" in str(refused)


def test_an_unpacked_bundle_damaged_on_disk_is_unpacked_again_not_served(tmp_path, monkeypatch):
    bundle = build(tmp_path, POLICY_DIR)
    monkeypatch.setenv("GOVSHARE_BUNDLE", str(bundle))
    monkeypatch.setenv("GOVSHARE_RELOAD", "0")
    first = build_service(make_settings(tmp_path / "data")).engine.policies
    (unpacked,) = [p for p in (tmp_path / "data" / "bundles").iterdir() if not p.name.startswith(".")]
    rule = next(unpacked.rglob("third_party.rego"))
    rule.unlink()  # as a prune cut short, or a hand on the disk, leaves it
    again = build_service(make_settings(tmp_path / "data")).engine.policies
    assert again.revision == first.revision
    assert set(again.rules) == set(first.rules)


def test_a_bundle_that_unpacks_beyond_the_limit_in_its_headers_is_refused(monkeypatch):
    """The size limit counts every byte the archive unpacks to, not only the
    declared sizes of its files: a pax header is read whole by tarfile."""
    from adapters import bundle

    monkeypatch.setattr(bundle, "MAX_CONTENT_BYTES", 1 << 20)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("x.rego")
        info.size, info.pax_headers = 10, {"comment": "x" * (4 << 20)}
        tar.addfile(info, io.BytesIO(b"package x\n"))
    with pytest.raises(BundleError) as refused:
        bundle.unpack(buffer.getvalue())
    assert "过大" in refused.value.zh and "larger than" in refused.value.en


def test_a_bundle_refused_because_our_key_could_not_be_read_is_tried_again(tmp_path, monkeypatch, keys, signed):
    import gc
    import shutil

    from fastapi.testclient import TestClient

    from adapters.http.app import create_app
    from tests.conftest import ADMIN
    from tests.integration.test_bundle import THIRD_PARTY_RULE, manifest_revision, wait_for

    gc.collect()  # earlier tests' engines end on this thread, not on the watcher's
    served, key = tmp_path / "served.tar.gz", tmp_path / "key.pub.pem"
    shutil.copy(signed, served)
    shutil.copy(keys["rsa"][1], key)
    monkeypatch.setenv("GOVSHARE_BUNDLE", str(served))
    monkeypatch.setenv("GOVSHARE_BUNDLE_VERIFICATION_KEY", str(key))
    monkeypatch.setenv("GOVSHARE_BUNDLE_POLL_SECONDS", "0.1")
    monkeypatch.setenv("GOVSHARE_RELOAD", "1")
    policies = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, policies)
    rule = policies / THIRD_PARTY_RULE
    rule.write_text(rule.read_text(encoding="utf-8").replace(
        "#   effective_from: 2025-08-01\n", "#   effective_from: 2025-08-01\n#   effective_to: 2026-01-01\n"), encoding="utf-8")
    second = build(tmp_path, policies, "--signing-key", str(keys["rsa"][0]), "--key-id", "govshare-2026")
    with TestClient(create_app(build_service(make_settings(tmp_path / "data"))), headers=ADMIN) as client:
        key.rename(tmp_path / "rotating.pem")  # the key file away for a moment (a rotation)
        shutil.copy(second, served)
        refused = wait_for(client, lambda s: s["last_refused"] is not None)
        assert "cannot read the verification key" in refused["last_refused"]["errors"][0]["message"]
        (tmp_path / "rotating.pem").rename(key)
        live = wait_for(client, lambda s: s["policy_revision"] == manifest_revision(second))
        assert live["reload"]["swaps"] == 1


@pytest.mark.parametrize("declared", ["true", "1.0", '"1"'])
def test_a_manifest_rego_version_that_is_not_the_integer_1_is_refused(tmp_path, declared):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in ((".manifest", b'{"revision": "r", "rego_version": ' + declared.encode() + b"}"), ("x.rego", b"package x\n")):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    source = BundleSource(str(tmp_path / "odd-version.tar.gz"), tmp_path / "bundles")
    with pytest.raises(BundleError) as refused:
        source.unpack_checked(Fetched(buffer.getvalue(), "0" * 64, None))
    assert "rego_version" in refused.value.zh and "rego_version" in refused.value.en
