"""Health for load balancers and operators, without a token and without secrets.

* `GET /health/live`: the process is up and answering (200 always).
* `GET /health/ready`: it can serve: the database answers a cheap read within
  a short timeout, policies are loaded, and the working-day calendar covers
  today's Beijing year. 200, or 503 naming the failing parts.
* `GET /health`: the same parts, the age of the data decisions rest on, and
  the live revisions and counts.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import Future
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from engine.models import BEIJING

from ..lifecycle import Lifecycle
from ..storage.store import Store, describe_storage_error, storage_unavailable
from .errors import RETRY_AFTER_SECONDS

log = logging.getLogger("govshare.health")

TAG = "运维 operations"

# Long enough for a loaded database, short enough for a load balancer's probe.
PING_TIMEOUT_SECONDS = 1.0


def beijing_year() -> int:
    return datetime.now(BEIJING).year


class DatabaseProbe:
    """The readiness check's round trip to the database, on a thread of its own
    so that a database that hangs holds that thread, not the event loop; one at
    a time: probes that arrive meanwhile wait for the one in flight instead of
    piling up threads."""

    def __init__(self, store: Store, timeout: float = PING_TIMEOUT_SECONDS):
        self.store, self.timeout = store, timeout
        self._inflight: Future | None = None
        self._lock = threading.Lock()

    def _ping(self) -> Future:
        with self._lock:
            if self._inflight is None or self._inflight.done():
                future: Future = Future()

                def run() -> None:
                    started = time.perf_counter()
                    try:
                        self.store.ping()
                    except BaseException as exc:  # noqa: BLE001 - the probe's answer
                        future.set_exception(exc)
                    else:
                        future.set_result((time.perf_counter() - started) * 1000)

                threading.Thread(target=run, name="govshare-db-probe", daemon=True).start()
                self._inflight = future
            return self._inflight

    async def check(self) -> dict[str, Any]:
        try:
            ms = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(self._ping())), self.timeout)
        except asyncio.TimeoutError:
            return {"ok": False, "problem": "timeout", "timeout_s": self.timeout}
        except Exception as exc:  # noqa: BLE001 - whatever the driver raises means "not ready"
            if storage_unavailable(exc):
                log.warning("readiness: the database is unavailable: %s", describe_storage_error(exc))
            else:
                log.error("readiness: the database check failed", exc_info=exc)
            return {"ok": False, "problem": type(exc).__name__}  # the class only: no host, user or file
        return {"ok": True, "latency_ms": round(ms, 3)}


def health_router(lifecycle: Lifecycle) -> APIRouter:
    router = APIRouter(tags=[TAG])
    service = lifecycle.service
    probe = DatabaseProbe(service.store)

    async def parts() -> tuple[dict[str, Any], list[str]]:
        engine = service.engine
        years = engine.policies.calendar.known_years
        year = beijing_year()
        found = {
            "database": await probe.check(),
            "policies": {"ok": bool(engine.policies.rules), "revision": engine.policies.revision, "rules": len(engine.policies.rules)},
            "calendar": {"ok": year in years, "year": year, "first_year": years[0] if years else None,
                         "last_year": years[-1] if years else None},
        }
        return found, [name for name, part in found.items() if not part["ok"]]

    def answer(body: dict[str, Any], failing: list[str]) -> JSONResponse:
        if not failing:
            return JSONResponse(body)
        return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    @router.get("/health/live", summary="存活检查：进程在运行 / liveness: the process is up")
    async def live() -> dict[str, Any]:
        return {"status": "ok"}

    @router.get("/health/ready", summary="就绪检查：数据库可达、策略已加载、日历覆盖今年 / readiness: database, policies, calendar",
                responses={503: {"description": "有部分不可用，见 failing / a part is failing, see failing"}})
    async def ready() -> JSONResponse:
        found, failing = await parts()
        return answer({"status": "unavailable" if failing else "ready", "failing": failing, **found}, failing)

    @router.get("/health", summary="健康检查 / health",
                responses={503: {"description": "有部分不可用，见 failing / a part is failing, see failing"}})
    async def health() -> JSONResponse:
        found, failing = await parts()
        engine = service.engine
        return answer({
            "status": "unavailable" if failing else "ok",
            "failing": failing,
            **found,
            # Seconds since catalogue and grants were last read from the database
            # (an idle worker's grows until its next request re-reads them).
            "data_age_s": round(lifecycle.data_age(), 3),
            "max_data_age_s": lifecycle.max_data_age,
            "policy_revision": engine.policies.revision,
            "data_revision": engine.data_revision,
            "rules": len(engine.policies.rules),
            "datasets": len(engine.snapshot.catalog),
            "grants": len(engine.snapshot.grants),
            "backend": engine.backend.name,
        }, failing)

    return router
