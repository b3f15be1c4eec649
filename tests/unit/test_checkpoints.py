"""Checkpoints anchor the end of the ledger: a chain cut off or rewritten after a
signed checkpoint is found, and so is a checkpoint that was tampered with."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac

import orjson
import pytest

from engine.checkpoints import (
    FORMAT,
    Checkpoint,
    CheckpointFormatError,
    checkpoint_due,
    sign_checkpoint,
    signature_valid,
    verify_ledger,
)
from engine.ledger import GENESIS, seal


class FakeKey:
    """A stand-in for the Ed25519 adapter: the engine only needs the port."""

    def __init__(self, secret: bytes):
        self.secret = secret
        self.key_id = "fake:" + hashlib.sha256(secret).hexdigest()[:8]

    def sign(self, message: bytes) -> bytes:
        return hmac.new(self.secret, message, hashlib.sha256).digest()

    def verify(self, signature: bytes, message: bytes) -> bool:
        return hmac.compare_digest(signature, self.sign(message))


KEY, OTHER_KEY = FakeKey(b"k1"), FakeKey(b"k2")
AT = "2026-03-02T02:00:00Z"


def chain(n: int):
    entries, prev = [], GENESIS
    for seq in range(1, n + 1):
        entry = seal(seq, "decision", f"d-{seq}", AT, "sha256:p", "gdsr@2025-08-01", "sha256:d", {"n": seq}, prev)
        entries.append(entry)
        prev = entry.hash
    return entries


def checkpoint_of(entries, seq: int, key=KEY) -> Checkpoint:
    return sign_checkpoint(seq, entries[seq - 1].hash, AT, key)


def test_a_checkpoint_is_signed_over_a_canonical_serialisation():
    entries = chain(3)
    checkpoint = checkpoint_of(entries, 3)
    content = {"format": FORMAT, "seq": 3, "head_hash": entries[2].hash, "at": AT, "key_id": KEY.key_id}
    assert checkpoint.message() == orjson.dumps(dict(reversed(content.items())), option=orjson.OPT_SORT_KEYS)
    assert b" " not in checkpoint.message()
    assert signature_valid(checkpoint, KEY)
    assert Checkpoint.from_json(orjson.loads(orjson.dumps(checkpoint.to_json()))) == checkpoint


@pytest.mark.parametrize("field, value", [("seq", 2), ("head_hash", "0" * 64), ("at", "2027-01-01T00:00:00Z"), ("key_id", "x"),
                                          ("signature", "bm90IGEgc2lnbmF0dXJl"), ("signature", "not base64!")])
def test_changing_any_field_breaks_the_signature(field, value):
    checkpoint = dataclasses.replace(checkpoint_of(chain(3), 3), **{field: value})
    assert not signature_valid(checkpoint, KEY)


def test_another_key_does_not_verify():
    assert not signature_valid(checkpoint_of(chain(3), 3), OTHER_KEY)


@pytest.mark.parametrize("document", [None, [], {}, {"format": "other"}, {"format": FORMAT, "seq": "3"},
                                      {"format": FORMAT, "seq": True, "head_hash": "", "at": "", "key_id": "", "signature": ""}])
def test_a_document_that_is_not_a_checkpoint_is_refused(document):
    with pytest.raises(CheckpointFormatError) as info:
        Checkpoint.from_json(document)
    assert info.value.zh and info.value.en


@pytest.mark.parametrize("pending, since, every, seconds, due", [
    (0, 999, 1000, 60, False),     # nothing new: nothing to sign
    (999, 10, 1000, 60, False),
    (1000, 10, 1000, 60, True),    # N entries
    (1, 60, 1000, 60, True),       # or T seconds, whichever first
    (5000, 0, 0, 60, False),       # 0 switches a trigger off
    (1, 1e9, 1000, 0, False),
])
def test_checkpoint_due(pending, since, every, seconds, due):
    assert checkpoint_due(pending, since, every, seconds) is due


def test_an_intact_ledger_verifies_against_its_checkpoint():
    entries = chain(8)
    result = verify_ledger(entries, checkpoint_of(entries, 5), KEY)
    assert result.intact and result.entries == 8 and result.problem is None
    assert result.to_json()["checkpoint"]["verified"] is True and result.to_json()["missing"] is None


def test_no_checkpoint_checks_the_chain_only():
    result = verify_ledger(chain(3))
    assert result.intact and result.checkpoint is None and result.to_json()["checkpoint"] is None


def test_entries_cut_off_after_a_checkpoint_are_reported_missing():
    entries = chain(10)
    checkpoint = checkpoint_of(entries, 10)
    result = verify_ledger(entries[:7], checkpoint, KEY)
    assert result.first_break is None  # the shorter chain is itself valid: only the checkpoint shows the cut
    assert not result.intact
    assert (result.problem.reason, result.problem.first, result.problem.last) == ("missing", 8, 10)
    assert result.problem.text("en").startswith("entries 8..10 missing")
    assert result.problem.text("zh").startswith("第 8–10 条缺失")
    assert result.to_json()["missing"] == {"first": 8, "last": 10}


def test_an_older_checkpoint_still_detects_what_it_covers():
    entries = chain(8)
    result = verify_ledger(entries[:3], checkpoint_of(entries, 5), KEY)
    assert (result.problem.reason, result.problem.first, result.problem.last) == ("missing", 4, 5)
    single = verify_ledger(entries[:4], checkpoint_of(entries, 5), KEY)
    assert single.problem.text("en").startswith("entry 5 missing") and single.problem.text("zh").startswith("第 5 条缺失")


def test_the_checkpointed_entry_deleted_from_the_middle_is_missing_and_a_gap():
    entries = chain(8)
    result = verify_ledger(entries[:4] + entries[5:], checkpoint_of(entries, 5), KEY)
    assert (result.first_break.seq, result.first_break.reason) == (5, "gap")
    assert (result.problem.reason, result.problem.first, result.problem.last) == ("missing", 5, 5)


def test_a_rewritten_chain_does_not_match_the_checkpoint():
    # Someone with the database rewrote the chain from the start: it verifies on its own.
    original = chain(5)
    rewritten, prev = [], GENESIS
    for entry in original:
        forged = seal(entry.seq, entry.kind, entry.ref, entry.recorded_at, entry.policy_revision, entry.law_version,
                      entry.data_revision, {"n": -entry.seq}, prev)
        rewritten.append(forged)
        prev = forged.hash
    result = verify_ledger(rewritten, checkpoint_of(original, 5), KEY)
    assert result.first_break is None and result.problem.reason == "hash"
    assert "rewritten" in result.problem.text("en") and "改写" in result.problem.text("zh")


def test_a_tampered_checkpoint_is_reported_as_such():
    entries = chain(5)
    # Moving the checkpoint back to hide a cut invalidates its signature.
    moved = dataclasses.replace(checkpoint_of(entries, 5), seq=3, head_hash=entries[2].hash)
    result = verify_ledger(entries[:3], moved, KEY)
    assert result.problem.reason == "signature" and not result.intact
    assert "does not verify" in result.problem.text("en") and "签名无效" in result.problem.text("zh")
    assert result.to_json()["checkpoint"]["verified"] is False


def test_a_checkpoint_signed_with_another_key_names_both_keys():
    entries = chain(2)
    result = verify_ledger(entries, checkpoint_of(entries, 2, OTHER_KEY), KEY)
    assert result.problem.reason == "signature"
    assert OTHER_KEY.key_id in result.problem.text("en") and KEY.key_id in result.problem.text("zh")


def test_without_a_public_key_the_checkpoint_cannot_be_trusted():
    entries = chain(2)
    result = verify_ledger(entries, checkpoint_of(entries, 2), None)
    assert result.problem.reason == "no_key" and not result.intact
