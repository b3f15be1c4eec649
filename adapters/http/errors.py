"""Bad input → a clear 4xx naming the field and the problem, in zh and en."""

from __future__ import annotations

import re
from typing import Any

from engine.calendar import add_year_remedy, missing_years_text

_ZH_BY_TYPE = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段（请检查拼写）",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "string_type": "应为字符串",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "string_control_character": "不得包含控制字符",
    "string_unicode": "不是有效的 Unicode 文本（含孤立的代理字符）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "bool_type": "应为布尔值 true 或 false",
    "bool_parsing": "应为布尔值 true 或 false",
    "list_type": "应为数组",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "datetime_type": "应为带时区的时间，如 2026-03-02T10:00:00+08:00",
    "datetime_parsing": "时间格式不正确，应如 2026-03-02T10:00:00+08:00",
    "datetime_from_date_parsing": "时间格式不正确，应如 2026-03-02T10:00:00+08:00",
    "date_type": "应为日期，如 2026-12-31",
    "date_parsing": "日期格式不正确，应如 2026-12-31",
    "date_from_datetime_parsing": "日期格式不正确，应如 2026-12-31",
    "json_invalid": "请求体不是合法的 JSON",
    "json_type": "请求体不是合法的 JSON",
}

# What the zh message adds from the error's ctx, as pydantic's en message does.
_ZH_DETAIL = {"string_too_long": "，最多 {max_length} 个字符", "string_control_character": "，发现 U+{character}"}


def field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """`('body', 'requester', 'department')` → `requester.department`; list
    indexes become `[0]`."""
    parts = [p for p in loc if p != "body"] if loc and loc[0] == "body" else list(loc)
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


# The format pydantic's en message leaves out, as the zh message gives it.
_DATETIME_EXAMPLE = "2026-03-02T10:00:00+08:00"
_DATE_EXAMPLE = "2026-12-31"
_EN_EXPECTED = {
    "datetime_type": f"expected a time with its offset, such as {_DATETIME_EXAMPLE}",
    "datetime_parsing": f"expected a time such as {_DATETIME_EXAMPLE}",
    "datetime_from_date_parsing": f"expected a time such as {_DATETIME_EXAMPLE}",
    "date_type": f"expected a date such as {_DATE_EXAMPLE}",
    "date_parsing": f"expected a date such as {_DATE_EXAMPLE}",
    "date_from_datetime_parsing": f"expected a date such as {_DATE_EXAMPLE}",
}

# The messages of Python's json decoder (what FastAPI parses bodies with), in Chinese.
_ZH_JSON = {
    "Expecting value": "此处应为一个值（字符串须加双引号，布尔值为 true/false）",
    "Expecting property name enclosed in double quotes": "此处应为带双引号的字段名（末尾不能有多余的逗号）",
    "Expecting ',' delimiter": "此处缺少逗号",
    "Expecting ':' delimiter": "此处缺少冒号",
    "Unterminated string starting at": "字符串从此处开始，没有结束的双引号",
    "Extra data": "JSON 已结束，此处还有多余的内容",
    "Invalid \\escape": "无效的转义字符",
    "Invalid control character at": "字符串中有未转义的控制字符",
}


def _enum_choices(expected: str) -> list[str]:
    """pydantic's `'a', 'b' or 'c'` → `['a', 'b', 'c']`."""
    return re.findall(r"'((?:[^'\\]|\\.)*)'", expected)


