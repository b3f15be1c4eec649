"""The one thread of a worker process that runs the Rego engine.

Evaluation holds the GIL and a regorus engine must stay on the thread that
built it, so a worker has one thread for it: every load and evaluation of the
service's backend runs there, and the HTTP handlers await it instead of
evaluating on the event loop. The loop then stays free for other requests
(`/health`, a cached decision, parsing the next body): while the engine thread
runs Python between evaluations the interpreter hands the GIL to the loop every
switch interval (5 ms), and one evaluation takes well under a millisecond.

Jobs run one at a time, in the order they were sent, so a batch decided in one
job never sees a policy swap or a data reload half-way. A job sent from the
engine thread itself runs at once (no queue, so no deadlock).

The thread ends once nothing refers to its `EngineThread` any more, after the
jobs already sent: a backend that is freed elsewhere sends its engines there
to be freed (see `RegorusBackend.__del__`), so they are dropped on their own
thread as the wheel requires.
"""

from __future__ import annotations

import asyncio
import contextvars
import queue
import threading
import time
import weakref
from concurrent.futures import Future
from typing import Any, Callable, TypeVar

T = TypeVar("T")

_STOP = object()


# How long work may keep the GIL before `Pacer.breathe` lets go of it, and for how long.
SLICE_S = 0.002
PAUSE_S = 0.0001


class Pacer:
    """Lets a long piece of work on a thread other than the event loop's
    (a batch's decisions on the engine thread, its writes on the writer's) give
    the GIL away now and then: `breathe()` between two units of the work sleeps
    PAUSE_S once SLICE_S has passed since the last pause, so another thread
    surely takes the GIL. Without it the event loop could wait for a whole
    batch: a thread waiting for the GIL asks its holder to yield only after
    5 ms without any release, and the threads working here release it far more
    often than that (the writer at every statement), each time restarting that
    wait, while the loop does not win the race for it. On the event loop's own
    thread it never sleeps."""

    __slots__ = ("_since", "_idle")

    def __init__(self) -> None:
        self._since = time.perf_counter()
        self._idle = asyncio._get_running_loop() is not None  # on the loop: never pause

    def breathe(self) -> None:
        if self._idle or (now := time.perf_counter()) - self._since < SLICE_S:
            return
        time.sleep(PAUSE_S)
        self._since = time.perf_counter()


def _serve(jobs: queue.SimpleQueue) -> None:
    # Refers to the queue only, never to the EngineThread, so that the thread
    # ends when its owner is gone.
    while True:
        job = jobs.get()
        if job is _STOP:
            return
        fn, args, kwargs, future = job
        del job
        if future is None:
            fn(*args, **kwargs)  # a fire-and-forget job (freeing engines): nobody to tell
            del fn, args, kwargs
            continue
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for it
                future.set_exception(exc)
        del fn, args, kwargs, future


def completed(fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future:
    """fn(*args) run here and now, as a done Future: its result or its error."""
    future: Future = Future()
    try:
        future.set_result(fn(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - in the future, as from the queue
        future.set_exception(exc)
    return future


class EngineThread:
    def __init__(self, name: str = "govshare-engine") -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=_serve, args=(self._jobs,), name=name, daemon=True)
        self._thread.start()
        # At interpreter exit the daemon thread simply stops with the process.
        self._finalizer = weakref.finalize(self, self._jobs.put, _STOP)
        self._finalizer.atexit = False

    @property
    def ident(self) -> int | None:
        return self._thread.ident

    def here(self) -> bool:
        """Whether the caller is this thread."""
        return threading.get_ident() == self._thread.ident

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future:
        """Run fn on the engine thread; its Future."""
        if self.here():
            return completed(fn, *args, **kwargs)
        future: Future = Future()
        # The job runs in the caller's context, so that what it writes names the
        # caller that asked (store.REQUESTED_BY), as on the caller's own thread.
        self._jobs.put((contextvars.copy_context().run, (fn, *args), kwargs, future))
        return future

    def send(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run fn on the engine thread later; nobody waits for it."""
        self._jobs.put((fn, args, {}, None))

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """fn(*args) on the engine thread, waited for (at once when already on it)."""
        if self.here():
            return fn(*args, **kwargs)
        return self.submit(fn, *args, **kwargs).result()

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """fn(*args) on the engine thread, awaited: the event loop goes on meanwhile."""
        return await asyncio.wrap_future(self.submit(fn, *args, **kwargs))

    def stop(self, timeout: float | None = 5.0) -> None:
        """End the thread after the jobs already sent (also done once nothing refers to it)."""
        if self._finalizer.alive:
            self._finalizer()
        if not self.here():
            self._thread.join(timeout)
