"""The web console (管理控制台) and the few read-only JSON endpoints it needs
that the API lacks: who am I, the regulation map, a rule's source and the
decision log read back from the ledger.

The console is plain HTML/CSS/JS under `console/`, served from this process:
no build step, nothing fetched from elsewhere (the Content-Security-Policy
header allows only this origin)."""

from __future__ import annotations

import mimetypes
import threading
from datetime import date, datetime, time, timedelta, timezone
from collections import deque
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, RedirectResponse

from engine.articles import article_matrix
from engine.lawtext import article_ref, article_text
from engine.models import BEIJING
from engine.regulations import REGULATIONS

from ..lifecycle import Lifecycle
from ..service import PROJECT_ROOT
from ..storage.store import NotFound
from ..tokens import PERMISSIONS
from .auth import Authorizer

TAG = "控制台 console"
CONSOLE_DIR = Path(__file__).parent / "console"
FEATURES_DIR = PROJECT_ROOT / "features"

# Chapter headings, in our own short words (the article titles are too).
CHAPTERS: dict[str, dict[int, tuple[str, str]]] = {
    "gdsr": {
        1: ("总则", "General provisions"),
        2: ("管理体制", "Management"),
        3: ("目录管理", "The catalogue"),
        4: ("共享使用", "Sharing and use"),
        5: ("平台支撑", "Platforms"),
        6: ("保障措施", "Safeguards"),
        7: ("法律责任", "Legal liability"),
        8: ("附则", "Supplementary provisions"),
    },
}

CONSOLE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
_SERVED_TYPES = {".html", ".css", ".js", ".json", ".svg", ".png", ".ico", ".txt"}


def _matches_article(decision: dict[str, Any], article: str) -> bool:
    """`25` matches any regulation's art 25; `gdsr:25` or `jiyuan:33` only that one's."""
    regulation, _, number = article.rpartition(":")
    try:
        wanted = int(number.strip().lstrip("第").rstrip("条"))
    except ValueError:
        return False
    for v in decision.get("violations", []) + decision.get("breaches", []) + decision.get("obligations", []):
        if v.get("article") == wanted and (not regulation or v.get("regulation") == regulation):
            return True
    return False


