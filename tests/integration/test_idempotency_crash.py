"""Issue 14's proof for safe retries: kill -9 during a burst of decisions of
record sent with Idempotency-Keys. After a restart, every request that was
answered is in the ledger exactly once, and its retry returns its first answer."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from adapters.service import PROJECT_ROOT
from adapters.storage.store import Store, sqlite_url
from tests.conftest import ADMIN_TOKEN

USE = {"action": "use", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区民政局"},
       "dataset": "ds-population-basic", "fields": ["name"], "purpose": "社会救助资格审核", "grant": "g-2026-0001",
       "pi_basis": "《个人信息保护法》第十三条第一款第三项", "controls": ["传输加密", "访问权限控制", "操作日志留存"]}
HEADERS = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data_dir: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "GOVSHARE_DATA_DIR": str(data_dir), "GOVSHARE_BOOTSTRAP_TOKEN": ADMIN_TOKEN, "GOVSHARE_RELOAD": "0"}
    env.pop("GOVSHARE_DATABASE_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "adapters.http.app:create_app", "--factory",
                               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                              cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    pytest.fail("the server did not start")


def test_kill_9_during_a_burst_loses_and_repeats_no_answered_decision(tmp_path):
    port = free_port()
    server = start(tmp_path, port)
    answered: dict[str, str] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def send(worker: int) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=HEADERS, timeout=5) as client:
            for n in range(200):  # bounded: the burst ends by itself
                if stop.is_set():
                    return
                key = f"burst-{worker}-{n}"
                try:
                    response = client.post("/v1/decisions", json=USE, headers={"Idempotency-Key": key})
                except httpx.HTTPError:
                    return  # the server is gone
                if response.status_code == 200:
                    with lock:
                        answered[key] = response.json()["decision_id"]

    senders = [threading.Thread(target=send, args=(w,)) for w in range(4)]
    for thread in senders:
        thread.start()
    deadline = time.monotonic() + 30
    while len(answered) < 40 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(server.pid, signal.SIGKILL)  # mid-burst, no shutdown
    server.wait(10)
    stop.set()
    for thread in senders:
        thread.join(10)
    assert len(answered) >= 40, "the burst was answered before the kill"

    ledger = Counter(e.ref for e in Store(sqlite_url(tmp_path)).ledger() if e.kind == "decision")
    assert all(ledger[decision_id] == 1 for decision_id in answered.values()), "every answered decision is in the ledger once"

    server = start(tmp_path, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=HEADERS, timeout=10) as client:
            for key, decision_id in answered.items():
                again = client.post("/v1/decisions", json=USE, headers={"Idempotency-Key": key})
                assert again.status_code == 200 and again.json()["decision_id"] == decision_id, key
    finally:
        server.terminate()
        server.wait(10)
    ledger = Counter(e.ref for e in Store(sqlite_url(tmp_path)).ledger() if e.kind == "decision")
    assert all(ledger[decision_id] == 1 for decision_id in answered.values()), "the retries wrote nothing"
