"""Prometheus metrics, request ids and structured JSON logs."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from fastapi.responses import JSONResponse
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.models import Decision

from ..request_facts import REQUEST_FACTS, RequestFacts
from ..storage.store import describe_storage_error, storage_unavailable
from .errors import RETRY_AFTER_SECONDS, error_body, internal_error_body, shaped_error, storage_unavailable_body

log = logging.getLogger("govshare.access")
crash_log = logging.getLogger("govshare.http")


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


class TextFormatter(logging.Formatter):
    """One readable line: time, level, logger, message, then the record's fields as key=value."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{self.formatTime(record, '%Y-%m-%dT%H:%M:%S%z')} {record.levelname} {record.name}: {record.getMessage()}"
        fields = getattr(record, "fields", {})
        if fields:
            line += " " + " ".join(f"{key}={json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value}"
                                   for key, value in fields.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


# GOVSHARE_LOG_FORMAT: how the service logs, govshare's loggers and uvicorn's alike.
LOG_FORMATS = {"text": TextFormatter, "json": JsonFormatter}
DEFAULT_LOG_FORMAT = "text"


def log_format(value: str | None) -> str:
    """The log format named by GOVSHARE_LOG_FORMAT (None or empty: the default); ValueError (zh / en) if unknown."""
    chosen = (value or DEFAULT_LOG_FORMAT).strip().lower()
    if chosen not in LOG_FORMATS:
        raise ValueError(f"GOVSHARE_LOG_FORMAT={value!r}：应为 text 或 json / must be text or json")
    return chosen


def uvicorn_log_config(fmt: str, level: str = "INFO") -> dict[str, Any]:
    """uvicorn's `log_config`: its own loggers and govshare's write one format to
    stderr. uvicorn's access log is off (give uvicorn `access_log=False` too):
    govshare.access already writes one line per request, with its request id and
    decision ids, so a request is logged once."""
    formatter = f"{__name__}.{LOG_FORMATS[fmt].__name__}"
    logger = {"handlers": ["stderr"], "level": level, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"govshare": {"()": formatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "govshare", "stream": "ext://sys.stderr"}},
        "loggers": {"govshare": logger, "uvicorn": logger, "uvicorn.error": {"level": level},
                    "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False}},
    }


def configure_logging(fmt: str, level: int = logging.INFO) -> None:
    """govshare's loggers in `fmt` (on stderr), without uvicorn's configuration (a worker process)."""
    handler = logging.StreamHandler()
    handler.setFormatter(LOG_FORMATS[fmt]())
    root = logging.getLogger("govshare")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def configure_json_logging(level: int = logging.INFO) -> None:
    configure_logging("json", level)


# An X-Request-ID is echoed unchanged (AuthZEN: the PDP "MUST include the same
# identifier"), so it is never cut: one that is too long or not printable ASCII
# is refused with 400 instead, under a request id of our own.
MAX_REQUEST_ID = 256


def request_id_problem(raw: bytes) -> dict[str, Any] | None:
    """Why an X-Request-ID value cannot be echoed as it is, or None."""
    if len(raw) > MAX_REQUEST_ID:
        return {"field": "X-Request-ID", "type": "too_long",
                "problem": {"zh": f"不得超过 {MAX_REQUEST_ID} 个字符（收到 {len(raw)} 个）",
                            "en": f"must be at most {MAX_REQUEST_ID} characters (got {len(raw)})"}}
    if any(b < 0x20 or b > 0x7E for b in raw):
        return {"field": "X-Request-ID", "type": "not_printable",
                "problem": {"zh": "只能包含可打印的 ASCII 字符", "en": "must contain only printable ASCII characters"}}
    return None


class RequestIds:
    """Echo (or make) an X-Request-ID on every response, and log one JSON line per
    request with the request id, the decision ids it produced, status and duration.

    It is the outermost middleware, so it also answers an unhandled error: the
    traceback goes to the log, the client gets a plain 500 error body (never a
    stack trace) that still carries its request id."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"")
        problem = request_id_problem(given) if given else None
        request_id = given.decode("ascii") if given and problem is None else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        scope["state"]["decision_ids"] = []
        started = time.perf_counter()
        # What the decisions of this request record in the ledger (request_facts.py); the request runs in its own task.
        client = scope.get("client")
        REQUEST_FACTS.set(RequestFacts(path=path, remote_addr=f"{client[0]}:{client[1]}" if client else None,
                                       req_id=request_id, received_ns=time.perf_counter_ns()))
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-request-id", request_id.encode("ascii"))]
            await send(message)

        try:
            if problem is not None:
                await _answer(send_with_id, path, 400, error_body(
                    "invalid_request_id",
                    f"请求头 X-Request-ID 无效：{problem['problem']['zh']}。未作处理；响应中的 X-Request-ID 是本服务生成的。",
                    f"The X-Request-ID header is not valid: it {problem['problem']['en']}. Nothing was done; "
                    "the X-Request-ID of this response was made by the service.",
                    [problem]))
                return
            try:
                await self.app(scope, receive, send_with_id)
            except Exception as exc:
                if storage_unavailable(exc) and not response_started:
                    # The database, from a middleware outside the app's handlers (e.g. idempotency keys).
                    crash_log.warning("database unavailable on %s: %s", path, describe_storage_error(exc),
                                      extra={"fields": {"request_id": request_id}})
                    await _answer(send_with_id, path, 503, storage_unavailable_body(), {"Retry-After": str(RETRY_AFTER_SECONDS)})
                    return
                crash_log.exception("unhandled error on %s", path, extra={"fields": {"request_id": request_id}})
                if response_started:
                    raise  # too late to answer; the server closes the connection
                await _answer(send_with_id, path, 500, internal_error_body())
        finally:
            if log.isEnabledFor(logging.INFO):  # the line's fields cost more than the check
                log.info("request", extra={"fields": {
                    "request_id": request_id, "method": scope.get("method"), "path": path, "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    "decision_ids": scope["state"].get("decision_ids", []),
                }})


async def _answer(send: Send, path: str, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    await JSONResponse(shaped_error(path, status, body), status_code=status, headers=headers)({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}
