"""`govshare bundle` as OPA defines bundles: no tests inside, `rego_version`,
`.signatures.json` (one JWT over every file's SHA-256), `govshare bundle
verify`, and a service that serves and hot-reloads its policies from a bundle
URL (ETag / If-None-Match), verifying it before use and keeping the last good
policies when a bundle is bad."""

from __future__ import annotations

import gc
import hashlib
import io
import json
import shutil
import tarfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from adapters.cli import app as cli
from adapters.http.app import create_app
from adapters.service import SettingsError, build_service
from tests.conftest import ADMIN, POLICY_DIR, THIRD_PARTY_TRANSFER, make_settings, wait_for

THIRD_PARTY_RULE = "gdsr/sharing/third_party/third_party.rego"
TAMPERED = "lib/state/state.rego"


# --- helpers -------------------------------------------------------------------


def write_key_pair(directory: Path, name: str, private) -> tuple[Path, Path]:
    private_path, public_path = directory / f"{name}.pem", directory / f"{name}.pub.pem"
    private_path.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
    public_path.write_bytes(private.public_key().public_bytes(serialization.Encoding.PEM,
                                                              serialization.PublicFormat.SubjectPublicKeyInfo))
    return private_path, public_path


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    directory = tmp_path_factory.mktemp("keys")
    return {
        "rsa": write_key_pair(directory, "rsa", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        "other": write_key_pair(directory, "other", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        "ec": write_key_pair(directory, "ec", ec.generate_private_key(ec.SECP256R1())),
    }


def build(tmp: Path, policies: Path, *options: str) -> Path:
    """`govshare bundle -o …` on `policies`; the bundle's path."""
    out = tmp / f"bundle-{len(list(tmp.glob('bundle-*')))}.tar.gz"
    result = CliRunner().invoke(cli, ["bundle", "-o", str(out), "--policies", str(policies), *options],
                                env={"GOVSHARE_DATA_DIR": str(tmp / "cli-data")})
    assert result.exit_code == 0, result.output
    return out


def members_of(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def repack(members: dict[str, bytes], out: Path) -> Path:
    with tarfile.open(out, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return out


def verify(bundle: Path, public_key: Path, *options: str):
    return CliRunner().invoke(cli, ["bundle", "verify", str(bundle), "--verification-key", str(public_key), "--lang", "en", *options])


@pytest.fixture(scope="module")
def signed(tmp_path_factory, keys) -> Path:
    return build(tmp_path_factory.mktemp("signed"), POLICY_DIR, "--signing-key", str(keys["rsa"][0]), "--key-id", "govshare-2026")


# --- the bundle ------------------------------------------------------------------


def test_the_bundle_carries_no_tests_and_declares_rego_v1(tmp_path):
    members = members_of(build(tmp_path, POLICY_DIR))
    assert not [name for name in members if name.endswith("_test.rego")]
    assert ".signatures.json" not in members  # unsigned unless asked
    manifest = json.loads(members[".manifest"])
    assert manifest["rego_version"] == 1
    # the rules, and the policies' own data (calendar, parameters) at their paths
    rules = {p.relative_to(POLICY_DIR).as_posix() for p in POLICY_DIR.rglob("*.rego") if not p.name.endswith("_test.rego")}
    assert rules <= set(members)
    assert {p.relative_to(POLICY_DIR).as_posix() for p in (POLICY_DIR / "data").rglob("*.*")} <= set(members)


def test_the_signature_is_one_jwt_over_every_files_sha256(signed, keys):
    members = members_of(signed)
    document = json.loads(members[".signatures.json"])
    assert list(document) == ["signatures"] and len(document["signatures"]) == 1
    token = document["signatures"][0]
    assert jwt.get_unverified_header(token)["kid"] == "govshare-2026"
    payload = jwt.decode(token, keys["rsa"][1].read_bytes(), algorithms=["RS256"])
    files = {f["name"]: f for f in payload["files"]}
    assert set(files) == set(members) - {".signatures.json"}
    assert {f["algorithm"] for f in files.values()} == {"SHA-256"}
    # a policy file is hashed as its bytes
    assert files[THIRD_PARTY_RULE]["hash"] == hashlib.sha256(members[THIRD_PARTY_RULE]).hexdigest()


def test_verify_accepts_the_signed_bundle(signed, keys):
    result = verify(signed, keys["rsa"][1], "--key-id", "govshare-2026")
    assert result.exit_code == 0, result.output
    assert "Signature valid" in result.output


def test_json_files_are_hashed_in_opas_canonical_form(signed, keys, tmp_path):
    """Reformatting data.json and .manifest (whitespace, key order) keeps the
    signature valid: OPA hashes structured files, not their bytes."""
    members = members_of(signed)
    for name in ("data.json", ".manifest"):
        value = json.loads(members[name])
        members[name] = json.dumps(dict(reversed(list(value.items()))), indent=7, ensure_ascii=False).encode()
    result = verify(repack(members, tmp_path / "reformatted.tar.gz"), keys["rsa"][1])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("change, message", [
    (lambda m: m.__setitem__(THIRD_PARTY_RULE, m[THIRD_PARTY_RULE] + b"\n# altered\n"), "does not match its signed hash"),
    (lambda m: m.__setitem__("gdsr/extra.rego", b"package gdsr.extra\n"), "the signature does not cover: gdsr/extra.rego"),
    (lambda m: m.pop(THIRD_PARTY_RULE), f"missing from the bundle: {THIRD_PARTY_RULE}"),
    (lambda m: m.pop(".signatures.json"), "not signed"),
])
def test_verify_refuses_a_bundle_that_is_not_as_signed(signed, keys, tmp_path, change, message):
    members = members_of(signed)
    change(members)
    result = verify(repack(members, tmp_path / "changed.tar.gz"), keys["rsa"][1])
    assert result.exit_code == 1
    assert message in result.output
    assert "bundle 核验失败" not in result.output and "Bundle verification failed" in result.output
    assert " / " in result.output  # the reason in Chinese, then English


def test_verify_refuses_a_wrong_key_or_key_id(signed, keys):
    wrong_key = verify(signed, keys["other"][1])
    assert wrong_key.exit_code == 1 and "bad signature" in wrong_key.output
    wrong_id = verify(signed, keys["rsa"][1], "--key-id", "someone-else")
    assert wrong_id.exit_code == 1 and "signed by key govshare-2026, not the configured someone-else" in wrong_id.output


def test_es256_signs_and_a_key_of_another_kind_is_refused(tmp_path, keys):
    bundle = build(tmp_path, POLICY_DIR, "--signing-key", str(keys["ec"][0]), "--signing-alg", "ES256")
    assert verify(bundle, keys["ec"][1]).exit_code == 0
    result = verify(bundle, keys["rsa"][1])
    assert result.exit_code == 1 and "does not fit the configured key" in result.output
    refused = CliRunner().invoke(cli, ["bundle", "-o", str(tmp_path / "x.tar.gz"), "--signing-key", str(keys["ec"][0]),
                                       "--signing-alg", "RS256", "--lang", "en"], env={"GOVSHARE_DATA_DIR": str(tmp_path / "d")})
    assert refused.exit_code != 0 and "does not fit the key" in refused.output
    assert not (tmp_path / "x.tar.gz").exists()


# --- serving from a bundle URL -------------------------------------------------------


class BundleServer:
    """A bundle service on 127.0.0.1: the current bundle with its ETag, 304 to
    a matching If-None-Match, or a failure status."""

    def __init__(self):
        self.body, self.etag, self.fail = b"", '"0"', 0
        self.not_modified = 0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with server.lock:
                    body, etag, fail = server.body, server.etag, server.fail
                    if not fail and self.headers.get("If-None-Match") == etag:
                        server.not_modified += 1
                if fail:
                    self.send_response(fail)
                    self.end_headers()
                elif self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                else:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/gzip")
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/bundles/govshare.tar.gz"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def serve(self, bundle: Path | bytes, etag: str) -> None:
        with self.lock:
            self.body = bundle if isinstance(bundle, bytes) else bundle.read_bytes()
            self.etag, self.fail = etag, 0

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def bundle_server():
    server = BundleServer()
    yield server
    server.close()


def manifest_revision(bundle: Path) -> str:
    return json.loads(members_of(bundle)[".manifest"])["revision"]


def use_bundle(monkeypatch, url: str, key: Path | None) -> None:
    monkeypatch.setenv("GOVSHARE_BUNDLE", url)
    if key is not None:
        monkeypatch.setenv("GOVSHARE_BUNDLE_VERIFICATION_KEY", str(key))
    monkeypatch.setenv("GOVSHARE_BUNDLE_POLL_SECONDS", "0.1")
    monkeypatch.setenv("GOVSHARE_RELOAD", "1")


def test_the_service_serves_and_hot_reloads_a_signed_bundle_url(tmp_path, monkeypatch, keys, signed, bundle_server):
    gc.collect()  # earlier tests' engines end on this thread, not on the watcher's
    sign = ("--signing-key", str(keys["rsa"][0]), "--key-id", "govshare-2026")
    bundle_server.serve(signed, '"r1"')
    use_bundle(monkeypatch, bundle_server.url, keys["rsa"][1])
    service = build_service(make_settings(tmp_path / "data"))
    app = create_app(service)
    with TestClient(app, headers=ADMIN) as client:
        # first load: the bundle's policies, from the URL
        first = client.get("/v1/status").json()
        assert first["policy_revision"] == manifest_revision(signed)
        source = first["reload"]["source"]
        assert source["kind"] == "bundle" and source["location"] == bundle_server.url and source["etag"] == '"r1"'
        decision = client.post("/v1/decisions", params={"dry_run": "true"}, json=THIRD_PARTY_TRANSFER).json()
        assert decision["policy_revision"] == first["policy_revision"]
        assert "GDSR-25-THIRD-PARTY" in {v["code"] for v in decision["violations"]}

        # unchanged: the service asks with If-None-Match and gets 304
        seen = bundle_server.not_modified
        while bundle_server.not_modified < seen + 2:
            time.sleep(0.05)
        unchanged = client.get("/v1/status").json()
        assert unchanged["policy_revision"] == first["policy_revision"] and unchanged["reload"]["swaps"] == 0

        # a new revision (a rule retired) is verified, checked and swapped in
        policies = tmp_path / "policies"
        shutil.copytree(POLICY_DIR, policies)
        rule = policies / THIRD_PARTY_RULE
        rule.write_text(rule.read_text(encoding="utf-8").replace(
            "#   effective_from: 2025-08-01\n", "#   effective_from: 2025-08-01\n#   effective_to: 2026-01-01\n"), encoding="utf-8")
        second_bundle = build(tmp_path, policies, *sign)
        bundle_server.serve(second_bundle, '"r2"')
        second = wait_for(client, lambda s: s["policy_revision"] == manifest_revision(second_bundle))
        assert second["reload"]["swaps"] == 1 and second["reload"]["source"]["etag"] == '"r2"'
        decision = client.post("/v1/decisions", params={"dry_run": "true"}, json=THIRD_PARTY_TRANSFER).json()
        assert decision["policy_revision"] == second["policy_revision"]
        assert "GDSR-25-THIRD-PARTY" not in {v["code"] for v in decision["violations"]}

        # a tampered bundle (a file changed after signing) is refused; the last good keeps serving
        members = members_of(second_bundle)
        members[TAMPERED] = members[TAMPERED] + b"\n# tampered\n"
        bundle_server.serve(repack(members, tmp_path / "tampered.tar.gz"), '"r3"')
        refused = wait_for(client, lambda s: s["last_refused"] is not None)
        assert f"{TAMPERED} does not match its signed hash" in refused["last_refused"]["errors"][0]["message"]
        assert refused["policy_revision"] == second["policy_revision"] and refused["reload"]["swaps"] == 1
        assert client.get("/health").json()["policy_revision"] == second["policy_revision"]

        # an unsigned bundle is refused while a verification key is configured
        unsigned = build(tmp_path, POLICY_DIR)
        bundle_server.serve(unsigned, '"r4"')
        refused = wait_for(client, lambda s: "not signed" in s["last_refused"]["errors"][0]["message"])
        assert refused["policy_revision"] == second["policy_revision"]

        # a download that fails changes nothing and shows in the status
        with bundle_server.lock:
            bundle_server.fail = 503
        failing = wait_for(client, lambda s: s["reload"]["source"]["last_error"] is not None)
        assert "HTTP 503" in failing["reload"]["source"]["last_error"]["en"]
        assert failing["policy_revision"] == second["policy_revision"]
        decision = client.post("/v1/decisions", params={"dry_run": "true"}, json=THIRD_PARTY_TRANSFER).json()
        assert decision["policy_revision"] == second["policy_revision"]


def test_a_bundle_that_removes_a_rule_in_force_is_refused_like_a_directory_change(tmp_path, monkeypatch, bundle_server):
    """The reload checks (coverage losses, failing tests) apply to bundles too."""
    gc.collect()
    bundle_server.serve(build(tmp_path, POLICY_DIR), '"a"')
    use_bundle(monkeypatch, bundle_server.url, None)
    app = create_app(build_service(make_settings(tmp_path / "data")))
    with TestClient(app, headers=ADMIN) as client:
        first = client.get("/v1/status").json()
        policies = tmp_path / "policies"
        shutil.copytree(POLICY_DIR, policies)
        shutil.rmtree(policies / Path(THIRD_PARTY_RULE).parent)
        bundle_server.serve(build(tmp_path, policies), '"b"')
        refused = wait_for(client, lambda s: s["last_refused"] is not None)
        assert refused["policy_revision"] == first["policy_revision"]
        assert any("gdsr.sharing.third_party" in e["message"] for e in refused["last_refused"]["errors"])
        assert refused["last_refused"]["coverage"]["rules"]


@pytest.mark.parametrize("case", ["unsigned", "unreachable", "wrong-key"])
def test_a_configured_bundle_that_cannot_be_loaded_stops_the_start(tmp_path, monkeypatch, keys, signed, bundle_server, case):
    key = keys["rsa"][1]
    if case == "unsigned":
        bundle_server.serve(build(tmp_path, POLICY_DIR), '"u"')
        expected = "is not signed"
    elif case == "unreachable":
        bundle_server.fail = 404
        expected = "HTTP 404"
    else:
        bundle_server.serve(signed, '"w"')
        key = keys["other"][1]
        expected = "bad signature"
    use_bundle(monkeypatch, bundle_server.url, key)
    with pytest.raises(SettingsError) as refused:
        build_service(make_settings(tmp_path / "data"))
    message = str(refused.value)
    assert "服务不启动" in message and "so the service does not start" in message and expected in message


def test_a_bundle_whose_swap_fails_leaves_the_status_on_the_revision_still_serving(tmp_path, monkeypatch, keys, signed, bundle_server):
    """The status names the bundle revision that serves: one accepted but not
    swapped in (its engine would not build) is not reported as live."""
    import adapters.reload as reload_module

    gc.collect()
    sign = ("--signing-key", str(keys["rsa"][0]), "--key-id", "govshare-2026")
    bundle_server.serve(signed, '"r1"')
    use_bundle(monkeypatch, bundle_server.url, keys["rsa"][1])
    app = create_app(build_service(make_settings(tmp_path / "data")))
    with TestClient(app, headers=ADMIN) as client:
        first = client.get("/v1/status").json()
        first_bundle = first["reload"]["source"]["bundle_revision"]
        assert first_bundle == manifest_revision(signed)

        def engine_that_will_not_build(*args, **kwargs):
            raise RuntimeError("the data no longer loads")

        monkeypatch.setattr(reload_module, "DecisionEngine", engine_that_will_not_build)
        policies = tmp_path / "policies"
        shutil.copytree(POLICY_DIR, policies)
        rule = policies / THIRD_PARTY_RULE
        rule.write_text(rule.read_text(encoding="utf-8").replace(
            "#   effective_from: 2025-08-01\n", "#   effective_from: 2025-08-01\n#   effective_to: 2026-01-01\n"), encoding="utf-8")
        second = build(tmp_path, policies, *sign)
        bundle_server.serve(second, '"r2"')
        wait_for(client, lambda s: s["reload"]["source"]["etag"] == '"r2"')
        refused = wait_for(client, lambda s: s["last_refused"] is not None)  # each request tries the swap
        message = refused["last_refused"]["errors"][0]["message"]
        assert "无法加载" in message and "cannot load with the current data" in message
        assert refused["policy_revision"] == first["policy_revision"]
        assert refused["reload"]["source"]["bundle_revision"] == first_bundle != manifest_revision(second)
