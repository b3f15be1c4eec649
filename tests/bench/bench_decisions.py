"""`make bench`: what a decision costs, measured in one run.

In-process: decision latency p50/p99 for the full policy set at 100, 10k and
100k catalogue entries, next to the raw Rego evaluation of the same query (the
floor); the cost of a cache hit; RSS after loading each size (in a fresh
process). HTTP (tests/bench/bench_http.py): single-decision throughput and
p50/p99 under a bounded loopback load next to a bare FastAPI endpoint with the
same body; batch decisions/s; 1 vs 2 workers. The machine is shared and noisy,
so ratios measured in the same run are the figures to trust.

Prints tables and writes bench-results/bench.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import orjson
from rich.console import Console
from rich.progress import track
from rich.table import Table

from adapters.regorus_backend import RegorusBackend
from adapters.service import PROJECT_ROOT
from adapters.storage.store import demo_catalog
from engine.decide import DataSnapshot, DecisionEngine
from engine.models import AccessEvent, CatalogEntry, Grant
from engine.policyset import load_policy_set
from engine.regulations import layers_for

ITERATIONS = int(os.environ.get("GOVSHARE_BENCH_ITERATIONS", "3000"))
SIZES = [int(s) for s in os.environ.get("GOVSHARE_BENCH_SIZES", "100,10000,100000").split(",")]
HTTP_REQUESTS = int(os.environ.get("GOVSHARE_BENCH_HTTP_REQUESTS", "3000"))

BASE = {"at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区民政局"}, "dataset": "ds-population-basic",
        "fields": ["name", "id_number"], "purpose": "社会救助资格审核", "grant": "g-2026-0001",
        "pi_basis": "《个人信息保护法》第十三条第一款第三项", "controls": ["传输加密", "访问权限控制", "操作日志留存"]}
EVENTS = {
    "use allowed": {**BASE, "action": "use"},
    "transfer denied": {**BASE, "action": "transfer", "purpose": "招商引资", "recipient": {"kind": "third_party", "name": "某公司"}},
    "apply needs_action": {"action": "apply", "at": BASE["at"], "requester": BASE["requester"], "dataset": BASE["dataset"], "fields": ["name"]},
}


def scaled(size: int) -> DataSnapshot:
    entries, grants = demo_catalog()
    extra_entries: list[CatalogEntry] = []
    extra_grants: list[Grant] = []
    i = 0
    while len(entries) + len(extra_entries) < size:
        template = entries[i % len(entries)]
        extra_entries.append(template.model_copy(update={"id": f"{template.id}-bench-{i}"}))
        g = grants[i % len(grants)]
        extra_grants.append(g.model_copy(update={"id": f"{g.id}-bench-{i}", "dataset": f"{g.dataset}-bench-{i}"}))
        i += 1
    return DataSnapshot.build(entries + extra_entries, grants + extra_grants)


def percentiles(samples_ns: list[int]) -> dict[str, float]:
    samples = sorted(samples_ns)
    return {
        "p50_us": statistics.median(samples) / 1000,
        "p99_us": samples[int(len(samples) * 0.99) - 1] / 1000,
        "mean_us": statistics.fmean(samples) / 1000,
    }


def measure(fn, label: str) -> dict[str, float]:
    for _ in range(200):
        fn()
    samples = []
    for _ in track(range(ITERATIONS), description=label, transient=True):
        start = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - start)
    return percentiles(samples)


def rss_after_loading(size: int) -> float:
    """Peak RSS (MiB) of a fresh process that loads `size` entries into an engine."""
    code = ("import resource, sys; from tests.bench.bench_decisions import scaled, PROJECT_ROOT; "
            "from adapters.regorus_backend import RegorusBackend; from engine.decide import DecisionEngine; "
            "from engine.policyset import load_policy_set; "
            f"DecisionEngine(load_policy_set(PROJECT_ROOT / 'policies', RegorusBackend()), RegorusBackend(), scaled({size})); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def in_process(console: Console) -> list[dict]:
    policies = load_policy_set(PROJECT_ROOT / "policies", RegorusBackend())
    results = []
    for size in SIZES:
        snapshot = scaled(size)
        start = time.perf_counter()
        backend = RegorusBackend()
        engine = DecisionEngine(policies, backend, snapshot, cache_size=0)
        load_s = time.perf_counter() - start
        cached_engine = DecisionEngine(policies, RegorusBackend(), snapshot, cache_size=1000)
        rss = rss_after_loading(size)
        for name, raw_event in EVENTS.items():
            event = AccessEvent.model_validate(raw_event)
            input_json = orjson.dumps(event.model_dump(mode="json", exclude_none=True)).decode()
            # The floor: the Rego evaluations a decision makes (one per layer in force, over the
            # packages its action reaches), nothing else.
            queries = [policies.layer_query(r.key, event.action.value) for r in layers_for(event.jurisdiction, event.at.date())]
            raw = measure(lambda: [backend.evaluate(q, input_json) for q in queries], f"{size} {name} raw")
            full = measure(lambda: engine.decide(event), f"{size} {name} decide")
            # A hit as a later request makes it: the same event at another time that day
            # (the cache keys on the day when the policies see only the day), validated separately.
            cached_engine.decide(event)
            again = AccessEvent.model_validate({**raw_event, "at": raw_event["at"][:11] + "15:47:11.5+08:00"})
            hit = measure(lambda: cached_engine.decide(again), f"{size} {name} cache hit")
            results.append({"catalogue": size, "event": name, "load_s": load_s, "rss_mib": rss, "raw_eval": raw,
                            "decide": full, "cache_hit": hit, "ratio_p50": full["p50_us"] / raw["p50_us"]})
    table = Table(title=f"In-process decisions ({ITERATIONS} iterations each)")
    for column in ("entries", "event", "raw Rego p50/p99 µs", "decide p50/p99 µs", "decide/raw", "cache hit p50/p99 µs", "load s", "RSS MiB"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(str(r["catalogue"]), r["event"], f"{r['raw_eval']['p50_us']:.0f} / {r['raw_eval']['p99_us']:.0f}",
                      f"{r['decide']['p50_us']:.0f} / {r['decide']['p99_us']:.0f}", f"{r['ratio_p50']:.2f}×",
                      f"{r['cache_hit']['p50_us']:.1f} / {r['cache_hit']['p99_us']:.1f}", f"{r['load_s']:.2f}", f"{r['rss_mib']:.0f}")
    console.print(table)
    return results


def http(console: Console) -> dict:
    from tests.bench.bench_http import run

    results = run(total=HTTP_REQUESTS)
    table = Table(title=f"HTTP at concurrency {results['concurrency']} (loopback; load: {results['load_generator']})")
    for column in ("server", "req/s", "p50 ms", "p99 ms", "decisions/s"):
        table.add_column(column, justify="right")
    for name, r in results.items():
        if isinstance(r, dict) and "rps" in r:
            table.add_row(name, f"{r['rps']:.0f}", f"{r['p50_ms']:.2f}", f"{r['p99_ms']:.2f}", f"{r.get('decisions_per_s', r['rps']):.0f}")
    console.print(table)
    for name, value in results["ratios"].items():
        console.print(f"{name} {value:.2f}×")
    from tests.bench.bench_http import health_under_load

    health = health_under_load()
    table = Table(title=f"/health/live while {health['busy']} batches of {health['batch_size']} decisions of record run (1 worker; target p99 ≤ 50 ms)")
    for column in ("", "requests", "p50 ms", "p99 ms", "max ms"):
        table.add_column(column, justify="right")
    for name in ("idle", "under_load"):
        r = health[name]
        table.add_row(name.replace("_", " "), str(r["requests"]), f"{r['p50_ms']:.2f}", f"{r['p99_ms']:.2f}", f"{r['max_ms']:.2f}")
    console.print(table)
    results["health_under_load"] = health
    return results


def main() -> int:
    console = Console(width=max(Console().width, 140))  # the tables stay readable in a narrow terminal or a log
    report = {"machine": {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count()},
              "iterations": ITERATIONS, "in_process": in_process(console)}
    if os.environ.get("GOVSHARE_BENCH_HTTP", "1") != "0":
        report["http"] = http(console)
    out = PROJECT_ROOT / "bench-results" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    console.print(f"JSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
