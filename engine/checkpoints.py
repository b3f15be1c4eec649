"""Signed checkpoints of the ledger's head.

The hash chain proves the order of the entries it holds, not that it still
holds all of them: cut off the newest entries and what is left is a valid,
shorter chain. A checkpoint is a signed statement "the ledger reached entry
`seq`, whose hash was `head_hash`, at `at`". Checked against a checkpoint, a
ledger that now ends before `seq`, or holds another entry there, was cut or
rewritten. Checkpoints are written every N entries or T seconds; one exported
and kept off the machine also survives someone who can delete stored ones.

Pure logic over a small signer port; the keys (Ed25519) live in the adapters.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Protocol

import orjson

from .ledger import ChainBreak, LedgerEntry, verify_chain

FORMAT = "govshare-ledger-checkpoint/1"


class Signer(Protocol):
    key_id: str

    def sign(self, message: bytes) -> bytes: ...


class Verifier(Protocol):
    key_id: str

    def verify(self, signature: bytes, message: bytes) -> bool: ...


class CheckpointFormatError(ValueError):
    """A checkpoint document that is not one (exported file edited or truncated)."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(f"{zh} / {en}")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head_hash: str
    at: str  # RFC 3339, UTC: when it was signed
    key_id: str  # fingerprint of the signing key, to tell keys apart in messages
    signature: str  # base64 of the signature over message()

    def signed_content(self) -> dict[str, Any]:
        return {"format": FORMAT, "seq": self.seq, "head_hash": self.head_hash, "at": self.at, "key_id": self.key_id}

    def message(self) -> bytes:
        """The canonical serialisation that is signed: JSON, sorted keys, no whitespace."""
        return orjson.dumps(self.signed_content(), option=orjson.OPT_SORT_KEYS)

    def to_json(self) -> dict[str, Any]:
        return {**self.signed_content(), "signature": self.signature}

    @classmethod
    def from_json(cls, document: Any) -> Checkpoint:
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise CheckpointFormatError(f"不是台账检查点（format 应为 {FORMAT}）", f"not a ledger checkpoint (format must be {FORMAT})")
        fields = {"seq": int, "head_hash": str, "at": str, "key_id": str, "signature": str}
        for name, kind in fields.items():
            value = document.get(name)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise CheckpointFormatError(f"检查点缺少字段 {name} 或其类型不对", f"the checkpoint's field {name} is missing or of the wrong type")
        return cls(**{name: document[name] for name in fields})


def sign_checkpoint(seq: int, head_hash: str, at: str, signer: Signer) -> Checkpoint:
    unsigned = Checkpoint(seq, head_hash, at, signer.key_id, "")
    return Checkpoint(seq, head_hash, at, signer.key_id, base64.b64encode(signer.sign(unsigned.message())).decode())


