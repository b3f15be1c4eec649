"""The impact report run on the server, for the console (`govshare impact` without a shell).

A compliance officer puts a draft policy directory under the drafts root
(GOVSHARE_DRAFTS_DIR, default `drafts/` in the data directory), names it here,
and watches the ledger being replayed on it. Only directories under that root
are read: a name that leads anywhere else is refused before anything is opened.

The replay runs on a thread of its own, one job at a time per server: it
compiles the draft and builds its own engines there (a regorus engine stays on
the thread that built it), so the event loop and the service's engine thread
are never held up by it."""

from __future__ import annotations

import logging
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from engine.parameters import with_parameters
from engine.policyset import PolicyError, load_policy_set

from ..lifecycle import Lifecycle
from ..regorus_backend import RegorusBackend
from ..service import Service
from ..workbench import impact
from .auth import Authorizer
from .errors import error_body

log = logging.getLogger("govshare.impact")
TAG = "影响报告 impact"
KEPT_JOBS = 8  # finished reports kept for GET, the oldest dropped first
MAX_PROBLEMS = 50


class ImpactRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    policies: str | None = Field(default=None, min_length=1, max_length=255,
                                 description="草案策略目录，相对于草案根目录 / the draft policy directory, relative to the drafts root",
                                 examples=["draft-2026-03"])
    parameters: str | None = Field(default=None, min_length=1, max_length=255,
                                   description="草案法定参数文件或目录（可选），相对于草案根目录 / "
                                               "a draft statutory parameter file or directory (optional), relative to the drafts root")
    examples: int = Field(default=3, ge=0, le=20, description="每组示例数 / examples per group")


@dataclass
class Job:
    id: str
    policies: str | None
    parameters: str | None
    status: Literal["running", "done", "failed"] = "running"
    phase: Literal["compiling", "replaying", "finished"] = "compiling"
    done: int = 0
    total: int | None = None
    started_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())
    finished_at: str | None = None
    report: dict[str, Any] | None = None
    error: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        return {"job": self.id, "status": self.status, "phase": self.phase, "policies": self.policies, "parameters": self.parameters,
                "progress": {"done": self.done, "total": self.total}, "started_at": self.started_at,
                "finished_at": self.finished_at, "report": self.report, "error": self.error}


class _BadPath(ValueError):
    def __init__(self, field_name: str, zh: str, en: str):
        super().__init__(en)
        self.field, self.zh, self.en = field_name, zh, en

    def response(self) -> JSONResponse:
        return JSONResponse(error_body("invalid_request", f"{self.field}：{self.zh}", f"{self.field}: {self.en}",
                                       [{"field": self.field, "type": "value_error", "problem": {"zh": self.zh, "en": self.en}}]),
                            status_code=400)


def resolve_under(root: Path, name: str, field_name: str) -> Path:
    """`name` as a path under `root`, or _BadPath: absolute names, `..`, and links
    that lead out of the root are all refused, and so is the root itself."""
    if "\0" in name:
        raise _BadPath(field_name, "含有非法字符", "holds a character not allowed in a path")
    try:
        base = root.resolve()
        path = (base / name).resolve()
    except (OSError, RuntimeError, ValueError):
        raise _BadPath(field_name, "不是可用的路径", "is not a usable path") from None
    if path == base or not path.is_relative_to(base):
        raise _BadPath(field_name, f"须是草案根目录（{root}）下的目录或文件名", f"must name a directory or file under the drafts root ({root})")
    try:
        found = path.exists()
    except (OSError, ValueError):  # e.g. a name longer than the file system allows (ENAMETOOLONG)
        raise _BadPath(field_name, "不是可用的路径", "is not a usable path") from None
    if not found:
        raise _BadPath(field_name, f"草案根目录下没有 {name}", f"there is no {name} under the drafts root")
    confine(base, path, field_name)
    return path


def confine(base: Path, path: Path, field_name: str) -> None:
    """Refuse a draft holding a link that leads out of the drafts root: the
    compiler and the parameter loader would read what it points at."""
    try:
        entries = [path, *path.rglob("*")] if path.is_dir() else [path]
        for entry in entries:
            if not entry.resolve().is_relative_to(base):
                shown = entry.relative_to(base).as_posix()
                raise _BadPath(field_name, f"{shown} 链接到草案根目录之外，不予读取",
                               f"{shown} links outside the drafts root; it is not read")
    except (OSError, RuntimeError):  # a link loop, or an entry that cannot be read
        raise _BadPath(field_name, "其中有无法读取的条目或循环链接", "holds an entry that cannot be read or a link loop") from None


def check_policy_dir(path: Path) -> None:
    """A policy directory holds .rego files (outside data/); anything else is refused in one line."""
    if not path.is_dir():
        raise _BadPath("policies", "不是目录", "is not a directory")
    if not any(p.is_file() for p in path.rglob("*.rego")):
        raise _BadPath("policies", "不是策略目录：其中没有 .rego 文件", "is not a policy directory: it holds no .rego file")


