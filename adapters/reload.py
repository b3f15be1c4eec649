"""Hot reload of the policies (and the calendar data beside them).

A small polling watcher thread notices a change under the policy directory
(cheaply by file stamps, then by the policy revision of `engine.policyset`),
loads and checks the new set off to the side (compile, citation checks, and
no Rego test that passes on the live revision may fail), and either keeps it pending or records why it was refused. The serving thread swaps a pending set in on its
next request (`PolicySwap`, an ASGI middleware on the event-loop thread): it
builds the new engine there and replaces `service.engine` in one assignment,
so no regorus engine crosses threads and a request sees either the old
revision or the new one, never a mix. A refused change leaves the last good
revision serving.

`GOVSHARE_RELOAD=0` turns the watcher off; `GOVSHARE_RELOAD_INTERVAL` sets the
polling interval in seconds (default 1).
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.decide import DecisionEngine
from engine.errors import PolicyError, PolicyProblem
from engine.models import BEIJING
from engine.policyset import PolicySet, load_policy_set, read_files, revision_of

from .regorus_backend import RegorusBackend
from .service import Service

log = logging.getLogger("govshare.reload")


def reload_enabled() -> bool:
    return os.environ.get("GOVSHARE_RELOAD", "1") not in ("0", "false", "no", "off")


def reload_interval() -> float:
    try:
        return max(float(os.environ.get("GOVSHARE_RELOAD_INTERVAL", "1")), 0.05)
    except ValueError:
        return 1.0


@dataclass
class Refusal:
    revision: str
    at: datetime
    problems: list[PolicyProblem]

    def as_json(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "at": self.at.isoformat(),
            "errors": [{"file": p.file, "line": p.line, "col": p.col, "message": p.message, "text": str(p)} for p in self.problems],
        }


def _stamps(root: Path) -> tuple:
    """A cheap signature of every file that feeds the revision."""
    found = []
    if root.is_dir():
        for pattern in ("*.rego", "*.json"):
            for path in root.rglob(pattern):
                try:
                    st = path.stat()
                except OSError:
                    continue
                found.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(sorted(found))


def failed_tests(policies: PolicySet) -> list[PolicyProblem]:
    """The set's failing Rego tests, each a problem at the test's line."""
    from engine.regotest import run_rego_tests

    return [PolicyProblem(r.file, r.line, 1, f"test {r.id} failed: {r.error}")
            for r in run_rego_tests(policies, RegorusBackend()) if not r.passed]


@dataclass
class PolicyReloader:
    service: Service
    interval: float = 1.0
    loaded_at: datetime = field(default_factory=lambda: datetime.now(BEIJING))
    last_refused: Refusal | None = None
    last_checked: datetime | None = None
    swaps: int = 0

    def __post_init__(self) -> None:
        self.root = Path(self.service.settings.policy_dir)
        self._seen_revision = self.service.engine.policies.revision
        self._stamps = _stamps(self.root)
        self._pending: PolicySet | None = None
        self._retired: list[DecisionEngine] = []
        self._live_failures: set[str] | None = None  # failing Rego tests of the live revision
        self._pending_failures: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- the watcher thread -------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        # The thread holds the reloader weakly, so an app that is dropped
        # (tests build many) lets its watcher end.
        ref = weakref.ref(self)
        stop, interval = self._stop, self.interval

        def run() -> None:
            while not stop.wait(interval):
                reloader = ref()
                if reloader is None:
                    return
                try:
                    reloader.poll()
                except Exception:  # never let the watcher die
                    log.exception("policy watcher failed")
                del reloader

        self._thread = threading.Thread(target=run, name="govshare-policy-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def poll(self) -> bool:
        """Look once; True when a new policy set was accepted (pending the swap)."""
        self.last_checked = datetime.now(BEIJING)
        stamps = _stamps(self.root)
        if stamps == self._stamps:
            return False
        self._stamps = stamps
        try:
            revision = revision_of(self.root, read_files(self.root))
        except PolicyError as exc:
            revision = "unreadable"
            problems = exc.problems
        else:
            if revision == self._seen_revision:
                return False
            problems = []
        if not problems:
            try:
                # Compile and check here, in this thread: compile() uses a
                # throw-away regorus engine that never leaves it.
                policies = load_policy_set(self.root, RegorusBackend())
            except PolicyError as exc:
                problems = exc.problems
            else:
                # A change must not break a Rego test that passes on the live
                # revision (tests already failing there do not block it).
                if self._live_failures is None:
                    self._live_failures = {p.message for p in failed_tests(self.service.engine.policies)}
                failures = failed_tests(policies)
                problems = [p for p in failures if p.message not in self._live_failures]
        self._seen_revision = revision
        if problems:
            with self._lock:
                self.last_refused = Refusal(revision, datetime.now(BEIJING), problems)
            log.warning("refused policy change %s: %s", revision, "; ".join(str(p) for p in problems))
            return False
        with self._lock:
            self._pending = policies
            self._pending_failures = {p.message for p in failures}
        log.info("policy change %s accepted; live on the next request", revision)
        return True

    # --- the serving thread -------------------------------------------------

    def apply(self) -> bool:
        """Swap a pending policy set in (on the calling, serving thread)."""
        if self._pending is None:
            return False
        with self._lock:
            policies, self._pending = self._pending, None
            failures = self._pending_failures
        if policies is None:
            return False
        old = self.service.engine
        settings = self.service.settings
        try:
            engine = DecisionEngine(policies, RegorusBackend(), old.snapshot, settings.accept_inline_state, settings.cache_size)
        except Exception as exc:  # the data no longer loads with the new policies: keep the old
            with self._lock:
                self.last_refused = Refusal(policies.revision, datetime.now(BEIJING),
                                            [PolicyProblem(str(self.root), 0, 0, f"cannot load with the current data: {exc}")])
            log.exception("policy swap to %s failed; keeping %s", policies.revision, old.policies.revision)
            return False
        self.service.engine = engine  # one assignment: the swap
        self._live_failures = failures
        # Keep the old engine referenced: its backend holds a regorus engine per
        # thread that used it, and a regorus engine must not be dropped on
        # another thread than its own. Reloads are human-paced; this is small.
        self._retired.append(old)
        self.loaded_at = datetime.now(BEIJING)
        self.swaps += 1
        log.info("policy revision %s is live (was %s)", policies.revision, old.policies.revision)
        return True

    def status(self) -> dict[str, Any]:
        engine = self.service.engine
        with self._lock:
            refused = self.last_refused
            pending = self._pending
        return {
            "policy_revision": engine.policies.revision,
            "loaded_at": self.loaded_at.isoformat(),
            "data_revision": engine.data_revision,
            "rules": len(engine.policies.rules),
            "reload": {
                "enabled": self.running,
                "interval_seconds": self.interval,
                "last_checked": self.last_checked.isoformat() if self.last_checked else None,
                "pending_revision": pending.revision if pending else None,
                "swaps": self.swaps,
            },
            "last_refused": refused.as_json() if refused else None,
        }


class PolicySwap:
    """ASGI middleware: before each request, swap in a pending policy set on
    the serving (event-loop) thread."""

    def __init__(self, app: Any, reloader: PolicyReloader):
        self.app, self.reloader = app, reloader

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and self.reloader._pending is not None:
            self.reloader.apply()
        await self.app(scope, receive, send)
