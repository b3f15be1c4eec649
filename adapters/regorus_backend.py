"""The embedded Rego backend: microsoft/regorus through the `celine-regorus` wheel.

A regorus engine must stay on the thread that built it, and evaluation holds the
GIL, so each thread gets its own engine (built lazily from the loaded modules
and data) and the service scales with worker processes.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import orjson

# regorus appends a Rust backtrace to every error when this is set; we only want
# the file:line:col message. Must be set before the extension creates errors.
os.environ["RUST_BACKTRACE"] = "0"

import regorus  # noqa: E402

from engine.errors import BackendError, PolicyProblem, clean_engine_message, problem_from_engine  # noqa: E402


class RegorusBackend:
    name = "regorus"

    def __init__(self) -> None:
        self._modules: list[tuple[str, str]] = []
        self._data_json = "{}"
        self._generation = 0
        self._lock = threading.Lock()
        self._local = threading.local()

    def compile(self, modules: list[tuple[str, str]], entry_points: list[str]) -> list[PolicyProblem]:
        engine = regorus.Engine()
        for path, text in modules:
            try:
                engine.add_policy(path, text)
            except Exception as exc:  # regorus raises RuntimeError with file:line:col
                return [problem_from_engine(str(exc), path)]
        try:
            # The RVM compiler resolves every call, so an unknown builtin (which
            # the interpreter only notices when it reaches it) is refused here.
            regorus.regorus.Program.compile_from_modules("{}", modules, entry_points)
        except Exception as exc:
            return [problem_from_engine(str(exc), modules[0][0] if modules else "<none>")]
        return []

    def action_guards(self, modules: list[tuple[str, str]], emitting: dict[str, tuple[str, ...]]) -> dict[str, frozenset[str] | None]:
        """For each package, the actions that can make it emit anything (None:
        every action); see adapters/rego_guards.py."""
        from .rego_guards import GuardAnalysis

        analysis = GuardAnalysis(modules)
        return {package: analysis.package_actions(package, names) for package, names in emitting.items()}

    def load(self, modules: list[tuple[str, str]], data_json: str) -> None:
        with self._lock:
            self._modules = list(modules)
            self._data_json = data_json
            self._generation += 1
        # Build once now so a bad load fails here, not on the first request.
        self._engine()

    def _engine(self) -> Any:
        local = self._local
        if getattr(local, "generation", None) != self._generation:
            with self._lock:
                modules, data_json, generation = self._modules, self._data_json, self._generation
            engine = regorus.Engine()
            try:
                for path, text in modules:
                    engine.add_policy(path, text)
                engine.add_data_json(data_json)
            except Exception as exc:
                raise BackendError(clean_engine_message(str(exc))) from exc
            local.engine, local.generation = engine, generation
        return local.engine

    def evaluate(self, query: str, input_json: str) -> Any:
        engine = self._engine()
        try:
            engine.set_input_json(input_json)
            return orjson.loads(engine.eval_rule_as_json(query))
        except Exception as exc:
            raise BackendError(clean_engine_message(str(exc))) from exc
