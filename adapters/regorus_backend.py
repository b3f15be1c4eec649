"""The embedded Rego backend: microsoft/regorus through the `celine-regorus` wheel.

A regorus engine must stay on the thread that built it (the wheel's Engine is
`unsendable`: using, cloning or dropping it on another thread panics), and
evaluation holds the GIL, so each thread gets its own engine (built lazily from
the loaded modules and data) and the service scales with worker processes. The
service gives its backend an `EngineThread`: then every load and evaluation runs
on that one thread (callers elsewhere wait for it), so a worker holds one engine
and the event loop never evaluates (adapters/engine_thread.py).

Memory (measured at 100,000 catalogue entries + 100,000 grants, 187 MiB of
JSON): regorus holds the data at ~7x its JSON size (1.4 GiB: every object is a
B-tree node of ~750 bytes, every string or number its own allocation), so the
backend keeps nothing else of that size:

- The JSON may come as bytes: regorus then reads it from an in-memory file, so
  no `str` of it is made (325 MiB, as the text is not ASCII) and the wheel
  does not cache a UTF-8 copy inside that `str` (another 187 MiB).
- For other threads' engines it keeps the JSON zlib-compressed, not the text
  itself for the process lifetime.
- A thread drops its old engine before it parses the new data, so a reload
  never holds two copies of the data.
- An engine whose holder is freed on another thread (a garbage collection run
  by the policy watcher, say) is handed back and freed by its own thread on its
  next evaluation; the wheel would leak it and report an error.

(`Engine.add_data` with Python objects would skip JSON entirely, but the wheel
turns Python booleans into numbers (`True` becomes 1), so it is not used.)
"""

from __future__ import annotations

import atexit
import os
import threading
import traceback
import weakref
import zlib
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Callable

import orjson

# regorus appends a Rust backtrace to every error when this is set; we only want
# the file:line:col message. Must be set before the extension creates errors.
os.environ["RUST_BACKTRACE"] = "0"

import regorus  # noqa: E402

from engine.backend import CalendarReads  # noqa: E402
from engine.errors import BackendError, PolicyProblem, clean_engine_message, problem_from_engine  # noqa: E402

if TYPE_CHECKING:
    from .engine_thread import EngineThread


def _add_data_json(engine: Any, data_json: str | bytes) -> None:
    """`engine.add_data_json`, but UTF-8 bytes are read from an in-memory file
    (parsed by the same code, with the same errors), so no `str` is made."""
    if isinstance(data_json, str):
        engine.add_data_json(data_json)
        return
    memfd_create = getattr(os, "memfd_create", None)  # Linux
    if memfd_create is None or not os.path.isdir("/proc/self/fd"):
        engine.add_data_json(data_json.decode())
        return
    fd = memfd_create("govshare-data")  # close-on-exec
    try:
        view = memoryview(data_json)
        while view:
            view = view[os.write(fd, view):]
        engine.add_data_from_json_file(f"/proc/self/fd/{fd}")
    finally:
        os.close(fd)


# Engines whose holder was dropped on another thread than their own (a cyclic
# garbage collection that ran there, or the backend freed there), waiting to be
# freed by their own thread: the wheel cannot free an engine elsewhere (it leaks
# it, 1.4 GiB at 100k entries, and reports an error).
_orphans: dict[threading.Thread, list[Any]] = {}
_orphans_lock = threading.RLock()  # re-entrant: a collection may run __del__ while it is held


class _Owned:
    """A thread's engines and the load they were built from: `base` holds the
    data only; `engine` (every module) and the partitions' engines are clones
    of it, so they share its data (regorus values are reference-counted)."""

    __slots__ = ("base", "engine", "parts", "partitions", "generation", "ident", "thread")

    def __init__(self, base: Any, engine: Any, partitions: dict[str, list[tuple[str, str]]], generation: int) -> None:
        self.base, self.engine, self.partitions, self.generation = base, engine, partitions, generation
        self.parts: dict[str, Any] = {}  # query → its partition's engine, built on first use
        # The ident tells whose thread this is even while the thread exits (when
        # threading no longer knows it); the Thread object is the key to hand the
        # engine back under, as an ident may be reused once the thread is gone.
        self.ident, self.thread = threading.get_ident(), threading.current_thread()

    def partition(self, query: str) -> Any:
        """The engine for `query`: its partition's, or the one with every module."""
        modules = self.partitions.get(query)
        if modules is None:
            return self.engine
        engine = self.parts.get(query)
        if engine is None:
            try:
                engine = self.base.clone()
                for path, text in modules:
                    engine.add_policy(path, text)
            except Exception as exc:
                engine = None
                raise _engine_error(exc) from None
            self.parts[query] = engine
        return engine

    def __del__(self) -> None:
        try:
            if self.engine is not None and threading.get_ident() != self.ident:
                with _orphans_lock:
                    _orphans.setdefault(self.thread, []).append((self.engine, self.base, *self.parts.values()))
                self.engine = self.base = None
                self.parts = {}
        except Exception:  # noqa: BLE001 - interpreter shutdown; nothing to hand back to
            pass


def _engine_error(exc: Exception) -> BackendError:
    """The BackendError for an engine's failure, with the failure's frames
    cleared: an error may be logged and kept, then freed on another thread, and
    a frame still holding an engine (the data feed's argument, say) would drop
    it there, which the wheel cannot do (it leaks the engine and reports an
    error). The caller clears its own locals and raises this `from None`."""
    error = BackendError(clean_engine_message(str(exc)))
    traceback.clear_frames(exc.__traceback__)
    return error


def _drop(owned: _Owned) -> None:
    """Run on the engines' own thread: the last reference goes here."""
    del owned


