"""HTTP part of `make bench`: single-decision throughput and latency under a
bounded local load (loopback only), next to a bare FastAPI endpoint with the
same body measured in the same run; batch decisions/s; 1 vs 2 workers.

The load comes from `wrk` (Debian's package; `make bench` installs it when it
can) for a fixed time per server: a Python client cannot outrun the server on
two cores and would measure itself. Without wrk an httpx client is used, and
the report says so."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

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


def start(kind: str, workers: int, data_dir: str, cache_size: int = 0) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "GOVSHARE_DATA_DIR": data_dir, "GOVSHARE_BOOTSTRAP_TOKEN": TOKEN, "GOVSHARE_CACHE_SIZE": str(cache_size)}
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
        async def send():
            return await (client.get(path, headers=headers) if body is None else client.post(path, content=body, headers=headers))

        async def worker() -> None:
            for _ in counter:
                started = time.perf_counter()
                response = await send()
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status_code} {response.text[:300]}")

        for _ in range(50):  # warm up
            await send()
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies


WRK_SECONDS = int(os.environ.get("GOVSHARE_BENCH_HTTP_SECONDS", "8"))
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise RuntimeError(f"cannot read wrk's latency {text!r}")
    number, unit = match.groups()
    return float(number) * _UNITS[unit]


def load_wrk(url: str, path: str, body: bytes | None, concurrency: int) -> dict[str, float]:
    """A fixed-time wrk run; POST `body` or GET `path` as given."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.headers["Authorization"] = "Bearer {TOKEN}"\n')
        if body is not None:
            Path(script.name + ".json").write_bytes(body)
            script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n')
            script.write(f'local f = io.open("{script.name}.json", "rb")\nwrk.body = f:read("*a")\nf:close()\n')
    try:
        run = subprocess.run(["wrk", "-t", "2", "-c", str(concurrency), "-d", f"{WRK_SECONDS}s", "--timeout", "30s", "--latency", "-s", script.name, url + path],
                             capture_output=True, text=True, timeout=WRK_SECONDS + 60, check=True)
    finally:
        Path(script.name).unlink(missing_ok=True)
        Path(script.name + ".json").unlink(missing_ok=True)
    out = run.stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"{path}: wrk saw errors:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {"requests": requests, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)), "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))}