def _bound(value: str | None, end: bool) -> datetime | None:
    """A date (whole day, Beijing time) or a datetime; None when not given."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime.combine(day + timedelta(days=1) if end else day, time.min, BEIJING)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)
        return moment + timedelta(microseconds=1) if end else moment  # a time given exactly is inclusive
    except (ValueError, OverflowError):  # OverflowError: the day after 9999-12-31
        raise _BadQuery(value) from None


class _BadQuery(ValueError):
    pass


def console_router(lifecycle: Lifecycle, auth: Authorizer) -> APIRouter:
    router = APIRouter()
    store = lifecycle.store
    any_role = auth.require(*sorted({p for perms in PERMISSIONS.values() for p in perms}))
    catalog_read, ledger_read = auth.require("read_catalog"), auth.require("read_ledger")
    cache: dict[str, Any] = {}
    lock = threading.Lock()

    # --- the static console --------------------------------------------------

    @router.get("/console", include_in_schema=False)
    async def console_root() -> RedirectResponse:
        return RedirectResponse("/console/", status_code=307)

    @router.get("/console/", include_in_schema=False)
    async def console_index() -> FileResponse:
        return FileResponse(CONSOLE_DIR / "index.html", media_type="text/html; charset=utf-8", headers=CONSOLE_HEADERS)

    # The files served, by their path under /console/: a request is looked up
    # here and never joined to a filesystem path, so NUL, `..`, odd encodings and
    # overlong names are all simply not found (404), never an OSError (500).
    served = {p.relative_to(CONSOLE_DIR).as_posix(): p for p in CONSOLE_DIR.rglob("*") if p.is_file() and p.suffix in _SERVED_TYPES}

    @router.get("/console/{name:path}", include_in_schema=False)
    async def console_file(name: str) -> FileResponse:
        path = served.get(name)
        if path is None:
            raise NotFound("console file", name)
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media.startswith("text/") or media in ("application/javascript", "application/json"):
            media += "; charset=utf-8"
        return FileResponse(path, media_type=media, headers=CONSOLE_HEADERS)

    # --- JSON the console needs ----------------------------------------------

    @router.get("/v1/whoami", tags=[TAG], summary="当前令牌的角色与权限 / the caller's role and permissions")
    async def whoami(role: str = any_role) -> dict[str, Any]:
        return {"role": role, "permissions": sorted(PERMISSIONS[role]), "auth_enabled": auth.enabled}

    def regulation_map() -> dict[str, Any]:
        policies = lifecycle.engine.policies
        with lock:
            if cache.get("revision") == policies.revision:
                return cache["map"]
        by_code = {meta.code: meta for meta in policies.rules.values()}
        regulations = []
        for key, law in REGULATIONS.items():
            rows = article_matrix(policies, FEATURES_DIR, key)
            chapters: dict[int, dict[str, Any]] = {}
            for row in rows:
                number = row.article.chapter
                zh, en = CHAPTERS.get(key, {}).get(number, ("", ""))
                chapter = chapters.setdefault(number, {"number": number, "title": {"zh": zh, "en": en}, "articles": [],
                                                       "counts": {"articles": 0, "rules": 0, "scenarios": 0}})
                rules = [by_code[code] for code in row.rules]
                official = article_text(key, row.article.number)
                chapter["articles"].append({
                    "number": row.article.number,
                    "title": {"zh": row.article.zh, "en": row.article.en},
                    # the official text beside the rules, and the reference a violation's article_ref names
                    "ref": article_ref(key, row.article.number),
                    "text": official.text if official else None,
                    "enforceable": row.enforceable,
                    "unmarked_reason": {"zh": row.unmarked_reason[0], "en": row.unmarked_reason[1]} if row.unmarked_reason else None,
                    "rules": [{"code": m.code, "package": m.package, "file": m.file, "title": {"zh": m.title.zh, "en": m.title.en},
                               "paragraph": m.paragraph, "item": m.item, "severity": m.severity, "liability": m.liability,
                               "quote": m.quote}
                              for m in rules],
                    "tests": row.tests,
                    "scenarios": [{"feature": s.feature, "line": s.line, "name": s.name} for s in row.scenarios],
                    "counts": {"rules": len(rules), "tests": row.tests, "scenarios": len(row.scenarios)},
                })
                chapter["counts"]["articles"] += 1
                chapter["counts"]["rules"] += len(rules)
                chapter["counts"]["scenarios"] += len(row.scenarios)
            listed = list(chapters.values())
            regulations.append({
                "key": key, "name": {"zh": law.name_zh, "en": law.name_en}, "jurisdiction": law.jurisdiction,
                "law_version": law.law_version(), "chapters": listed,
                "counts": {"articles": sum(c["counts"]["articles"] for c in listed), "rules": sum(c["counts"]["rules"] for c in listed),
                           "scenarios": sum(c["counts"]["scenarios"] for c in listed)},
            })
        result = {"policy_revision": policies.revision, "regulations": regulations}
        with lock:
            cache.update(revision=policies.revision, map=result)
        return result

    @router.get("/v1/regulation-map", dependencies=[catalog_read], tags=[TAG],
                summary="条例地图：章 → 条 → 规则 → 场景 / chapters → articles → rules → scenarios")
    async def regulation_map_endpoint() -> dict[str, Any]:
        return regulation_map()

    @router.get("/v1/articles/{regulation}/{number}", dependencies=[catalog_read], tags=[TAG],
                summary="条文原文及执行它的规则 / an article's official text and the rules that enforce it",
                description="违规的 article_ref（如 gdsr-25）即 /v1/articles/gdsr/25。\n\n"
                            "A violation's article_ref (e.g. gdsr-25) names /v1/articles/gdsr/25.")
    async def article_endpoint(regulation: str, number: int) -> dict[str, Any]:
        law = REGULATIONS.get(regulation)
        official = article_text(regulation, number) if law else None
        if law is None or official is None or number not in law.articles:
            raise NotFound("article", f"{regulation}/{number}")
        heading = law.articles[number]
        rules = sorted((m for m in lifecycle.engine.policies.rules.values() if m.regulation == regulation and m.article == number),
                       key=lambda m: m.code)
        return {"regulation": regulation, "number": number, "ref": official.anchor,
                "law": {"zh": law.name_zh, "en": law.name_en}, "title": {"zh": heading.zh, "en": heading.en},
                "text": official.text,
                "paragraphs": [{"number": p.number, "text": p.lead, "items": list(p.items)} for p in official.paragraphs],
                "rules": [{"code": m.code, "package": m.package, "paragraph": m.paragraph, "item": m.item,
                           "title": {"zh": m.title.zh, "en": m.title.en}, "quote": m.quote} for m in rules]}

    @router.get("/v1/rules/{package}/source", dependencies=[catalog_read], tags=[TAG],
                summary="规则源代码（Rego）及其测试 / a rule's Rego source and its tests")
    async def rule_source(package: str) -> dict[str, Any]:
        policies = lifecycle.engine.policies
        meta = policies.rules.get(package)
        if meta is None:
            raise NotFound("rule", package)
        files = {f.path: f.text for f in policies.files}
        test_path = meta.file.removesuffix(".rego") + "_test.rego"
        return {"package": meta.package, "code": meta.code, "regulation": meta.regulation, "article": meta.article,
                "paragraph": meta.paragraph, "item": meta.item, "title": {"zh": meta.title.zh, "en": meta.title.en},
                "file": meta.file, "line": meta.line, "source": files.get(meta.file, ""),
                "test_file": test_path if test_path in files else None, "test_source": files.get(test_path)}

    @router.get("/v1/decisions/log", dependencies=[ledger_read], tags=[TAG],
                summary="决策日志（读自台账）/ decisions read back from the ledger",
                description="最新的在前。按需求部门、目录、结果、条文（如 25 或 gdsr:25，含违规、已发生违规和附带义务所引条文）、"
                "记录日期范围筛选；日期按北京时间整日计算，也可给出带时区的时间。\n\n"
                "Newest first; filter by department, dataset, outcome, article (25 or gdsr:25: any violation, breach or "
                "obligation citing it) and the date range it was recorded in (whole days in Beijing time, or RFC 3339 times).")
    def decision_log(  # sync: FastAPI runs it in a worker thread, so a long ledger scan does not block the loop
        department: str | None = Query(default=None, description="需求部门（包含即可）/ requesting department (substring)"),
        dataset: str | None = Query(default=None, description="目录编码 / catalogue id"),
        outcome: Literal["allow", "deny", "needs_action", "indeterminate"] | None = Query(default=None),
        article: str | None = Query(default=None, description="条文，如 25 或 gdsr:25 / article"),
        date_from: str | None = Query(default=None, alias="from", description="起始日期（含）/ from (inclusive)", examples=["2026-03-01"]),
        date_to: str | None = Query(default=None, alias="to", description="截止日期（含）/ to (inclusive)", examples=["2026-03-31"]),
        limit: int = Query(default=200, ge=1, le=5000),
        kinds: str = Query(default="decision", description="台账记录种类，逗号分隔，或 all：decision 及授权的暂停、整改恢复、终止等 / "
                           "ledger entry kinds, comma-separated, or all: " + ", ".join(LOG_KINDS), examples=["decision,grant_suspended"]),
    ) -> dict[str, Any]:
        wanted = set(LOG_KINDS) if kinds.strip() == "all" else {k.strip() for k in kinds.split(",") if k.strip()}
        if not wanted or not wanted <= set(LOG_KINDS):
            raise RequestValidationError([{"type": "enum", "loc": ("query", "kinds"), "input": kinds,
                                           "msg": "not a ledger entry kind the log shows; expected one of: " + ", ".join(LOG_KINDS), "ctx": {"expected": ", ".join(f"'{k}'" for k in LOG_KINDS)}}])
        try:
            start, end = _bound(date_from, end=False), _bound(date_to, end=True)
        except _BadQuery as bad:
            # date_parsing: the zh message says what is wrong too, and the en one shows the format
            raise RequestValidationError([{"type": "date_parsing", "loc": ("query", "from" if bad.args[0] == date_from else "to"),
                                           "msg": "not a date or time (up to 9999-12-30)", "input": bad.args[0]}])
        found: deque[dict[str, Any]] = deque(maxlen=limit)  # the newest `limit`
        total = last_seq = 0
        catalog = lifecycle.engine.snapshot.catalog
        grants: dict[str, Any] | None = None
        for entry in store.ledger():
            last_seq = entry.seq
            if entry.kind not in wanted:
                continue
            body = entry.body or {}
            if entry.kind != "decision":
                if outcome or article:  # only decisions have an outcome and cite articles
                    continue
                if grants is None:
                    grants = {g.id: g for g in store.grants()}
                item = _grant_event(entry, grants, catalog)
                if (department and department not in item["department"]) or (dataset and item["dataset"] != dataset):
                    continue
                when = _recorded(entry.recorded_at)
                if (start and when < start) or (end and when >= end):
                    continue
                total += 1
                found.append(item)
                continue
            event, decision = body.get("input") or {}, body.get("decision") or {}
            requester = (event.get("requester") or {}).get("department") or ""
            if department and department not in requester:
                continue
            if dataset and event.get("dataset") != dataset:
                continue
            if outcome and decision.get("outcome") != outcome:
                continue
            if article and not _matches_article(decision, article):
                continue
            when = _recorded(entry.recorded_at)
            if (start and when < start) or (end and when >= end):
                continue
            total += 1
            found.append({
                "seq": entry.seq, "kind": "decision", "recorded_at": entry.recorded_at, "decision_id": entry.ref,
                "action": event.get("action"), "department": requester, "dataset": event.get("dataset"),
                "dataset_name": _dataset_name(catalog, event.get("dataset")),
                "purpose": event.get("purpose"), "recipient": event.get("recipient"), "event_at": decision.get("event_at") or event.get("at"),
                "outcome": decision.get("outcome"), "allow": decision.get("allow"),
                "violations": [{k: v.get(k) for k in ("code", "regulation", "article", "paragraph", "item", "liability", "severity", "title", "message")}
                               for v in decision.get("violations", [])],
                "breaches": [{k: v.get(k) for k in ("code", "regulation", "article", "paragraph", "item", "liability", "title")}
                             for v in decision.get("breaches", [])],
                "policy_revision": entry.policy_revision, "law_version": entry.law_version, "hash": entry.hash,
                # OPA's decision-log fields (docs/decision-logs.md); null on entries sealed before they existed.
                **{name: body.get(name) for name in ("path", "requested_by", "remote_addr", "req_id", "labels", "metrics", "masked")},
            })
        # seq numbers every ledger entry (decisions, usage records, grants…), so those shown skip numbers.
        return {"total": total, "entries": list(reversed(found)), "last_seq": last_seq, "kinds": sorted(wanted)}

    return router


# What the log shows besides decisions: what happened to a grant (adapters/lifecycle.py).
GRANT_EVENT_KINDS = ("grant", "grant_suspended", "grant_active", "grant_terminated", "grant_expired", "grant_purpose_ended",
                     "grant_disposed", "grant_incident", "grant_incident_response", "breach")
LOG_KINDS = ("decision", *GRANT_EVENT_KINDS)
_EVENT_TIME_KEYS = ("at", "occurred_at", "ended_on", "on", "reported_at")


def _dataset_name(catalog: dict[str, Any], dataset: str | None) -> str | None:
    entry = catalog.get(dataset) if dataset else None
    return entry.get("name") if isinstance(entry, dict) else None


def _event_time(body: dict[str, Any]) -> str | None:
    """When what an entry records happened, if it says: its own `at` or that of what it carries."""
    for value in (body, *(v for v in body.values() if isinstance(v, dict))):
        for key in _EVENT_TIME_KEYS:
            if isinstance(value.get(key), str):
                return value[key]
    return None


def _grant_event(entry: Any, grants: dict[str, Any], catalog: dict[str, Any]) -> dict[str, Any]:
    body = entry.body or {}
    if isinstance(body.get("grant"), dict):  # a grant issued: the whole grant is logged
        grant_id, dataset, department = body["grant"].get("id"), body["grant"].get("dataset"), body["grant"].get("requester")
    else:  # a change to a grant: the grant as it is now names its dataset and holder
        grant_id = body.get("grant") or entry.ref
        grant = grants.get(grant_id)
        dataset = body.get("dataset") or (grant.dataset if grant else None)
        department = body.get("requester") or (grant.requester if grant else None)
    return {"seq": entry.seq, "kind": entry.kind, "recorded_at": entry.recorded_at, "ref": entry.ref, "grant": grant_id,
            "department": department or "", "dataset": dataset, "dataset_name": _dataset_name(catalog, dataset),
            "event_at": _event_time(body), "decision_id": body.get("decision_id"), "codes": body.get("codes") or [],
            "from": body.get("from"), "to": body.get("to"), "note": body.get("note"),
            "policy_revision": entry.policy_revision, "law_version": entry.law_version, "hash": entry.hash}


def _recorded(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
