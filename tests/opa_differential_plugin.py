"""A pytest plugin that records every evaluation the regorus backend does, for
tests/integration/test_opa_differential.py to replay under OPA.

Loaded into a run of the BDD suite (`pytest tests/bdd -p opa_differential_plugin`
with tests/ on the path) with GOVSHARE_OPA_CAPTURE naming the output file. It
writes one JSON document: each distinct set of modules and data document the
backend was loaded with (by digest), and each evaluation as (modules, data,
query, input, regorus' result or its error). Recording wraps the backend's
public `load` and `evaluate`, so the decisions are those the scenarios made.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import orjson

from adapters.regorus_backend import RegorusBackend

_modules: dict[str, list[tuple[str, str]]] = {}
_data: dict[str, str] = {}
_evaluations: list[dict[str, Any]] = []
_seen: set[tuple[str, str, str, str]] = set()


def _digest(value: bytes) -> str:
    return hashlib.sha256(value).hexdigest()[:16]


def _on_own_thread(backend: RegorusBackend) -> bool:
    # With an engine thread the public method calls itself again there: record once.
    thread = backend._thread
    return thread is None or thread.here()


_original_load = RegorusBackend.load
_original_evaluate = RegorusBackend.evaluate


def _load(self: RegorusBackend, modules, data_json, partitions=None):
    if _on_own_thread(self):
        modules_key = _digest(orjson.dumps(list(modules)))
        raw = data_json if isinstance(data_json, bytes) else data_json.encode()
        data_key = _digest(raw)
        _modules.setdefault(modules_key, list(modules))
        _data.setdefault(data_key, raw.decode())
        self._opa_capture = (modules_key, data_key)
    return _original_load(self, modules, data_json, partitions)


def _evaluate(self: RegorusBackend, query: str, input_json: str):
    if not _on_own_thread(self):
        return _original_evaluate(self, query, input_json)
    modules_key, data_key = getattr(self, "_opa_capture", (None, None))
    try:
        value = _original_evaluate(self, query, input_json)
    except Exception as exc:
        _record(modules_key, data_key, query, input_json, {"error": str(exc)})
        raise
    _record(modules_key, data_key, query, input_json, {"value": value})
    return value


def _record(modules_key, data_key, query, input_json, outcome) -> None:
    if modules_key is None:
        return
    key = (modules_key, data_key, query, input_json)
    if key in _seen:  # the same question on the same load: one answer to compare
        return
    _seen.add(key)
    _evaluations.append({"modules": modules_key, "data": data_key, "query": query,
                         "input": input_json, **outcome})


RegorusBackend.load = _load
RegorusBackend.evaluate = _evaluate


def pytest_sessionfinish(session, exitstatus) -> None:
    path = os.environ.get("GOVSHARE_OPA_CAPTURE")
    if not path:
        return
    with open(path, "w", encoding="utf-8") as out:
        json.dump({"modules": _modules, "data": _data, "evaluations": _evaluations}, out, ensure_ascii=False)
