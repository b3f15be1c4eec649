"""OPA bundles: the archive, its signature, and the bundle the service serves.

What OPA defines (open-policy-agent/opa, docs "Bundles" and v1/bundle):

- a bundle is a gzipped tarball; `.manifest` holds `revision`, `roots`,
  `rego_version` and `metadata`;
- a signed bundle carries `.signatures.json`, `{"signatures": ["<JWT>"]}`,
  exactly one JWS whose payload lists every other file of the bundle as
  `{"name", "hash", "algorithm"}` (names without a leading "/"), with an
  optional `keyid` claim (deprecated: the `kid` header names the key) and `scope`;
- a file's hash is over its bytes, except the structured files (`.manifest`,
  `data.json`, `data.yaml`, `signatures.json`): those are parsed and hashed in a
  canonical form (bundle/hash.go): objects as `{` key `:` value `,` … `}` with the
  keys sorted, arrays as `[` … `]`, scalars as Go's JSON encoder writes them
  (numbers as written in the file, strings without HTML escaping);
- verification: the JWS must verify with the configured key, the listed files
  and the bundle's files must be the same set, and every hash must match;
  a signed bundle without a configured key fails, as does an unsigned one
  when a key is configured.

`BundleSource` is where the service takes its policies from when
GOVSHARE_BUNDLE is set (docs/bundles.md): a file or an http(s) URL polled with
ETag / If-None-Match, verified before anything of it is used.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import io
import json
import logging
import shutil
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, Callable

import jwt
import yaml
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

from engine.models import BEIJING

log = logging.getLogger("govshare.bundle")

MANIFEST = ".manifest"
SIGNATURES = ".signatures.json"
AGGREGATE_BUNDLE_PATH = "govshare/aggregate.rego"
HASH_ALGORITHM = "SHA-256"
# OPA's asymmetric JWS algorithms (its `keys` configuration also takes HS*, a
# shared secret, which a verification key handed to every service must not be).
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
DEFAULT_ALGORITHM = "RS256"  # as `opa sign` / `opa build --signing-key`
_STRUCTURED = {"data.json", "data.yaml", "signatures.json", ".manifest"}  # OPA's IsStructuredDoc, by base name
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024  # compressed, as downloaded
MAX_CONTENT_BYTES = 256 * 1024 * 1024  # all files, uncompressed (a gzip bomb stops here)


class BundleError(Exception):
    """A bundle that cannot be used, with why (Chinese first, then English)."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


# --- hashing, as OPA's bundle/hash.go -------------------------------------------


