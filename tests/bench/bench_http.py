"""HTTP part of `make bench`: single-decision throughput and latency under a
bounded local load (loopback only), next to a bare FastAPI endpoint with the
same body measured in the same run; batch decisions/s; 1 vs 2 workers."""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "gs_bench_token"
EVENT = {"action": "use", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区民政局"},
         "dataset": "ds-population-basic", "fields": ["name"], "purpose": "社会救助资格审核", "grant": "g-2026-0001",
         "pi_basis": "《个人信息保护法》第十三条第一款第三项", "controls": ["传输加密", "访问权限控制", "操作日志留存"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(kind: str, workers: int, data_dir: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "GOVSHARE_DATA_DIR": data_dir, "GOVSHARE_BOOTSTRAP_TOKEN": TOKEN, "GOVSHARE_CACHE_SIZE": "0"}
    if kind == "bare":
        cmd = [sys.executable, "-m", "uvicorn", "tests.bench.bare_app:app", "--port", str(port), "--workers", str(workers),
               "--loop", "uvloop", "--http", "httptools", "--log-level", "warning", "--no-access-log"]
    else:
        cmd = [sys.executable, "-m", "uvicorn", "adapters.http.app:create_app", "--factory", "--port", str(port),
               "--workers", str(workers), "--loop", "uvloop", "--http", "httptools", "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(url + ("/docs" if kind == "bare" else "/health"), timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{kind} server did not start: {proc.stderr.read().decode()[-2000:]}")


async def _load(url: str, path: str, body: bytes, concurrency: int, total: int) -> tuple[float, list[float]]:
    headers = {"content-type": "application/json", "authorization": f"Bearer {TOKEN}"}
    latencies: list[float] = []
    counter = iter(range(total))
    async with httpx.AsyncClient(base_url=url, limits=httpx.Limits(max_connections=concurrency), timeout=30) as client:
        async def worker() -> None:
            for _ in counter:
                started = time.perf_counter()
                response = await client.post(path, content=body, headers=headers)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status_code} {response.text[:300]}")

        for _ in range(50):  # warm up
            await client.post(path, content=body, headers=headers)
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies


def load(url: str, path: str, body: bytes, concurrency: int, total: int) -> dict[str, float]:
    elapsed, latencies = asyncio.run(_load(url, path, body, concurrency, total))
    latencies.sort()
    return {"requests": total, "rps": total / elapsed, "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000}


def run(total: int = 3000, concurrency: int = 16, batch_size: int = 100) -> dict:
    results: dict = {"total_requests": total, "concurrency": concurrency}
    single = orjson.dumps(EVENT)
    with tempfile.TemporaryDirectory() as tmp:
        for name, kind, workers in (("bare FastAPI, 1 worker", "bare", 1), ("govshare, 1 worker", "govshare", 1),
                                    ("bare FastAPI, 2 workers", "bare", 2), ("govshare, 2 workers", "govshare", 2)):
            proc, url = start(kind, workers, str(Path(tmp) / name.replace(" ", "_").replace(",", "")))
            try:
                results[name] = load(url, "/v1/decisions", single, concurrency, total)
                if kind == "govshare" and workers == 1:
                    batch = orjson.dumps({"events": [EVENT] * batch_size})
                    measured = load(url, "/v1/decisions:batch", batch, 4, max(20, total // batch_size))
                    measured["decisions_per_s"] = measured["rps"] * batch_size
                    results[f"govshare batch of {batch_size}, 1 worker"] = measured
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    results["ratio_1_worker"] = results["govshare, 1 worker"]["rps"] / results["bare FastAPI, 1 worker"]["rps"]
    results["ratio_2_workers"] = results["govshare, 2 workers"]["rps"] / results["bare FastAPI, 2 workers"]["rps"]
    results["scaling_2_over_1"] = results["govshare, 2 workers"]["rps"] / results["govshare, 1 worker"]["rps"]
    return results
