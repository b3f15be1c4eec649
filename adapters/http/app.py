"""The HTTP service platforms call before they serve, pass on or collect data."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import time
from typing import Any

from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, FastAPI, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.calendar import UnknownCalendarYear
from engine.decide import EventError
from engine.models import AccessEvent, Decision, Id, Name

from ..decision_log_sink import DecisionLogSink
from ..lifecycle import DataStale, Lifecycle, Refused, StateConflict
from ..service import Service, Settings, build_service
from ..storage.store import NotFound, StorageError, describe_storage_error, storage_unavailable
from .errors import (FASTAPI_BODY_PARSE_DETAIL, ORJSON_MAX_DEPTH, RETRY_AFTER_SECONDS, calendar_year_unknown_body, data_stale_body, describe_errors, error_body,
                     internal_error_body, is_json_media_type, json_depth_exceeds, orjson_too_deep, shaped_error, storage_unavailable_body,
                     too_deep_body, undecodable_body, unsupported_media_type_body)
from .health import health_router
from ..tokens import Tokens
from .auth import AuthError, Authorizer, event_claims
from .fastpath import FastRoute, fast, include_flat, is_json, use_fast_query
from .lifecycle_routes import lifecycle_router
from .opa_routes import opa_router
from .authzen_routes import authzen_router, public_base
from .authzen_search import authzen_search_router
from .console_routes import console_router
from .impact_routes import impact_router
from .calendar_routes import calendar_router
from .idempotency import Idempotency
from .observability import Metrics, RequestIds, configure_json_logging

log = logging.getLogger("govshare.http")

DESCRIPTION = """
govshare 依据《政务数据共享条例》（国务院令第809号）及地方规定，对政务数据的申请、使用、
再提供、收集等每一个共享环节作出许可决定，并逐条引用所违反的条款，中英文说明理由与整改办法。