class _Number(str):
    """A JSON number kept as written: Go decodes bundle JSON with UseNumber and
    writes the literal back when hashing."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _parse_json(content: bytes) -> Any:
    return json.loads(content, parse_int=_Number, parse_float=_Number, parse_constant=_no_constant)


def _encode_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, _Number):
        return str(value)
    if isinstance(value, str):
        # Go's encoder (SetEscapeHTML(false)) writes UTF-8 as is but escapes
        # U+2028 and U+2029; the control characters it escapes as Python does.
        return json.dumps(value, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    if isinstance(value, (int, float)):  # from YAML
        return json.dumps(value)
    raise BundleError(f"无法计算摘要的值：{value!r}", f"cannot hash the value {value!r}")


def _walk(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append("{")
        for i, key in enumerate(sorted(value)):  # code-point order is UTF-8 byte order, as Go sorts
            if i:
                out.append(",")
            out.append(_encode_scalar(key))
            out.append(":")
            _walk(value[key], out)
        out.append("}")
    elif isinstance(value, list):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _walk(item, out)
        out.append("]")
    else:
        out.append(_encode_scalar(value))


def canonical_form(name: str, content: bytes) -> bytes:
    """The bytes OPA hashes for a bundle file."""
    base = PurePosixPath(name).name
    if base not in _STRUCTURED:
        return content
    try:
        if base == "data.yaml":
            value = _parse_json(json.dumps(yaml.safe_load(content)).encode())
        else:
            value = _parse_json(content)
    except (ValueError, yaml.YAMLError) as exc:
        raise BundleError(f"{name} 不是有效的 JSON/YAML：{exc}", f"{name} is not valid JSON/YAML: {exc}") from None
    out: list[str] = []
    _walk(value, out)
    return "".join(out).encode()


def file_hash(name: str, content: bytes) -> str:
    return hashlib.sha256(canonical_form(name, content)).hexdigest()


# --- the archive -----------------------------------------------------------------


def pack(members: dict[str, bytes], mtime: int) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in sorted(members):
            content = members[name]
            info = tarfile.TarInfo(name=name)
            info.size, info.mtime, info.mode = len(content), mtime, 0o644
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


class _Capped(io.RawIOBase):
    """The decompressed archive, refused once more than `limit` bytes came out
    of it: tarfile reads pax and GNU long-name headers whole, before any size
    of a file is seen, so the limit must hold on the stream itself."""

    def __init__(self, inner: Any, limit: int):
        self.inner, self.limit, self.count = inner, limit, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(self.limit + 1 - self.count if size is None or size < 0 else size)
        self.count += len(data)
        if self.count > self.limit:
            raise BundleError("bundle 解压后过大", f"the bundle is larger than {self.limit} bytes unpacked")
        return data


def unpack(archive: bytes) -> dict[str, bytes]:
    """Bundle path → content. Refuses what is not a plain file at a relative
    path inside the bundle (links, devices, "..")."""
    members: dict[str, bytes] = {}
    total = 0
    try:
        # Read as a stream ("r|"), through the cap: headers and padding count too.
        stream = _Capped(gzip.GzipFile(fileobj=io.BytesIO(archive), mode="rb"), MAX_CONTENT_BYTES)
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for info in tar:
                if info.isdir():
                    continue
                name = info.name.lstrip("/")
                while name.startswith("./"):
                    name = name[2:]
                parts = PurePosixPath(name).parts
                if not info.isfile() or not parts or ".." in parts or "\\" in name:
                    raise BundleError(f"bundle 含不允许的条目：{info.name}", f"the bundle holds an entry that is not allowed: {info.name}")
                # "a//b" and "a/./b" are the file "a/b" on disk: one name, so a second copy is refused below
                # rather than silently overwriting the first when unpacked.
                name = "/".join(parts)
                if name in members:
                    raise BundleError(f"bundle 中的文件重复：{name}", f"the bundle holds {name} twice")
                total += info.size
                if total > MAX_CONTENT_BYTES:
                    raise BundleError("bundle 解压后过大", f"the bundle is larger than {MAX_CONTENT_BYTES} bytes unpacked")
                handle = tar.extractfile(info)
                members[name] = handle.read() if handle else b""
    except BundleError:
        raise
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BundleError(f"不是有效的 bundle（gzip 压缩的 tar）：{exc}", f"not a valid bundle (a gzipped tarball): {exc}") from None
    return members


# --- signing and verification ------------------------------------------------------


def _key_algorithms(key: Any) -> tuple[str, ...]:
    if isinstance(key, (rsa.RSAPublicKey, rsa.RSAPrivateKey)):
        return tuple(a for a in ALGORITHMS if a[:2] in ("RS", "PS"))
    if isinstance(key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey)):
        by_curve = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
        return (by_curve[key.curve.name],) if key.curve.name in by_curve else ()
    return ()


def load_signing_key(path: Path) -> Any:
    try:
        return load_pem_private_key(Path(path).read_bytes(), password=None)
    except OSError as exc:
        raise BundleError(f"无法读取签名私钥 {path}：{exc.strerror or exc}", f"cannot read the signing key {path}: {exc.strerror or exc}") from None
    except (ValueError, TypeError) as exc:
        raise BundleError(f"{path} 不是无口令的 PEM 私钥（RSA 或 EC）：{exc}",
                          f"{path} is not an unencrypted PEM private key (RSA or EC): {exc}") from None


def load_verification_key(path: Path) -> Any:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BundleError(f"无法读取验签公钥 {path}：{exc.strerror or exc}",
                          f"cannot read the verification key {path}: {exc.strerror or exc}") from None
    try:
        return load_pem_public_key(data)
    except (ValueError, TypeError):
        pass
    try:  # a private key verifies too (OPA takes one)
        return load_pem_private_key(data, password=None).public_key()
    except (ValueError, TypeError) as exc:
        raise BundleError(f"{path} 不是 PEM 公钥（RSA 或 EC）：{exc}", f"{path} is not a PEM public key (RSA or EC): {exc}") from None


def signatures_file(members: dict[str, bytes], key: Any, algorithm: str = DEFAULT_ALGORITHM,
                    key_id: str | None = None, scope: str | None = None) -> bytes:
    """`.signatures.json` for `members` (every file but itself), as `opa sign` writes it."""
    if algorithm not in ALGORITHMS:
        raise BundleError(f"不支持的签名算法 {algorithm}，可选：{', '.join(ALGORITHMS)}",
                          f"unsupported signing algorithm {algorithm}; choose one of {', '.join(ALGORITHMS)}")
    if algorithm not in _key_algorithms(key):
        raise BundleError(f"签名算法 {algorithm} 与私钥类型不符（该私钥可用：{', '.join(_key_algorithms(key)) or '无'}）",
                          f"the signing algorithm {algorithm} does not fit the key (this key takes: {', '.join(_key_algorithms(key)) or 'none'})")
    payload: dict[str, Any] = {"files": [{"name": name, "hash": file_hash(name, content), "algorithm": HASH_ALGORITHM}
                                         for name, content in sorted(members.items()) if name != SIGNATURES]}
    if key_id:
        payload["keyid"] = key_id  # the deprecated claim, which OPA still writes beside the kid header
    if scope:
        payload["scope"] = scope
    token = jwt.encode(payload, key, algorithm=algorithm, headers={"kid": key_id} if key_id else None)
    return json.dumps({"signatures": [token]}, indent=1).encode()


@dataclass
class Verified:
    files: int
    key_id: str | None
    algorithm: str


def verify(members: dict[str, bytes], key: Any, key_id: str | None = None, scope: str | None = None) -> Verified:
    """Check `.signatures.json` against `key` and every file against its hash;
    raise BundleError naming the first problem."""
    raw = members.get(SIGNATURES)
    if raw is None:
        raise BundleError("bundle 未签名（没有 .signatures.json），而已配置验签公钥", "the bundle is not signed (no .signatures.json) and a verification key is configured")
    try:
        document = json.loads(raw)
        tokens = document["signatures"]
        if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
            raise TypeError("signatures must be a list of strings")
    except (ValueError, KeyError, TypeError):
        raise BundleError(".signatures.json 格式不对：应为 {\"signatures\": [\"<JWT>\"]}",
                          '.signatures.json is malformed: expected {"signatures": ["<JWT>"]}') from None
    if len(tokens) != 1:
        raise BundleError(f".signatures.json 应恰有一个 JWT，实有 {len(tokens)} 个", f".signatures.json must hold exactly one JWT, not {len(tokens)}")
    token = tokens[0]
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise BundleError(f"签名不是有效的 JWT：{exc}", f"the signature is not a valid JWT: {exc}") from None
    algorithms = _key_algorithms(key)
    if header.get("alg") not in algorithms:
        raise BundleError(f"签名算法 {header.get('alg')} 与所配置的公钥不符（可用：{', '.join(algorithms) or '无'}）：签名所用的不是这把密钥",
                          f"the signature's algorithm {header.get('alg')} does not fit the configured key (it takes: {', '.join(algorithms) or 'none'}): not signed with this key")
    try:
        payload = jwt.decode(token, key, algorithms=list(algorithms), options={"verify_aud": False, "verify_iat": False})
    except jwt.InvalidSignatureError:
        raise BundleError("签名验证失败：签名有误，或不是用所配置公钥对应的私钥签的", "bad signature: it is wrong, or not made with the key that belongs to the configured public key") from None
    except jwt.PyJWTError as exc:
        raise BundleError(f"签名无法验证：{exc}", f"the signature cannot be verified: {exc}") from None
    signed_key = header.get("kid") or payload.get("keyid")
    if key_id and signed_key and signed_key != key_id:
        raise BundleError(f"bundle 由密钥 {signed_key} 签名，而所配置的是 {key_id}", f"the bundle is signed by key {signed_key}, not the configured {key_id}")
    if (payload.get("scope") or None) != (scope or None):
        raise BundleError(f"签名的 scope（{payload.get('scope')}）与所配置的（{scope}）不同", f"the signature's scope ({payload.get('scope')}) is not the configured one ({scope})")
    listed: dict[str, dict[str, Any]] = {}
    for entry in payload.get("files") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise BundleError("签名中的文件列表格式不对", "the signature's list of files is malformed")
        listed[entry["name"].lstrip("/")] = entry
    present = {name for name in members if name != SIGNATURES}
    extra = sorted(present - set(listed))
    if extra:
        raise BundleError(f"bundle 中的文件未被签名覆盖：{', '.join(extra)}", f"files in the bundle that the signature does not cover: {', '.join(extra)}")
    missing = sorted(set(listed) - present)
    if missing:
        raise BundleError(f"签名列出的文件不在 bundle 中：{', '.join(missing)}", f"files the signature lists are missing from the bundle: {', '.join(missing)}")
    for name in sorted(present):
        entry = listed[name]
        if entry.get("algorithm") != HASH_ALGORITHM:
            raise BundleError(f"{name} 的摘要算法 {entry.get('algorithm')} 不受支持（应为 SHA-256）",
                              f"{name}: hash algorithm {entry.get('algorithm')} is not supported (SHA-256 is)")
        if file_hash(name, members[name]) != str(entry.get("hash", "")).lower():
            raise BundleError(f"{name} 的内容与签名不符（被篡改或损坏）", f"{name} does not match its signed hash (altered or damaged)")
    return Verified(len(present), signed_key, header["alg"])


def read_manifest(members: dict[str, bytes]) -> dict[str, Any]:
    raw = members.get(MANIFEST)
    if raw is None:
        return {}
    try:
        manifest = json.loads(raw)
    except ValueError as exc:
        raise BundleError(f".manifest 不是有效的 JSON：{exc}", f".manifest is not valid JSON: {exc}") from None
    if not isinstance(manifest, dict):
        raise BundleError(".manifest 应为 JSON 对象", ".manifest must be a JSON object")
    return manifest


# --- the service's bundle ------------------------------------------------------------

# The files govshare takes from a bundle: the policies and the data files that
# ship with them (the working-day calendar data/calendar/*.json, the statutory
# parameters data/parameters/*.yaml), at the paths they have under policies/.
# OPA loads only files named data.json / data.yaml as data and ignores these
# (it still checks their hashes). `data.json` itself (catalogue, grants, …) is
# left alone: govshare's own store is the source of truth for those.
POLICY_DATA_SUFFIXES = (".json", ".yaml", ".yml")


def policy_files(members: dict[str, bytes]) -> dict[str, bytes]:
    found = {}
    for name, content in members.items():
        if name == AGGREGATE_BUNDLE_PATH:
            continue  # generated from the rules again on load
        base = PurePosixPath(name).name
        if base.startswith("."):
            continue  # .manifest, .signatures.json: the bundle's own
        if name.endswith(".rego") or (name.endswith(POLICY_DATA_SUFFIXES) and base not in _STRUCTURED
                                      and base not in ("data.yml", "patch.json")):
            found[name] = content
    return found


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


@dataclass
class Fetched:
    archive: bytes
    digest: str
    etag: str | None


@dataclass
class BundleSource:
    """GOVSHARE_BUNDLE: a bundle file or URL, verified with
    GOVSHARE_BUNDLE_VERIFICATION_KEY when set, unpacked under `unpack_root`."""

    location: str
    unpack_root: Path
    verification_key: Path | None = None
    key_id: str | None = None
    poll_seconds: float = 10.0
    timeout: float = 10.0
    etag: str | None = None  # of the last bundle accepted (sent as If-None-Match, as OPA does)
    revision: str | None = None  # the accepted bundle's manifest revision
    last_error: dict[str, Any] | None = None  # the last download that failed
    last_downloaded: datetime | None = None
    _seen: str | None = field(default=None, repr=False)  # digest of the last archive checked (accepted or refused)
    _live: str | None = field(default=None, repr=False)  # the unpacked directory of the bundle serving
    _pending: str | None = field(default=None, repr=False)  # that of a bundle accepted, not yet swapped in

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "bundle",
            "location": self.location,
            "signed": self.verification_key is not None,
            "poll_seconds": self.poll_seconds,
            "etag": self.etag,
            "bundle_revision": self.revision,
            "last_downloaded": self.last_downloaded.isoformat() if self.last_downloaded else None,
            "last_error": self.last_error,
        }

    def fetch(self, conditional: bool = True) -> Fetched | None:
        """The bundle's bytes; None when unchanged (304, or the same bytes as
        the last one checked). Raises BundleError when it cannot be had."""
        try:
            if is_url(self.location):
                fetched = self._download(conditional)
            else:
                try:
                    data = Path(self.location).read_bytes()
                except OSError as exc:
                    raise BundleError(f"无法读取 bundle 文件 {self.location}：{exc.strerror or exc}",
                                      f"cannot read the bundle file {self.location}: {exc.strerror or exc}") from None
                fetched = Fetched(data, hashlib.sha256(data).hexdigest(), None)
        except BundleError as exc:
            self.last_error = {"at": datetime.now(BEIJING).isoformat(), "zh": exc.zh, "en": exc.en, "text": str(exc)}
            raise
        self.last_error = None
        if fetched is None or (conditional and fetched.digest == self._seen):
            return None
        self.last_downloaded = datetime.now(BEIJING)
        return fetched

    def _download(self, conditional: bool) -> Fetched | None:
        request = urllib.request.Request(self.location, headers={"Accept": "application/gzip"})
        if conditional and self.etag:
            request.add_header("If-None-Match", self.etag)
        asked_if_changed = request.has_header("If-none-match")  # urllib keeps header names capitalize()d
        # The socket timeout bounds each read; the deadline bounds the whole
        # download, so a server that trickles bytes cannot hold the watcher (or the start) forever.
        deadline = time.monotonic() + self.timeout
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                chunks, size = [], 0
                while size <= MAX_ARCHIVE_BYTES:
                    if time.monotonic() > deadline:
                        raise BundleError(f"下载 bundle 超时：{self.location} 在 {self.timeout} 秒内未传完",
                                          f"downloading the bundle timed out: {self.location} did not send it within {self.timeout} s")
                    chunk = response.read1(64 * 1024)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                data = b"".join(chunks)
                etag = response.headers.get("ETag")
        except urllib.error.HTTPError as exc:
            if exc.code == 304 and asked_if_changed:
                return None
            raise BundleError(f"下载 bundle 失败：{self.location} 答复 HTTP {exc.code}"
                              + ("（未发送 If-None-Match 却答复 304）" if exc.code == 304 else ""),
                              f"downloading the bundle failed: {self.location} answered HTTP {exc.code}"
                              + (" (304 to a request without If-None-Match)" if exc.code == 304 else "")) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            # HTTPException: a reply that is not HTTP, or a body cut short (not OSErrors)
            reason = getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"
            if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
                raise BundleError(f"下载 bundle 超时：{self.location}（{self.timeout} 秒）",
                                  f"downloading the bundle timed out: {self.location} ({self.timeout} s)") from None
            raise BundleError(f"无法下载 bundle {self.location}：{reason}", f"cannot download the bundle {self.location}: {reason}") from None
        if len(data) > MAX_ARCHIVE_BYTES:
            raise BundleError("bundle 过大", f"the bundle is larger than {MAX_ARCHIVE_BYTES} bytes")
        return Fetched(data, hashlib.sha256(data).hexdigest(), etag)

    def unpack_checked(self, fetched: Fetched) -> tuple[Path, dict[str, Any]]:
        """Verify the bundle (before anything of it is used) and write its
        policy files to a directory of their own; (that directory, manifest)."""
        self._seen = fetched.digest  # a bundle refused for what it is, is not checked again until it changes
        members = unpack(fetched.archive)
        if self.verification_key is not None:
            try:
                key = load_verification_key(self.verification_key)
            except BundleError:
                self._seen = None  # our key, not the bundle: the same bundle is tried again on the next poll
                raise
            verify(members, key, self.key_id)
        elif SIGNATURES in members:
            # OPA's rule: a signature that nothing checks is refused, not ignored.
            raise BundleError("bundle 已签名，但未配置验签公钥（GOVSHARE_BUNDLE_VERIFICATION_KEY），无法核验",
                              "the bundle is signed but no verification key is configured (GOVSHARE_BUNDLE_VERIFICATION_KEY), so it cannot be checked")
        manifest = read_manifest(members)
        declared = manifest.get("rego_version", 1)
        if type(declared) is not int or declared != 1:  # not True, 1.0 or "1", which Python would let pass as 1
            raise BundleError(f".manifest 的 rego_version 为 {manifest.get('rego_version')}：govshare 只运行 Rego v1（rego_version 1）",
                              f".manifest has rego_version {manifest.get('rego_version')}: govshare runs Rego v1 only (rego_version 1)")
        files = policy_files(members)
        if not any(name.endswith(".rego") for name in files):
            raise BundleError("bundle 中没有策略文件（.rego）", "the bundle holds no policy (.rego) files")
        target = self.unpack_root / fetched.digest[:20]
        # A directory left from before is used only when it holds exactly the
        # verified files: a prune cut short (or a hand on the disk) can leave one half there.
        if not _holds_exactly(target, files):
            staging: Path | None = None
            try:
                self.unpack_root.mkdir(parents=True, exist_ok=True)
                staging = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=self.unpack_root))
                for name, content in files.items():
                    path = staging / name
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(content)
                if target.exists():
                    _discard(target)
                try:
                    staging.rename(target)
                    staging = None
                except OSError:  # another process unpacked the same bundle meanwhile
                    if not _holds_exactly(target, files):
                        raise
            except OSError as exc:
                if not isinstance(exc, (FileExistsError, NotADirectoryError, IsADirectoryError)):
                    self._seen = None  # our disk (full, read-only), not the bundle: tried again on the next poll
                raise BundleError(f"无法将 bundle 的文件写入 {self.unpack_root}：{exc.strerror or exc}（{getattr(exc, 'filename', '') or ''}）",
                                  f"cannot write the bundle's files under {self.unpack_root}: {exc.strerror or exc}"
                                  f" ({getattr(exc, 'filename', '') or ''})") from None
            finally:
                if staging is not None:
                    shutil.rmtree(staging, ignore_errors=True)
        self._prune(keep={target.name} | {d for d in (self._live, self._pending) if d})
        return target, manifest

    def accepted(self, fetched: Fetched, manifest: dict[str, Any], directory: Path) -> Callable[[], None]:
        """The bundle passed every check: its ETag is sent from now on (it is not
        downloaded again), and the returned step, run once its policies are live,
        records its revision and keeps its directory. Until then the status names
        the revision still serving, and a failed swap leaves it so."""
        self.etag = fetched.etag
        self._pending = directory.name

        def activated() -> None:
            self.revision = str(manifest.get("revision")) if manifest.get("revision") is not None else None
            self._live = directory.name
            self._pending = None

        return activated

    def _prune(self, keep: set[str], newest: int = 3) -> None:
        """Drop all but the newest few unpacked bundles (the live one among them)."""
        try:
            found = sorted((p for p in self.unpack_root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                           key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return
        for path in found[newest:]:
            if path.name not in keep:
                _discard(path)


def _discard(path: Path) -> None:
    """Remove an unpacked bundle: renamed away first (one step), so that no
    half-removed directory is ever found under its own name."""
    away = path.with_name(f".discarding-{path.name}-{time.monotonic_ns()}")
    try:
        path.rename(away)
    except OSError:
        return
    shutil.rmtree(away, ignore_errors=True)


def _holds_exactly(directory: Path, files: dict[str, bytes]) -> bool:
    if not directory.is_dir():
        return False
    try:
        found = {p.relative_to(directory).as_posix() for p in directory.rglob("*") if not p.is_dir()}
        return found == set(files) and all((directory / name).read_bytes() == content for name, content in files.items())
    except OSError:
        return False


def bundle_source_of(settings: Any) -> BundleSource | None:
    """The bundle source GOVSHARE_BUNDLE* configure (adapters.service.Settings), or None."""
    if not settings.bundle:
        return None
    return BundleSource(settings.bundle.strip(), Path(settings.data_dir) / "bundles", settings.bundle_verification_key,
                        settings.bundle_key_id, max(settings.bundle_poll_seconds, 0.05))


def load_from(source: BundleSource, fetched: Fetched, backend: Any) -> tuple[Any, dict[str, Any], Path]:
    """Verify, unpack and load a fetched bundle: (PolicySet, manifest, its
    directory). Raises BundleError, or PolicyError for policies that do not load."""
    from engine.policyset import load_policy_set

    directory, manifest = source.unpack_checked(fetched)
    return load_policy_set(directory, backend), manifest, directory


def first_load(source: BundleSource, backend: Any) -> Any:
    """The policies of the configured bundle at start-up. A bundle that cannot
    be had, verified or loaded stops the start: the service never runs on
    nothing, nor silently on the packaged policies."""
    from engine.errors import PolicyError

    from .service import SettingsError

    def refuse(zh: str, en: str) -> SettingsError:
        return SettingsError(f"无法从 GOVSHARE_BUNDLE（{source.location}）加载策略，服务不启动：{zh}"
                             f" / cannot load the policies from GOVSHARE_BUNDLE ({source.location}), so the service does not start: {en}")

    try:
        fetched = source.fetch(conditional=False)
        assert fetched is not None  # an unconditional fetch always answers
        policies, manifest, directory = load_from(source, fetched, backend)
    except BundleError as exc:
        raise refuse(exc.zh, exc.en) from None
    except PolicyError as exc:
        first = "; ".join(str(p) for p in exc.problems[:3])
        raise refuse(f"其中的策略无法加载：{first}", f"its policies do not load: {first}") from None
    source.accepted(fetched, manifest, directory)()  # live at once: nothing served before it
    log.info("serving bundle %s (revision %s, policy revision %s)", source.location, source.revision, policies.revision)
    return policies
