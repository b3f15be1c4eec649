"""How the regorus backend loads data, keeps it for other threads and replaces
it: JSON as bytes (read from an in-memory file) or as text gives the same data
and the same decisions; another thread builds its engine from the compressed
copy; a reload replaces the data (never merges it into the old), on the
loading thread and on one that evaluated before it; a bad load is never
answered from; an engine is freed on its own thread, also when what holds it is
freed on another."""

from __future__ import annotations

import gc
import os
import threading

import orjson
import pytest

from adapters import regorus_backend
from adapters.regorus_backend import RegorusBackend
from adapters.storage.store import demo_catalog
from engine.decide import DataSnapshot, DecisionEngine
from engine.errors import BackendError
from engine.models import AccessEvent
from engine.policyset import load_policy_set
from tests.conftest import POLICY_DIR, THIRD_PARTY_TRANSFER

PROBE = [("probe.rego", "package probe\n\nimport rego.v1\n\ndoc := data.g\n\nyes if data.g.t == true\n\none if data.g.i == 1\n")]
# Values whose JSON reading could go wrong: booleans next to 0/1, integral and
# tiny floats, null, escapes, non-BMP text, empty containers.
TRICKY = {"g": {"t": True, "f": False, "i": 1, "zero": 0, "neg": -7, "big": 2**62, "fl": 1.5, "whole": 1.0, "tiny": 1e-7,
                "n": None, "text": "人口\"基础\"\\信息\n\u0000😀", "empty": {}, "none": [], "nested": [[{"a": [True, 0, None]}]]}}

BASE = {"at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区民政局"}, "dataset": "ds-population-basic",
        "fields": ["name", "id_number"], "purpose": "社会救助资格审核", "grant": "g-2026-0001",
        "pi_basis": "《个人信息保护法》第十三条第一款第三项", "controls": ["传输加密", "访问权限控制", "操作日志留存"]}
EVENTS = [
    {**BASE, "action": "use"},
    {**BASE, "action": "use", "purpose": "招商引资"},
    {**BASE, "action": "transfer", "purpose": "招商引资", "recipient": {"kind": "third_party", "name": "某公司"}},
    {"action": "apply", "at": BASE["at"], "requester": BASE["requester"], "dataset": BASE["dataset"], "fields": ["name"]},
    {**BASE, "action": "use", "dataset": "ds-unknown", "grant": "g-unknown"},
    THIRD_PARTY_TRANSFER,
]


