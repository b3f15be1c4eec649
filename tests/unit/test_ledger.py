"""The hash chain detects any altered, removed or inserted entry, and masking
happens before hashing."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from engine.ledger import GENESIS, MASKED, mask, seal, verify_chain


def chain(n: int):
    entries, prev = [], GENESIS
    for seq in range(1, n + 1):
        entry = seal(seq, "decision", f"d-{seq}", "2026-03-02T02:00:00Z", "sha256:p", "gdsr@2025-08-01", "sha256:d",
                     {"outcome": "allow", "n": seq}, prev)
        entries.append(entry)
        prev = entry.hash
    return entries


def test_intact_chain_verifies():
    assert verify_chain(chain(5)) == (5, None)
    assert verify_chain([]) == (0, None)


@given(st.integers(min_value=1, max_value=8), st.data())
def test_altering_any_field_of_any_entry_is_named(n, data):
    entries = chain(n)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    field = data.draw(st.sampled_from(["kind", "ref", "recorded_at", "policy_revision", "law_version", "data_revision", "body"]))
    value = {"outcome": "deny"} if field == "body" else "tampered"
    entries[index] = dataclasses.replace(entries[index], **{field: value})
    verified, broken = verify_chain(entries)
    assert broken is not None and broken.seq == index + 1 and broken.reason == "hash"
    assert verified == index


def test_rehashing_an_altered_entry_breaks_the_next_link():
    entries = chain(3)
    forged = seal(2, "decision", "d-2", "2026-03-02T02:00:00Z", "sha256:p", "gdsr@2025-08-01", "sha256:d", {"outcome": "deny"}, entries[0].hash)
    _, broken = verify_chain([entries[0], forged, entries[2]])
    assert (broken.seq, broken.reason) == (3, "link")


def test_deleting_an_entry_is_a_gap():
    entries = chain(4)
    _, broken = verify_chain([entries[0], entries[1], entries[3]])
    assert (broken.seq, broken.reason) == (3, "gap")


def test_break_is_explained_in_both_languages():
    entries = chain(2)
    entries[1] = dataclasses.replace(entries[1], ref="x")
    _, broken = verify_chain(entries)
    assert "第 2 条" in broken.text("zh") and "entry 2" in broken.text("en")


def test_mask_replaces_values_at_paths_and_leaves_the_original_alone():
    document = {"requester": {"department": "民政局", "region": "419001"}, "inline": {"grant": {"id": "g"}}, "fields": ["a", "b"]}
    masked = mask(document, ["/requester/region", "/inline", "/missing/path", "/fields/*"])
    assert masked == {"requester": {"department": "民政局", "region": MASKED}, "inline": MASKED, "fields": [MASKED, MASKED]}
    assert document["requester"]["region"] == "419001"


def test_masked_value_never_reaches_the_hash():
    a = seal(1, "decision", "d", "t", "p", "l", "d", mask({"pi": "张三"}, ["/pi"]), GENESIS)
    b = seal(1, "decision", "d", "t", "p", "l", "d", mask({"pi": "李四"}, ["/pi"]), GENESIS)
    assert a.hash == b.hash
