"""Prometheus metrics, request ids and structured JSON logs."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.models import Decision

log = logging.getLogger("govshare.access")


class Metrics:
    """One registry per app (so tests and several apps in one process do not
    collide). With several worker processes each reports its own figures."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.decisions = Counter("govshare_decisions_total", "Decisions by outcome", ["outcome"], registry=self.registry)
        self.violations = Counter("govshare_violations_total", "Violations and breaches by regulation, article and rule code",
                                  ["regulation", "article", "code"], registry=self.registry)
        self.latency = Histogram("govshare_decision_seconds", "Time to decide one event (engine only)", registry=self.registry,
                                 buckets=(0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5))
        self.cache_hits = Gauge("govshare_decision_cache_hits", "Decision cache hits since start", registry=self.registry)
        self.cache_misses = Gauge("govshare_decision_cache_misses", "Decision cache misses since start", registry=self.registry)
        self.cache_ratio = Gauge("govshare_decision_cache_hit_ratio", "Decision cache hit ratio since start", registry=self.registry)
        self.policy = Info("govshare_policy", "Live policy and data revision", registry=self.registry)

    def observe(self, decision: Decision, seconds: float) -> None:
        self.decisions.labels(decision.outcome).inc()
        self.latency.observe(seconds)
        for v in decision.violations + decision.breaches:
            self.violations.labels(v.regulation, str(v.article or ""), v.code).inc()

    def refresh(self, engine: Any) -> None:
        hits, misses = engine.cache_hits, engine.cache_misses
        self.cache_hits.set(hits)
        self.cache_misses.set(misses)
        self.cache_ratio.set(hits / (hits + misses) if hits + misses else 0.0)
        self.policy.info({"policy_revision": engine.policies.revision, "data_revision": engine.data_revision,
                          "rules": str(len(engine.policies.rules))})


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_json_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("govshare")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


class RequestIds:
    """Echo (or make) an X-Request-ID, and log one JSON line per request with the
    request id, the decision ids it produced, status and duration."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:200] or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        scope["state"]["decision_ids"] = []
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-request-id", request_id.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info("request", extra={"fields": {
                "request_id": request_id, "method": scope.get("method"), "path": scope.get("path"), "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                "decision_ids": scope["state"].get("decision_ids", []),
            }})
