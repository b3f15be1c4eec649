"""Writes signed checkpoints of the ledger head (engine/checkpoints.py) every N
entries or T seconds, whichever comes first.

Off the hot path: a commit that appended only tells the checkpointer its new
head (a comparison and, every N entries, setting an event); the signing and the
write happen on the checkpointer's own thread, in their own transaction. A
failure to checkpoint never fails a decision: it is logged and tried again.
Several workers may checkpoint the same head; the checkpoint's sequence number
is its key, so the second one is dropped.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone

from engine.checkpoints import Checkpoint, checkpoint_due, sign_checkpoint

from ..signing import Ed25519Signer
from .store import Store

log = logging.getLogger("govshare.ledger")

# How long to wait after a failed attempt before the next (the database may be
# down); doubled after each further failure, up to MAX_RETRY_SECONDS.
RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def _age(at: str) -> float:
    try:
        return (datetime.now(timezone.utc) - datetime.fromisoformat(at.replace("Z", "+00:00"))).total_seconds()
    except ValueError:
        return float("inf")


class CheckpointRefused(RuntimeError):
    """The ledger no longer holds what its latest checkpoint signed: signing its
    head now would anchor a cut or rewritten chain, so no checkpoint is written."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(f"{zh} / {en}")


class Checkpointer:
    def __init__(self, store: Store, signer: Ed25519Signer, every: int = 1000, seconds: float = 60.0):
        self.store, self.signer, self.every, self.seconds = store, signer, every, seconds
        self._head = 0  # the newest entry this process appended
        self._anchored = 0  # the newest checkpoint known to this process
        self._started = time.monotonic()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.failures = 0

    @property
    def enabled(self) -> bool:
        return bool(self.every or self.seconds)

    def appended(self, seq: int) -> None:
        """Called after every commit that appended to the ledger; cheap, and
        never raises (the commit it follows has been acknowledged)."""
        if not self.enabled:
            return
        try:
            if seq > self._head:
                self._head = seq
            if self._thread is None:
                self._start()
            if self.every and seq - self._anchored >= self.every:
                self._wake.set()
        except Exception as exc:  # noqa: BLE001 - e.g. no thread could be started; the next commit tries again
            log.warning("台账检查点线程无法启动 / the ledger checkpoint thread could not start: %s", exc)

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="govshare-checkpointer", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        wait: float | None = self.seconds or None
        failed_in_a_row = 0
        while True:
            self._wake.wait(wait)
            self._wake.clear()
            try:
                wait = self._write_if_due()
                failed_in_a_row = 0
                continue
            except CheckpointRefused as exc:
                log.error("%s", exc)
            except Exception as exc:  # noqa: BLE001 - never let the thread die; retry
                log.warning("台账检查点写入失败，稍后重试 / writing a ledger checkpoint failed, will retry: %s", exc)
            self.failures += 1
            failed_in_a_row += 1
            time.sleep(min(RETRY_SECONDS * 2 ** (failed_in_a_row - 1), MAX_RETRY_SECONDS))  # appends meanwhile do not hurry it
            wait = 0

    def _write_if_due(self) -> float | None:
        """Sign the head if it is due; return how long to wait before looking again."""
        if self._head <= self._anchored:  # nothing of ours is waiting: no need to ask the database
            return self.seconds or None
        with self._lock:
            latest = self.store.latest_checkpoint()
            seq, head_hash = self.store.ledger_head()
            self._anchored = latest.seq if latest else 0
            since = _age(latest.at) if latest else time.monotonic() - self._started
            if seq < self._anchored:  # entries the latest checkpoint covers were deleted: say so, each time
                self._still_holds(seq, latest)
            if checkpoint_due(seq - self._anchored, since, self.every, self.seconds):
                self._write(seq, head_hash, latest)
                return self.seconds or None
        if self.seconds and seq > self._anchored:  # pending, but not for long enough yet
            return max(self.seconds - since, 0.05)
        return self.seconds or None

    def _write(self, seq: int, head_hash: str, latest: Checkpoint | None) -> Checkpoint:
        self._still_holds(seq, latest)
        checkpoint = sign_checkpoint(seq, head_hash, _utc_now(), self.signer)
        self.store.add_checkpoint(checkpoint)
        self._anchored = max(self._anchored, seq)
        return checkpoint

    def _still_holds(self, seq: int, latest: Checkpoint | None) -> None:
        """Raise CheckpointRefused unless the ledger (now ending at `seq`) still
        holds what the latest checkpoint signed."""
        if latest is not None:
            if seq < latest.seq:
                raise CheckpointRefused(f"台账只到第 {seq} 条，而最新检查点证明曾有第 {latest.seq} 条：有记录被删除，不再写检查点（运行 govshare ledger verify）",
                                        f"the ledger ends at entry {seq} but its latest checkpoint proves entry {latest.seq}: entries "
                                        "were deleted; no checkpoint is written (run govshare ledger verify)")
            if self.store.ledger_hash_at(latest.seq) != latest.head_hash:
                raise CheckpointRefused(f"第 {latest.seq} 条与最新检查点不符：台账被改写，不再写检查点（运行 govshare ledger verify）",
                                        f"entry {latest.seq} does not match the latest checkpoint: the ledger was rewritten; "
                                        "no checkpoint is written (run govshare ledger verify)")

    def checkpoint_now(self) -> Checkpoint | None:
        """Sign the current head at once and store it (unless a checkpoint of
        that entry is stored already): the CLI's export. None when the ledger is
        empty. Raises on failure: the caller asked for it."""
        with self._lock:
            seq, head_hash = self.store.ledger_head()
            if seq == 0:
                return None
            return self._write(seq, head_hash, self.store.latest_checkpoint())

    def flush(self) -> None:
        """Anchor whatever this process appended that no checkpoint covers yet
        (on shutdown); logs instead of raising."""
        if not self.enabled or self._head <= self._anchored:
            return
        try:
            with self._lock:
                latest = self.store.latest_checkpoint()
                seq, head_hash = self.store.ledger_head()
                if seq > (latest.seq if latest else 0):
                    self._write(seq, head_hash, latest)
        except Exception as exc:  # noqa: BLE001 - shutting down: say so, do not fail the shutdown
            log.warning("台账检查点写入失败 / writing a ledger checkpoint failed: %s", exc)