def _free_orphans() -> None:
    """Free the engines of this thread that were dropped elsewhere."""
    with _orphans_lock:
        mine = _orphans.pop(threading.current_thread(), None)
    del mine  # here, outside the lock


# Backends whose engines live on an engine thread; at exit each thread frees
# its own (after that, interpreter shutdown would free them on the main thread).
_on_engine_threads: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _free_engines_at_exit() -> None:
    for backend in list(_on_engine_threads):
        try:
            backend._thread.submit(backend._release).result(timeout=5)
        except Exception:  # noqa: BLE001 - a stuck or ended thread: the process ends anyway
            pass


class RegorusBackend:
    name = "regorus"

    def __init__(self, thread: EngineThread | None = None) -> None:
        self._thread = thread
        self._modules: list[tuple[str, str]] = []
        self._partitions: dict[str, list[tuple[str, str]]] = {}
        # Puts the loaded data into a new engine (see load).
        self._feed: Callable[[Any], None] = lambda engine: None
        self._generation = 0
        self._lock = threading.Lock()
        # With an engine thread only it holds an engine, so a plain slot does.
        self._local = SimpleNamespace(owned=None) if thread is not None else threading.local()
        if thread is not None:
            _on_engine_threads.add(self)

    def _release(self) -> None:
        """On the engine thread: let its engines go."""
        self._local.owned = None

    def __del__(self) -> None:
        # Freed elsewhere (a garbage collection on another thread): the engine
        # thread frees the engines itself; the job holds them until then.
        thread = getattr(self, "_thread", None)
        owned = getattr(getattr(self, "_local", None), "owned", None) if thread is not None else None
        if owned is not None and not thread.here():
            try:
                thread.send(_drop, owned)
            except Exception:  # noqa: BLE001 - interpreter shutdown; the process ends anyway
                return
            self._local.owned = None

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
        # The bundle is served by OPA too: a form OPA reads otherwise is refused.
        from .rego_guards import negated_call_problems

        return negated_call_problems(modules)

    def action_guards(self, modules: list[tuple[str, str]], emitting: dict[str, tuple[str, ...]]) -> dict[str, frozenset[str] | None]:
        """For each package, the actions that can make it emit anything (None:
        every action); see adapters/rego_guards.py."""
        from .rego_guards import GuardAnalysis

        analysis = GuardAnalysis(modules)
        return {package: analysis.package_actions(package, names) for package, names in emitting.items()}

    def input_readers(self, modules: list[tuple[str, str]]) -> dict[str, frozenset[str]] | None:
        """For each top-level input field, the rules that read it (None: not
        provable); see adapters/rego_guards.py."""
        from .rego_guards import input_field_readers

        return input_field_readers(modules)

    def calendar_readers(self, modules: list[tuple[str, str]]) -> dict[str, CalendarReads]:
        """For each package that uses the working-day calendar, what it reads;
        see adapters/rego_guards.py."""
        from .rego_guards import calendar_readers

        return calendar_readers(modules)

    def package_dependencies(self, modules: list[tuple[str, str]]) -> dict[str, tuple[str, frozenset[str]]]:
        """For each module: its package and the packages it may read; see
        adapters/rego_guards.py."""
        from .rego_guards import package_dependencies

        return package_dependencies(modules)

    def load(self, modules: list[tuple[str, str]], data_json: str | bytes,
             partitions: dict[str, list[tuple[str, str]]] | None = None) -> None:
        """Replace the loaded policies and data (`data` as JSON text, preferably
        UTF-8 bytes: see the module docstring). `partitions` maps a query to the
        only modules it needs: it is then answered from an engine holding just
        those (built on first use, sharing the data), as regorus' interpreter
        slows with every module it holds."""
        if self._thread is not None and not self._thread.here():
            return self._thread.call(self.load, modules, data_json, partitions)
        with self._lock:
            self._modules = list(modules)
            self._partitions = dict(partitions or {})
            self._feed = lambda engine: _add_data_json(engine, data_json)
            self._generation += 1
            generation = self._generation
        try:
            self._engine()  # build once now so a bad load fails here, not on the first request
        finally:
            # Other threads build from a compressed copy, so the text itself goes with the caller's.
            raw = data_json if isinstance(data_json, bytes) else data_json.encode("utf-8", "surrogatepass")
            packed, size = zlib.compress(raw, 1), len(raw)
            del raw
            with self._lock:
                if self._generation == generation:
                    self._feed = lambda engine: _add_data_json(engine, zlib.decompress(packed, bufsize=size))

    def _owned(self) -> _Owned:
        if _orphans:
            _free_orphans()
        local = self._local
        owned = getattr(local, "owned", None)
        if owned is None or owned.generation != self._generation:
            with self._lock:
                modules, partitions, feed, generation = self._modules, self._partitions, self._feed, self._generation
            # Drop this thread's old engines (here, on its own thread) before
            # parsing the new data, so a reload never holds two copies of it.
            local.owned = owned = None
            base = engine = None
            try:
                base = regorus.Engine()
                feed(base)
                engine = base.clone()
                for path, text in modules:
                    engine.add_policy(path, text)
            except Exception as exc:
                base = engine = None
                raise _engine_error(exc) from None
            local.owned = owned = _Owned(base, engine, partitions, generation)
        return owned

    def _engine(self) -> Any:
        return self._owned().engine

    def evaluate(self, query: str, input_json: str) -> Any:
        if self._thread is not None and not self._thread.here():
            return self._thread.call(self.evaluate, query, input_json)
        try:
            engine = self._owned().partition(query)
            engine.set_input_json(input_json)
            return orjson.loads(engine.eval_rule_as_json(query))
        except BackendError:
            raise
        except Exception as exc:
            engine = None
            raise _engine_error(exc) from None