def on_thread(fn):
    """fn() on a new thread (which builds its own engine): its result, or the
    type of what it raised (not the exception: its traceback holds that
    thread's frames, and a regorus engine must not be dropped on another thread)."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            out["value"] = type(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return out["value"]


def doc(backend: RegorusBackend):
    return backend.evaluate("data.probe.doc", "{}")


@pytest.mark.parametrize("encode", [str, str.encode], ids=["text", "bytes"])
def test_json_as_bytes_or_text_gives_the_same_data_here_and_on_another_thread(encode):
    text = orjson.dumps(TRICKY).decode()
    reference = RegorusBackend()
    reference.load(PROBE, text)
    backend = RegorusBackend()
    backend.load(PROBE, encode(text))
    expected = reference._engine().eval_rule_as_json("data.probe.doc")
    assert backend._engine().eval_rule_as_json("data.probe.doc") == expected
    assert on_thread(lambda: backend._engine().eval_rule_as_json("data.probe.doc")) == expected
    assert backend.evaluate("data.probe.yes", "{}") is True and backend.evaluate("data.probe.one", "{}") is True
    assert doc(backend)["f"] is False and doc(backend)["nested"] == [[{"a": [True, 0, None]}]]


def test_without_an_in_memory_file_bytes_are_read_as_text(monkeypatch):
    monkeypatch.delattr(os, "memfd_create", raising=False)
    backend = RegorusBackend()
    backend.load(PROBE, orjson.dumps(TRICKY))
    assert doc(backend) == orjson.loads(orjson.dumps(TRICKY))["g"]


def test_decisions_are_the_same_whether_the_engine_is_given_bytes_or_text():
    class BytesBackend(RegorusBackend):
        def load(self, modules, data_json, **kwargs):
            super().load(modules, data_json.encode() if isinstance(data_json, str) else data_json, **kwargs)

    policies = load_policy_set(POLICY_DIR, RegorusBackend())
    snapshot = DataSnapshot.build(*demo_catalog())
    by_text = DecisionEngine(policies, RegorusBackend(), snapshot, cache_size=0)
    by_bytes = DecisionEngine(policies, BytesBackend(), snapshot, cache_size=0)
    outcomes = set()
    for raw in EVENTS:
        event = AccessEvent.model_validate(raw)
        a, b = by_text.decide(event), by_bytes.decide(event)
        elsewhere = on_thread(lambda: by_bytes.decide(event))
        keep = {"outcome", "allow", "violations", "breaches", "obligations"}
        assert a.model_dump(include=keep) == b.model_dump(include=keep) == elsewhere.model_dump(include=keep)
        outcomes.add(a.outcome)
    assert outcomes >= {"allow", "deny", "needs_action"}


@pytest.mark.parametrize("encode", [str, str.encode], ids=["text", "bytes"])
def test_a_reload_replaces_the_data_here_and_on_a_thread_that_evaluated_before_it(encode):
    backend = RegorusBackend()
    backend.load(PROBE, encode('{"g": {"old": 1, "kept": {"a": 1}}}'))
    # A second thread that evaluated before the reload keeps its engine until it evaluates again.
    results, evaluated, reloaded = [], threading.Event(), threading.Event()

    def second():
        results.append(doc(backend))
        evaluated.set()
        reloaded.wait()
        results.append(doc(backend))

    thread = threading.Thread(target=second)
    thread.start()
    evaluated.wait()
    backend.load(PROBE, encode('{"g": {"new": 2, "kept": {"b": 2}}}'))
    reloaded.set()
    thread.join()
    assert doc(backend) == {"new": 2, "kept": {"b": 2}}
    assert results == [{"old": 1, "kept": {"a": 1}}, {"new": 2, "kept": {"b": 2}}]


def test_a_reload_with_other_policies_builds_a_new_engine():
    backend = RegorusBackend()
    backend.load(PROBE, b'{"g": {"t": true}}')
    backend.load([("other.rego", "package other\n\nimport rego.v1\n\nv := data.g.t\n")], b'{"g": {"t": false}}')
    assert backend.evaluate("data.other.v", "{}") is False
    with pytest.raises(BackendError):
        backend.evaluate("data.probe.doc", "{}")


@pytest.mark.parametrize("encode", [str, str.encode], ids=["text", "bytes"])
def test_a_bad_load_fails_at_once_and_is_never_answered_from_until_a_good_one(encode):
    backend = RegorusBackend()
    backend.load(PROBE, encode('{"g": {"t": true}}'))
    assert doc(backend) == {"t": True}
    for bad in ('{"g": ', "[1]"):
        with pytest.raises(BackendError):
            backend.load(PROBE, encode(bad))
        for _ in range(2):  # the old data does not answer, not even after the first failure
            with pytest.raises(BackendError):
                doc(backend)
        assert on_thread(lambda: doc(backend)) is BackendError
    backend.load(PROBE, encode('{"g": {"t": false}}'))
    assert doc(backend) == {"t": False}
    assert on_thread(lambda: doc(backend)) == {"t": False}


def test_a_thread_that_exits_frees_its_own_engine(monkeypatch):
    unraisable = []
    monkeypatch.setattr("sys.unraisablehook", unraisable.append)
    backend = RegorusBackend()
    backend.load(PROBE, b'{"g": {}}')
    threads = [threading.Thread(target=lambda: doc(backend)) for _ in range(3)]
    for thread in threads:
        thread.start()
        thread.join()
    assert not any(thread in regorus_backend._orphans for thread in threads) and unraisable == []


def test_an_engine_dropped_on_another_thread_is_freed_on_its_own(monkeypatch):
    # The wheel cannot free an engine on another thread than its own (it leaks it
    # and reports an error), yet a garbage collection may free a backend anywhere.
    unraisable = []
    monkeypatch.setattr("sys.unraisablehook", unraisable.append)
    backend = RegorusBackend()
    backend.load(PROBE, b'{"g": {"t": true}}')
    assert doc(backend) == {"t": True}
    holder = [backend]
    del backend
    assert on_thread(lambda: holder.clear()) is None  # the last reference goes on another thread
    assert unraisable == []
    assert threading.current_thread() in regorus_backend._orphans  # handed back, not freed there
    other = RegorusBackend()
    other.load(PROBE, b'{"g": {}}')  # this thread's next engine frees it, here
    assert threading.current_thread() not in regorus_backend._orphans and unraisable == []


def test_an_error_raised_on_another_thread_can_be_kept_and_freed_here(monkeypatch):
    # A failed load's error may be logged, kept and freed on any thread: it must
    # not hold the engine that failed (the data feed had it as an argument).
    unraisable = []
    monkeypatch.setattr("sys.unraisablehook", unraisable.append)
    kept = []

    def load_bad_data():
        try:
            RegorusBackend().load(PROBE, b'{"g": ')
        except BackendError as exc:
            kept.append(exc)

    thread = threading.Thread(target=load_bad_data)
    thread.start()
    thread.join()
    assert len(kept) == 1 and isinstance(kept[0], BackendError)
    kept.clear()
    gc.collect()
    assert unraisable == []
