"""Group commit: the writes of concurrent decisions share one transaction.

A decision of record writes its ledger entry (and, for an allowed use, the usage
record) before it is answered. Committed one by one, every request waits for its
own fsync and a worker answers a few hundred requests a second at most; the
Rego evaluation is not the limit. Here the event-loop thread decides and hands
the write to one writer thread, which commits everything waiting in one
transaction, then answers every waiter. Each waiter is answered only after its
write is durable, so nothing is reported that is not stored.

One failing unit must not fail the others: when a group's transaction fails,
its units are run again one transaction each, so only the one at fault fails
(and nothing of it is stored).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from .store import Store, describe_storage_error, storage_unavailable

log = logging.getLogger("govshare.storage")

T = TypeVar("T")

# Enough to absorb a burst from many connections; small enough that one slow
# group does not hold a waiter for long.
MAX_GROUP = 256


class GroupCommitter:
    def __init__(self, store: Store, max_group: int = MAX_GROUP):
        self.store = store
        self.max_group = max_group
        self._queue: queue.SimpleQueue[tuple[Callable[[Session], Any], Future] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.groups = self.units = 0  # for the benchmark and the tests: how much was grouped

    def submit(self, work: Callable[[Session], T]) -> Future:
        """Queue `work` for the next group; the future resolves once it is committed."""
        future: Future = Future()
        # The unit runs in the context it was submitted from, so that its ledger
        # entries name the caller that asked (store.REQUESTED_BY).
        work = functools.partial(contextvars.copy_context().run, work)
        with self._start_lock:  # so that stop() cannot end the thread between the start and the put
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="govshare-writer", daemon=True)
                self._thread.start()
            self._queue.put((work, future))
        return future

    async def run(self, work: Callable[[Session], T]) -> T:
        """Await `work`'s commit from async code without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(work))

    def stop(self) -> None:
        """Commit what is queued, then end the writer thread (a later submit
        starts a new one: an app's lifespan may be entered again, as in tests)."""
        with self._start_lock:
            thread, self._thread = self._thread, None
            if thread is not None:
                self._queue.put(None)
        if thread is not None:
            thread.join(timeout=30)
        if self.store.checkpointer is not None:
            self.store.checkpointer.flush()  # a clean stop leaves what it wrote anchored; never raises

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            stop = False
            while len(group) < self.max_group:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                group.append(item)
            self._commit(group)
            if stop:
                return

    def _commit(self, group: list[tuple[Callable[[Session], Any], Future]]) -> None:
        live = [(work, future) for work, future in group if future.set_running_or_notify_cancel()]
        if not live:
            return
        self.groups += 1
        self.units += len(live)
        if len(live) > 1:
            try:
                results = self.store.transaction(lambda session: [work(session) for work, _ in live])
            except BaseException as exc:  # noqa: BLE001 - one unit's fault; find which, below
                if storage_unavailable(exc):
                    # The database, not a unit, failed: one by one would fail each again, slowly.
                    log.warning("a group of %d writes failed, the database is unavailable: %s", len(live), describe_storage_error(exc))
                    for _, future in live:
                        future.set_exception(exc)
                    return
                log.info("a group of %d writes failed (%s); committing them one by one", len(live), exc)
            else:
                for (_, future), result in zip(live, results):
                    future.set_result(result)
                return
        for work, future in live:
            try:
                future.set_result(self.store.transaction(work))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiter, who reports it
                future.set_exception(exc)
