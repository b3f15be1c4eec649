"""Bad input → a clear 4xx naming the field and the problem, in zh and en."""

from __future__ import annotations

from typing import Any

_ZH_BY_TYPE = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段（请检查拼写）",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "string_type": "应为字符串",
    "string_too_short": "不能为空",
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


def field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """`('body', 'requester', 'department')` → `requester.department`; list
    indexes become `[0]`."""
    parts = [p for p in loc if p != "body"] if loc and loc[0] == "body" else list(loc)
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


def describe_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    fields = []
    for err in errors:
        kind = err.get("type", "value_error")
        en = err.get("msg", "invalid value")
        zh = _ZH_BY_TYPE.get(kind, "取值无效")
        expected = (err.get("ctx") or {}).get("expected")
        if expected and kind in ("enum", "literal_error"):
            zh = f"{zh}，应为 {expected}"
        fields.append({"field": field_name(err.get("loc", ())), "type": kind, "problem": {"zh": zh, "en": en}})
    return fields


def error_body(code: str, zh: str, en: str, fields: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": {"code": code, "message": {"zh": zh, "en": en}}}
    if fields is not None:
        body["error"]["fields"] = fields
    return body