govshare decides whether each step of government data sharing may happen under the
Government Data Sharing Regulation (State Council Order 809) and local measures,
and explains every "no" by the article it breaks, in Chinese and English.
Any engine failure answers `indeterminate` with `allow: false`: it never allows.
"""

DENY_EXAMPLE = {
    "decision_id": "5f0c0d3e9a1b4c7e8d2f6a4b3c1e0f9a",
    "allow": False,
    "outcome": "deny",
    "violations": [
        {
            "code": "GDSR-25-THIRD-PARTY",
            "regulation": "gdsr",
            "article": 25,
            "paragraph": 1,
            "item": None,
            "liability": "40(3)",
            "severity": "prohibited",
            "title": {"zh": "未经提供部门同意向第三方提供共享数据", "en": "Shared data passed on without the provider's consent"},
            "message": {"zh": "向“某科技有限公司”提供“人口基础信息”未经提供部门同意。", "en": "Passing 人口基础信息 to 某科技有限公司 lacks the providing department's consent."},
            "remedy": {"zh": "取得提供部门同意后再提供，或停止提供。", "en": "Obtain the providing department's consent first, or do not pass the data on."},
            "facts": {"dataset": "人口基础信息", "recipient": "某科技有限公司"},
            "rule": "gdsr.sharing.third_party",
        }
    ],
    "obligations": [],
    "policy_revision": "sha256:3f2a…",
    "data_revision": "sha256:9c1b…",
    "law_version": "gdsr@2025-08-01",
    "evaluated_at": "2026-03-02T10:00:00.012+08:00",
    "event_at": "2026-03-02T10:00:00+08:00",
}

ERROR_EXAMPLE = error_body(
    "invalid_request",
    "请求内容不符合要求，见 fields。",
    "The request is not valid; see fields.",
    [{"field": "requester.department", "type": "missing", "problem": {"zh": "缺少必填字段", "en": "Field required"}}],
)


class BodyLimit:
    """Guard every request body before a route reads it: over `max_bytes` is
    refused with 413 (before it is read into memory), and a JSON body nested more
    than `max_depth` levels with 400. This is the one place the JSON depth limit
    is enforced for bodies, whichever route (FastAPI models, the OPA Data API,
    AuthZEN) parses them afterwards."""

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app, self.settings = app, settings

    @property
    def max_bytes(self) -> int:
        return self.settings.max_body_bytes

    @property
    def max_depth(self) -> int:
        return self.settings.max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send, path)
            return
        # Read the whole body (bodies without Content-Length are counted as they
        # stream in), so that its nesting can be checked before anything parses it.
        chunks: list[bytes] = []
        seen = 0
        early: list[Message] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                early.append(message)  # the client left; the app hears it first
                break
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_bytes:
                await self._refuse(send, path)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if early:
            exceeded = None
        elif len(body) > 64 * 1024:  # a batch, say: parsed and walked off the event loop
            exceeded = await asyncio.to_thread(self._exceeded_depth, body)
        else:
            exceeded = self._exceeded_depth(body)
        if exceeded is not None:
            await _send_json(send, shaped_error(path, 400, too_deep_body(exceeded)), 400)
            return
        replay: list[Message] = early or [{"type": "http.request", "body": body, "more_body": False}]

        async def replayed() -> Message:
            return replay.pop(0) if replay else await receive()

        await self.app(scope, replayed, send)

    def _exceeded_depth(self, body: bytes) -> int | None:
        """The nesting limit the body exceeds, or None."""
        # Fast path: a body with no more brackets than the limit cannot nest deeper
        # (nor reach orjson's own limit of 1024 levels).
        if body.count(b"{") + body.count(b"[") <= min(self.max_depth, 1000):
            return None
        try:
            parsed = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            # orjson's own limit is still "too deep", not "malformed"; anything
            # else is the route's to report as malformed JSON.
            return min(self.max_depth, ORJSON_MAX_DEPTH) if orjson_too_deep(exc) else None
        return self.max_depth if json_depth_exceeds(parsed, self.max_depth) else None

    async def _refuse(self, send: Send, path: str) -> None:
        body = error_body(
            "body_too_large",
            f"请求体超过上限 {self.max_bytes} 字节。",
            f"The request body is larger than the limit of {self.max_bytes} bytes.",
            [{"field": "body", "type": "too_large", "problem": {"zh": f"不得超过 {self.max_bytes} 字节", "en": f"must be at most {self.max_bytes} bytes"}}],
        )
        await _send_json(send, shaped_error(path, 413, body), 413)


async def _send_json(send: Send, body: dict[str, Any], status: int) -> None:
    await JSONResponse(body, status_code=status)({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


# The `dry_run` values the quick path reads itself; any other spelling (pydantic
# accepts more) goes to FastAPI's own parsing.
_DRY_RUN = {"true": True, "false": False, "1": True, "0": False}
_decision_json = Decision.__pydantic_serializer__.to_json


def settle_the_heap() -> None:
    """Once the service has started: what is alive now stays (policies, the
    engine's data, FastAPI's routes), so the garbage collector stops walking it
    (see Settings.gc_freeze); and a full collection, which walks every request's
    objects then alive (four batches of 1,000: some 50 ms, no other request
    served meanwhile), comes after 100 collections of the middle generation
    instead of 10. Younger garbage is collected as before."""
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 100)


def _batch_json(decisions: list[Decision]) -> bytes:
    """The bytes FastAPI's response_model=BatchOut writes for these decisions."""
    return b'{"decisions":[' + b",".join(_decision_json(d, by_alias=True) for d in decisions) + b"]}"


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    events: list[AccessEvent] = Field(min_length=1, description="按顺序决策的事件 / events, decided in order")


class BatchOut(BaseModel):
    decisions: list[Decision]


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: Name = Field(min_length=1, description="令牌用途或持有方 / who or what uses it", examples=["民政局共享平台"])
    role: Literal["platform", "compliance", "auditor", "admin"] = Field(description="角色 / role")
    departments: list[Annotated[Name, StringConstraints(strip_whitespace=True, min_length=1)]] | None = Field(
        default=None, min_length=1, max_length=200,
        description="令牌只能代表这些部门（需求部门、答复和交付的提供部门、所发布目录的提供单位）；不填则为平台级令牌，可代表任何部门"
                    " / the departments the token may act as (requester, the provider replying or delivering, the provider of a"
                    " published entry); omitted: a platform-wide token that may act as any",
        examples=[["示范区民政局"]])


def token_router(tokens: Tokens, auth: Authorizer) -> APIRouter:
    router = APIRouter(tags=["令牌 tokens"], dependencies=[auth.require("manage_tokens")])

    @router.post("/v1/tokens", status_code=201, summary="签发令牌（只显示一次）/ issue a token (shown once)")
    async def issue(body: TokenIn) -> dict[str, Any]:
        token, info = tokens.create(body.name, body.role, departments=body.departments)
        return {"token": token, **info.__dict__}

    @router.get("/v1/tokens", summary="令牌列表（不含令牌本身）/ list tokens (never the secrets)")
    async def listing() -> list[dict[str, Any]]:
        return [t.__dict__ for t in tokens.list()]

    @router.post("/v1/tokens/{token_id}/revoke", summary="吊销令牌 / revoke a token")
    async def revoke(token_id: Id) -> dict[str, Any]:
        info = tokens.revoke(token_id)
        auth.clear()
        return info.__dict__

    return router


