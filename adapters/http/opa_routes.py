"""OPA's Data API over govshare, so that OPA clients work unchanged.

`POST /v1/data/{path}` with `{"input": ...}` and `GET /v1/data/{path}?input=<json>`
answer `{"result": ..., "decision_id": ...}` as OPA does; an undefined document,
an unknown path and a path outside the loaded packages all give 200 without
`result`. `?metrics=true` and `?provenance=true` add OPA's `metrics` and
`provenance`; `?pretty=true` indents the answer; `?explain=notes|fails` adds
`explanation` (the rule packages evaluated and those that produced findings:
a rule-level account; OPA's trace modes `full`/`debug` and `?instrument=true`
are refused with 400, never silently ignored). Errors carry OPA's top-level `{"code", "message"}` (codes such as
`invalid_parameter`, `unauthorized`, `internal_error`; the message as
"中文 / English"), with govshare's structured bilingual `error` alongside.

Two paths are govshare's own decision:

* `govshare/decision`: the input is an access event; the result is the full decision.
* `govshare/allow`: the same decision, answered as just its `allow` boolean.

On `POST` they go through `Lifecycle.decide`, exactly like `POST /v1/decisions`:
logged in the ledger, with the automatic steps (a usage record for an allowed use,
suspension of a misused grant). On `GET` they are only evaluated: the answer is
the same, but nothing is written (no ledger entry, no usage record, no
suspension), as a safe method must be.

Any other path names a document inside the loaded Rego packages (the `*_test`
packages are not served) and is evaluated directly against the raw input:
read-only, nothing logged. Input nested deeper than `max_json_depth` is refused
with 400. The service is read-only: OPA's `PUT`/`PATCH`/`DELETE` on data, the
policy API and the v0 webhook API (`/v0/data`) are not served.
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
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError

from engine.decide import EventError
from engine.errors import problem_from_engine
from engine.models import BEIJING, AccessEvent, Decision
from engine.regulations import layers_for

from ..lifecycle import Lifecycle
from ..request_facts import answering
from .auth import Authorizer, event_claims
from .errors import describe_errors, error_body, json_depth_exceeds, opa_error_body, orjson_too_deep, too_deep_body
from .fastpath import FastRoute, fast, use_fast_query

log = logging.getLogger("govshare.opa")

TAG = "OPA 数据接口 OPA Data API"

# The documents that are govshare decisions rather than raw rule evaluations.
DECISION_PATH = ("govshare", "decision")
ALLOW_PATH = ("govshare", "allow")

_TRUE = ("", "true", "1", "yes")

# The whole `data` document (the catalogue and grants included) is not served.
ROOT_WARNING = {"code": "api_usage_warning",
                "message": "govshare 不提供整个 data 文档，请指定策略包或规则的路径 / "
                           "govshare does not serve the whole data document; name a package or rule"}


class _Undefined:
    def __repr__(self) -> str:
        return "<undefined>"


UNDEFINED = _Undefined()


class OpaError(Exception):
    """A request the Data API answers with an error body instead of a result."""

    def __init__(self, status: int, code: str, zh: str, en: str, fields: list[dict[str, Any]] | None = None,
                 errors: list[dict[str, Any]] | None = None, **extra: Any):
        self.status, self.code, self.zh, self.en, self.fields, self.errors, self.extra = status, code, zh, en, fields, errors, extra
        super().__init__(en)

    @classmethod
    def of(cls, status: int, body: dict[str, Any]) -> OpaError:
        error = body["error"]
        return cls(status, error["code"], error["message"]["zh"], error["message"]["en"], error.get("fields"))

    def response(self) -> JSONResponse:
        """OPA's `{"code", "message", ["errors"]}` with govshare's bilingual `error` alongside."""
        body = error_body(self.code, self.zh, self.en, self.fields)
        body["error"].update(self.extra)
        return JSONResponse(opa_error_body(self.status, body, self.errors), status_code=self.status)


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
            if not path.endswith("_test.rego"):
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
            if not package or package[-1].endswith("_test"):
                continue  # Rego unit tests are not documents the Data API serves
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
            if "recursion limit" in message.lower():
                # regorus refuses input nested too deeply for it (about 128 levels).
                raise OpaError(400, "json_too_deep", "input 嵌套过深，策略引擎无法求值，不给出结果。",
                               "The input nests too deeply for the policy engine; no result is given.",
                               [{"field": "input", "type": "too_deep",
                                 "problem": {"zh": "嵌套过深", "en": "nested too deeply"}}]) from exc
            if _is_engine_location(message):
                # The policies and data are checked at load; what varies is the input,
                # so a run-time error (a wrong type in the input) is the request's.
                problem = problem_from_engine(message, "<policy>")
                raise OpaError(
                    400, "evaluation_error",
                    f"规则 {query} 无法对该输入求值（{problem}），不给出结果。请检查输入的字段类型是否符合该规则的要求。",
                    f"The rule {query} could not be evaluated on this input ({problem}); no result is given. "
                    "Check that the input's fields have the types the rule expects.",
                    [{"field": "input", "type": "evaluation_error",
                      "problem": {"zh": f"规则求值出错：{problem.message}", "en": f"rule evaluation failed: {problem.message}"}}],
                    errors=[{"code": "eval_error", "message": problem.message,
                             "location": {"file": problem.file, "row": problem.line, "col": problem.col}}],
                    rule=query, location=f"{problem.file}:{problem.line}:{problem.col}",
                ) from exc
            # Fail closed: no result. One log line with the engine's message, no traceback.
            log.error("backend failed on %s: %s: %s", query, type(exc).__name__, message.splitlines()[0] if message else "")
            raise OpaError(500, "internal_error", "策略引擎出错，未给出结果，已记录。",
                           "The policy engine failed; no result is given. It has been logged.") from exc
        # regorus answers an undefined rule with this marker rather than nothing.
        return UNDEFINED if value == "<undefined>" else value

    def document(self, path: tuple[str, ...], input_json: str, seen: list[tuple[tuple[str, ...], Any]] | None = None) -> Any:
        """The document at `path`; each rule evaluated, with its value, is added to `seen` (for `?explain`)."""
        index = self.index()
        rule = index.rule_at(path) if path else None
        if rule is not None:
            value = self.rule(rule, input_json)
            if seen is not None:
                seen.append((rule, value))
            return value if value is UNDEFINED else _descend(value, path[len(rule):])
        under = index.rules_under(path) if path else []
        if under:
            # A package (or a prefix of packages): the object of every defined rule in it.
            document: dict[str, Any] = {}
            for full in under:
                value = self.rule(full, input_json)
                if seen is not None:
                    seen.append((full, value))
                if value is UNDEFINED:
                    continue
                node = document
                for key in full[len(path):-1]:
                    node = node.setdefault(key, {})
                node[full[-1]] = value
            return document
        # Inside a package but no rule there, or outside every served package (the
        # base data, the *_test packages, a path nobody defined): undefined, as OPA
        # answers an undefined document.
        return UNDEFINED


# --- the request ----------------------------------------------------------------


def _flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name)
    return value is not None and value.strip().lower() in _TRUE


def _not_offered(field: str, zh: str, en: str) -> OpaError:
    return OpaError(400, "invalid_parameter", f"查询参数 {field} 无效：{zh}。未作任何处理。", f"The query parameter {field} is not valid: {en}. Nothing was done.",
                    [{"field": field, "type": "not_offered", "problem": {"zh": zh, "en": en}}])


# OPA's `?explain=` values. govshare answers `notes` and `fails` with a rule-level
# account (which packages were evaluated, which produced findings); OPA's `full`
# and `debug` are a step-by-step evaluation trace, which the embedded engine does
# not give, so they are refused rather than answered with less than they promise.
EXPLAIN_MODES = ("notes", "fails")
EXPLAIN_TRACE_MODES = ("full", "debug")


def _explain_mode(request: Request) -> str | None:
    values = request.query_params.getlist("explain")
    if not values:
        return None
    if len(values) > 1:
        raise OpaError(400, "invalid_parameter", "查询参数 explain 只能给出一次。", "The query parameter explain may be given only once.",
                       [{"field": "explain", "type": "too_many", "problem": {"zh": "只能给出一次", "en": "must be given once"}}])
    mode = values[0].strip().lower()
    if mode in ("", "off"):
        return None
    if mode in EXPLAIN_TRACE_MODES:
        raise _not_offered("explain", f"不提供 explain={mode}（逐步求值跟踪）：内嵌的策略引擎不输出求值跟踪；可用 explain=notes 或 explain=fails，"
                                      "列出求值的规则包及产生结论的规则包",
                           f"explain={mode} (a step-by-step evaluation trace) is not offered: the embedded policy engine gives no trace; "
                           "explain=notes or explain=fails list the rule packages evaluated and those that produced findings")
    if mode not in EXPLAIN_MODES:
        raise OpaError(400, "invalid_parameter", f"查询参数 explain 的取值 {mode!r} 无效，应为 notes 或 fails。",
                       f"The query parameter explain has the value {mode!r}; it must be notes or fails.",
                       [{"field": "explain", "type": "enum",
                         "problem": {"zh": "应为 notes、fails 之一", "en": "must be one of notes, fails"}}])
    return mode


EXPLANATION_NOTE = {
    "zh": "govshare 的规则级说明（不是 OPA 的逐步求值跟踪）：evaluated 为本次求值的规则包，failed 为产生违规或已发生违规的规则包，"
          "findings 为各规则包的结论（notes 另含附带义务与说明）。",
    "en": "govshare's rule-level account (not OPA's step-by-step trace): evaluated lists the rule packages evaluated, failed those "
          "that found a violation or breach, findings what each found (notes adds the obligations and their messages).",
}


def decision_explanation(policies: Any, event: AccessEvent, decision: Decision, mode: str) -> dict[str, Any]:
    """`?explain=` for a govshare decision: the packages the decision's layer
    queries gathered for its action (only those in force on the event's date
    count), and the findings by package. An indeterminate decision was not
    evaluated by the rules (no law or rule in force, stale data, an unknown
    calendar year) or the engine failed: nothing is listed as evaluated."""
    day = event.at.astimezone(BEIJING).date()
    evaluated: list[str] = []
    if decision.outcome != "indeterminate":
        in_force = {r.key for r in layers_for(event.jurisdiction, day)}
        evaluated = [p for p, meta in sorted(policies.rules.items())
                     if meta.regulation in in_force and policies.reaches(p, event.action.value) and meta.in_force(day)]
    kinds = [("violation", decision.violations), ("breach", decision.breaches)]
    if mode == "notes":
        kinds.append(("obligation", decision.obligations))
    findings = []
    for kind, found in kinds:
        for item in found:
            finding = {"package": item.rule, "kind": kind, "code": item.code, "regulation": item.regulation, "article": item.article}
            if mode == "notes":
                finding["message"] = item.message.model_dump()
            findings.append(finding)
    failed = sorted({f["package"] for f in findings if f["kind"] != "obligation"})
    return {"mode": mode, "evaluated": evaluated, "failed": failed, "findings": findings, "note": EXPLANATION_NOTE}


def document_explanation(seen: list[tuple[tuple[str, ...], Any]], mode: str) -> dict[str, Any]:
    """`?explain=` for a raw document: the rules evaluated for it; `undefined`
    (their bodies failed: OPA's `fails`) and, for notes, `defined` too."""
    name = lambda path: "data." + ".".join(path)  # noqa: E731
    explanation: dict[str, Any] = {"mode": mode, "evaluated": [name(p) for p, _ in seen],
                                   "undefined": [name(p) for p, value in seen if value is UNDEFINED]}
    if mode == "notes":
        explanation["defined"] = [name(p) for p, value in seen if value is not UNDEFINED]
    explanation["note"] = {"zh": "govshare 的规则级说明（不是 OPA 的逐步求值跟踪）：evaluated 为求值的规则，undefined 为结果未定义（规则体不成立）的规则。",
                           "en": "govshare's rule-level account (not OPA's step-by-step trace): evaluated lists the rules evaluated, "
                                 "undefined those whose result is undefined (their bodies failed)."}
    return explanation


def _bad_json(field: str, zh: str, en: str, exc: Exception) -> OpaError:
    return OpaError(400, "malformed_json", zh, en,
                    [{"field": field, "type": "json_invalid", "problem": {"zh": "不是合法的 JSON", "en": f"not valid JSON: {exc}"}}])


def _max_depth(request: Request) -> int:
    return request.app.state.service.settings.max_json_depth


async def _read_input(request: Request) -> tuple[bool, Any, dict[str, Any] | None]:
    """(input given, input, warning). POST reads `{"input": ...}` from the body
    (its nesting was checked by the body guard, see app.py); GET reads the `input`
    query parameter, as OPA does, and checks its nesting here."""
    if request.method == "GET":
        raw = request.query_params.get("input")
        if raw is None:
            return False, None, None
        limit = _max_depth(request)

        def too_deep() -> OpaError:
            return OpaError.of(400, too_deep_body(limit, "input", "查询参数 input ", "The input query parameter"))

        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            if orjson_too_deep(exc):
                raise too_deep() from exc
            raise _bad_json("input", "查询参数 input 不是合法的 JSON。", "The input query parameter is not valid JSON.", exc) from exc
        # No more brackets than the limit cannot nest deeper (as the body guard's fast path).
        if raw.count("{") + raw.count("[") > limit and json_depth_exceeds(value, limit):
            raise too_deep()
        return True, value, None
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


def opa_router(lifecycle: Lifecycle, auth: Authorizer, dependency_overrides_provider: Any = None) -> APIRouter:
    router = APIRouter(tags=[TAG], dependencies=[auth.require("decide")], route_class=FastRoute,
                       dependency_overrides_provider=dependency_overrides_provider)
    evaluator = Evaluator(lifecycle)
    permitted = auth.permits("decide")

    async def answer(request: Request, path: str) -> Response:
        started = time.perf_counter_ns()
        segments = tuple(s for s in path.strip("/").split("/") if s)
        metrics: dict[str, int] = {}
        try:
            # Checked before anything is decided or written: a refused parameter leaves no trace.
            explain = _explain_mode(request)
            if _flag(request, "instrument"):
                raise _not_offered("instrument", "不提供 instrument（逐步的求值计时）；可用 metrics=true 获取求值计时",
                                   "instrument (per-step evaluation timers) is not offered; metrics=true gives the evaluation timers")
            parse_started = time.perf_counter_ns()
            given, value, warning = await _read_input(request)
            metrics["timer_rego_input_parse_ns"] = time.perf_counter_ns() - parse_started
            body: dict[str, Any] = {}
            eval_started = time.perf_counter_ns()
            if segments[:2] in (DECISION_PATH, ALLOW_PATH):
                # GET is safe: evaluated, never written. POST decides through the lifecycle.
                event = _event(given, value)
                auth.act_as(request, *event_claims(event, prefix="input."))
                answering("/".join(segments))  # the decision log's `path`, as OPA names it: the document asked
                decision = await _decide(request, event, write=request.method != "GET")
                result = decision.model_dump(mode="json") if segments[:2] == DECISION_PATH else decision.allow
                result = _descend(result, segments[2:]) if segments[2:] else result
                decision_id, data_revision = decision.decision_id, decision.data_revision
                if explain:
                    body["explanation"] = decision_explanation(lifecycle.engine.policies, event, decision, explain)
            else:
                # A raw rule read as a department is that department's question too.
                requester = value.get("requester") if given and isinstance(value, dict) else None
                if isinstance(requester, dict) and "department" in requester:
                    auth.act_as(request, ("input.requester.department", requester["department"]))
                try:
                    input_json = orjson.dumps(value if given else {}).decode()
                except TypeError as exc:  # orjson's own nesting limit; the body guard normally refuses first
                    raise OpaError.of(400, too_deep_body(_max_depth(request), "input", "input ", "The input")) from exc
                seen: list[tuple[tuple[str, ...], Any]] | None = [] if explain else None
                result, data_revision = await lifecycle.off_loop(read_document, segments, input_json, seen)
                decision_id = uuid.uuid4().hex
                if explain:
                    body["explanation"] = document_explanation(seen or [], explain)
                if not segments:
                    warning = ROOT_WARNING
            metrics["timer_rego_query_eval_ns"] = time.perf_counter_ns() - eval_started
        except OpaError as exc:
            return exc.response()
        except EventError as exc:
            return OpaError(400, "invalid_request", "input 不是有效的访问事件，见 fields。", "The input is not a valid access event; see fields.",
                            [{"field": f"input.{exc.field}", "type": "unknown_value", "problem": {"zh": exc.zh, "en": exc.en}}]).response()
        if result is not UNDEFINED:
            body["result"] = result
        body["decision_id"] = decision_id
        if "explanation" in body:
            body["explanation"] = body.pop("explanation")  # after the result, as OPA writes it
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
        if _flag(request, "pretty"):
            # As OPA's `?pretty=true`: the same document, indented for people.
            return Response(json.dumps(body, ensure_ascii=False, allow_nan=False, indent=2).encode(), media_type="application/json")
        if result is UNDEFINED or result is True or result is False:
            # Nothing but strings, booleans and small integers: orjson writes the
            # same bytes as JSONResponse's json.dumps, in a fraction of the time.
            # Other results (numbers from Rego among them) keep json.dumps.
            return Response(orjson.dumps(body), media_type="application/json")
        return JSONResponse(body)

    def read_document(segments: tuple[str, ...], input_json: str, seen: list | None = None) -> tuple[Any, str]:
        # On the engine thread: the data read and the document from one revision.
        lifecycle.require_current_data()  # a raw document cannot say its data is old: 503 instead
        return evaluator.document(segments, input_json, seen), lifecycle.engine.data_revision

    async def _decide(request: Request, event: AccessEvent, write: bool) -> Decision:
        started = time.perf_counter()
        if write:
            (decision,) = await lifecycle.decide_many_async([event])
        else:
            decision = await lifecycle.decide_on_current_data_async(event)  # the engine alone: no ledger, no record, no suspension
        # Counted and logged like every other decision (see observability.py).
        metrics = getattr(request.app.state, "metrics", None)
        if metrics is not None:
            metrics.observe(decision, time.perf_counter() - started)
        ids = getattr(request.state, "decision_ids", None)
        if isinstance(ids, list) and len(ids) < 50:
            ids.append(decision.decision_id)
        return decision

    common_zh = (
        "其他路径直接对原始 input 求值已加载包中的规则（只读，不记台账；不提供 `*_test` 测试包）。"
        "未定义的文档、未知路径或不在已加载包内的路径，均返回 200 且无 `result`（与 OPA 相同）。"
        "出错时返回 OPA 的 `{\"code\", \"message\"}`（如 `invalid_parameter`、`internal_error`，message 为“中文 / English”），"
        "并附 govshare 的中英文 `error` 对象；input 嵌套超过上限（GOVSHARE_MAX_JSON_DEPTH）返回 400。"
        "`?explain=fails` 或 `?explain=notes` 在 `explanation` 中列出求值的规则包与产生结论（违规、已发生违规；notes 另含附带义务）的规则包；"
        "`explain=full`/`debug`（逐步求值跟踪）与 `instrument=true` 不提供，返回 400 并说明原因；其他 explain 取值返回 400。"
    )
    common_en = (
        "Any other path evaluates that rule or package of the loaded policies on the raw input (read-only, not logged; "
        "the `*_test` packages are not served). An undefined document, an unknown path or one outside the loaded packages "
        "→ 200 without `result`, as OPA answers. Errors carry OPA's `{\"code\", \"message\"}` (`invalid_parameter`, "
        "`internal_error`, …; the message as \"中文 / English\") with govshare's bilingual `error` alongside; input nested "
        "deeper than the limit (GOVSHARE_MAX_JSON_DEPTH) → 400. `?metrics=true` and `?provenance=true` add OPA's "
        "`metrics` and `provenance`. `?explain=fails` or `?explain=notes` add `explanation`: the rule packages evaluated and "
        "those that produced findings (violations, breaches; notes adds obligations and messages) — a rule-level account, "
        "not OPA's trace. `explain=full`/`debug` (a step-by-step trace) and `instrument=true` are not offered: 400 with the "
        "reason; any other explain value → 400."
    )
    post_description = (
        "与 OPA 的 Data API 兼容。`govshare/decision` 返回完整决策、`govshare/allow` 只返回是否允许；POST 上二者与 "
        "`POST /v1/decisions` 相同：记入台账，允许的使用生成使用记录，授权持有方的滥用使授权暂停。" + common_zh + "\n\n"
        "OPA Data API compatible. `govshare/decision` answers the full decision and `govshare/allow` just its boolean; "
        "on POST both act exactly like `POST /v1/decisions`: logged in the ledger, a usage record for an allowed use, "
        "and a holder's misuse suspends the grant. " + common_en
    )
    get_description = (
        "与 OPA 的 Data API 兼容，input 由查询参数给出（JSON）。GET 是安全的方法：`govshare/decision` 与 "
        "`govshare/allow` 只求值并作答，不写入任何内容——不记台账、不生成使用记录、不暂停授权；"
        "需要记录并执行自动措施的决策请用 POST。" + common_zh + "\n\n"
        "OPA Data API compatible, with the input as a JSON query parameter. GET is safe: `govshare/decision` and "
        "`govshare/allow` are evaluated and answered but nothing is written — no ledger entry, no usage record, no grant "
        "suspension; use POST for a decision that is logged and carries out the automatic steps. " + common_en
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
        {"name": "pretty", "in": "query", "required": False, "schema": {"type": "boolean"},
         "description": "缩进输出，便于阅读 / indent the JSON answer for people"},
        {"name": "explain", "in": "query", "required": False, "schema": {"type": "string", "enum": ["notes", "fails", "full", "debug"]},
         "description": "notes/fails：在 explanation 中给出求值的规则包与产生结论的规则包；full/debug 不提供（400）"
                        " / notes, fails: the rule packages evaluated and those that produced findings, in explanation; full, debug: not offered (400)"},
        {"name": "instrument", "in": "query", "required": False, "schema": {"type": "boolean"},
         "description": "不提供（true 返回 400），求值计时请用 metrics / not offered (true → 400); use metrics for timers"},
    ]
    request_body["parameters"] = flags
    get_parameters = {"parameters": flags + [{"name": "input", "in": "query", "required": False, "schema": {"type": "string"},
                                               "description": "JSON 格式的 input / the input document as JSON"}]}

    # The plain, permitted request skips FastAPI's parameter resolution (see
    # fastpath.py); a refused token goes to FastAPI's path and the dependency.
    async def quick_path(request: Request) -> Response | None:
        if not permitted(request):
            return None
        if request.method == "GET":
            use_fast_query(request)
        return await answer(request, request.path_params["path"])

    async def quick_root(request: Request) -> Response | None:
        if not permitted(request):
            return None
        if request.method == "GET":
            use_fast_query(request)
        return await answer(request, "")

    @router.post("/v1/data/{path:path}", summary="求值一个文档（OPA Data API）/ evaluate a document (OPA Data API)", description=post_description,
                 openapi_extra=request_body)
    @fast(quick_path)
    async def post_data(path: str, request: Request) -> JSONResponse:
        return await answer(request, path)

    @router.get("/v1/data/{path:path}", summary="求值一个文档（只读，不写入任何内容），input 由查询参数给出 / evaluate a document (read-only, writes nothing), input as a query parameter",
                description=get_description, openapi_extra=get_parameters)
    @fast(quick_path)
    async def get_data(path: str, request: Request) -> JSONResponse:
        return await answer(request, path)

    @router.post("/v1/data", include_in_schema=False)
    @fast(quick_root)
    async def post_root(request: Request) -> JSONResponse:
        return await answer(request, "")

    @router.get("/v1/data", include_in_schema=False)
    @fast(quick_root)
    async def get_root(request: Request) -> JSONResponse:
        return await answer(request, "")

    return router
