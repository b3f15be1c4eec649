"""`make bench`: in-process decision latency, measured against the raw Rego
evaluation of the same query in the same run (the machine is shared and noisy,
so the ratio is the figure to trust, not the absolute time).

Prints a table and writes bench-results/decisions.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
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
from engine.policyset import AGGREGATE_QUERY, load_policy_set

ITERATIONS = int(os.environ.get("GOVSHARE_BENCH_ITERATIONS", "3000"))
SIZES = [int(s) for s in os.environ.get("GOVSHARE_BENCH_SIZES", "31,10000").split(",")]

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


def main() -> int:
    console = Console()
    policies = load_policy_set(PROJECT_ROOT / "policies", RegorusBackend())
    results = []
    for size in SIZES:
        snapshot = scaled(size)
        start = time.perf_counter()
        backend = RegorusBackend()
        engine = DecisionEngine(policies, backend, snapshot)
        load_s = time.perf_counter() - start
        for name, raw_event in EVENTS.items():
            event = AccessEvent.model_validate(raw_event)
            input_json = orjson.dumps(event.model_dump(mode="json", exclude_none=True)).decode()
            raw = measure(lambda: backend.evaluate(AGGREGATE_QUERY, input_json), f"{size} {name} raw")
            full = measure(lambda: engine.decide(event), f"{size} {name} decide")
            parse_body = orjson.dumps(raw_event)
            parse = measure(lambda: AccessEvent.model_validate_json(parse_body), f"{size} {name} parse")
            results.append({"catalogue": size, "event": name, "load_s": load_s, "raw_eval": raw, "decide": full,
                            "parse": parse, "ratio_p50": full["p50_us"] / raw["p50_us"]})
    table = Table(title=f"govshare in-process decisions ({ITERATIONS} iterations each)")
    for column in ("catalogue", "event", "raw Rego p50/p99 µs", "decide p50/p99 µs", "decide / raw", "parse p50 µs", "load s"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(str(r["catalogue"]), r["event"], f"{r['raw_eval']['p50_us']:.1f} / {r['raw_eval']['p99_us']:.1f}",
                      f"{r['decide']['p50_us']:.1f} / {r['decide']['p99_us']:.1f}", f"{r['ratio_p50']:.2f}×",
                      f"{r['parse']['p50_us']:.1f}", f"{r['load_s']:.2f}")
    console.print(table)
    out = PROJECT_ROOT / "bench-results" / "decisions.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count()},
                               "iterations": ITERATIONS, "results": results}, indent=2, ensure_ascii=False))
    console.print(f"JSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