def load(url: str, path: str, body: bytes | None, concurrency: int, total: int) -> dict[str, float]:
    if shutil.which("wrk"):
        return load_wrk(url, path, body, concurrency)
    elapsed, latencies = asyncio.run(_load(url, path, body, concurrency, total))
    latencies.sort()
    return {"requests": total, "rps": total / elapsed, "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000}


def run(total: int = 3000, concurrency: int = 16, batch_size: int = 100) -> dict:
    """Rows, per worker count: the bare endpoint; govshare with the decision
    cache off (every request evaluates the policies) for decisions of record,
    decisions only and (1 worker) a batch; govshare with the cache on, where wrk's
    repeated identical request is answered from the cache after the first.
    With the cache on, the decision only is also measured as
    `POST /v1/decisions?dry_run=true`: the bare endpoint's request, byte for byte
    (uvicorn spends ~70 µs more per request on a GET whose URL carries the
    encoded event than on the same event as a POST body, before any app code)."""
    results: dict = {"load_generator": f"wrk, {WRK_SECONDS} s per row" if shutil.which("wrk") else f"httpx, {total} requests per row",
                     "concurrency": concurrency}
    single = orjson.dumps(EVENT)
    # The same decision through the OPA Data API's GET, which evaluates and writes
    # nothing: the decision without its usage record and ledger entry.
    read_only = "/v1/data/govshare/allow?input=" + quote(single.decode())
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            w = f"{workers} worker{'s' if workers > 1 else ''}"
            for kind, cache in (("bare", 0), ("govshare", 0), ("govshare", 10_000)):
                proc, url = start(kind, workers, str(Path(tmp) / f"{kind}-{workers}-{cache}"), cache)
                try:
                    if kind == "bare":
                        results[f"bare FastAPI, {w}"] = load(url, "/v1/decisions", single, concurrency, total)
                        continue
                    cached = ", cached" if cache else ""
                    results[f"govshare of record{cached}, {w}"] = load(url, "/v1/decisions", single, concurrency, total)
                    results[f"govshare decision only{cached}, {w}"] = load(url, read_only, None, concurrency, total)
                    if cache:
                        results[f"govshare dry run (POST), cached, {w}"] = load(url, "/v1/decisions?dry_run=true", single, concurrency, total)
                    if workers == 1 and not cache:
                        batch = orjson.dumps({"events": [EVENT] * batch_size})
                        measured = load(url, "/v1/decisions:batch", batch, 4, max(20, total // batch_size))
                        measured["decisions_per_s"] = measured["rps"] * batch_size
                        results[f"govshare batch of {batch_size}, 1 worker"] = measured
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)
    ratios: dict[str, float] = {}
    for row in ("govshare of record", "govshare decision only", "govshare of record, cached", "govshare decision only, cached",
                "govshare dry run (POST), cached"):
        one, two = results[f"{row}, 1 worker"]["rps"], results[f"{row}, 2 workers"]["rps"]
        ratios[f"{row}: / bare, 1 worker"] = one / results["bare FastAPI, 1 worker"]["rps"]
        ratios[f"{row}: / bare, 2 workers"] = two / results["bare FastAPI, 2 workers"]["rps"]
        ratios[f"{row}: 2 workers / 1"] = two / one
    ratios["bare FastAPI: 2 workers / 1"] = results["bare FastAPI, 2 workers"]["rps"] / results["bare FastAPI, 1 worker"]["rps"]
    results["ratios"] = ratios
    return results


HEALTH_INTERVAL_S = 0.01


def _health_latencies(url: str, seconds: float) -> list[float]:
    """GET /health/live on a fixed schedule (every 10 ms) for `seconds`; each
    latency counts from when the probe was due, not when it could be sent, so
    a stall shows in every probe it delays (no coordinated omission)."""
    latencies: list[float] = []
    with httpx.Client(base_url=url, timeout=30) as client:
        start = time.perf_counter()
        for n in range(int(seconds / HEALTH_INTERVAL_S)):
            due = start + n * HEALTH_INTERVAL_S
            if (ahead := due - time.perf_counter()) > 0:
                time.sleep(ahead)
            client.get("/health/live")
            latencies.append((time.perf_counter() - due) * 1000)
    return latencies


def health_under_load(batch_size: int = 1000, busy: int = 4, seconds: float = 6.0) -> dict:
    """`/health/live` latency while `busy` maximal valid requests (batches of
    `batch_size` uncached decisions of record, the largest GOVSHARE_MAX_BATCH
    allows by default) run on one worker, next to its latency with nothing
    else running, in the same run. The target is p99 <= 50 ms."""
    import threading

    batch = orjson.dumps({"events": [EVENT] * batch_size})
    headers = {"content-type": "application/json", "authorization": f"Bearer {TOKEN}"}
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start("govshare", 1, str(Path(tmp) / "health"), 0)
        try:
            idle = sorted(_health_latencies(url, 2.0))
            stop = threading.Event()
            done = []

            def hammer() -> None:
                with httpx.Client(base_url=url, timeout=120) as client:
                    for _ in range(50):  # bounded
                        if stop.is_set():
                            return
                        response = client.post("/v1/decisions:batch", content=batch, headers=headers)
                        if response.status_code != 200:
                            raise RuntimeError(f"batch: HTTP {response.status_code} {response.text[:300]}")
                        done.append(1)

            threads = [threading.Thread(target=hammer, daemon=True) for _ in range(busy)]
            for thread in threads:
                thread.start()
            time.sleep(0.5)
            loaded = sorted(_health_latencies(url, seconds))
            stop.set()
            for thread in threads:
                thread.join(180)
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    def summary(values: list[float]) -> dict[str, float]:
        return {"requests": len(values), "p50_ms": statistics.median(values), "p99_ms": values[max(0, int(len(values) * 0.99) - 1)],
                "max_ms": values[-1]}

    return {"idle": summary(idle), "under_load": summary(loaded), "batches_done": len(done), "batch_size": batch_size, "busy": busy}


if __name__ == "__main__" and sys.argv[1:] == ["health"]:
    print(orjson.dumps(health_under_load(), option=orjson.OPT_INDENT_2).decode())
