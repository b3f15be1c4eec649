"""The tamper-evident ledger: an append-only chain where each entry carries the
hash of the one before it, the policy revision and the law version.

Pure functions only: hashing an entry, masking personal fields before hashing,
and verifying a chain. Storage (and the locking that keeps one chain under
concurrent writers) lives in the storage adapter.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

import orjson

GENESIS = "0" * 64
MASKED = "**MASKED**"


@dataclass(frozen=True)
class LedgerEntry:
    seq: int
    kind: str  # decision | usage_record | catalog | application | reply | grant | ...
    ref: str  # the id of what the entry records
    recorded_at: str  # RFC 3339, UTC
    policy_revision: str
    law_version: str
    data_revision: str
    body: dict[str, Any]
    prev_hash: str
    hash: str

    def content(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "ref": self.ref,
            "recorded_at": self.recorded_at,
            "policy_revision": self.policy_revision,
            "law_version": self.law_version,
            "data_revision": self.data_revision,
            "body": self.body,
            "prev_hash": self.prev_hash,
        }


def entry_hash(content: dict[str, Any]) -> str:
    """sha256 over canonical JSON (sorted keys, no whitespace)."""
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def seal(seq: int, kind: str, ref: str, recorded_at: str, policy_revision: str, law_version: str,
         data_revision: str, body: dict[str, Any], prev_hash: str) -> LedgerEntry:
    content = {
        "seq": seq, "kind": kind, "ref": ref, "recorded_at": recorded_at,
        "policy_revision": policy_revision, "law_version": law_version, "data_revision": data_revision,
        "body": body, "prev_hash": prev_hash,
    }
    return LedgerEntry(hash=entry_hash(content), **content)


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str  # "hash" | "link" | "gap"

    def text(self, lang: str) -> str:
        zh = {"hash": "内容与其哈希不符（记录被改动）", "link": "与前一条的哈希链接断开", "gap": "序号不连续（有记录被删除或插入）"}
        en = {"hash": "its content does not match its hash (the entry was altered)", "link": "its link to the previous entry is broken",
              "gap": "the sequence has a gap (an entry was deleted or inserted)"}
        return f"第 {self.seq} 条：{zh[self.reason]}" if lang == "zh" else f"entry {self.seq}: {en[self.reason]}"


def verify_chain(entries: Iterable[LedgerEntry]) -> tuple[int, ChainBreak | None]:
    """Walk the chain in sequence order; return how many entries verified and the
    first break, if any."""
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for entry in entries:
        if entry.seq != expected_seq:
            return count, ChainBreak(expected_seq if entry.seq > expected_seq else entry.seq, "gap")
        if entry_hash(entry.content()) != entry.hash:
            return count, ChainBreak(entry.seq, "hash")
        if entry.prev_hash != expected_prev:
            return count, ChainBreak(entry.seq, "link")
        expected_prev, expected_seq, count = entry.hash, entry.seq + 1, count + 1
    return count, None


def _split(path: str) -> list[str]:
    return [p for p in path.strip().strip("/").split("/") if p]


def mask(document: dict[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    """Replace the values at JSON-pointer-like paths (`/requester/region`,
    `/inline/grant`) with a marker, as OPA's decision-log masking does. A `*`
    segment matches every item of a list or object. Absent paths are ignored.
    Returns a copy (the document itself when there is nothing to mask: a deep
    copy of a decision's input costs more than sealing it); applied before
    hashing, so the chain never holds the value."""
    return masked(document, paths)[0]


def masked(document: dict[str, Any], paths: Iterable[str], under: str = "") -> tuple[dict[str, Any], list[str]]:
    """`mask`, and the JSON pointers (RFC 6901) of every value it replaced, in
    document order and with `*` resolved: OPA's decision-log `masked` list.
    `under` prefixes each pointer with where the document sits in the logged
    event (`/input`)."""
    split = [parts for parts in map(_split, paths) if parts]
    if not split:
        return document, []
    result = copy.deepcopy(document)
    pointers: list[str] = []
    for parts in split:
        _mask_at(result, parts, under, pointers)
    return result, sorted(set(pointers), key=pointers.index)


def _pointer_token(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _children(node: Any, key: str) -> Iterator[tuple[Any, Any]]:
    if isinstance(node, dict):
        keys = list(node) if key == "*" else ([key] if key in node else [])
        for k in keys:
            yield node, k
    elif isinstance(node, list):
        if key == "*":
            yield from ((node, i) for i in range(len(node)))
        elif key.isdigit() and int(key) < len(node):
            yield node, int(key)


def _mask_at(node: Any, parts: list[str], at: str, pointers: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    for parent, key in list(_children(node, head)):
        pointer = f"{at}/{_pointer_token(key)}"
        if rest:
            _mask_at(parent[key], rest, pointer, pointers)
        else:
            parent[key] = MASKED
            pointers.append(pointer)
