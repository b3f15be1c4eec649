"""Decision-log shipping: every committed decision entry of the ledger is sent
to an HTTP receiver as an OPA decision-log event, as OPA's `decision_logs`
plugin does (a JSON array of events, gzip-encoded, POSTed in batches).

Off unless GOVSHARE_DECISION_LOG_URL is set. The store tells the sink of the
entries each transaction appended once it is committed (`Store.on_commit`,
after a group commit too), so nothing that was rolled back ships. The sink only
queues them there; its own thread turns them into events, keeps them in a
bounded buffer (on disk by default, so a restart loses nothing already
buffered), uploads batches of at most GOVSHARE_DECISION_LOG_BATCH_BYTES
(uncompressed) and retries a failed upload with exponential backoff and jitter.
When the buffer is full the oldest events are dropped, counted and logged. A
receiver that is down or slow never blocks, slows or fails a decision: the
ledger (the record that counts) is written first, and the events can always be
read back from it (`/v1/decisions/log`, the `govshare` block of each event).

The shape follows OPA's decision log (docs/decision-logs.md): decision_id, path,
input (masked as the ledger stores it), result, requested_by (the remote
address), timestamp, labels, metrics, req_id, masked, bundles; and a `govshare`
block with the entry's sequence number and hash and the token that asked.
"""

from __future__ import annotations

import fcntl
import gzip
import http.client
import logging
import os
import random
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict, deque
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping
from urllib.parse import urlsplit

import orjson

from engine.ledger import LedgerEntry

from .service import SettingsError

log = logging.getLogger("govshare.decision_log")

ENV = "GOVSHARE_DECISION_LOG_"


@dataclass(frozen=True)
class SinkConfig:
    url: str
    token: str | None = None
    # OPA's reporting.upload_size_limit_bytes default; counted before gzip, as OPA does.
    batch_bytes: int = 32 * 1024
    # Between uploads at least this long (so that decisions share a batch), and
    # the ceiling of the backoff after failures.
    min_delay: float = 1.0
    max_delay: float = 60.0
    buffer_dir: Path | None = None  # None: held in memory (lost on a restart)
    buffer_max_bytes: int = 64 * 1024 * 1024
    timeout: float = 10.0
    # Events waiting between a commit and the sink's thread (in memory): when the
    # thread is stuck on a slow receiver, the oldest beyond this are dropped (counted).
    queue_max_events: int = 100_000

    @classmethod
    def from_env(cls, env: Mapping[str, str], data_dir: Path | None = None) -> SinkConfig | None:
        """The configuration from GOVSHARE_DECISION_LOG_*, or None when no URL
        is set (shipping is off). A value that cannot be used stops the service
        from starting (SettingsError), as other settings do."""
        url = (env.get(ENV + "URL") or "").strip()
        if not url:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingsError(f"{ENV}URL={url!r}：应为 http:// 或 https:// 开头的地址 / must be an http:// or https:// URL")

        def number(name: str, default: float, kind: type = int, minimum: float = 1) -> Any:
            raw = env.get(ENV + name)
            if not raw:
                return default
            try:
                value = kind(raw)
            except ValueError:
                raise SettingsError(f"{ENV}{name}={raw!r}：应为{'整数' if kind is int else '数字'} / must be a{'n integer' if kind is int else ' number'}") from None
            if value < minimum:
                raise SettingsError(f"{ENV}{name}={raw!r}：不得小于 {minimum} / must be at least {minimum}")
            return value

        min_delay = number("MIN_DELAY", cls.min_delay, float, 0.001)
        max_delay = number("MAX_DELAY", max(cls.max_delay, min_delay), float, 0.001)
        if max_delay < min_delay:
            raise SettingsError(f"{ENV}MAX_DELAY={max_delay} 小于 {ENV}MIN_DELAY={min_delay} / must not be less than {ENV}MIN_DELAY")
        buffer_dir = env.get(ENV + "BUFFER_DIR")
        return cls(
            url=url,
            token=env.get(ENV + "TOKEN") or None,
            batch_bytes=number("BATCH_BYTES", cls.batch_bytes),
            min_delay=min_delay,
            max_delay=max_delay,
            buffer_dir=Path(buffer_dir) if buffer_dir else (data_dir / "decision-log-buffer" if data_dir else None),
            buffer_max_bytes=number("BUFFER_MAX_BYTES", cls.buffer_max_bytes),
            timeout=number("TIMEOUT", cls.timeout, float, 0.001),
            queue_max_events=number("QUEUE_MAX_EVENTS", cls.queue_max_events),
        )


