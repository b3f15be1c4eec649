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

What the spec asks of every AuthZEN answer, done here once: a request without
`Content-Type: application/json` is 400 (§10.1, on the fast path and FastAPI's
alike: the check is in the endpoint both call); null members are left out of
every response (§11.5, `AuthZenResponse`); govshare's duties attached to a
decision are Obligation objects of the AuthZEN Obligations Profile
(`context.obligations`: `{id, type: "custom", properties}`), advertised as
`supported_obligations: ["custom"]` in the metadata. docs/authzen.md maps every
requirement of the spec to what govshare does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from engine import search
from engine.decide import EventError
from engine.models import AccessEvent, Decision, Requester, Violation
from engine.regulations import REGULATIONS

from ..lifecycle import Lifecycle
from ..service import DEFAULT_PUBLIC_URL
from .auth import Authorizer, event_claims
from .errors import describe_errors, error_body, field_name, media_type
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
    # subject.type is the kind; a properties.kind that says otherwise would let
    # one request be decided as two kinds of subject, so it is refused, not weighed.
    claimed_kind = subject_props.get("kind")
    if subject_type in _KINDS and claimed_kind is not None and claimed_kind != subject_type:
        problems.append(_problem(
            f"{prefix}subject.properties.kind", "conflict",
            f"与 subject.type（{subject_type}）不一致：主体类型只由 subject.type 表示",
            f"contradicts subject.type ({subject_type}): the kind of subject is given by subject.type alone",
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


def without_nulls(value: Any) -> Any:
    """The value with every null-valued object member left out, at any depth
    (AuthZEN §11.5: absent and null must not be confused). Nulls inside arrays
    are values, not members, and stay."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


class AuthZenResponse(JSONResponse):
    """Every AuthZEN answer: JSON without null members."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(without_nulls(content))


def obligations(decision: Decision) -> list[dict[str, Any]]:
    """govshare's duties attached to a decision (e.g. GDSR art 29's usage
    record) as Obligation objects of the AuthZEN Obligations Profile
    (profiles/authzen-obligations-profile-1_0.md in openid/authzen): the
    profile reserves `context.obligations` for `{id, type, properties}` objects
    and tells a PEP to treat one it cannot comply with as a deny. These duties
    are bilateral (no registered type means "keep a usage record for N
    years"), so each is `type: "custom"`; its govshare content (code, article,
    citation, message) is in `properties`. `id` is unique within the response."""
    result: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for o in decision.obligations:
        seen[o.code] = seen.get(o.code, 0) + 1
        ident = o.code if seen[o.code] == 1 else f"{o.code}-{seen[o.code]}"
        cited = Violation(code=o.code, regulation=o.regulation, article=o.article, paragraph=o.paragraph, severity="needs_action",
                          title=o.title, message=o.message, remedy=o.message, rule=o.rule)
        result.append({"id": ident, "type": "custom", "properties": {
            "code": o.code, "regulation": o.regulation, "article": o.article, "paragraph": o.paragraph,
            "citation": {"zh": _cite(cited, "zh"), "en": _cite(cited, "en")},
            "title": o.title.model_dump(), "message": o.message.model_dump(), "rule": o.rule,
        }})
    return result


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
        "policy_revision": decision.policy_revision,
        "data_revision": decision.data_revision,
        "law_version": decision.law_version,
    }
    if decision.obligations:  # none: the key is left out (Obligations Profile, Design Overview 1)
        context["obligations"] = obligations(decision)
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


def json_content_type(request: Request) -> bool:
    """Whether the request says its body is JSON: `application/json`, any case,
    with or without parameters (AuthZEN §10.1 requires the header)."""
    return media_type(request.headers.get("content-type")) == "application/json"


def content_type_refused() -> AuthZenResponse:
    """400, not 415: AuthZEN's error table (§10.1.2) has 400 for a request that
    breaks the binding, and its own routes answer it themselves."""
    return AuthZenResponse(error_body(
        "content_type_required", "请求须带 Content-Type: application/json 头（AuthZEN 1.0 §10.1）。",
        "The request must carry the header Content-Type: application/json (AuthZEN 1.0 §10.1).",
        [_problem("Content-Type", "content_type", "应为 application/json", "must be application/json")],
    ), status_code=400)


async def read_json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, or MappingError naming `body`."""
    body = await request.body()
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MappingError([_problem("body", "json_invalid", f"请求体不是合法的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）",
                                     f"not valid JSON: {exc}")]) from exc
    if not isinstance(parsed, dict):
        raise MappingError([_not_object("body")])
    return parsed



def bad_request(error: MappingError, status: int = 400) -> AuthZenResponse:
    return AuthZenResponse(error.body(), status_code=status)


# The govshare extension of `options` (AuthZEN §7.1.2: "PEP-supplied metadata on
# how the request is to be executed"), prefixed so that it cannot collide with an
# option a later AuthZEN version registers.
DRY_RUN_OPTION = "govshare_dry_run"
DRY_RUN_DESCRIPTION = {
    "zh": "为 true 时只作试算：按现有目录与授权决策，不记台账、不生成使用记录、不暂停授权（第二十七条第二款的暂停只随正式决策发生）。"
          "适用于只问“可否”的 PEP；结果的 context.govshare_dry_run 为 true，不是有记录的决策。",
    "en": "true: a trial only — decided on the current catalogue and grants, with no ledger entry, no usage record and no "
          "suspension (art 27(2)'s suspension follows only decisions of record). For PEPs that only ask \"may I?\"; "
          "the answer's context.govshare_dry_run is true and it is not a decision of record.",
}


def dry_run_option(body: dict[str, Any]) -> bool:
    """`options.govshare_dry_run` (default false), or MappingError naming it."""
    problems: list[dict[str, Any]] = []
    options = _object(body.get("options"), "options", problems, required=False) or {}
    if problems:
        raise MappingError(problems)
    value = options.get(DRY_RUN_OPTION, False)
    if not isinstance(value, bool):
        raise MappingError([_problem(f"options.{DRY_RUN_OPTION}", "bool_type", "应为布尔值 true 或 false", "must be true or false")])
    return value


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
    and no query or fragment (AuthZEN §9.1.1), without a trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(
            f"GOVSHARE_PUBLIC_URL 应为 http(s) 地址，含主机名，不含查询串或片段：{url!r} / "
            f"GOVSHARE_PUBLIC_URL must be an http(s) URL with a host and no query or fragment: {url!r}"
        )
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


# How long a PEP may keep the metadata (AuthZEN §11.9): it changes only with the configuration.
METADATA_MAX_AGE_SECONDS = 300
SEARCH_SUBJECT_PATH = "/access/v1/search/subject"
SEARCH_RESOURCE_PATH = "/access/v1/search/resource"


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

    async def decide(request: Request, events: list[AccessEvent], stop: Callable[[Decision], bool] | None = None,
                     dry_run: bool = False) -> list[Decision]:
        ids = getattr(request.state, "decision_ids", None)
        if dry_run:
            # A trial is not a decision of record: no ledger, no usage record, no
            # suspension, no metrics — as POST /v1/decisions?dry_run=true.
            trials: list[Decision] = []
            for event in events:
                trials.append(await lifecycle.decide_on_current_data_async(event))
                if stop is not None and stop(trials[-1]):
                    break
            if isinstance(ids, list):
                ids.extend(d.decision_id for d in trials[: max(0, 50 - len(ids))])
            return trials
        started = time.perf_counter()
        decisions = await lifecycle.decide_many_async(events, stop) if events else []
        seconds = (time.perf_counter() - started) / max(len(decisions), 1)
        # Counted and logged like every other decision (see observability.py).
        metrics = getattr(request.app.state, "metrics", None)
        for decision in decisions:
            if metrics is not None:
                metrics.observe(decision, seconds)
            if isinstance(ids, list) and len(ids) < 50:
                ids.append(decision.decision_id)
        return decisions

    def answer(decision: Decision, dry_run: bool) -> dict[str, Any]:
        result = evaluation(decision)
        if dry_run:
            result["context"][DRY_RUN_OPTION] = True
        return result

    async def one(request: Request, item: dict[str, Any], prefix: str = "", dry_run: bool = False) -> dict[str, Any]:
        event = prepare(item, prefix)
        auth.act_as(request, *event_claims(event, "subject.id", prefix))
        (decision,) = await decide(request, [event], dry_run=dry_run)
        return answer(decision, dry_run)

    @router.post(
        "/access/v1/evaluation",
        dependencies=[auth.require("decide")],
        summary="AuthZEN 单个访问评估 / AuthZEN access evaluation",
        description="subject.id → 需求部门，action.name → 共享环节，resource.id → 目录编码，context → 其余事件字段。"
        "拒绝也返回 200（decision: false），违规条款在 context 中。须带 Content-Type: application/json，否则 400。"
        f"options.{DRY_RUN_OPTION}: true 为试算（govshare 扩展）：{DRY_RUN_DESCRIPTION['zh']}\n\n"
        "Maps the AuthZEN 4-tuple onto an access event and decides it. A deny is HTTP 200 with `decision: false` "
        "and the cited violations in `context`; 400 names a missing or invalid field, or a missing "
        f"`Content-Type: application/json`. `options.{DRY_RUN_OPTION}: true` (a govshare extension): {DRY_RUN_DESCRIPTION['en']}",
        openapi_extra=_body(EXAMPLE),
    )
    @fast_if(permitted)
    async def evaluate(request: Request) -> Response:
        if not json_content_type(request):
            return content_type_refused()
        try:
            body = await read_json_object(request)
            return AuthZenResponse(await one(request, body, dry_run=dry_run_option(body)))
        except MappingError as exc:
            return bad_request(exc)

    @router.post(
        "/access/v1/evaluations",
        dependencies=[auth.require("decide")],
        summary="AuthZEN 批量访问评估 / AuthZEN access evaluations",
        description="顶层 subject / action / resource / context 为各项的缺省值；options.evaluations_semantic 取 "
        "execute_all（缺省）、deny_on_first_deny、permit_on_first_permit。无法映射的单项以 decision: false 返回，错误在其 context.error。"
        "evaluations 缺省或为空数组时，按单个评估作答（返回单个 decision）。"
        "一次请求的各项按顺序决策，并在同一事务中写入：要么全部作答并记录，要么（意外出错时）什么也不写入。"
        f"options.{DRY_RUN_OPTION}: true 时全部为试算，什么也不写入，也不暂停授权。\n\n"
        "**各项并不相互独立，结果取决于顺序。** 依《政务数据共享条例》第二十七条第二款，授权持有方超范围、改变用途或向第三方提供等"
        "滥用一经认定，授权立即暂停，且必须暂停：批量中排在该滥用之后的各项，按已暂停的授权决策（通常被拒绝），"
        "此后的单独请求同样如此，直至授权恢复。这是法定要求，不是实现上的偶然；调整顺序或重试同一批量可能得到不同结果。\n\n"
        "Top-level subject/action/resource/context are defaults for each item (an item's own key replaces the default). "
        "An absent or empty `evaluations` array is a single evaluation (a single Decision is returned). "
        "`options.evaluations_semantic`: `execute_all` (default), `deny_on_first_deny`, `permit_on_first_permit` — the "
        "short-circuiting ones stop at the first such result and return only the results so far (nothing after it is "
        "decided or logged). An item that cannot be mapped answers `decision: false` with the error in its `context.error`. "
        "The items are decided in order and written in one transaction: the batch is answered and logged as a whole, or, "
        f"on an unexpected failure, nothing of it is written. With `options.{DRY_RUN_OPTION}: true` every item is a trial: "
        "nothing is written and no grant is suspended.\n\n"
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
    async def evaluate_many(request: Request) -> Response:
        if not json_content_type(request):
            return content_type_refused()
        try:
            body = await read_json_object(request)
            dry_run = dry_run_option(body)
            options = body.get("options") or {}
            semantic = options.get("evaluations_semantic", "execute_all")
            if semantic not in SEMANTICS:
                raise MappingError([_problem("options.evaluations_semantic", "literal_error",
                                             f"取值不在允许范围内，应为 {'、'.join(SEMANTICS)}", f"must be one of {', '.join(SEMANTICS)}")])
            items = body.get("evaluations")
            if items is not None and not isinstance(items, list):
                raise MappingError([_problem("evaluations", "list_type", "应为数组", "must be an array")])
            if not items:
                # Absent or empty: a single evaluation of the top-level keys (§7.1: backwards compatible).
                return AuthZenResponse(await one(request, body, dry_run=dry_run))
            not_objects = [_not_object(f"evaluations[{i}]") for i, item in enumerate(items) if not isinstance(item, dict)]
            if not_objects:
                raise MappingError(not_objects)
        except MappingError as exc:
            return bad_request(exc)
        if len(items) > settings.max_batch:
            limit = settings.max_batch
            return AuthZenResponse(error_body(
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
        decided = await decide(request, [s for s in slots if isinstance(s, AccessEvent)], stop, dry_run=dry_run)
        # Short-circuiting stops at the first deny (or error) / first permit; only
        # the results up to it are returned, and nothing after it was decided.
        results: list[dict[str, Any]] = []
        answers = iter(decided)
        for slot in slots:
            if isinstance(slot, AccessEvent):
                decision = next(answers, None)
                if decision is None:
                    break
                results.append(answer(decision, dry_run))
            else:
                results.append(slot)
            if stop is not None and results[-1]["decision"] is (semantic == "permit_on_first_permit"):
                break
        return AuthZenResponse({"evaluations": results})

    def metadata() -> dict[str, Any]:
        base = public_base(settings.public_url)
        return {
            "policy_decision_point": base,
            "access_evaluation_endpoint": f"{base}/access/v1/evaluation",
            "access_evaluations_endpoint": f"{base}/access/v1/evaluations",
            "search_subject_endpoint": f"{base}{SEARCH_SUBJECT_PATH}",
            "search_resource_endpoint": f"{base}{SEARCH_RESOURCE_PATH}",
            # No action search, no capabilities, no signed_metadata: parameters
            # without a value are left out (§9.2.2). The Obligations Profile's member:
            "supported_obligations": ["custom"],
            # govshare's extensions (a PEP ignores what it does not understand, §9.2.2).
            "govshare_evaluation_options": {
                DRY_RUN_OPTION: {"type": "boolean", "default": False, "description": DRY_RUN_DESCRIPTION},
            },
            "govshare_search": {
                "default_limit": search.DEFAULT_LIMIT,
                "max_limit": search.MAX_LIMIT,
                "page_properties": {"govshare_include": {"values": list(search.INCLUDE_VALUES), "default": "permitted", "description": {
                    "zh": "permitted：只返回现在即可使用（评估为 decision: true）的；all：全部候选，附其状态",
                    "en": "permitted: only what may be used now (evaluates to decision: true); all: every candidate, with its status",
                }}},
            },
        }

    def metadata_response() -> AuthZenResponse:
        return AuthZenResponse(metadata(), headers={"Cache-Control": f"public, max-age={METADATA_MAX_AGE_SECONDS}"})

    metadata_doc = (
        "无需令牌。policy_decision_point 为配置的对外地址 GOVSHARE_PUBLIC_URL（缺省 "
        f"{DEFAULT_PUBLIC_URL}，仅供本机使用；生产环境应设为 https 地址），从不取自请求的 Host 头。"
        "对外地址含路径（如 https://pdp.example.gov.cn/govshare）时，元数据也在 /.well-known/authzen-configuration/govshare（§9.2）。"
        f"带 Cache-Control: public, max-age={METADATA_MAX_AGE_SECONDS}。\n\nNo token needed. "
        "`policy_decision_point` is the configured public URL, GOVSHARE_PUBLIC_URL (default "
        f"{DEFAULT_PUBLIC_URL}, for local use; set an https URL in production), never the request's Host header. "
        "When the public URL has a path (e.g. https://pdp.example.gov.cn/govshare), the metadata is also at "
        "/.well-known/authzen-configuration/govshare (§9.2). Sent with "
        f"`Cache-Control: public, max-age={METADATA_MAX_AGE_SECONDS}`."
    )

    @router.get("/.well-known/authzen-configuration", summary="AuthZEN PDP 元数据 / AuthZEN PDP metadata", description=metadata_doc)
    async def configuration() -> Response:
        return metadata_response()

    @router.get("/.well-known/authzen-configuration/{suffix:path}",
                summary="AuthZEN PDP 元数据（PDP 标识含路径时）/ AuthZEN PDP metadata for a PDP identifier with a path",
                description=metadata_doc)
    async def configuration_for_path(suffix: str) -> Response:
        # §9.2: the well-known string goes between the host and the identifier's path,
        # so only that path names this PDP; any other suffix is some other PDP's.
        path = urlsplit(public_base(settings.public_url)).path.strip("/")
        if not path or suffix.strip("/") != path:
            return AuthZenResponse(error_body(
                "not_found", f"此处没有 PDP 元数据：本 PDP 的标识为 {public_base(settings.public_url)}。",
                f"No PDP metadata here: this PDP's identifier is {public_base(settings.public_url)}.",
            ), status_code=404)
        return metadata_response()

    return router