def signature_valid(checkpoint: Checkpoint, verifier: Verifier) -> bool:
    try:
        signature = base64.b64decode(checkpoint.signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    return verifier.verify(signature, checkpoint.message())


def checkpoint_due(pending: int, seconds_since_last: float, every: int, seconds: float) -> bool:
    """Whether to sign the head now: `pending` entries are not yet covered by a
    checkpoint; `every` entries or `seconds` seconds, whichever comes first (0
    switches that trigger off)."""
    if pending <= 0:
        return False
    return bool(every and pending >= every) or bool(seconds and seconds_since_last >= seconds)


@dataclass(frozen=True)
class CheckpointProblem:
    reason: str  # "signature" | "no_key" | "missing" | "hash"
    checkpoint: Checkpoint
    first: int | None = None  # the missing range, for "missing"
    last: int | None = None
    found_hash: str | None = None  # for "hash"
    key_id: str | None = None  # the public key's fingerprint, for "signature"

    def text(self, lang: str) -> str:
        cp = self.checkpoint
        if self.reason == "missing":
            span = (f"第 {self.first} 条", f"entry {self.first}") if self.first == self.last else \
                (f"第 {self.first}–{self.last} 条", f"entries {self.first}..{self.last}")
            return (f"{span[0]}缺失：{cp.at} 签署的检查点证明台账曾有第 {cp.seq} 条" if lang == "zh" else
                    f"{span[1]} missing: the checkpoint signed at {cp.at} proves the ledger held entry {cp.seq}")
        if self.reason == "hash":
            return (f"第 {cp.seq} 条与检查点不符（检查点记录的哈希 {cp.head_hash[:16]}…，现为 {(self.found_hash or '')[:16]}…）：台账在此之前被改写"
                    if lang == "zh" else
                    f"entry {cp.seq} does not match the checkpoint (hash {cp.head_hash[:16]}… then, {(self.found_hash or '')[:16]}… now): "
                    "the ledger was rewritten up to there")
        if self.reason == "no_key":
            return ("无法校验检查点的签名：没有公钥（用 --pubkey 指定）" if lang == "zh" else
                    "cannot check the checkpoint's signature: no public key (give one with --pubkey)")
        return (f"检查点（第 {cp.seq} 条）的签名无效：检查点被改动，或不是用此公钥对应的密钥签署的（检查点的密钥 {cp.key_id}，公钥 {self.key_id}）"
                if lang == "zh" else
                f"the checkpoint's signature (entry {cp.seq}) does not verify: the checkpoint was altered, or was not signed "
                f"with this public key's key (checkpoint key {cp.key_id}, public key {self.key_id})")

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {"reason": self.reason, "message": {"zh": self.text("zh"), "en": self.text("en")}}
        if self.reason == "missing":
            result["missing"] = {"first": self.first, "last": self.last}
        return result


@dataclass(frozen=True)
class LedgerVerification:
    entries: int  # entries verified in chain order before the first break
    last_seq: int  # the highest sequence number the ledger holds
    first_break: ChainBreak | None
    checkpoint: Checkpoint | None
    problem: CheckpointProblem | None

    @property
    def intact(self) -> bool:
        return self.first_break is None and self.problem is None

    def to_json(self) -> dict[str, Any]:
        broken = self.first_break
        return {
            "entries": self.entries, "intact": self.intact,
            "first_break": None if broken is None else
            {"seq": broken.seq, "reason": broken.reason, "message": {"zh": broken.text("zh"), "en": broken.text("en")}},
            "checkpoint": None if self.checkpoint is None else {**self.checkpoint.to_json(), "verified": self.problem is None},
            "checkpoint_problem": None if self.problem is None else self.problem.to_json(),
            "missing": None if self.problem is None or self.problem.reason != "missing" else
            {"first": self.problem.first, "last": self.problem.last},
        }


def verify_ledger(entries: Iterable[LedgerEntry], checkpoint: Checkpoint | None = None,
                  verifier: Verifier | None = None) -> LedgerVerification:
    """Walk the chain (naming its first break) and hold it against `checkpoint`:
    its signature must verify with `verifier`, the ledger must still reach its
    seq, and the entry there must have its hash."""
    seen = {"last": 0, "at_checkpoint": None}

    def watched() -> Iterator[LedgerEntry]:
        for entry in entries:
            seen["last"] = max(seen["last"], entry.seq)
            if checkpoint is not None and entry.seq == checkpoint.seq:
                seen["at_checkpoint"] = entry.hash
            yield entry

    stream = watched()
    verified, broken = verify_chain(stream)
    for _ in stream:  # the chain broke early: still find the end and the entry the checkpoint names
        pass
    return LedgerVerification(verified, seen["last"], broken, checkpoint, _check(checkpoint, verifier, seen["last"], seen["at_checkpoint"]))


def _check(checkpoint: Checkpoint | None, verifier: Verifier | None, last_seq: int, found_hash: str | None) -> CheckpointProblem | None:
    if checkpoint is None:
        return None
    if verifier is None:
        return CheckpointProblem("no_key", checkpoint)
    if not signature_valid(checkpoint, verifier):
        return CheckpointProblem("signature", checkpoint, key_id=verifier.key_id)
    if last_seq < checkpoint.seq:
        return CheckpointProblem("missing", checkpoint, first=last_seq + 1, last=checkpoint.seq)
    if found_hash is None:  # the entry itself was deleted, later ones are there
        return CheckpointProblem("missing", checkpoint, first=checkpoint.seq, last=checkpoint.seq)
    if found_hash != checkpoint.head_hash:
        return CheckpointProblem("hash", checkpoint, found_hash=found_hash)
    return None