def opa_event(entry: LedgerEntry) -> dict[str, Any]:
    """The OPA decision-log event of a decision entry, from what the ledger
    sealed (entries sealed before the OPA fields existed give null for them)."""
    body = entry.body or {}
    event: dict[str, Any] = {
        "decision_id": entry.ref,
        "path": body.get("path"),
        "input": body.get("input"),
        "result": body.get("decision"),
        # OPA's requested_by is the client's remote address; the token is in `govshare.requested_by`.
        "requested_by": body.get("remote_addr") or "",
        "timestamp": entry.recorded_at,
        "labels": body.get("labels"),
        "metrics": body.get("metrics"),
        "req_id": body.get("req_id"),
        "bundles": {"policies": {"revision": entry.policy_revision}},
        "govshare": {"seq": entry.seq, "hash": entry.hash, "requested_by": body.get("requested_by"),
                     "law_version": entry.law_version, "data_revision": entry.data_revision},
    }
    if body.get("masked"):
        event["masked"] = body["masked"]
    return event


# --- the buffer: segments of newline-separated events, oldest first ------------


class _Buffer:
    """Segments of events (one JSON document a line), named by the ledger
    sequence number of their first event, so that their order is the ledger's.
    On disk (one file a segment, written whole) or in memory."""

    def __init__(self, directory: Path | None):
        self.directory = directory
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Several worker processes may share a buffer directory: one at a time
        adds, drops or ships, so no segment ships twice."""
        if self.directory is None:
            yield
            return
        with open(self.directory / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, first_seq: int, events: list[bytes]) -> None:
        name, data = f"{first_seq:020d}.ndjson", b"\n".join(events) + b"\n"
        if self.directory is None:
            self._memory[name] = data
            return
        partial = self.directory / f".{name}.partial"
        partial.write_bytes(data)
        os.replace(partial, self.directory / name)  # a crash leaves the whole segment or none

    def segments(self) -> list[tuple[str, int]]:
        """(name, size) of every segment, oldest first."""
        if self.directory is None:
            return [(name, len(data)) for name, data in self._memory.items()]
        found = []
        for path in self.directory.glob("*.ndjson"):
            try:
                found.append((path.name, path.stat().st_size))
            except FileNotFoundError:
                continue  # shipped by another process meanwhile
        return sorted(found)

    def read(self, name: str) -> list[bytes]:
        data = self._memory[name] if self.directory is None else (self.directory / name).read_bytes()
        return [line for line in data.split(b"\n") if line]

    def remove(self, name: str) -> None:
        if self.directory is None:
            self._memory.pop(name, None)
        else:
            (self.directory / name).unlink(missing_ok=True)


# --- the sink ---------------------------------------------------------------------


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is a failed upload: urllib would resend the Authorization
    header to wherever it points, and turn the POST into a GET without the
    events, which would then count as shipped."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 - urllib's signature
        return None  # urllib then raises HTTPError with the 3xx status


_NO_REDIRECTS = urllib.request.build_opener(_RefuseRedirects)


class DecisionLogSink:
    def __init__(self, config: SinkConfig):
        self.config = config
        self._buffer = _Buffer(config.buffer_dir)
        self._offered: deque[list[LedgerEntry]] = deque()
        self._offered_events = 0
        self._offered_lock = threading.Lock()  # held only to append or pop: never across I/O
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._failures = 0  # consecutive failed uploads
        self._next_upload = 0.0  # time.monotonic() before which nothing is uploaded
        # Counters (also Prometheus metrics, see `collector`).
        self.sent = self.dropped = self.failed_uploads = 0
        self.buffered_bytes = 0  # as the sink thread last saw it (a scrape never waits for the buffer's lock)

    @classmethod
    def from_env(cls, data_dir: Path | None = None, env: Mapping[str, str] | None = None) -> DecisionLogSink | None:
        config = SinkConfig.from_env(os.environ if env is None else env, data_dir)
        return cls(config) if config is not None else None

    def attach(self, store: Any) -> None:
        """Ship what `store` commits from now on."""
        store.on_commit.append(self.offer)

    # --- called after a commit, on the committing thread: never blocks, never raises

    def offer(self, entries: list[LedgerEntry]) -> None:
        try:
            decisions = [e for e in entries if e.kind == "decision"]
            if decisions:
                dropped = 0
                with self._offered_lock:
                    self._offered.append(decisions)
                    self._offered_events += len(decisions)
                    while self._offered_events > self.config.queue_max_events and len(self._offered) > 1:
                        oldest = self._offered.popleft()
                        self._offered_events -= len(oldest)
                        dropped += len(oldest)
                    self.dropped += dropped
                if dropped:
                    log.warning("决策日志发送线程未跟上（排队上限 %d 条），丢弃了最早排队的 %d 条事件；台账中的记录不受影响 / "
                                "the decision-log thread is behind (queue limit %d events): dropped the %d oldest queued events;"
                                " the ledger keeps them", self.config.queue_max_events, dropped, self.config.queue_max_events, dropped)
                self.start()
                self._wake.set()
        except Exception:  # noqa: BLE001 - the commit is done; shipping must not fail it
            log.exception("决策日志未能排队 / could not queue decision-log events")

    # --- the thread -----------------------------------------------------------------

    def start(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                self._thread = threading.Thread(target=self._run, name="govshare-decision-log", daemon=True)
                self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Buffer what is queued, try one last upload, and end the thread. What
        is not shipped stays in the buffer directory for the next start."""
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stopping.set()
        self._wake.set()
        thread.join(timeout if timeout is not None else self.config.timeout + 5)
        if thread.is_alive():
            # Still in an upload (a receiver that does not answer): its buffer lock
            # is held, so counting what is left would hang the shutdown with it.
            log.warning("停止时决策日志上传仍未结束，未发送的事件%s / a decision-log upload was still under way at stop; what is not shipped is %s",
                        *(("留在缓冲目录中", "kept in the buffer directory") if self.config.buffer_dir else ("已丢失", "lost")))
            return
        left = sum(count for _, count in self._pending())
        if left:
            where = (f"留在 {self.config.buffer_dir} 中，下次启动时发送", f"kept in {self.config.buffer_dir} for the next start") \
                if self.config.buffer_dir else ("已丢失（缓冲在内存中）", "lost (the buffer is in memory)")
            log.warning("停止时还有 %d 条决策日志事件未发送：%s / %d decision-log events not shipped at stop: %s", left, where[0], left, where[1])

    def _run(self) -> None:
        while True:
            stopping = self._stopping.is_set()
            try:
                self._buffer_offered()
                if self._segments() and (stopping or time.monotonic() >= self._next_upload):
                    self._upload_all(once=stopping)
            except Exception:  # noqa: BLE001 - a bug or a full disk must not end the thread; tried again later
                log.exception("决策日志发送出错 / decision-log shipping failed")
                self._next_upload = time.monotonic() + self._backoff()
            if stopping:
                return
            wait = max(0.0, self._next_upload - time.monotonic()) if self._segments() else None
            self._wake.wait(wait)
            self._wake.clear()

    def _segments(self) -> list[tuple[str, int]]:
        with self._buffer.locked():
            segments = self._buffer.segments()
        self.buffered_bytes = sum(size for _, size in segments)
        return segments

    def _pending(self) -> list[tuple[str, int]]:
        """(segment, events in it) still buffered, plus what is queued and not yet buffered."""
        with self._offered_lock:
            queued = [("queued", len(group)) for group in self._offered]
        with self._buffer.locked():
            return [(name, len(self._buffer.read(name))) for name, _ in self._buffer.segments()] + queued

    def _buffer_offered(self) -> None:
        """Move what commits offered into the buffer, as segments of at most
        batch_bytes, then drop the oldest events beyond buffer_max_bytes."""
        entries: list[LedgerEntry] = []
        with self._offered_lock:
            while self._offered:
                entries += self._offered.popleft()
            self._offered_events = 0
        if not entries:
            return
        with self._buffer.locked():
            for first_seq, events in self._segmented(entries):
                self._buffer.add(first_seq, events)
            self._enforce_bound()

    def _segmented(self, entries: list[LedgerEntry]) -> Iterator[tuple[int, list[bytes]]]:
        events: list[bytes] = []
        size, first = 0, 0
        for entry in entries:
            event = orjson.dumps(opa_event(entry))
            if events and size + len(event) + 1 > self.config.batch_bytes:
                yield first, events
                events, size = [], 0
            if not events:
                first = entry.seq
            events.append(event)
            size += len(event) + 1
        if events:
            yield first, events

    def _enforce_bound(self) -> None:
        segments = self._buffer.segments()
        total = sum(size for _, size in segments)
        dropped = 0
        for name, size in segments:
            if total <= self.config.buffer_max_bytes:
                break
            dropped += len(self._buffer.read(name))
            self._buffer.remove(name)
            total -= size
        if dropped:
            with self._offered_lock:  # offer() counts its drops under it too
                self.dropped += dropped
            log.warning("决策日志缓冲已满（上限 %d 字节），丢弃了最早的 %d 条事件（累计 %d 条）；台账中的记录不受影响 / "
                        "decision-log buffer full (limit %d bytes): dropped the oldest %d events (%d in all); the ledger keeps them",
                        self.config.buffer_max_bytes, dropped, self.dropped, self.config.buffer_max_bytes, dropped, self.dropped)

    def _upload_all(self, once: bool = False) -> None:
        """Upload batches, oldest first, until the buffer is empty or one fails."""
        while True:
            with self._buffer.locked():
                batch = self._batch(self._buffer.segments())
                if not batch:
                    return
                events = [event for name in batch for event in self._buffer.read(name)]
                ok = self._post(events)
                if ok:
                    for name in batch:
                        self._buffer.remove(name)
            if not ok:
                self.failed_uploads += 1
                self._failures += 1
                self._next_upload = time.monotonic() + self._backoff()
                return
            self.sent += len(events)
            self._failures = 0
            self._next_upload = time.monotonic() + self.config.min_delay
            if once:
                return

    def _batch(self, segments: list[tuple[str, int]]) -> list[str]:
        """The oldest segments that together fit in batch_bytes (at least one)."""
        chosen, size = [], 0
        for name, length in segments:
            if chosen and size + length > self.config.batch_bytes:
                break
            chosen.append(name)
            size += length
        return chosen

    def _backoff(self) -> float:
        """Exponential in the failures so far, capped at max_delay, with full jitter
        over its upper half (so that many instances do not retry in step)."""
        ceiling = min(self.config.max_delay, self.config.min_delay * 2 ** max(self._failures - 1, 0))
        return random.uniform(ceiling / 2, ceiling)

    def _post(self, events: list[bytes]) -> bool:
        body = gzip.compress(b"[" + b",".join(events) + b"]")
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip", "User-Agent": "govshare-decision-log"}
        if self.config.token:
            headers["Authorization"] = f"Bearer {self.config.token}"
        request = urllib.request.Request(self.config.url, data=body, headers=headers, method="POST")
        try:
            with _NO_REDIRECTS.open(request, timeout=self.config.timeout) as response:
                response.read(64 * 1024)  # the answer's body means nothing here; an endless one must not hold the thread
                return 200 <= response.status < 300
        except urllib.error.HTTPError as exc:
            self._log_failure(f"HTTP {exc.code}" + (" (redirect, not followed)" if 300 <= exc.code < 400 else ""))
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            # HTTPException: an answer that is not HTTP, or one cut short (not OSErrors)
            self._log_failure(str(getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"))
        return False

    def _log_failure(self, why: str) -> None:
        # The first failure of a run is a warning; the retries after it only info.
        level = logging.WARNING if self._failures == 0 else logging.INFO
        log.log(level, "决策日志上传失败（%s），稍后重试 / decision-log upload failed (%s); retrying with backoff", why, why)

    # --- Prometheus -----------------------------------------------------------------

    def collector(self) -> Any:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        sink = self

        class Collector:
            def collect(self) -> Iterable[Any]:
                yield CounterMetricFamily("govshare_decision_log_events_sent", "Decision-log events the receiver accepted", value=sink.sent)
                yield CounterMetricFamily("govshare_decision_log_events_dropped", "Decision-log events dropped, oldest first, "
                                          "because the buffer was full", value=sink.dropped)
                yield CounterMetricFamily("govshare_decision_log_upload_failures", "Decision-log uploads that failed (retried)",
                                          value=sink.failed_uploads)
                yield GaugeMetricFamily("govshare_decision_log_buffer_bytes", "Bytes of decision-log events waiting to ship",
                                        value=sink.buffered_bytes)

        return Collector()
