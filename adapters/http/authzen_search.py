"""AuthZEN 1.0 Search APIs (§8) over engine/search.py.

    POST /access/v1/search/resource   which datasets may this department use for this purpose?
    POST /access/v1/search/subject    which departments hold grants on this dataset?

Resource search: `subject` is the department (`type: department`, its `id` one
the token may act as — checked against the token, never taken on the caller's
word), `action.name` is `use` (the default when absent), `resource.type` is
`dataset` (its `id` is ignored, §8.5.1), `context` carries the use's other
fields as in an evaluation, `context.purpose` required. Every candidate is
decided by the real engine in trial (dry-run) decisions: nothing is written.

Subject search: `resource.id` is the dataset; only a token that may act as its
provider department (or a platform-wide token) may ask; `subject.type` is
`department`.

Both page with `page.limit` (≤ MAX_LIMIT) and the opaque `page.token` from the
previous page's `page.next_token` (§8.2); a token used with a changed request is
refused (400), as §8.2 recommends. `page.properties.govshare_include`
(`permitted`, the default, or `all`) is govshare's filter (§8.2.1 lets
`page.properties` carry implementation-specific filtering): `permitted` returns
only what would evaluate to `decision: true` (§8.1), `all` every candidate with
its status.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from datetime import date, datetime

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import TypeAdapter

from engine import search
from engine.decide import EventError
from engine.models import BEIJING, AccessEvent, CatalogEntry, Decision, Grant, in_beijing

from ..engine_thread import Pacer
from ..lifecycle import Lifecycle
from .auth import Authorizer
from .authzen_routes import (SEARCH_RESOURCE_PATH, SEARCH_SUBJECT_PATH, TAG, AuthZenResponse, MappingError, _authzen_field, _cited,
                             _object, _problem, _text, bad_request, content_type_refused, json_content_type,
                             read_json_object, to_event)
from .fastpath import FastRoute, fast_if

# Stands in for the resource id while the PEP's context is mapped onto an event;
# every trial replaces it with a catalogue entry's id.
_ANY_DATASET = "govshare-search-candidate"


class LifecyclePorts:
    """engine.search's ports over the lifecycle: the stored catalogue and grants,
    and trial decisions on current data (no ledger entry, no record, no suspension)."""

    def __init__(self, lifecycle: Lifecycle):
        self.lifecycle = lifecycle
        self._pacer: Pacer | None = None  # one search's trials; made on the engine thread, where they run

    def catalogue(self) -> list[CatalogEntry]:
        return self.lifecycle.store.catalog()

    def grants(self) -> list[Grant]:
        return self.lifecycle.store.grants()

    def trial(self, event: AccessEvent) -> Decision:
        # A page is up to a few hundred trials on the engine thread: the event loop
        # and the decisions waiting behind it get their turns between them.
        if self._pacer is None:
            self._pacer = Pacer()
        self._pacer.breathe()
        return self.lifecycle.decide_on_current_data(event)


# --- the request ---------------------------------------------------------------------


def _literal(value: str | None, field: str, allowed: tuple[str, ...], problems: list[dict[str, Any]], zh_hint: str = "") -> None:
    if value is not None and value not in allowed:
        problems.append(_problem(field, "literal_error", f"取值不在允许范围内，应为 {'、'.join(allowed)}{zh_hint}",
                                 f"must be one of {', '.join(allowed)}"))


def _fingerprint(body: dict[str, Any]) -> str:
    """What must stay the same from page to page (§8.2): every entity and every
    page parameter but the token."""
    page = {k: v for k, v in (body.get("page") or {}).items() if k != "token"} if isinstance(body.get("page"), dict) else None
    kept = {k: body.get(k) for k in ("subject", "action", "resource", "context")} | {"page": page}
    return hashlib.sha256(orjson.dumps(kept, option=orjson.OPT_SORT_KEYS)).hexdigest()[:24]


def _next_token(offset: int | None, fingerprint: str) -> str:
    if offset is None:
        return ""
    return base64.urlsafe_b64encode(orjson.dumps({"o": offset, "f": fingerprint})).decode().rstrip("=")


def _bad_token(zh: str, en: str) -> MappingError:
    return MappingError([_problem("page.token", "token_invalid", zh, en)])


def _offset_of(token: str, fingerprint: str) -> int:
    try:
        decoded = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset, given = decoded["o"], decoded["f"]
    except (ValueError, TypeError, KeyError, orjson.JSONDecodeError):
        raise _bad_token("不是本 PDP 给出的翻页令牌（应为上一页的 page.next_token）",
                         "not a token this PDP gave (use the previous page's page.next_token)") from None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise _bad_token("不是本 PDP 给出的翻页令牌", "not a token this PDP gave")
    if given != fingerprint:
        raise _bad_token("请求与给出此令牌的上一页请求不同：翻页时 subject、action、resource、context 与 page.limit 须保持不变（AuthZEN §8.2）",
                         "the request differs from the one this token came from: subject, action, resource, context and "
                         "page.limit must stay the same while paging (AuthZEN §8.2)")
    return offset


def page_of(body: dict[str, Any]) -> tuple[int, int, search.Include]:
    """(offset, limit, include) from `page`, or MappingError naming the field."""
    problems: list[dict[str, Any]] = []
    page = _object(body.get("page"), "page", problems, required=False) or {}
    properties = _object(page.get("properties"), "page.properties", problems, required=False) or {}
    # A null member is an absent one (§11.5 asks senders to leave nulls out).
    limit = page.get("limit")
    limit = search.DEFAULT_LIMIT if limit is None else limit
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        problems.append(_problem("page.limit", "int_type", "应为非负整数", "must be a non-negative integer"))
    elif limit > search.MAX_LIMIT:
        problems.append(_problem("page.limit", "too_large", f"每页最多 {search.MAX_LIMIT} 项", f"must be at most {search.MAX_LIMIT}"))
    include = properties.get("govshare_include")
    include = "permitted" if include is None else include
    _literal(include if isinstance(include, str) else repr(include), "page.properties.govshare_include", search.INCLUDE_VALUES, problems)
    token = page.get("token")
    if token is not None and not isinstance(token, str):
        problems.append(_problem("page.token", "string_type", "应为字符串", "must be a string"))
    if problems:
        raise MappingError(problems)
    offset = _offset_of(token, _fingerprint(body)) if token else 0
    return offset, limit, include


_TIME = TypeAdapter(datetime)


def search_date(body: dict[str, Any]) -> date:
    """The day grants must be valid on: `context.time` (or `at`) as in an
    evaluation, else today in Beijing. MappingError naming the field."""
    context = body.get("context") if isinstance(body.get("context"), dict) else {}
    key = "at" if "at" in context else "time"
    value = context.get(key)
    if value is None:
        return datetime.now(BEIJING).date()
    try:
        return in_beijing(_TIME.validate_python(value)).date()
    except ValueError:  # a ValidationError, or in_beijing refusing a time out of range in Beijing time
        raise MappingError([_problem(f"context.{key}", "datetime_parsing", "应为 ISO 8601 时间，如 2026-03-02T10:00:00+08:00",
                                     "must be an ISO 8601 time, e.g. 2026-03-02T10:00:00+08:00")]) from None


def _entities(body: dict[str, Any], problems: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, Any] | None]:
    subject = _object(body.get("subject"), "subject", problems, required=True)
    action = _object(body.get("action"), "action", problems, required=False)
    resource = _object(body.get("resource"), "resource", problems, required=True)
    _object(body.get("context"), "context", problems, required=False)
    _literal(_text(subject, "type", "subject.type", problems), "subject.type", ("department",), problems, "（只有部门持有共享授权）")
    _literal(_text(resource, "type", "resource.type", problems), "resource.type", ("dataset",), problems, "（政务数据目录条目）")
    if action is not None:
        _literal(_text(action, "name", "action.name", problems), "action.name", ("use",), problems)
    return subject, action, resource


def _page_json(page: search.Page[Any], fingerprint: str) -> dict[str, Any]:
    return {"next_token": _next_token(page.next_offset, fingerprint), "count": len(page.results), "total": page.total}


# --- the answer ------------------------------------------------------------------------


def dataset_result(access: search.DatasetAccess) -> dict[str, Any]:
    entry = access.entry
    properties: dict[str, Any] = {
        "name": entry.name,
        "provider": entry.provider,
        "share_attribute": entry.share_attribute.value,
        "status": access.status,
    }
    if access.status == "grant_held":
        properties["grant"] = access.grant
    elif access.status == "grant_to_complete":
        properties["grant"] = access.grant
        properties["to_complete"] = [_cited(v) for v in access.to_complete]
    elif access.status == "apply":
        if entry.conditions is not None:
            properties["conditions"] = entry.conditions.model_dump(mode="json")
        properties["to_complete"] = [_cited(v) for v in access.to_complete]
    else:
        properties["violations"] = [_cited(v) for v in access.blocking]
    if access.held:
        properties["grants_not_covering"] = list(access.held)
    return {"type": "dataset", "id": entry.id, "properties": properties}


def holder_result(holder: search.GrantHolder) -> dict[str, Any]:
    return {"type": "department", "id": holder.department, "properties": {"grants": [
        g.model_dump(mode="json", include={"id", "status", "purposes", "fields", "scenario", "method", "valid_from", "valid_until"})
        for g in holder.grants
    ]}}


EXAMPLE_RESOURCE = {
    "subject": {"type": "department", "id": "示范区民政局", "properties": {"level": "county", "region": "419001"}},
    "action": {"name": "use"},
    "resource": {"type": "dataset"},
    "context": {"time": "2026-03-02T10:00:00+08:00", "purpose": "社会救助资格审核",
                "pi_basis": "《个人信息保护法》第十三条第一款第三项", "controls": ["传输加密", "访问权限控制", "操作日志留存"]},
    "page": {"limit": 10, "properties": {"govshare_include": "all"}},
}
EXAMPLE_SUBJECT = {"subject": {"type": "department"}, "action": {"name": "use"}, "resource": {"type": "dataset", "id": "ds-population-basic"}}


def _body(example: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}, "example": example}}}}


def authzen_search_router(lifecycle: Lifecycle, auth: Authorizer, dependency_overrides_provider: Any = None) -> APIRouter:
    router = APIRouter(tags=[TAG], route_class=FastRoute, dependency_overrides_provider=dependency_overrides_provider)
    permitted = auth.permits("decide")

    def question_of(body: dict[str, Any], subject: dict[str, Any], resource: dict[str, Any]) -> AccessEvent:
        """The PEP's subject and context as a `use` event on a stand-in dataset."""
        item = {"subject": subject, "action": {"name": "use"},
                "resource": {"type": "dataset", "id": _ANY_DATASET, **({"properties": resource["properties"]} if "properties" in resource else {})},
                "context": body.get("context") or {}}
        event = to_event(item)
        if event.purpose is None:
            raise MappingError([_problem("context.purpose", "missing", "缺少必填字段：要查询的使用用途", "Field required: the purpose to search for")])
        try:
            lifecycle.engine.check_event(event)
        except EventError as exc:
            raise MappingError([_problem(_authzen_field((exc.field,), None, False), "unknown_value", exc.zh, exc.en)]) from exc
        return event

    @router.post(
        SEARCH_RESOURCE_PATH,
        dependencies=[auth.require("decide")],
        summary="AuthZEN 资源搜索：部门可为某用途使用哪些数据 / AuthZEN resource search: which datasets a department may use for a purpose",
        description="subject.id 为需求部门（须为令牌可代表的部门），context.purpose 为用途（必填），action.name 为 use（缺省）。"
        "每个目录条目都由规则引擎试算决定（不记台账、不暂停授权）：grant_held（所持授权覆盖此用途，见 grant）、"
        "grant_to_complete（所持授权覆盖此用途，但本次使用尚缺内容，如个人信息处理依据、安全措施，见 to_complete）、apply"
        "（需提出共享申请，附目录的使用条件与申请尚缺的内容）、not_shareable（不能共享，附所引条款）。"
        "page.properties.govshare_include 取 permitted（缺省，只返回现在即可使用的）或 all（全部，附状态）。"
        f"page.limit 最多 {search.MAX_LIMIT}，page.token 取上一页的 page.next_token。\n\n"
        "subject.id is the department (one the token may act as), context.purpose the purpose (required), action.name "
        "`use` (the default). Every catalogue entry is decided by the engine in a trial (nothing written, no grant "
        "suspended): `grant_held` (a grant it holds covers the use: `grant`), "
        "`grant_to_complete` (a grant it holds covers the use, which still lacks something the PEP can supply, e.g. the "
        "personal-information basis or the security controls: `grant`, `to_complete`), `apply` (an application to make: the "
        "catalogue's conditions and what the application still lacks), `not_shareable` (with the articles cited). "
        "`page.properties.govshare_include`: `permitted` (default: only what may be used now) or `all` (every entry "
        f"with its status). `page.limit` at most {search.MAX_LIMIT}; `page.token` is the previous page's `page.next_token`.",
        openapi_extra=_body(EXAMPLE_RESOURCE),
    )
    @fast_if(permitted)
    async def search_resources(request: Request) -> Response:
        if not json_content_type(request):
            return content_type_refused()
        try:
            body = await read_json_object(request)
            problems: list[dict[str, Any]] = []
            subject, _, resource = _entities(body, problems)
            _text(subject, "id", "subject.id", problems)
            if problems or subject is None or resource is None:
                raise MappingError(problems)
            question = question_of(body, subject, resource)
            offset, limit, include = page_of(body)
        except MappingError as exc:
            return bad_request(exc)
        auth.act_as(request, ("subject.id", question.requester.department))
        page = await lifecycle.off_loop(search.resources_for, LifecyclePorts(lifecycle), question, offset, limit, include)
        return AuthZenResponse({
            "page": _page_json(page, _fingerprint(body)),
            "context": {"govshare_include": include, "govshare_dry_run": True},
            "results": [dataset_result(a) for a in page.results],
        })

    @router.post(
        SEARCH_SUBJECT_PATH,
        dependencies=[auth.require("decide")],
        summary="AuthZEN 主体搜索：哪些部门持有某数据的共享授权 / AuthZEN subject search: which departments hold grants on a dataset",
        description="resource.id 为目录编码；只有可代表该数据提供部门的令牌或平台级令牌可查询。"
        "page.properties.govshare_include 取 permitted（缺省，只计有效的授权）或 all（含暂停、终止、过期的）。\n\n"
        "resource.id is the dataset; only a token that may act as its provider department, or a platform-wide token, "
        "may ask. `page.properties.govshare_include`: `permitted` (default: active grants only) or `all` (suspended, "
        "terminated and expired ones too).",
        openapi_extra=_body(EXAMPLE_SUBJECT),
    )
    @fast_if(permitted)
    async def search_subjects(request: Request) -> Response:
        if not json_content_type(request):
            return content_type_refused()
        try:
            body = await read_json_object(request)
            problems: list[dict[str, Any]] = []
            _, _, resource = _entities(body, problems)
            dataset = _text(resource, "id", "resource.id", problems)
            if problems:
                raise MappingError(problems)
            offset, limit, include = page_of(body)
            on = search_date(body)
            ports = LifecyclePorts(lifecycle)
            entry = await lifecycle.off_loop(search.entry_of, ports, dataset)
            if entry is None:
                raise MappingError([_problem("resource.id", "unknown_value", f"目录中没有 {dataset}", f"no catalogue entry {dataset}")])
        except MappingError as exc:
            return bad_request(exc)
        # Who holds a provider's data is the provider's (or the platform's) to ask.
        auth.act_as(request, ("resource.id", entry.provider))
        page = await lifecycle.off_loop(search.holders_of, ports, entry.id, offset, limit, include, on)
        return AuthZenResponse({
            "page": _page_json(page, _fingerprint(body)),
            "context": {"govshare_include": include},
            "results": [holder_result(h) for h in page.results],
        })

    return router

