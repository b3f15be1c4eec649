"""HTTP endpoints of the sharing lifecycle: catalogue, applications, replies,
delivery, grants, usage records and the ledger."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from engine.checkpoints import verify_ledger
from engine.models import (
    AccessEvent,
    CatalogEntry,
    CatalogUpdate,
    Decision,
    Extension,
    FreeText,
    GrantStatus,
    Id,
    Method,
    Name,
    Requester,
)

from ..lifecycle import Lifecycle
from .auth import Authorizer

TAG = "共享流程 lifecycle"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CatalogPublish(_In):
    entry: CatalogEntry = Field(description="待发布或更新的目录条目 / the entry")
    requester: Requester = Field(description="编制目录的部门 / department publishing it")
    catalog_update: CatalogUpdate | None = Field(default=None, description="更新的时间节点（第十七条）")
    at: datetime | None = Field(default=None, description="操作时间，默认当前 / time of the step (default now)")


class ApplicationIn(_In):
    requester: Requester = Field(description="需求部门 / requesting department")
    dataset: Id = Field(min_length=1, description="目录编码 / catalogue id", examples=["ds-population-basic"])
    fields: list[Name] = Field(default_factory=list, description="使用范围：申请的数据项 / fields applied for")
    purpose: FreeText | None = Field(default=None, description="使用用途", examples=["社会救助资格审核"])
    legal_basis: FreeText | None = Field(default=None, description="使用依据", examples=["《社会救助暂行办法》第十一条"])
    scenario: FreeText | None = Field(default=None, description="使用场景", examples=["最低生活保障申请审核"])
    method: Method | None = Field(default=None, description="共享方式")
    use_until: date | None = Field(default=None, description="使用时限")
    pi_basis: FreeText | None = Field(default=None, description="处理个人信息的依据（第三十七条）")
    channel: Literal["platform", "direct"] = "platform"
    received_on: date | None = Field(default=None, description="提供部门收到申请之日，默认当天 / day received (default today)")
    at: datetime | None = Field(default=None, description="提交时间，默认当前 / time of the step")


class ReplyIn(_In):
    decision: Literal["approve", "refuse", "request_material", "extend"] = Field(description="答复内容")
    reasons: FreeText | None = Field(default=None, description="不同意的理由（第二十一条第二款）")
    missing_material: list[FreeText] = Field(default_factory=list, description="需一次性告知的全部补充材料")
    unit_head_approved: bool | None = Field(default=None, description="提供部门共享工作机构负责人是否同意（第二十条第三款）")
    conditions: list[FreeText] = Field(default_factory=list, description="附加的使用条件（须在目录列明的条件之内）")
    extension: Extension | None = Field(default=None, description="decision=extend 时的延期")
    at: datetime | None = Field(default=None, description="答复时间，默认当前")


class At(_In):
    at: datetime | None = Field(default=None, description="操作时间，默认当前 / time of the step")


class GrantNote(_In):
    note: FreeText | None = Field(default=None, description="说明 / note", examples=["已完成整改并经提供部门确认"])


class RecordUpdate(_In):
    process: FreeText | None = Field(default=None, description="使用过程")
    results: FreeText | None = Field(default=None, description="应用成效")
    storage: FreeText | None = Field(default=None, description="存储情况")
    destruction: FreeText | None = Field(default=None, description="销毁情况")


class RecordDelete(_In):
    requester: Requester = Field(description="删除记录的部门")
    at: datetime | None = Field(default=None, description="删除时间，默认当前")


class DecidedApplication(BaseModel):
    decision: Decision
    application: dict[str, Any]


def lifecycle_router(lifecycle: Lifecycle, auth: Authorizer) -> APIRouter:
    router = APIRouter(tags=[TAG])
    store = lifecycle.store
    share, catalog_read, catalog_write = auth.require("share"), auth.require("read_catalog"), auth.require("write_catalog")
    govern, records_read, ledger_read = auth.require("govern"), auth.require("read_records"), auth.require("read_ledger")
    share_or_read = auth.require("share", "read_records")

    def act_for_application(request: Request, application_id: str, party: Literal["provider", "requester"]) -> None:
        """A step taken by one party of an application: a bound token must be that party."""
        if auth.bound(request):
            auth.act_as(request, (f"application.{party}", store.application(application_id).get(party)))

    def act_for_grant(request: Request, grant_id: str) -> None:
        # The competent department acts with a platform-wide token; a bound one must be the provider.
        if auth.bound(request):
            provider = lifecycle.engine.snapshot.catalog.get(store.grant(grant_id).dataset, {}).get("provider")
            auth.act_as(request, ("grant.provider", provider))

    @router.post("/v1/catalog", dependencies=[catalog_write], status_code=201, summary="发布或更新目录条目 / publish a catalogue entry",
                 description="先由目录规则检查（第十三、十四、十五、十七条等）；不合规的条目不写入，返回 422 及逐条引用的违规。")
    async def publish(body: CatalogPublish, request: Request) -> dict[str, Any]:
        auth.act_as(request, ("requester.department", body.requester.department), ("entry.provider", body.entry.provider))
        if auth.bound(request) and (stored := lifecycle.engine.snapshot.catalog.get(body.entry.id)):
            # Updating an entry is the act of its stored provider: a bound token cannot take one over.
            auth.act_as(request, ("stored entry.provider", stored.get("provider")))
        decision, entry = await lifecycle.off_loop(lifecycle.publish, body.entry, body.requester, body.catalog_update, body.at)
        return {"decision": decision.model_dump(mode="json"), "entry": entry.model_dump(mode="json", exclude_none=True)}

    @router.get("/v1/catalog", dependencies=[catalog_read], summary="目录 / the published catalogue")
    async def catalog() -> list[dict[str, Any]]:
        return [e.model_dump(mode="json", exclude_none=True) for e in store.catalog()]

    @router.get("/v1/catalog/{entry_id}", dependencies=[catalog_read], summary="一个目录条目 / one entry")
    async def catalog_entry(entry_id: Id) -> dict[str, Any]:
        return store.catalog_entry(entry_id).model_dump(mode="json", exclude_none=True)

    @router.post("/v1/applications", dependencies=[share], status_code=201, response_model=DecidedApplication,
                 summary="提出共享申请 / submit a share application",
                 description="按第二十条第二款检查申请内容；合规的申请登记后按工作日计算答复期限（第二十一条第一款）。"
                 "期限落在工作日历尚无数据的年份时，申请照常登记，`reply_due` 为 null，`reply_due_pending` 说明原因；"
                 "补充该年度日历后自动计算。同意答复的 `delivery_due` / `delivery_due_pending` 同理。\n\n"
                 "A due date in a year the working-day calendar lacks is not guessed: the step is recorded with the date null "
                 "and `reply_due_pending` (or `delivery_due_pending`) saying why, and it is computed once that year is added.")
    async def apply(body: ApplicationIn, request: Request) -> dict[str, Any]:
        auth.act_as(request, ("requester.department", body.requester.department))
        event = AccessEvent(action="apply", **body.model_dump(exclude={"received_on"}, exclude_none=True))
        decision, application = await lifecycle.off_loop(lifecycle.apply, event, body.received_on)
        return {"decision": decision, "application": application}

    @router.get("/v1/applications/{application_id}", dependencies=[share_or_read], summary="一份申请 / one application")
    async def application(application_id: Id) -> dict[str, Any]:
        return store.application(application_id)

    @router.post("/v1/applications/{application_id}/reply", dependencies=[share], response_model=DecidedApplication,
                 summary="提供部门答复 / the provider replies",
                 description="同意、不同意（须说明理由）、一次性告知补充材料、经同意延期一次。逾期答复作为 breaches 记录（第三十九条第四项）。")
    async def reply(application_id: Id, body: ReplyIn, request: Request) -> dict[str, Any]:
        act_for_application(request, application_id, "provider")
        decision, application = await lifecycle.off_loop(lifecycle.reply, application_id, body.model_dump(mode="json", exclude={"at"}, exclude_none=True), body.at)
        return {"decision": decision, "application": application}

    @router.post("/v1/applications/{application_id}/material", dependencies=[share], summary="补充材料 / supply the missing material")
    async def material(application_id: Id, body: At, request: Request) -> dict[str, Any]:
        act_for_application(request, application_id, "requester")
        return await lifecycle.off_loop(lifecycle.supply_material, application_id, body.at)

    @router.post("/v1/applications/{application_id}/delivery", dependencies=[share], response_model=DecidedApplication,
                 summary="交付数据 / deliver the data", description="同意后20个工作日内交付（第二十二条）；逾期作为 breaches 记录。")
    async def deliver(application_id: Id, body: At, request: Request) -> dict[str, Any]:
        act_for_application(request, application_id, "provider")
        decision, application = await lifecycle.off_loop(lifecycle.deliver, application_id, body.at)
        return {"decision": decision, "application": application}

    @router.get("/v1/overdue", dependencies=[share_or_read], summary="逾期未答复、未交付的申请 / overdue replies and deliveries")
    async def overdue(at: datetime | None = Query(default=None, description="以此时间为准，默认当前")) -> list[dict[str, Any]]:
        return await lifecycle.off_loop(lifecycle.overdue, at)

    @router.get("/v1/grants/{grant_id}", dependencies=[share_or_read], summary="一项共享授权 / one grant")
    async def grant(grant_id: Id) -> dict[str, Any]:
        return store.grant(grant_id).model_dump(mode="json", exclude_none=True)

    @router.post("/v1/grants/{grant_id}/rectify", dependencies=[govern], summary="整改完成，恢复暂停的授权 / restore a suspended grant after rectification")
    async def rectify(grant_id: Id, body: GrantNote, request: Request) -> dict[str, Any]:
        act_for_grant(request, grant_id)
        restored = await lifecycle.off_loop(lifecycle.set_grant_status, grant_id, GrantStatus.active, body.note, {GrantStatus.suspended})
        return restored.model_dump(mode="json", exclude_none=True)

    @router.post("/v1/grants/{grant_id}/terminate", dependencies=[govern], summary="终止共享（第二十七条第二款）/ terminate a grant")
    async def terminate(grant_id: Id, body: GrantNote, request: Request) -> dict[str, Any]:
        act_for_grant(request, grant_id)
        allowed = {GrantStatus.active, GrantStatus.suspended}
        ended = await lifecycle.off_loop(lifecycle.set_grant_status, grant_id, GrantStatus.terminated, body.note, allowed)
        return ended.model_dump(mode="json", exclude_none=True)

    @router.get("/v1/records", dependencies=[records_read], summary="使用记录（主管部门、提供部门查阅，第二十九条第二款）/ usage records")
    async def records(grant: Id | None = None, dataset: Id | None = None, requester: Name | None = None,
                      limit: int = Query(default=500, ge=1, le=5000)) -> list[dict[str, Any]]:
        return store.records(grant=grant, dataset=dataset, requester=requester, limit=limit)

    @router.patch("/v1/records/{record_id}", dependencies=[share], summary="补记使用过程、成效、存储、销毁 / complete a usage record")
    async def update_record(record_id: Id, body: RecordUpdate, request: Request) -> dict[str, Any]:
        if auth.bound(request):
            auth.act_as(request, ("record.requester", store.record(record_id).get("requester")))
        return await lifecycle.off_loop(lifecycle.update_record, record_id, body.model_dump(exclude_none=True))

    @router.post("/v1/records/{record_id}/delete", dependencies=[share], summary="删除使用记录（不满3年的拒绝）/ delete a usage record")
    async def delete_record(record_id: Id, body: RecordDelete, request: Request) -> dict[str, Any]:
        auth.act_as(request, ("requester.department", body.requester.department))
        if auth.bound(request):
            auth.act_as(request, ("record.requester", store.record(record_id).get("requester")))
        decision = await lifecycle.off_loop(lifecycle.delete_record, record_id, body.requester, body.at)
        return {"decision": decision.model_dump(mode="json"), "deleted": record_id}

    @router.get("/v1/ledger/verify", dependencies=[ledger_read], summary="校验台账哈希链及最新检查点 / verify the ledger chain and its latest checkpoint",
                description="逐条校验哈希链，并对照最新的签名检查点：签名须有效，检查点所记的那一条须仍在且哈希相同；"
                "台账末尾在检查点之前结束时，`missing` 给出缺失的序号范围。\n\n"
                "Walks the hash chain and holds it against the latest signed checkpoint: its signature must verify and the entry "
                "it names must still be there with its hash; a ledger that now ends before it reports the range in `missing`.")
    def ledger_verify() -> dict[str, Any]:  # sync: FastAPI runs it in a worker thread, so a long walk does not block the loop
        verifier = store.checkpointer.signer.verifier if store.checkpointer is not None else None
        return verify_ledger(store.ledger(), store.latest_checkpoint(), verifier).to_json()

    return router