def impact_router(service: Service, lifecycle: Lifecycle, auth: Authorizer) -> APIRouter:
    router = APIRouter(tags=[TAG])
    govern = auth.require("govern")  # compliance (and admin): who changes the rules
    jobs: OrderedDict[str, Job] = OrderedDict()
    lock = threading.Lock()

    def run(job: Job, draft_dir: Path, parameters: Path | None, examples: int) -> None:
        outcome: Literal["done", "failed"] = "failed"  # whatever escapes below (BaseException) still ends the job
        try:
            # Compiled here, on this thread: its engines never leave it.
            draft = load_policy_set(draft_dir, RegorusBackend())
            if parameters is not None:
                draft = with_parameters(draft, parameters)
            job.phase = "replaying"

            def on_total(n: int) -> None:
                job.total = n

            def on_step() -> None:
                job.done += 1

            report = impact(lifecycle.store, draft, lifecycle.engine.policies,
                            accept_inline_state=service.settings.accept_inline_state, on_total=on_total, on_step=on_step)
            job.report = report.as_json(examples)
            outcome = "done"
        except PolicyError as exc:
            job.error = {"code": "draft_invalid",
                         "message": {"zh": "草案策略无法编译或未通过检查，不作影响分析。",
                                     "en": "The draft policies do not compile or fail the checks; no impact analysis."},
                         "problems": [{"file": p.file, "line": p.line, "col": p.col, "message": p.message} for p in exc.problems[:MAX_PROBLEMS]]}
            outcome = "failed"
        except Exception:  # a failed job reports itself; it never takes the server down
            log.exception("impact job %s failed", job.id)
            job.error = {"code": "internal_error", "message": {"zh": "影响分析失败，已记录。", "en": "The impact analysis failed; it has been logged."}}
            outcome = "failed"
        finally:
            job.phase = "finished"
            job.finished_at = datetime.now(timezone.utc).isoformat()
            # last: a poller that sees the job no longer running finds its report, error and end time already there
            job.status = outcome

    @router.post("/v1/impact", status_code=202, dependencies=[govern],
                 summary="在服务器上用草案重放台账（影响报告）/ replay the ledger on a draft, on the server",
                 description="policies、parameters 是草案根目录（GOVSHARE_DRAFTS_DIR，默认数据目录下的 drafts/）下的名称，"
                             "不接受其外的路径。返回任务编号；用 GET /v1/impact/{job} 查看进度和报告。同一时间只运行一个任务（否则 409）。\n\n"
                             "`policies` and `parameters` name entries under the drafts root (GOVSHARE_DRAFTS_DIR, default drafts/ "
                             "in the data directory); nothing outside it is read. Answers a job id; GET /v1/impact/{job} shows "
                             "progress and the report. One job runs at a time (409 otherwise).")
    async def start(body: ImpactRequest) -> Any:
        root = service.settings.drafts_root
        if body.policies is None and body.parameters is None:
            return _BadPath("policies", "须给出 policies 或 parameters", "give policies or parameters (or both)").response()
        try:
            draft_dir = resolve_under(root, body.policies, "policies") if body.policies is not None else Path(lifecycle.engine.policies.root)  # the policies serving (a bundle's too)
            if body.policies is not None:
                check_policy_dir(draft_dir)
            parameters = resolve_under(root, body.parameters, "parameters") if body.parameters is not None else None
        except _BadPath as bad:
            return bad.response()
        with lock:
            busy = next((j for j in jobs.values() if j.status == "running"), None)
            if busy is not None:
                return JSONResponse(error_body("busy", f"已有影响分析任务 {busy.id} 在运行，请等它完成。",
                                               f"Impact job {busy.id} is still running; wait for it to finish.") | {"job": busy.id},
                                    status_code=409)
            job = Job(secrets.token_hex(8), body.policies, body.parameters)
            jobs[job.id] = job
            while len(jobs) > KEPT_JOBS:
                jobs.popitem(last=False)
        threading.Thread(target=run, args=(job, draft_dir, parameters, body.examples), name=f"impact-{job.id}", daemon=True).start()
        return JSONResponse(job.as_json(), status_code=202, headers={"Location": f"/v1/impact/{job.id}"})

    @router.get("/v1/impact/{job_id}", dependencies=[govern], summary="影响分析任务的进度和报告 / an impact job's progress and report")
    async def status(job_id: str) -> Any:
        job = jobs.get(job_id)
        if job is None:
            return JSONResponse(error_body("not_found", f"没有影响分析任务 {job_id}（服务器只保留最近 {KEPT_JOBS} 个）。",
                                           f"No impact job {job_id} (the server keeps the latest {KEPT_JOBS})."), status_code=404)
        return job.as_json()

    return router
