"""HTTP endpoints of the working-day calendar: list the known years, add a year.

`POST /v1/calendar/{year}` takes the same document as `govshare calendar add`
(JSON, or YAML with `content-type: application/yaml` or `text/yaml`), checks it
(engine.calendar_file) and writes `policies/data/calendar/<year>.json`
atomically. Writing the file is all it takes to go live: the hot-reload watcher
(adapters/reload.py) sees it and the next request swaps in the new policy revision.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Path as PathParam, Query, Request
from fastapi.responses import JSONResponse

from engine.calendar import WorkingCalendar
from engine.calendar_file import (YAML_TYPES, CalendarFileError, CalendarYearExists, CalendarYearInUse, parse_calendar_document, summarize,
                                  working_days_by_month, write_year, year_path)
from engine.errors import PolicyError
from engine.policyset import CALENDAR_DIR

from ..service import Service
from .auth import Authorizer
from .errors import error_body

TAG = "工作日历 calendar"

_EXAMPLE_YAML = """year: 2027
source: 示例（非官方安排）/ example only, not the official arrangement
holidays:
  2027-01-01: 元旦
workdays:
  2027-02-06: 春节调休上班
"""

# The request body is documented with an example in its description only: an
# `example` field would be sent as is by schema-driven fuzzers (schemathesis),
# and a valid one would be written into the policy directory they run against.
_BODY = {
    "required": True,
    "description": "与 `govshare calendar add` 相同的文档：year、source、holidays（日期: 名称）、workdays（日期: 说明）。"
                   " / The document `govshare calendar add` takes, e.g. (YAML; the same keys in JSON):\n\n"
                   "```yaml\n" + _EXAMPLE_YAML + "```",
    "content": {
        "application/json": {"schema": {
            "type": "object", "additionalProperties": False, "required": ["year", "source", "holidays"],
            "properties": {
                "year": {"type": "integer", "examples": [2027]},
                "source": {"type": "string", "description": "依据的通知及文号 / the notice it comes from"},
                "holidays": {"type": "object", "additionalProperties": {"type": "string"}, "description": "放假日期 → 节日名称"},
                "workdays": {"type": "object", "additionalProperties": {"type": "string"}, "description": "调休上班日期（周六、周日）→ 说明"},
            }}},
        "application/yaml": {"schema": {"type": "string"}},
    },
}


def _kind(content_type: str | None) -> str | None:
    """'json', 'yaml' or None (not a type this route reads)."""
    media = (content_type or "application/json").split(";")[0].strip().lower()
    if media in YAML_TYPES:
        return "yaml"
    if media in ("application/json", "text/json") or media.endswith("+json"):
        return "json"
    return None


def calendar_router(service: Service, auth: Authorizer) -> APIRouter:
    router = APIRouter(tags=[TAG])
    # Compliance staff and admins (the roles that govern grants); every role may read.
    write, read = auth.require("govern"), auth.require("read_catalog")
    cache: dict[str, dict[str, Any]] = {}

    def directory() -> Path:
        return Path(service.settings.policy_dir) / CALENDAR_DIR

    def live_years(calendar: WorkingCalendar, revision: str) -> dict[str, Any]:
        if revision not in cache:
            cache.clear()
            years = []
            for year in calendar.known_years:
                cal = calendar.years[year]
                by_month = working_days_by_month(cal)
                years.append({"year": year, "working_days": sum(by_month), "working_days_by_month": by_month,
                              "holidays": len(cal.holidays), "workdays": len(cal.workdays)})
            cache[revision] = {"known": calendar.known_years, "years": years}
        return cache[revision]

    @router.get("/v1/calendar", dependencies=[read], summary="已知年份及每年工作日数 / the known years and their working days",
                description="`years` 为现行策略修订中生效的年份；`pending` 为已写入 policies/data/calendar/ 但尚未生效的年份"
                            "（热加载会在下一次请求时启用）。 / `years` are live in the current policy revision; `pending` are written "
                            "but not live yet.")
    async def listing() -> dict[str, Any]:
        policies = service.engine.policies
        result = dict(live_years(policies.calendar, policies.revision))
        on_disk = sorted(int(p.stem) for p in directory().glob("*.json") if p.stem.isdigit()) if directory().is_dir() else []
        result["pending"] = [y for y in on_disk if y not in policies.calendar.years]
        result["policy_revision"] = policies.revision
        return result

    @router.post(
        "/v1/calendar/{year}", dependencies=[write], status_code=201,
        summary="添加一年的工作日历 / add a year's working-day calendar",
        description="依国务院办公厅当年的放假通知编写。检查通过后写入 policies/data/calendar/<year>.json，返回每月工作日数供核对；"
                    "热加载在下一次请求时启用新的 policy_revision。`dry_run=true` 只检查、返回核对结果（200），不写入；"
                    "该年份已存在而未设 `replace=true` 时返回 409；文档有误时返回 422，逐项给出字段、行号及中英文说明。\n\n"
                    "Written from the State Council's holiday notice. When it passes the checks the file is written and the "
                    "working days per month are returned for review; hot reload makes it live on the next request. "
                    "`dry_run=true` checks and reviews only (200); an existing year without `replace=true` is 409; "
                    "a bad document is 422 with the field, line and problem in Chinese and English.",
        openapi_extra={"requestBody": _BODY},
        responses={200: {"description": "试运行的核对结果 / the review of a dry run"},
                   409: {"description": "该年份已存在 / the year exists"},
                   415: {"description": "不支持的内容类型 / unsupported content type"},
                   503: {"description": "日历文件无法写入（磁盘或权限）/ the calendar file cannot be written (disk or permissions)"},
                   422: {"description": "文档有误 / the document is not valid"}},
    )
    async def add(
        request: Request,
        year: int = PathParam(ge=2000, le=2100, description="年份，如 2027 / the year, e.g. 2027"),
        dry_run: bool = Query(False, description="只检查并返回核对结果，不写入 / check and review only, write nothing"),
        replace: bool = Query(False, description="替换已有年份 / replace a year that exists"),
    ) -> Any:
        kind = _kind(request.headers.get("content-type"))
        if kind is None:
            return JSONResponse(error_body(
                "unsupported_media_type", "请以 application/json 或 application/yaml（text/yaml）提交日历文档。",
                "Send the calendar document as application/json or application/yaml (text/yaml).",
                [{"field": "content-type", "type": "unsupported", "problem": {"zh": "应为 JSON 或 YAML", "en": "must be JSON or YAML"}}]),
                status_code=415)
        raw = await request.body()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _invalid([{"field": "body", "line": 1, "col": 1, "type": "encoding",
                              "problem": {"zh": "请求体不是 UTF-8 编码", "en": "the body is not UTF-8"}}])
        try:
            document = parse_calendar_document(text, "body", year, "application/yaml" if kind == "yaml" else "application/json")
        except CalendarFileError as exc:
            return _invalid([p.as_json() for p in exc.problems])
        summary = summarize(document).as_json()
        target = year_path(directory(), year)
        exists = target.exists()
        if dry_run:
            return JSONResponse({"dry_run": True, "written": False, "exists": exists, "path": str(target), **summary}, status_code=200)
        try:
            written = write_year(directory(), document, replace)
        except CalendarYearInUse:
            return JSONResponse(error_body(
                "calendar_year_in_use", f"{year} 年不晚于今年，不予替换：已记录的决策和已存的申请按它计算了期限。",
                f"{year} is not after this year and is not replaced: logged decisions and stored applications counted deadlines on it."),
                status_code=409)
        except CalendarYearExists:
            return JSONResponse(error_body(
                "calendar_exists", f"{year} 年的工作日历已存在，未作变更；确需替换，请加 replace=true。",
                f"The calendar for {year} exists; nothing was changed. Add replace=true to replace it."), status_code=409)
        except PolicyError as exc:
            return _invalid([{"field": p.file, "line": p.line, "col": p.col, "type": "calendar_does_not_load",
                              "problem": {"zh": f"加入该年份后工作日历无法加载：{p.message}", "en": f"the calendar would not load with this year: {p.message}"}}
                             for p in exc.problems])
        except OSError as exc:
            return JSONResponse(error_body("calendar_write_failed", f"无法写入日历文件：{exc.strerror or exc}",
                                           f"Cannot write the calendar file: {exc.strerror or exc}"), status_code=503)
        reloader = getattr(request.app.state, "reloader", None)
        if reloader is not None and reloader.running:
            live = {"zh": "已写入；热加载将在下一次请求时启用新的 policy_revision（GET /v1/status 可查）。",
                    "en": "Written; hot reload makes it live with a new policy_revision on the next request (see GET /v1/status)."}
        else:
            live = {"zh": "已写入；热加载未开启，重启服务后生效。", "en": "Written; hot reload is off, so it goes live when the service restarts."}
        return JSONResponse({"dry_run": False, "written": True, "replaced": exists, "path": str(written), **summary, "live": live},
                            status_code=201)

    return router


def _invalid(fields: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse(error_body("invalid_calendar", "日历文档有误，未写入；见 fields（字段与行号）。",
                                   "The calendar document is not valid; nothing was written. See fields (field and line).", fields),
                        status_code=422)