def json_position(document: str | bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset, as Python's json decoder counts them."""
    text = document.decode("utf-8", "replace") if isinstance(document, (bytes, bytearray)) else document
    line = text.count("\n", 0, offset) + 1
    return line, offset - text.rfind("\n", 0, offset)


def malformed_json_field(document: str | bytes, offset: int, reason: str) -> dict[str, Any]:
    """The `fields` item of a malformed body: where (line and column) and what is wrong there."""
    line, column = json_position(document, offset)
    zh = _ZH_JSON.get(reason, "JSON 语法错误")
    return {"field": "body", "type": "json_invalid", "line": line, "column": column,
            "problem": {"zh": f"第 {line} 行第 {column} 列：{zh}", "en": f"line {line}, column {column}: {reason}"}}


# What FastAPI raises (an HTTPException) when a JSON body cannot even be decoded:
# bytes that are not UTF-8 (json.loads raises UnicodeDecodeError, not a JSON error).
FASTAPI_BODY_PARSE_DETAIL = "There was an error parsing the body"


def undecodable_body() -> dict[str, Any]:
    """A body sent as JSON whose bytes are not UTF-8 text (400, like any malformed JSON)."""
    return error_body("malformed_json", "请求体不是合法的 JSON：不是 UTF-8 编码的文本。", "The request body is not valid JSON: it is not UTF-8 text.",
                      [{"field": "body", "type": "json_invalid",
                        "problem": {"zh": "JSON 须以 UTF-8 编码", "en": "JSON must be encoded as UTF-8"}}])


def describe_errors(errors: list[dict[str, Any]], body: Any = None) -> list[dict[str, Any]]:
    """pydantic's (or FastAPI's) errors as `fields` items. `body`, the document
    FastAPI failed to parse, lets a malformed body name its line and column
    instead of a character offset."""
    fields = []
    for err in errors:
        kind = err.get("type", "value_error")
        en = err.get("msg", "invalid value")
        ctx = err.get("ctx") or {}
        loc = err.get("loc", ())
        if kind == "json_invalid" and isinstance(body, (str, bytes)) and len(loc) == 2 and isinstance(loc[1], int):
            fields.append(malformed_json_field(body, loc[1], str(ctx.get("error", en))))
            continue
        zh = _ZH_BY_TYPE.get(kind, "取值无效")
        if kind in _ZH_DETAIL:
            try:
                zh += _ZH_DETAIL[kind].format_map(ctx)
            except KeyError:  # an error raised by hand, without the ctx
                pass
        expected = ctx.get("expected")
        if expected and kind in ("enum", "literal_error"):
            choices = _enum_choices(str(expected))
            zh = f"{zh}，应为以下之一：{'、'.join(choices)}" if choices else zh
        if kind in _EN_EXPECTED:
            en = f"{en}; {_EN_EXPECTED[kind]}"
        fields.append({"field": field_name(loc), "type": kind, "problem": {"zh": zh, "en": en}})
    return fields


# --- content type -----------------------------------------------------------------


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header, lower case, without parameters ("" when absent)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json_media_type(content_type: str | None) -> bool:
    """`application/json` or any `application/*+json`, with or without parameters."""
    media = media_type(content_type)
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def unsupported_media_type_body(content_type: str | None) -> dict[str, Any]:
    """A body sent to a JSON endpoint without `Content-Type: application/json` (415)."""
    given_zh = f"收到的是 {content_type}" if content_type else "请求未带 Content-Type 请求头"
    given_en = f"it was sent as {content_type}" if content_type else "the request has no Content-Type header"
    return error_body(
        "unsupported_media_type",
        f"请求体须为 JSON，并带请求头 Content-Type: application/json；{given_zh}。未作处理。",
        f"The request body must be JSON, sent with the header Content-Type: application/json; {given_en}. Nothing was done.",
        [{"field": "Content-Type", "type": "unsupported_media_type",
          "problem": {"zh": "应为 application/json", "en": "must be application/json"}}],
    )


def error_body(code: str, zh: str, en: str, fields: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": {"code": code, "message": {"zh": zh, "en": en}}}
    if fields is not None:
        body["error"]["fields"] = fields
    return body


def internal_error_body() -> dict[str, Any]:
    """What an unhandled error answers: no detail, never a stack trace (that is in the log)."""
    return error_body("internal_error", "服务内部错误，已记录。", "Internal error; it has been logged.")


def calendar_year_unknown_body(year: int, known: list[int]) -> dict[str, Any]:
    """A working-day count that reached a year the calendar lacks (503: it works
    again once the year is added, nothing in the request is wrong)."""
    zh, en = missing_years_text([year], known)
    remedy_zh, remedy_en = add_year_remedy(year)
    return error_body("calendar_year_unknown", f"{zh}，无法计算工作日期限，不作推测。{remedy_zh}，然后重试。",
                      f"{en}; working-day deadlines cannot be counted and are not guessed. {remedy_en}, then retry.")


# How long a client is told to wait (Retry-After) before it tries a request
# again that failed for want of the database.
RETRY_AFTER_SECONDS = 5


def storage_unavailable_body() -> dict[str, Any]:
    """The database cannot be reached or refuses (503): nothing in the request
    is wrong, and it was not carried out; it may be sent again later."""
    return error_body(
        "storage_unavailable",
        f"数据库暂时无法访问，本次请求未能完成，没有作出也没有记录任何决定。请在 {RETRY_AFTER_SECONDS} 秒后重试。",
        f"The database cannot be reached just now; the request was not completed and nothing was decided or recorded. "
        f"Retry in {RETRY_AFTER_SECONDS} seconds.",
    )


def data_stale_body(age_seconds: float, max_age_seconds: float) -> dict[str, Any]:
    """A read-only answer that is not a decision (a raw rule document) on data
    that could not be re-read for longer than allowed (503)."""
    body = error_body(
        "data_stale",
        f"目录与授权数据已有{age_seconds:.1f}秒未能从数据库重新读取（上限{max_age_seconds:g}秒），可能已经过时，不据此作答。请稍后重试。",
        f"The catalogue and grant data could not be re-read from the database for {age_seconds:.1f} s (the limit is "
        f"{max_age_seconds:g} s); it may be out of date, so nothing is answered from it. Retry later.",
    )
    body["error"].update(data_age_s=round(age_seconds, 3), max_data_age_s=max_age_seconds)
    return body


# --- OPA's error shape ------------------------------------------------------------
# OPA clients read `code` and `message` at the top level of an error body
# (https://www.openpolicyagent.org/docs/rest-api#errors). On the Data API routes
# every error carries them, with OPA's codes and the message as "中文 / English";
# govshare's structured, bilingual `error` object stays alongside.

OPA_PREFIX = "/v1/data"

_OPA_CODES = {400: "invalid_parameter", 401: "unauthorized", 403: "unauthorized", 404: "resource_not_found",
              405: "invalid_operation", 413: "invalid_parameter", 422: "invalid_parameter"}


def is_opa_path(path: str) -> bool:
    return path == OPA_PREFIX or path.startswith(OPA_PREFIX + "/")


def opa_code(status: int) -> str:
    return _OPA_CODES.get(status, "internal_error" if status >= 500 else "invalid_parameter")


def opa_error_body(status: int, body: dict[str, Any], errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """`{"code", "message", ["errors"], "error"}`: OPA's top level over govshare's body."""
    message = body["error"]["message"]
    shaped: dict[str, Any] = {"code": opa_code(status), "message": f"{message['zh']} / {message['en']}"}
    if errors:
        shaped["errors"] = errors
    return {**shaped, **body}


def shaped_error(path: str, status: int, body: dict[str, Any]) -> dict[str, Any]:
    """The error body as it is sent on `path`: OPA's shape on the Data API, govshare's elsewhere."""
    return opa_error_body(status, body) if is_opa_path(path) and "code" not in body else body


# --- JSON nesting -----------------------------------------------------------------


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` levels (`{}` is one level).
    Iterative, so a deep document cannot exhaust the interpreter's stack."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


ORJSON_MAX_DEPTH = 1024


def orjson_too_deep(exc: Exception) -> bool:
    """Whether orjson refused to parse because of its own nesting limit (1024 levels)."""
    message = str(exc).lower()
    return "depth limit" in message or "recursion" in message


def too_deep_body(limit: int, field: str = "body", where_zh: str = "请求体", where_en: str = "The request body") -> dict[str, Any]:
    return error_body(
        "json_too_deep",
        f"{where_zh}的 JSON 嵌套超过 {limit} 层，不予处理。",
        f"{where_en} nests JSON more than {limit} levels deep; it is not processed.",
        [{"field": field, "type": "too_deep",
          "problem": {"zh": f"JSON 嵌套不得超过 {limit} 层", "en": f"JSON must not nest more than {limit} levels deep"}}],
    )