DOCS_STATIC = "/docs-static"


def add_offline_docs(app: FastAPI) -> None:
    """/docs (Swagger UI) with its script, styles and favicon served from the
    pinned fastapi-offline package, so the page works without internet
    (FastAPI's "Self-hosting JavaScript and CSS for docs"). ReDoc is not
    offered: its page loads its logo from cdn.redoc.ly whatever it is given."""
    from importlib.resources import files

    from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    app.mount(DOCS_STATIC, StaticFiles(directory=str(files("fastapi_offline") / "static")), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=f"{root}{app.swagger_ui_oauth2_redirect_url}",
            swagger_js_url=f"{root}{DOCS_STATIC}/swagger-ui-bundle.js", swagger_css_url=f"{root}{DOCS_STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_STATIC}/favicon.png",
            # no badge fetched from validator.swagger.io
            swagger_ui_parameters={**(app.swagger_ui_parameters or {}), "validatorUrl": None})

    @app.get(app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect", include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()


def unsupported_media_type(request: Request, errors: list[dict[str, Any]]) -> bool:
    """Whether FastAPI refused a body model because the body was not sent as JSON
    (FastAPI then hands the raw bytes to the model): a 415, not a field error.
    (AuthZEN's and the OPA Data API's routes read the raw request, never a body
    model, so they keep their own rules: 400, and any type, as their specs say.)"""
    if is_json_media_type(request.headers.get("content-type")):
        return False
    return any(tuple(e.get("loc", ())) == ("body",) for e in errors)


def create_app(service: Service | None = None, settings: Settings | None = None) -> FastAPI:
    """Build the app. Loading policies and data happens here, so a policy that
    does not compile stops the service from starting."""
    if os.environ.get("GOVSHARE_JSON_LOGS") == "1":
        configure_json_logging()
    service = service or build_service(settings)
    public_base(service.settings.public_url)  # a bad GOVSHARE_PUBLIC_URL stops the service here, not at the first PEP
    app = FastAPI(
        title="govshare",
        version="0.1.0",
        description=DESCRIPTION,
        openapi_tags=[
            {"name": "决策 decisions", "description": "共享环节许可决策 / access decisions"},
            {"name": "运维 operations", "description": "健康检查 / health"},
        ],
        docs_url=None,  # served from the package (add_offline_docs), not from a CDN
        redoc_url=None,
    )
    app.state.service = service
    lifecycle = Lifecycle(service, service.settings.log_mask, service.settings.data_poll_seconds)
    app.state.lifecycle = lifecycle
    app.router.on_shutdown.append(lifecycle.close)  # commit the writes still waiting
    # Decision-log shipping (GOVSHARE_DECISION_LOG_URL; off when unset): what the store commits, to an HTTP receiver.
    decision_log = DecisionLogSink.from_env(service.settings.data_dir)
    app.state.decision_log = decision_log
    if decision_log is not None:
        decision_log.attach(service.store)
        app.router.on_startup.append(decision_log.start)
        app.router.on_shutdown.append(decision_log.stop)  # after lifecycle.close: the last writes ship too
    if service.settings.gc_freeze:
        app.router.on_startup.append(settle_the_heap)
    tokens = Tokens(service.store)
    generated = tokens.bootstrap(service.settings.bootstrap_token) if service.settings.auth_enabled else None
    if generated:
        # Shown once: only its hash is stored.
        log.warning("generated the first admin token (shown once): %s", generated)
        print(f"管理员令牌（只显示这一次）/ admin token (shown once): {generated}", flush=True)
    app.state.bootstrap_token = generated
    auth = Authorizer(tokens, service.settings.auth_enabled)
    app.state.auth = auth
    # Inside the body limit: a retried write with its Idempotency-Key gets the
    # first answer and writes nothing (see idempotency.py).
    app.add_middleware(Idempotency, store=service.store, auth=auth)
    app.add_middleware(BodyLimit, settings=service.settings)
    # Hot reload of policies/ (GOVSHARE_RELOAD=0 turns it off): a watcher thread
    # checks changes; the swap happens on the serving thread, before a request.
    from ..reload import PolicyReloader, PolicySwap, reload_enabled, reload_interval

    # Due dates left pending for want of a calendar year: computed at start-up
    # and whenever a reload may have added the year.
    lifecycle.settle_pending_due_dates()
    reloader = PolicyReloader(service, reload_interval(), on_swap=lifecycle.settle_pending_due_dates)
    app.state.reloader = reloader
    app.add_middleware(PolicySwap, reloader=reloader)
    # Outermost, so that every response (a refused body, an unhandled error's 500)
    # carries the request id; it also answers unhandled errors itself (see RequestIds).
    app.add_middleware(RequestIds)
    if reload_enabled():
        reloader.start()
        app.router.on_shutdown.append(reloader.stop)
    metrics = Metrics()
    app.state.metrics = metrics
    if decision_log is not None:
        metrics.registry.register(decision_log.collector())

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if unsupported_media_type(request, errors):
            content_type = request.headers.get("content-type")
            return JSONResponse(unsupported_media_type_body(content_type), status_code=415)
        if any(e.get("type") in ("json_invalid", "json_type") for e in errors):
            return JSONResponse(
                error_body("malformed_json", "请求体不是合法的 JSON。", "The request body is not valid JSON.",
                           describe_errors(errors, exc.body)),
                status_code=400,
            )
        return JSONResponse(
            error_body("invalid_request", "请求内容不符合要求，见 fields。", "The request is not valid; see fields.", describe_errors(errors)),
            status_code=422,
        )

    @app.exception_handler(EventError)
    async def _unknown(request: Request, exc: EventError) -> JSONResponse:
        return JSONResponse(
            error_body("invalid_request", "请求内容不符合要求，见 fields。", "The request is not valid; see fields.",
                       [{"field": exc.field, "type": "unknown_value", "problem": {"zh": exc.zh, "en": exc.en}}]),
            status_code=422,
        )

    @app.exception_handler(AuthError)
    async def _auth(request: Request, exc: AuthError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        body = shaped_error(request.url.path, exc.status, error_body(exc.code, exc.zh, exc.en, exc.fields))
        return JSONResponse(body, status_code=exc.status, headers=headers)

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> JSONResponse:
        body = error_body("refused", "该操作未获允许，未作任何变更；原因见 decision。",
                          "The step was not allowed and nothing was changed; see decision for why.")
        body["decision"] = exc.decision.model_dump(mode="json")
        return JSONResponse(body, status_code=422)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> JSONResponse:
        names = {"catalog entry": "目录条目", "grant": "共享授权", "application": "共享申请", "usage record": "使用记录", "incident": "安全事件"}
        return JSONResponse(error_body("not_found", f"没有{names.get(exc.kind, exc.kind)} {exc.ref}。", f"No {exc.kind} {exc.ref}."), status_code=404)

    @app.exception_handler(StateConflict)
    async def _conflict(request: Request, exc: StateConflict) -> JSONResponse:
        return JSONResponse(error_body("state_conflict", exc.zh, exc.en), status_code=409)

    @app.exception_handler(UnknownCalendarYear)
    async def _calendar_year(request: Request, exc: UnknownCalendarYear) -> JSONResponse:
        # The lifecycle keeps such due dates pending; this is for any count that still escapes.
        log.warning("working-day calendar has no %s on %s", exc.year, request.url.path)
        body = shaped_error(request.url.path, 503, calendar_year_unknown_body(exc.year, exc.known))
        return JSONResponse(body, status_code=503)

    async def _storage(request: Request, exc: Exception) -> JSONResponse:
        if not storage_unavailable(exc):
            # A bug in a query or a row that breaks a constraint: not the database
            # being away, so not hidden as one (logged with its traceback).
            log.error("storage error on %s", request.url.path, exc_info=exc)
            return JSONResponse(shaped_error(request.url.path, 500, internal_error_body()), status_code=500)
        log.warning("database unavailable on %s: %s", request.url.path, describe_storage_error(exc))
        return JSONResponse(shaped_error(request.url.path, 503, storage_unavailable_body()), status_code=503,
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    for kind in (DBAPIError, StorageError, PoolTimeout, DisconnectionError):
        app.add_exception_handler(kind, _storage)

    @app.exception_handler(DataStale)
    async def _stale(request: Request, exc: DataStale) -> JSONResponse:
        facts = exc.failure.facts
        body = shaped_error(request.url.path, 503, data_stale_body(facts["data_age_s"], facts["max_data_age_s"]))
        return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        zh = {404: "没有这个地址。", 405: "该地址不支持此请求方法。"}.get(exc.status_code, "请求无法处理。")
        if exc.status_code == 400 and exc.detail == FASTAPI_BODY_PARSE_DETAIL:  # bytes that are not UTF-8
            body = shaped_error(request.url.path, 400, undecodable_body())
        else:
            body = shaped_error(request.url.path, exc.status_code, error_body(f"http_{exc.status_code}", zh, str(exc.detail)))
        return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        # A fallback only: RequestIds (outermost) answers unhandled errors first,
        # with the request id; see observability.py.
        log.exception("unhandled error on %s", request.url.path)
        return JSONResponse(shaped_error(request.url.path, 500, internal_error_body()), status_code=500)

    # A plain, valid request to POST /v1/decisions is answered without FastAPI's
    # parameter resolution (see fastpath.py). The route stays on the app's own
    # router: an included router costs two more matching passes per request.
    may_decide = auth.permits("decide")

    def fast_post(path: str, **options: Any) -> Any:
        def register(endpoint: Any) -> Any:
            app.router.add_api_route(path, endpoint, methods=["POST"], route_class_override=FastRoute, **options)
            return endpoint

        return register

    async def quick_decide(request: Request) -> Response | None:
        if not may_decide(request) or not is_json(request.headers.get("content-type")):
            return None
        dry_run = False
        if request.scope.get("query_string"):
            given = use_fast_query(request).getlist("dry_run")
            if given:
                if len(given) != 1 or given[0] not in _DRY_RUN:
                    return None
                dry_run = _DRY_RUN[given[0]]
        try:
            event = AccessEvent.model_validate(orjson.loads(await request.body()))
        except (orjson.JSONDecodeError, ValidationError):
            return None  # FastAPI's path answers it with the error it always gave
        decision = await decide_one(event, dry_run, request)
        # The bytes FastAPI's response_model=Decision writes (pydantic's JSON
        # serialiser), without validating our own Decision again.
        return Response(_decision_json(decision, by_alias=True), media_type="application/json")

    async def decide_one(event: AccessEvent, dry_run: bool, request: Request) -> Decision:
        # Evaluation runs on the worker's engine thread (adapters/engine_thread.py),
        # so the event loop goes on serving other requests meanwhile.
        auth.act_as(request, *event_claims(event))
        if dry_run:
            # A trial is not a decision of record: no ledger, no metrics.
            decision = await lifecycle.decide_on_current_data_async(event)
            request.state.decision_ids.append(decision.decision_id)
            return decision
        return (await decide_and_observe([event], request))[0]

    @fast_post(
        "/v1/decisions",
        dependencies=[auth.require("decide")],
        response_model=Decision,
        tags=["决策 decisions"],
        summary="对一个共享环节作出许可决策 / decide one access event",
        description="返回是否允许、全部违规（逐条引用条款，中英文说明与整改办法）及附带义务。"
        "拒绝也返回 200；请求本身有误才返回 4xx。\n\n"
        "Returns the decision with every violation cited. A deny is still HTTP 200; 4xx means the request itself is wrong.",
        responses={
            200: {"content": {"application/json": {"example": DENY_EXAMPLE}}},
            400: {"description": "请求体不是合法的 JSON / malformed JSON", "content": {"application/json": {"example": error_body("malformed_json", "请求体不是合法的 JSON。", "The request body is not valid JSON.")}}},
            413: {"description": "请求体过大 / body too large"},
            415: {"description": "请求体未以 Content-Type: application/json 发送 / body not sent as application/json",
                  "content": {"application/json": {"example": unsupported_media_type_body("text/plain")}}},
            422: {"description": "字段缺失或取值无效 / a field is missing or invalid", "content": {"application/json": {"example": ERROR_EXAMPLE}}},
        },
    )
    @fast(quick_decide)
    async def decide(
        event: AccessEvent,
        request: Request,
        dry_run: bool = Query(False, description="试算：只作决策，不记台账、不生成使用记录、不暂停授权（控制台的决策试算用此方式）"
                              " / try it: decide but write nothing — no ledger entry, no usage record, no suspension (the console's playground)"),
    ) -> Any:
        return await decide_one(event, dry_run, request)

    async def decide_and_observe(events: list[AccessEvent], request: Request) -> list[Decision]:
        started = time.perf_counter()
        decisions = await lifecycle.decide_many_async(events)
        each = (time.perf_counter() - started) / max(len(decisions), 1)
        if len(decisions) > 1:
            await asyncio.to_thread(observe_all, decisions, each)  # a thousand counters: not on the loop
        else:
            observe_all(decisions, each)
        request.state.decision_ids += [d.decision_id for d in decisions][:50]
        return decisions

    def observe_all(decisions: list[Decision], each: float) -> None:
        for decision in decisions:
            metrics.observe(decision, each)

    def too_many(count: int) -> JSONResponse | None:
        if count <= (limit := service.settings.max_batch):
            return None
        return JSONResponse(error_body(
            "batch_too_large", f"一次最多提交 {limit} 个事件。", f"At most {limit} events per batch.",
            [{"field": "events", "type": "too_long", "problem": {"zh": f"不得超过 {limit} 个", "en": f"must have at most {limit} items"}}],
        ), status_code=413)

    def parse_batch(body: bytes) -> BatchIn | None:
        try:
            return BatchIn.model_validate(orjson.loads(body))
        except (orjson.JSONDecodeError, ValidationError):
            return None  # FastAPI's path answers it with the error it always gave

    async def quick_batch(request: Request) -> Response | None:
        # A batch is large: parsing, validating and writing its answer run on
        # worker threads and its decisions on the engine thread, so the event
        # loop goes on serving other requests (issue 14: no request stalls another).
        if not may_decide(request) or not is_json(request.headers.get("content-type")) or request.scope.get("query_string"):
            return None
        batch = await asyncio.to_thread(parse_batch, await request.body())
        if batch is None or too_many(len(batch.events)) is not None:
            return None
        auth.act_as(request, *(claim for i, e in enumerate(batch.events) for claim in event_claims(e, prefix=f"events[{i}].")))
        decisions = await decide_and_observe(batch.events, request)
        return Response(await asyncio.to_thread(_batch_json, decisions), media_type="application/json")

    @fast_post(
        "/v1/decisions:batch",
        dependencies=[auth.require("decide")],
        response_model=BatchOut,
        tags=["决策 decisions"],
        summary="批量决策，按顺序作答 / decide many events, in order",
        description="每个事件的结果与单独调用 /v1/decisions 相同，按提交顺序返回；"
        "某事件导致授权暂停的，其后的事件按暂停后的状态决策。\n\n"
        "Each result is what /v1/decisions would answer, in the order sent; a misuse that suspends a grant "
        "affects the events after it.",
    )
    @fast(quick_batch)
    async def decide_batch(body: BatchIn, request: Request) -> Any:
        if (refused := too_many(len(body.events))) is not None:
            return refused
        auth.act_as(request, *(claim for i, e in enumerate(body.events) for claim in event_claims(e, prefix=f"events[{i}].")))
        return {"decisions": await decide_and_observe(body.events, request)}

    @app.get("/metrics", tags=["运维 operations"], summary="Prometheus 指标 / Prometheus metrics")
    async def prometheus_metrics() -> Response:
        metrics.refresh(service.engine)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    # The decision APIs first: a request is matched against the routes in order.
    # The OPA Data API's and AuthZEN's routes join the app's own (see include_flat).
    include_flat(app, opa_router(lifecycle, auth, dependency_overrides_provider=app))
    include_flat(app, authzen_router(lifecycle, auth, dependency_overrides_provider=app))
    include_flat(app, authzen_search_router(lifecycle, auth, dependency_overrides_provider=app))
    app.include_router(lifecycle_router(lifecycle, auth))
    app.include_router(token_router(tokens, auth))
    app.include_router(console_router(lifecycle, auth))
    app.include_router(impact_router(service, lifecycle, auth))
    app.include_router(calendar_router(service, auth))

    @app.get("/v1/status", dependencies=[auth.require("read_catalog")], tags=["运维 operations"],
             summary="现行策略修订、加载时间与最近一次被拒绝的变更 / live policy revision, when it was loaded, the last refused change")
    async def status() -> dict[str, Any]:
        return reloader.status()

    # /health, /health/live, /health/ready: no token (load balancers), no secrets.
    app.include_router(health_router(lifecycle))
    add_offline_docs(app)  # last: a request is matched against the routes in order

    return app
