"""Ed25519 keys for the ledger's checkpoints (engine/checkpoints.py's signer
port), with the `cryptography` package.

The private key is a PEM file (PKCS #8, unencrypted: the service signs
unattended) readable by its owner only; it is created on first start. The
public key is what an auditor keeps to verify checkpoints elsewhere.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE = "ledger-signing-key.pem"


class KeyFileError(ValueError):
    """A key file that cannot be read or is not an Ed25519 key."""


def _key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


class Ed25519Verifier:
    def __init__(self, public: Ed25519PublicKey):
        self._public = public
        self.key_id = _key_id(public)

    @classmethod
    def from_pem(cls, data: bytes, source: str = "public key") -> Ed25519Verifier:
        try:
            public = serialization.load_pem_public_key(data)
        except ValueError:
            raise KeyFileError(f"{source}：不是 PEM 格式的公钥 / not a PEM public key") from None
        if not isinstance(public, Ed25519PublicKey):
            raise KeyFileError(f"{source}：不是 Ed25519 公钥 / not an Ed25519 public key")
        return cls(public)

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            self._public.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def public_pem(self) -> str:
        return self._public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


class Ed25519Signer:
    def __init__(self, private: Ed25519PrivateKey):
        self._private = private
        self.verifier = Ed25519Verifier(private.public_key())
        self.key_id = self.verifier.key_id

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    def public_pem(self) -> str:
        return self.verifier.public_pem()


def read_signer(path: Path) -> Ed25519Signer | None:
    """The key at `path`, or None when there is no file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KeyFileError(f"{path}：无法读取签名密钥 / cannot read the signing key ({exc.strerror or exc})") from None
    try:
        private = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise KeyFileError(f"{path}：不是未加密的 PEM 私钥 / not an unencrypted PEM private key") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise KeyFileError(f"{path}：不是 Ed25519 私钥 / not an Ed25519 private key")
    return Ed25519Signer(private)


def load_or_create_signer(path: Path) -> Ed25519Signer:
    """The key at `path`; a new one written there (mode 0600) if there is none.
    Written to a temporary file and linked into place, so a second process
    starting at the same moment never reads a half-written key: it loses the
    race and uses the first one's."""
    signer = read_signer(path)
    if signer is not None:
        return signer
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)  # whatever the umask
            os.write(fd, pem)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as exc:
        raise KeyFileError(f"{path}：无法创建签名密钥 / cannot create the signing key ({exc.strerror or exc})") from None
    signer = read_signer(path)
    assert signer is not None
    return signer
