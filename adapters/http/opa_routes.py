"""OPA's Data API over govshare, so that OPA clients work unchanged.

`POST /v1/data/{path}` with `{"input": ...}` and `GET /v1/data/{path}?input=<json>`
answer `{"result": ..., "decision_id": ...}` as OPA does; an undefined document
gives 200 without `result`. `?metrics=true` and `?provenance=true` add OPA's
`metrics` and `provenance`.

Two paths are govshare's own decision and go through `Lifecycle.decide` (so they
are logged in the ledger and carry out the automatic steps, exactly like
`POST /v1/decisions`):

* `govshare/decision`: the input is an access event; the result is the full decision.
* `govshare/allow`: the same decision, answered as just its `allow` boolean.

Any other path names a document inside the loaded Rego packages and is evaluated
directly against the raw input: read-only, nothing logged. A path outside the
loaded packages is refused with 404. The service is read-only: OPA's
`PUT`/`PATCH`/`DELETE` on data and the policy API are not served.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterable

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from engine.decide import EventError
from engine.errors import problem_from_engine
from engine.models import AccessEvent, Decision

from ..lifecycle import Lifecycle
from .auth import Authorizer
from .errors import describe_errors, error_body

log = logging.getLogger("govshare.opa")

TAG = "OPA 数据接口 OPA Data API"

# The documents that are govshare decisions rather than raw rule evaluations.
DECISION_PATH = ("govshare", "decision")
ALLOW_PATH = ("govshare", "allow")

_TRUE = ("", "true", "1", "yes")


class _Undefined:
    def __repr__(self) -> str:
        return "<undefined>"


UNDEFINED = _Undefined()


class OpaError(Exception):
    """A request the Data API answers with an error body instead of a result."""

    def __init__(self, status: int, code: str, zh: str, en: str, fields: list[dict[str, Any]] | None = None, **extra: Any):
        self.status, self.code, self.zh, self.en, self.fields, self.extra = status, code, zh, en, fields, extra
        super().__init__(en)

    def response(self) -> JSONResponse:
        body = error_body(self.code, self.zh, self.en, self.fields)
        body["error"].update(self.extra)
        return JSONResponse(body, status_code=self.status)


# --- which documents exist ----------------------------------------------------


def _ref_path(node: Any) -> list[str] | None:
    """The path a rule head or package reference names, from regorus's AST:
    `a.b["c"][x]` → ["a", "b", "c"] (a variable key ends the rule's path)."""
    if not isinstance(node, dict) or len(node) != 1:
        return None
    (kind, body), = node.items()
    if kind == "Var":
        return [body["value"]]
    if kind == "RefDot":
        base = _ref_path(body["refr"])
        field = body.get("field")
        return base + [field[1]] if base is not None and isinstance(field, list) and len(field) == 2 else None
    if kind == "RefBrack":
        base = _ref_path(body["refr"])
        index = body.get("index")
        if base is not None and isinstance(index, dict) and "String" in index:
            return base + [index["String"]["value"]]
        return base
    return None


@dataclass(frozen=True)
class DocumentIndex:
    """Every package and every rule (as a full path under `data`) the loaded
    modules define. Functions are not documents, so they are left out."""

    packages: frozenset[tuple[str, ...]]
    rules: frozenset[tuple[str, ...]]

    @classmethod
    def of(cls, modules: Iterable[tuple[str, str]]) -> DocumentIndex:
        import regorus  # the embedded engine parses; its AST names every rule head

        parser = regorus.Engine()
        for path, text in modules:
            parser.add_policy(path, text)
        packages: set[tuple[str, ...]] = set()
        rules: set[tuple[str, ...]] = set()
        for module in json.loads(parser.get_ast_as_json()):
            ast = module["ast"]
            package = _ref_path(ast["package"]["refr"])
            if not package:
                continue
            if package[0] == "data":
                package = package[1:]
            packages.add(tuple(package))
            for rule in ast.get("rules", []):
                head_ref = None
                if "Default" in rule:
                    if not rule["Default"].get("args"):
                        head_ref = rule["Default"]["refr"]
                elif "Spec" in rule:
                    head = rule["Spec"]["head"]
                    kind = next(iter(head))
                    if kind != "Func":
                        head_ref = head[kind]["refr"]
                path = _ref_path(head_ref) if head_ref is not None else None
                if path and all(p.isidentifier() for p in path):
                    rules.add(tuple(package) + tuple(path))
        return cls(frozenset(packages), frozenset(rules))

    def rule_at(self, path: tuple[str, ...]) -> tuple[str, ...] | None:
        """The rule the path is in (the rule itself or a key inside its value)."""
        for n in range(len(path), 0, -1):
            if path[:n] in self.rules:
                return path[:n]
        return None

    def rules_under(self, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        return sorted(r for r in self.rules if len(r) > len(path) and r[: len(path)] == path)

    def in_package(self, path: tuple[str, ...]) -> bool:
        return any(path[: len(p)] == p for p in self.packages)


# --- evaluation -----------------------------------------------------------------


def _descend(value: Any, keys: Iterable[str]) -> Any:
    for key in keys:
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return UNDEFINED
    return value


def _is_engine_location(message: str) -> bool:
    return "-->" in message


class Evaluator:
    """Evaluates documents under `data` on the live backend."""

    def __init__(self, lifecycle: Lifecycle):
        self.lifecycle = lifecycle
        self._index: tuple[str, DocumentIndex] | None = None

    def index(self) -> DocumentIndex:
        policies = self.lifecycle.engine.policies
        if self._index is None or self._index[0] != policies.revision:
            self._index = (policies.revision, DocumentIndex.of(policies.modules))
        return self._index[1]

    def rule(self, path: tuple[str, ...], input_json: str) -> Any:
        query = "data." + ".".join(path)
        try:
            value = self.lifecycle.engine.backend.evaluate(query, input_json)
        except Exception as exc:
            message = str(exc)
            if "not a valid rule path" in message:
                return UNDEFINED
            if _is_engine_location(message):
                problem = problem_from_engine(message, "<policy>")
                raise OpaError(
                    422, "evaluation_error",
                    f"规则 {query} 无法对该输入求值（{problem}），不给出结果。请检查输入的字段类型是否符合该规则的要求。",
                    f"The rule {query} could not be evaluated on this input ({problem}); no result is given. "
                    "Check that the input's fields have the types the rule expects.",
                    [{"field": "input", "type": "evaluation_error",
                      "problem": {"zh": f"规则求值出错：{problem.message}", "en": f"rule evaluation failed: {problem.message}"}}],
                    rule=query, location=f"{problem.file}:{problem.line}:{problem.col}",
                ) from exc
            log.exception("backend failed on %s", query)
            raise OpaError(500, "internal_error", "策略引擎出错，未给出结果，已记录。",
                           "The policy engine failed; no result is given. It has been logged.") from exc
        # regorus answers an undefined rule with this marker rather than nothing.
        return UNDEFINED if value == "<undefined>" else value

    def document(self, path: tuple[str, ...], input_json: str) -> Any:
        index = self.index()
        rule = index.rule_at(path) if path else None
        if rule is not None:
            value = self.rule(rule, input_json)
            return value if value is UNDEFINED else _descend(value, path[len(rule):])
        under = index.rules_under(path) if path else []
        if under:
            # A package (or a prefix of packages): the object of every defined rule in it.
            document: dict[str, Any] = {}
            for full in under:
                value = self.rule(full, input_json)
                if value is UNDEFINED:
                    continue
                node = document
                for key in full[len(path):-1]:
                    node = node.setdefault(key, {})
                node[full[-1]] = value
            return document
        if index.in_package(path):
            return UNDEFINED
        dotted = ".".join(path) or "(root)"
        examples = "、".join(".".join(p) for p in sorted(index.packages)[:3])
        raise OpaError(
            404, "not_found",
            f"data.{dotted} 不在已加载的策略包内。可查询 govshare/decision、govshare/allow，或已加载的包及其规则（如 {examples}）。",
            f"data.{dotted} is not inside any loaded policy package. Ask govshare/decision, govshare/allow, "
            f"or a loaded package or rule (e.g. {examples.replace('、', ', ')}).",
            [{"field": "path", "type": "not_found", "problem": {"zh": "没有这个策略包或规则", "en": "no such package or rule"}}],
        )


# --- the request ----------------------------------------------------------------


def _flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name)
    return value is not None and value.strip().lower() in _TRUE


def _bad_json(field: str, zh: str, en: str, exc: Exception) -> OpaError:
    return OpaError(400, "malformed_json", zh, en,
                    [{"field": field, "type": "json_invalid", "problem": {"zh": "不是合法的 JSON", "en": f"not valid JSON: {exc}"}}])


async def _read_input(request: Request) -> tuple[bool, Any, dict[str, Any] | None]:
    """(input given, input, warning). POST reads `{"input": ...}` from the body;
    GET reads the `input` query parameter, as OPA does."""
    if request.method == "GET":
        raw = request.query_params.get("input")
        if raw is None:
            return False, None, None
        try:
            return True, orjson.loads(raw), None
        except orjson.JSONDecodeError as exc:
            raise _bad_json("input", "查询参数 input 不是合法的 JSON。", "The input query parameter is not valid JSON.", exc) from exc
    body = await request.body()
    if not body.strip():
        return False, None, {"code": "api_usage_warning", "message": "'input' key missing from the request"}
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise _bad_json("body", "请求体不是合法的 JSON。", "The request body is not valid JSON.", exc) from exc
    if not isinstance(parsed, dict):
        raise OpaError(400, "invalid_request", "请求体应为 JSON 对象，形如 {\"input\": …}。",
                       'The request body must be a JSON object like {"input": ...}.',
                       [{"field": "body", "type": "dict_type", "problem": {"zh": "应为对象", "en": "must be an object"}}])
    if "input" not in parsed:
        return False, None, {"code": "api_usage_warning", "message": "'input' key missing from the request"}
    return True, parsed["input"], None


def _event(given: bool, value: Any) -> AccessEvent:
    if not given:
        raise OpaError(400, "invalid_request", "govshare 决策需要 input：一个访问事件。", "A govshare decision needs input: an access event.",
                       [{"field": "input", "type": "missing", "problem": {"zh": "缺少必填字段", "en": "Field required"}}])
    try:
        return AccessEvent.model_validate(value)
    except ValidationError as exc:
        errors = [{**e, "loc": ("input", *e.get("loc", ()))} for e in exc.errors()]
        raise OpaError(400, "invalid_request", "input 不是有效的访问事件，见 fields。", "The input is not a valid access event; see fields.",
                       describe_errors(errors)) from exc


def opa_router(lifecycle: Lifecycle, auth: Authorizer) -> APIRouter:
    router = APIRouter(tags=[TAG], dependencies=[auth.require("decide")])
    evaluator = Evaluator(lifecycle)

    async def answer(request: Request, path: str) -> JSONResponse:
        started = time.perf_counter_ns()
        segments = tuple(s for s in path.strip("/").split("/") if s)
        metrics: dict[str, int] = {}
        try:
            parse_started = time.perf_counter_ns()
            given, value, warning = await _read_input(request)
            metrics["timer_rego_input_parse_ns"] = time.perf_counter_ns() - parse_started
            body: dict[str, Any] = {}
            eval_started = time.perf_counter_ns()
            if segments[:2] in (DECISION_PATH, ALLOW_PATH):
                decision = _decide(request, _event(given, value))
                full = decision.model_dump(mode="json")
                result = full if segments[:2] == DECISION_PATH else decision.allow
                result = _descend(result, segments[2:]) if segments[2:] else result
                decision_id, data_revision = decision.decision_id, decision.data_revision
            else:
                lifecycle.refresh()
                input_json = orjson.dumps(value if given else {}).decode()
                result = evaluator.document(segments, input_json)
                decision_id, data_revision = uuid.uuid4().hex, lifecycle.engine.data_revision
            metrics["timer_rego_query_eval_ns"] = time.perf_counter_ns() - eval_started
        except OpaError as exc:
            return exc.response()
        except EventError as exc:
            return OpaError(400, "invalid_request", "input 不是有效的访问事件，见 fields。", "The input is not a valid access event; see fields.",
                            [{"field": f"input.{exc.field}", "type": "unknown_value", "problem": {"zh": exc.zh, "en": exc.en}}]).response()
        if result is not UNDEFINED:
            body["result"] = result
        body["decision_id"] = decision_id
        if warning:
            body["warning"] = warning
        if _flag(request, "provenance"):
            policies = lifecycle.engine.policies
            body["provenance"] = {
                "version": request.app.version,
                "revision": policies.revision,
                "data_revision": data_revision,
                "bundles": {"policies": {"revision": policies.revision}, "data": {"revision": data_revision}},
                "backend": lifecycle.engine.backend.name,
            }
        if _flag(request, "metrics"):
            metrics["timer_server_handler_ns"] = time.perf_counter_ns() - started
            body["metrics"] = metrics
        return JSONResponse(body)

    def _decide(request: Request, event: AccessEvent) -> Decision:
        started = time.perf_counter()
        decision = lifecycle.decide(event)
        # Counted and logged like every other decision (see observability.py).
        metrics = getattr(request.app.state, "metrics", None)
        if metrics is not None:
            metrics.observe(decision, time.perf_counter() - started)
        ids = getattr(request.state, "decision_ids", None)
        if isinstance(ids, list) and len(ids) < 50:
            ids.append(decision.decision_id)
        return decision

    description = (
        "与 OPA 的 Data API 兼容。`govshare/decision` 返回完整决策、`govshare/allow` 只返回是否允许，二者与 "
        "`POST /v1/decisions` 一样记入台账；其他路径直接对原始 input 求值已加载包中的规则（只读，不记台账）。"
        "未定义的结果返回 200 且无 `result`；不在已加载包内的路径返回 404。\n\n"
        "OPA Data API compatible. `govshare/decision` answers the full decision and `govshare/allow` just its boolean; "
        "both are logged like `POST /v1/decisions`. Any other path evaluates that rule or package of the loaded policies "
        "on the raw input (read-only, not logged). Undefined → 200 without `result`; a path outside the loaded packages → 404. "
        "`?metrics=true` and `?provenance=true` add OPA's `metrics` and `provenance`."
    )

    example_input = AccessEvent.model_config["json_schema_extra"]["examples"][0]
    request_body = {"requestBody": {"content": {"application/json": {
        "schema": {"type": "object", "properties": {"input": {"description": "OPA 的 input；govshare/decision 与 govshare/allow 要求一个访问事件 / "
                                                                                "the input; an access event for govshare/decision and govshare/allow"}}},
        "example": {"input": example_input},
    }}}}

    flags = [
        {"name": "metrics", "in": "query", "required": False, "schema": {"type": "boolean"},
         "description": "返回求值计时 / add OPA's metrics (timer_rego_query_eval_ns, timer_server_handler_ns, …)"},
        {"name": "provenance", "in": "query", "required": False, "schema": {"type": "boolean"},
         "description": "返回版本与策略、数据修订号 / add OPA's provenance (version, policy revision, data revision)"},
    ]
    request_body["parameters"] = flags
    get_parameters = {"parameters": flags + [{"name": "input", "in": "query", "required": False, "schema": {"type": "string"},
                                               "description": "JSON 格式的 input / the input document as JSON"}]}

    @router.post("/v1/data/{path:path}", summary="求值一个文档（OPA Data API）/ evaluate a document (OPA Data API)", description=description,
                 openapi_extra=request_body)
    async def post_data(path: str, request: Request) -> JSONResponse:
        return await answer(request, path)

    @router.get("/v1/data/{path:path}", summary="求值一个文档，input 由查询参数给出 / evaluate a document, input as a query parameter",
                description=description, openapi_extra=get_parameters)
    async def get_data(path: str, request: Request) -> JSONResponse:
        return await answer(request, path)

    @router.post("/v1/data", include_in_schema=False)
    async def post_root(request: Request) -> JSONResponse:
        return await answer(request, "")

    @router.get("/v1/data", include_in_schema=False)
    async def get_root(request: Request) -> JSONResponse:
        return await answer(request, "")

    return router
