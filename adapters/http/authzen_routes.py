"""OpenID AuthZEN Authorization API 1.0 over govshare.

A PEP that speaks AuthZEN asks "may this subject do this action on this
resource, in this context?"; govshare maps the 4-tuple onto an access event and
decides it through `Lifecycle.decide` (logged in the ledger, with the same
automatic steps as `POST /v1/decisions`).

    subject.id                → requester.department
    subject.type              → requester.kind (required: department, citizen, legal_entity, organisation)
    subject.properties.*      → requester.level, region, unit_head_approved, kind, contractor
    action.name               → action (use, transfer, apply, …)
    resource.type             → required, "dataset" (a catalogue entry is the only resource)
    resource.id               → dataset
    resource.properties.fields→ fields
    context.*                 → every other access-event field (at — or "time" —,
                                jurisdiction, purpose, legal_basis, scenario, method,
                                grant, recipient, channel, pi_basis, controls, use_until, …)

Unknown keys are ignored, as the spec expects of attribute bags. A deny is HTTP
200 with `decision: false`; the cited violations are in `context`, with
`reason_admin` / `reason_user` (the spec's Reason Object) in zh and en. The
request id (`X-Request-ID`) is echoed unchanged on every response, errors and
500s included, by the app-wide RequestIds middleware. The metadata's
`policy_decision_point` is the configured public URL (GOVSHARE_PUBLIC_URL), never
the request's Host header.

Evaluations in one request are decided in order and written in one transaction:
a batch is either answered and written as a whole, or (on an unexpected failure)
leaves nothing written. They are not independent of each other: a holder's
misuse earlier in the batch suspends the grant at once (GDSR art 27(2)), and the
later items are decided on the suspended grant.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from engine.decide import EventError
from engine.models import AccessEvent, Decision, Requester, Violation
from engine.regulations import REGULATIONS

from ..lifecycle import Lifecycle
from ..service import DEFAULT_PUBLIC_URL
from .auth import Authorizer, event_claims
from .errors import describe_errors, error_body, field_name
from .fastpath import FastRoute, fast_if

TAG = "AuthZEN 授权接口 AuthZEN API"

SEMANTICS = ("execute_all", "deny_on_first_deny", "permit_on_first_permit")

# Event fields that come from subject, action and resource; context cannot set them.
_FROM_TUPLE = {"action", "requester", "dataset", "fields"}
_CONTEXT_FIELDS = [name for name in AccessEvent.model_fields if name not in _FROM_TUPLE]
_SUBJECT_PROPERTIES = [name for name in Requester.model_fields if name != "department"]
_KINDS = ("department", "citizen", "legal_entity", "organisation")
_RESOURCE_TYPES = ("dataset",)


class MappingError(Exception):
    """The AuthZEN request cannot be turned into an access event."""

    def __init__(self, fields: list[dict[str, Any]]):
        self.fields = fields
        super().__init__("; ".join(f["field"] for f in fields))

    def body(self) -> dict[str, Any]:
        return error_body("invalid_request", "AuthZEN 请求不符合要求，见 fields。", "The AuthZEN request is not valid; see fields.", self.fields)


def _problem(field: str, kind: str, zh: str, en: str) -> dict[str, Any]:
    return {"field": field, "type": kind, "problem": {"zh": zh, "en": en}}


def _missing(field: str) -> dict[str, Any]:
    return _problem(field, "missing", "缺少必填字段", "Field required")


def _not_object(field: str) -> dict[str, Any]:
    return _problem(field, "dict_type", "应为 JSON 对象", "must be a JSON object")


def _not_text(field: str) -> dict[str, Any]:
    return _problem(field, "string_type", "应为非空字符串", "must be a non-empty string")


def _object(value: Any, field: str, problems: list[dict[str, Any]], required: bool) -> dict[str, Any] | None:
    if value is None:
        if required:
            problems.append(_missing(field))
        return None
    if not isinstance(value, dict):
        problems.append(_not_object(field))
        return None
    return value


def _text(entity: dict[str, Any] | None, key: str, field: str, problems: list[dict[str, Any]], required: bool = True) -> str | None:
    if entity is None:
        return None
    value = entity.get(key)
    if value is None:
        if required:
            problems.append(_missing(field))
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(_not_text(field))
        return None
    return value


def to_event(item: dict[str, Any], prefix: str = "") -> AccessEvent:
    """Map one AuthZEN 4-tuple onto an access event, or raise MappingError
    naming every field that is missing or wrong (as the PEP wrote it)."""
    problems: list[dict[str, Any]] = []
    subject = _object(item.get("subject"), f"{prefix}subject", problems, required=True)
    action = _object(item.get("action"), f"{prefix}action", problems, required=True)
    resource = _object(item.get("resource"), f"{prefix}resource", problems, required=True)
    context = _object(item.get("context"), f"{prefix}context", problems, required=False) or {}

    department = _text(subject, "id", f"{prefix}subject.id", problems)
    subject_type = _text(subject, "type", f"{prefix}subject.type", problems)
    action_name = _text(action, "name", f"{prefix}action.name", problems)
    resource_type = _text(resource, "type", f"{prefix}resource.type", problems)
    dataset = _text(resource, "id", f"{prefix}resource.id", problems)
    subject_props = _object((subject or {}).get("properties"), f"{prefix}subject.properties", problems, required=False) or {}
    resource_props = _object((resource or {}).get("properties"), f"{prefix}resource.properties", problems, required=False) or {}
    if subject_type is not None and subject_type not in _KINDS:
        problems.append(_problem(
            f"{prefix}subject.type", "literal_error",
            f"取值不在允许范围内，应为 {'、'.join(_KINDS)}",
            f"must be one of {', '.join(_KINDS)}",
        ))
    if resource_type is not None and resource_type not in _RESOURCE_TYPES:
        problems.append(_problem(
            f"{prefix}resource.type", "literal_error",
            "取值不在允许范围内，应为 dataset（政务数据目录条目）",
            "must be dataset (a government data catalogue entry)",
        ))
    # Build what can be built and validate it too, so one answer names every problem.
    requester: dict[str, Any] = {"department": department}
    if subject_type in _KINDS:
        requester["kind"] = subject_type
    requester.update({k: subject_props[k] for k in _SUBJECT_PROPERTIES if k in subject_props})
    event: dict[str, Any] = {"action": action_name, "requester": requester, "dataset": dataset}
    if "fields" in resource_props:
        event["fields"] = resource_props["fields"]
    at_key = "at" if "at" in context else "time" if "time" in context else None
    if at_key:
        event["at"] = context[at_key]
    event.update({k: context[k] for k in _CONTEXT_FIELDS if k in context and k != "at"})

    try:
        validated = AccessEvent.model_validate(event)
    except ValidationError as exc:
        reported = {p["field"] for p in problems}
        for described, err in zip(describe_errors(exc.errors()), exc.errors()):
            described["field"] = prefix + _authzen_field(tuple(err.get("loc", ())), at_key, "kind" in subject_props)
            if described["field"] not in reported:
                reported.add(described["field"])
                problems.append(described)
    if problems:
        raise MappingError(problems)
    return validated


def _authzen_field(loc: tuple[Any, ...], at_key: str | None, kind_in_properties: bool) -> str:
    """Where the PEP wrote the value an access-event error is about."""
    if not loc:
        return "body"
    head, rest = loc[0], loc[1:]
    if head == "requester":
        if not rest:
            return "subject"
        if rest[0] == "department":
            return field_name(("subject", "id", *rest[1:]))
        if rest[0] == "kind" and not kind_in_properties:
            return "subject.type"
        return field_name(("subject", "properties", *rest))
    if head == "action":
        return "action.name"
    if head == "dataset":
        return "resource.id"
    if head == "fields":
        return field_name(("resource", "properties", "fields", *rest))
    if head == "at":
        return f"context.{at_key or 'at'}"
    return field_name(("context", *loc))


# --- the answer -------------------------------------------------------------------


def _cite(v: Violation, lang: Literal["zh", "en"]) -> str:
    if v.article is None:
        return "govshare"
    regulation = REGULATIONS.get(v.regulation)
    if lang == "zh":
        text = f"《{regulation.name_zh if regulation else v.regulation}》第{v.article}条"
        text += f"第{v.paragraph}款" if v.paragraph else ""
        text += f"第{v.item}项" if v.item else ""
        return text
    text = f"{regulation.name_en if regulation else v.regulation} art. {v.article}"
    text += f"({v.paragraph})" if v.paragraph else ""
    text += f" item {v.item}" if v.item else ""
    return text


def _cited(v: Violation) -> dict[str, Any]:
    return {
        "code": v.code,
        "regulation": v.regulation,
        "article": v.article,
        "paragraph": v.paragraph,
        "item": v.item,
        "liability": v.liability,
        "severity": v.severity,
        "citation": {"zh": _cite(v, "zh"), "en": _cite(v, "en")},
        "title": v.title.model_dump(),
        "message": v.message.model_dump(),
        "remedy": v.remedy.model_dump(),
        "rule": v.rule,
    }


def evaluation(decision: Decision) -> dict[str, Any]:
    """`{"decision": bool, "context": {...}}`: the decision id, the outcome, every
    cited violation, and the spec's reason fields (admin: codes, citations and
    liability; user: what is wrong and what to do), each in zh and en."""
    context: dict[str, Any] = {
        "id": decision.decision_id,
        "decision_id": decision.decision_id,
        "outcome": decision.outcome,
        "violations": [_cited(v) for v in decision.violations],
        "breaches": [_cited(v) for v in decision.breaches],
        "obligations": [o.model_dump(mode="json", exclude={"facts"}) for o in decision.obligations],
        "policy_revision": decision.policy_revision,
        "data_revision": decision.data_revision,
        "law_version": decision.law_version,
    }
    if not decision.allow:
        admin = {"zh": [], "en": []}
        user = {"zh": [], "en": []}
        for v in decision.violations:
            liability_zh = f"，责任条款第{v.liability}" if v.liability else ""
            liability_en = f", liability {v.liability}" if v.liability else ""
            admin["zh"].append(f"{v.code}（{_cite(v, 'zh')}{liability_zh}；规则 {v.rule}）：{v.message.zh}")
            admin["en"].append(f"{v.code} ({_cite(v, 'en')}{liability_en}; rule {v.rule}): {v.message.en}")
            user["zh"].append(f"{v.message.zh}{v.remedy.zh}")
            user["en"].append(f"{v.message.en} {v.remedy.en}")
        if not decision.violations:  # cannot happen for a deny, but never answer a bare false
            admin = {"zh": [f"结果为 {decision.outcome}，不允许。"], "en": [f"Outcome {decision.outcome}: not allowed."]}
            user = admin
        context["reason_admin"] = {lang: "\n".join(lines) for lang, lines in admin.items()}
        context["reason_user"] = {lang: "\n".join(lines) for lang, lines in user.items()}
    return {"decision": decision.allow, "context": context}


def _item_error(error: MappingError) -> dict[str, Any]:
    """An evaluation of a batch that could not be mapped: closed, with the error in context."""
    return {"decision": False, "context": {"error": {"status": 400, **error.body()["error"]}}}


# --- the routes ---------------------------------------------------------------------


async def _json_object(request: Request) -> dict[str, Any]:
    body = await request.body()
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MappingError([_problem("body", "json_invalid", "请求体不是合法的 JSON", f"not valid JSON: {exc}")]) from exc
    if not isinstance(parsed, dict):
        raise MappingError([_not_object("body")])
    return parsed


def _bad(error: MappingError, status: int = 400) -> JSONResponse:
    return JSONResponse(error.body(), status_code=status)


EXAMPLE = {
    "subject": {"type": "department", "id": "示范区民政局", "properties": {"level": "county", "region": "419001"}},
    "action": {"name": "use"},
    "resource": {"type": "dataset", "id": "ds-population-basic", "properties": {"fields": ["name", "id_number"]}},
    "context": {
        "time": "2026-03-02T10:00:00+08:00",
        "purpose": "社会救助资格审核",
        "scenario": "最低生活保障申请审核",
        "grant": "g-2026-0001",
        "pi_basis": "《个人信息保护法》第十三条第一款第三项",
        "controls": ["传输加密", "访问权限控制", "操作日志留存"],
    },
}


def _body(example: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}, "example": example}}}}


def public_base(url: str) -> str:
    """The configured public URL as the PDP identifier: an http(s) URL with a host
    and no query or fragment (AuthZEN §9), without a trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(
            f"GOVSHARE_PUBLIC_URL 应为 http(s) 地址，含主机名，不含查询串或片段：{url!r} / "
            f"GOVSHARE_PUBLIC_URL must be an http(s) URL with a host and no query or fragment: {url!r}"
        )
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def authzen_router(lifecycle: Lifecycle, auth: Authorizer, dependency_overrides_provider: Any = None) -> APIRouter:
    router = APIRouter(tags=[TAG], route_class=FastRoute, dependency_overrides_provider=dependency_overrides_provider)
    settings = lifecycle.service.settings
    # A permitted request skips FastAPI's parameter resolution (see fastpath.py);
    # a refused token goes to FastAPI's path and the dependency.
    permitted = auth.permits("decide")

    def prepare(item: dict[str, Any], prefix: str = "") -> AccessEvent:
        """Map, then refuse what the engine does not know (e.g. a jurisdiction)
        before anything is decided, naming the AuthZEN field."""
        event = to_event(item, prefix)
        try:
            lifecycle.engine.check_event(event)
        except EventError as exc:
            raise MappingError([_problem(prefix + _authzen_field((exc.field,), None, False), "unknown_value", exc.zh, exc.en)]) from exc
        return event

    async def decide(request: Request, events: list[AccessEvent], stop: Callable[[Decision], bool] | None = None) -> list[Decision]:
        started = time.perf_counter()
        decisions = await lifecycle.decide_many_async(events, stop) if events else []
        seconds = (time.perf_counter() - started) / max(len(decisions), 1)
        # Counted and logged like every other decision (see observability.py).
        metrics = getattr(request.app.state, "metrics", None)
        ids = getattr(request.state, "decision_ids", None)
        for decision in decisions:
            if metrics is not None:
                metrics.observe(decision, seconds)
            if isinstance(ids, list) and len(ids) < 50:
                ids.append(decision.decision_id)
        return decisions

    async def one(request: Request, item: dict[str, Any], prefix: str = "") -> dict[str, Any]:
        event = prepare(item, prefix)
        auth.act_as(request, *event_claims(event, "subject.id", prefix))
        (decision,) = await decide(request, [event])
        return evaluation(decision)

    @router.post(
        "/access/v1/evaluation",
        dependencies=[auth.require("decide")],
        summary="AuthZEN 单个访问评估 / AuthZEN access evaluation",
        description="subject.id → 需求部门，action.name → 共享环节，resource.id → 目录编码，context → 其余事件字段。"
        "拒绝也返回 200（decision: false），违规条款在 context 中。\n\n"
        "Maps the AuthZEN 4-tuple onto an access event and decides it. A deny is HTTP 200 with `decision: false` "
        "and the cited violations in `context`; 400 names a missing or invalid field.",
        openapi_extra=_body(EXAMPLE),
    )
    @fast_if(permitted)
    async def evaluate(request: Request) -> JSONResponse:
        try:
            return JSONResponse(await one(request, await _json_object(request)))
        except MappingError as exc:
            return _bad(exc)

    @router.post(
        "/access/v1/evaluations",
        dependencies=[auth.require("decide")],
        summary="AuthZEN 批量访问评估 / AuthZEN access evaluations",
        description="顶层 subject / action / resource / context 为各项的缺省值；options.evaluations_semantic 取 "
        "execute_all（缺省）、deny_on_first_deny、permit_on_first_permit。无法映射的单项以 decision: false 返回，错误在其 context.error。"
        "一次请求的各项按顺序决策，并在同一事务中写入：要么全部作答并记录，要么（意外出错时）什么也不写入。\n\n"
        "**各项并不相互独立，结果取决于顺序。** 依《政务数据共享条例》第二十七条第二款，授权持有方超范围、改变用途或向第三方提供等"
        "滥用一经认定，授权立即暂停，且必须暂停：批量中排在该滥用之后的各项，按已暂停的授权决策（通常被拒绝），"
        "此后的单独请求同样如此，直至授权恢复。这是法定要求，不是实现上的偶然；调整顺序或重试同一批量可能得到不同结果。\n\n"
        "Top-level subject/action/resource/context are defaults for each item (an item's own key replaces the default). "
        "`options.evaluations_semantic`: `execute_all` (default), `deny_on_first_deny`, `permit_on_first_permit` — the "
        "short-circuiting ones stop at the first such result and return only the results so far (nothing after it is "
        "decided or logged). An item that cannot be mapped answers `decision: false` with the error in its `context.error`. "
        "The items are decided in order and written in one transaction: the batch is answered and logged as a whole, or, "
        "on an unexpected failure, nothing of it is written.\n\n"
        "**The items are not independent and the order matters.** Under GDSR art 27(2), a grant whose holder misuses it "
        "(beyond its scope, for another purpose, passed to a third party) is suspended at once, and must be: the items "
        "after such a misuse in the same batch are decided on the suspended grant (and usually denied), as is every later "
        "request until the grant is restored. This is the regulation's requirement, not an accident of the implementation; "
        "reordering or retrying a batch can change its answers. (AuthZEN lets a PDP evaluate items sequentially.)",
        openapi_extra=_body({
            **EXAMPLE,
            "options": {"evaluations_semantic": "deny_on_first_deny"},
            "evaluations": [{}, {"action": {"name": "transfer"}, "context": {**EXAMPLE["context"], "recipient": {"kind": "third_party", "name": "某科技有限公司"}}}],
        }),
    )
    @fast_if(permitted)
    async def evaluate_many(request: Request) -> JSONResponse:
        try:
            body = await _json_object(request)
            problems: list[dict[str, Any]] = []
            options = _object(body.get("options"), "options", problems, required=False) or {}
            if problems:
                raise MappingError(problems)
            semantic = options.get("evaluations_semantic", "execute_all")
            if semantic not in SEMANTICS:
                raise MappingError([_problem("options.evaluations_semantic", "literal_error",
                                             f"取值不在允许范围内，应为 {'、'.join(SEMANTICS)}", f"must be one of {', '.join(SEMANTICS)}")])
            items = body.get("evaluations")
            if items is None:
                # Without `evaluations` the request is a single evaluation (spec: backwards compatible).
                return JSONResponse(await one(request, body))
            if not isinstance(items, list):
                raise MappingError([_problem("evaluations", "list_type", "应为数组", "must be an array")])
            not_objects = [_not_object(f"evaluations[{i}]") for i, item in enumerate(items) if not isinstance(item, dict)]
            if not_objects:
                raise MappingError(not_objects)
        except MappingError as exc:
            return _bad(exc)
        if len(items) > settings.max_batch:
            limit = settings.max_batch
            return JSONResponse(error_body(
                "batch_too_large", f"一次最多提交 {limit} 项评估。", f"At most {limit} evaluations per request.",
                [_problem("evaluations", "too_long", f"不得超过 {limit} 项", f"must have at most {limit} items")],
            ), status_code=413)

        # An item's own subject / action / resource / context replaces the top-level default.
        defaults = {k: body[k] for k in ("subject", "action", "resource", "context") if k in body}
        # Map every item first (mapping reads no state), then decide the mapped ones
        # in order in one call, so that the whole batch is written in one transaction
        # or, if anything fails, not at all. Mapping errors go back in their places.
        slots: list[AccessEvent | dict[str, Any]] = []
        for i, item in enumerate(items):
            try:
                slots.append(prepare({**defaults, **item}, f"evaluations[{i}]."))
            except MappingError as exc:
                slots.append(_item_error(exc))
        # Before anything is decided: the whole request is refused if any item speaks for another department.
        auth.act_as(request, *(claim for i, slot in enumerate(slots) if isinstance(slot, AccessEvent)
                               for claim in event_claims(slot, "subject.id", f"evaluations[{i}].")))
        stop: Callable[[Decision], bool] | None = None
        if semantic == "deny_on_first_deny":
            # An error counts as a deny: nothing after the first unmappable item is decided.
            first_error = next((n for n, slot in enumerate(slots) if not isinstance(slot, AccessEvent)), len(slots))
            slots = slots[: first_error + 1]
            stop = lambda decision: not decision.allow  # noqa: E731
        elif semantic == "permit_on_first_permit":
            stop = lambda decision: decision.allow  # noqa: E731
        decided = await decide(request, [s for s in slots if isinstance(s, AccessEvent)], stop)
        # Short-circuiting stops at the first deny (or error) / first permit; only
        # the results up to it are returned, and nothing after it was decided.
        results: list[dict[str, Any]] = []
        answers = iter(decided)
        for slot in slots:
            if isinstance(slot, AccessEvent):
                decision = next(answers, None)
                if decision is None:
                    break
                results.append(evaluation(decision))
            else:
                results.append(slot)
            if stop is not None and results[-1]["decision"] is (semantic == "permit_on_first_permit"):
                break
        return JSONResponse({"evaluations": results})

    @router.get(
        "/.well-known/authzen-configuration",
        summary="AuthZEN PDP 元数据 / AuthZEN PDP metadata",
        description="无需令牌。policy_decision_point 为配置的对外地址 GOVSHARE_PUBLIC_URL（缺省 "
        f"{DEFAULT_PUBLIC_URL}，仅供本机使用；生产环境应设为 https 地址），从不取自请求的 Host 头。\n\nNo token needed. "
        "`policy_decision_point` is the configured public URL, GOVSHARE_PUBLIC_URL (default "
        f"{DEFAULT_PUBLIC_URL}, for local use; set an https URL in production), never the request's Host header.",
    )
    async def configuration() -> dict[str, Any]:
        base = public_base(settings.public_url)
        return {
            "policy_decision_point": base,
            "access_evaluation_endpoint": f"{base}/access/v1/evaluation",
            "access_evaluations_endpoint": f"{base}/access/v1/evaluations",
        }

    return router
