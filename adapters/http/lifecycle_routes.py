"""HTTP endpoints of the sharing lifecycle: catalogue, applications, replies,
delivery, grants, usage records and the ledger."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, field_validator

from engine.checkpoints import verify_ledger
from engine.models import (
    BEIJING,
    in_beijing,
    AccessEvent,
    CatalogEntry,
    Channel,
    CatalogUpdate,
    Decision,
    Extension,
    FreeText,
    GrantStatus,
    Id,
    IncidentKind,
    IncidentResponse,
    PurposeEndReason,
    SecurityIncident,
    LegalBasis,
    Method,
    Name,
    Requester,
    UseScope,
)

from ..lifecycle import Lifecycle
from .auth import AuthError, Authorizer

TAG = "共享流程 lifecycle"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # Every step's time in Beijing time (no offset means Beijing time); a time
    # with no Beijing equivalent (0001-01-01T00:00+14:00) is a 422 on `at`.
    _in_beijing = field_validator("at", check_fields=False)(
        classmethod(lambda cls, value: value if value is None else in_beijing(value)))


class CatalogPublish(_In):
    entry: CatalogEntry = Field(description="待发布或更新的目录条目 / the entry")
    requester: Requester = Field(description="编制目录的部门 / department publishing it")
    catalog_update: CatalogUpdate | None = Field(default=None, description="更新的时间节点（第十七条）")
    at: datetime | None = Field(default=None, description="操作时间，默认当前 / time of the step (default now)")


class ApplicationIn(_In):
    requester: Requester = Field(description="需求部门 / requesting department")
    dataset: Id = Field(min_length=1, description="目录编码 / catalogue id", examples=["ds-population-basic"])
    fields: list[Name] = Field(default_factory=list, description="申请的数据项 / data items applied for")
    use_scope: UseScope | None = Field(default=None, description="使用范围：使用数据的单位、区域、业务（第二十条第二款）/ scope of use")
    purpose: FreeText | None = Field(default=None, description="使用用途", examples=["社会救助资格审核"])
    legal_basis: FreeText | None = Field(default=None, description="使用依据", examples=["《社会救助暂行办法》第十一条"])
    scenario: FreeText | None = Field(default=None, description="使用场景", examples=["最低生活保障申请审核"])
    method: Method | None = Field(default=None, description="共享方式")
    use_until: date | None = Field(default=None, description="使用时限")
    pi_basis: FreeText | None = Field(default=None, description="处理个人信息的依据（第三十七条）")
    channel: Channel = "platform"
    channel_basis: LegalBasis | None = None
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


# Who reports a step on a grant: the requester, or the provider or the competent department that found it.
Party = Literal["requester", "provider", "competent"]


class PurposeEndIn(_In):
    reason: PurposeEndReason = Field(description="achieved：共享目的已实现；impossible：无法实现；unnecessary：为实现共享目的不再必要（第二十七条第一款）")
    reported_by: Party = Field(description="requester：需求部门报告；provider：提供部门认定；competent：主管部门认定（须平台级 govern 令牌）/ who reports it")
    note: FreeText | None = Field(default=None, description="说明 / note")
    at: datetime | None = Field(default=None, description="报告或认定时间，默认当前 / time of the step")


class DisposalReportIn(_In):
    method: Name = Field(min_length=1, description="实际处置方式，须符合提供部门的处置要求 / how the data was disposed of", examples=["delete"])
    at: datetime | None = Field(default=None, description="处置完成时间，默认当前 / time of the step")


class IncidentIn(_In):
    kind: IncidentKind = Field(description="tampering：篡改；destruction：破坏；leak：泄露；illegal_use：非法利用（第三十四条第二款）")
    occurred_at: datetime = Field(description="发生时间，不得晚于登记时间 / when it happened (not after the step)")
    description: FreeText = Field(min_length=1, description="经过 / what happened")
    reported_by: Party = Field(description="requester：需求部门报告；provider：提供部门发现；competent：主管部门发现（须平台级 govern 令牌）")
    at: datetime | None = Field(default=None, description="登记时间，默认当前 / time of the step")


class IncidentResponseIn(_In):
    emergency_plan_started: bool = Field(description="已启动应急预案（第三十五条第三款）/ the emergency plan was started")
    measures: FreeText = Field(min_length=1, description="采取的应急处置措施 / the emergency measures taken")
    reported_to: list[Name] = Field(min_length=1, description="已报告的有关主管部门 / the competent departments reported to")
    on: date | None = Field(default=None, description="报告之日，默认当天 / day reported (default today)")


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

    def act_as_party(request: Request, grant_id: str, party: str) -> None:
        """A report on a grant rests on the caller's token, never on its claim:
        a bound token reports only as the grant's requester or provider it
        holds; the competent department's finding needs a platform-wide token
        with the govern permission."""
        grant = store.grant(grant_id)
        if party == "competent":
            if auth.bound(request) or not auth.permits("govern")(request):
                raise AuthError(403, "forbidden", "以主管部门名义认定须使用具有 govern 权限的平台级令牌。",
                                "Only a platform-wide token with the govern permission may report as the competent department.",
                                [{"field": "reported_by", "type": "party_not_allowed",
                                  "problem": {"zh": "此令牌不能代表主管部门", "en": "the token may not act as the competent department"}}])
            return
        if auth.bound(request):
            department = grant.requester if party == "requester" else lifecycle.provider_of(grant)
            auth.act_as(request, (f"grant.{party}", department))

    def with_owed(grant) -> dict[str, Any]:
        return {**grant.model_dump(mode="json", exclude_none=True), "owed": lifecycle.owed_by(grant)}

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
        # `owed`: what the requester still owes on it (disposal, art 27(1); incident response, art 35(3)).
        return with_owed(store.grant(grant_id))

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

    @router.post("/v1/grants/{grant_id}/purpose-ended", dependencies=[share],
                 summary="登记共享目的已实现、无法实现或不再必要（第二十七条第一款）/ record that a grant's purpose has ended",
                 description="需求部门报告，或提供部门、主管部门认定。登记后依该授权的使用和对外提供一律拒绝（GDSR-27-PURPOSE-ENDED，责任条款 40(4)），"
                 "并须按提供部门的要求处置数据，直至报告处置完成（`owed`）。不暂停授权：第二十七条第二款的暂停只针对超范围、超用途使用和擅自提供第三方。\n\n"
                 "Reported by the requester, or found by the provider or the competent department. From then on every use or transfer under the grant "
                 "is refused, and disposal as the provider requires is owed until reported done.")
    async def purpose_ended(grant_id: Id, body: PurposeEndIn, request: Request) -> dict[str, Any]:
        act_as_party(request, grant_id, body.reported_by)
        grant = await lifecycle.off_loop(lifecycle.end_purpose, grant_id, body.reason, body.reported_by, body.note, body.at)
        return with_owed(grant)

    @router.post("/v1/grants/{grant_id}/disposal", dependencies=[share],
                 summary="需求部门报告已按要求处置（第二十七条第一款）/ the requester reports the data disposed of",
                 description="按 `dispose` 决策检查提供部门的处置要求；允许的，处置不再待办。不符合要求的返回 422 及决策。")
    async def disposal(grant_id: Id, body: DisposalReportIn, request: Request) -> dict[str, Any]:
        act_as_party(request, grant_id, "requester")
        decision, grant = await lifecycle.off_loop(lifecycle.report_disposal, grant_id, body.method, body.at)
        return {"decision": decision.model_dump(mode="json"), "grant": with_owed(grant)}

    @router.post("/v1/grants/{grant_id}/incidents", dependencies=[share], status_code=201,
                 summary="登记使用中发生的安全事件（第三十四条第二款、第三十五条第三款）/ record a security incident",
                 description="作为 `incident` 决策：对需求部门记录已发生违规 GDSR-34-INCIDENT（责任条款 40(6)），附带义务 GDSR-35-INCIDENT-RESPONSE"
                 "（启动应急预案、应急处置、向有关主管部门报告），义务待办直至报告处置情况。条例未规定因安全事件暂停授权，故不暂停。\n\n"
                 "Decided as an `incident`: a breach cited against the requester and the art 35(3) response as an obligation, owed until reported. "
                 "The grant is not suspended: no article requires it.")
    async def incident(grant_id: Id, body: IncidentIn, request: Request) -> dict[str, Any]:
        act_as_party(request, grant_id, body.reported_by)
        event = SecurityIncident(kind=body.kind, occurred_at=body.occurred_at, description=body.description)
        if event.occurred_at > (body.at or datetime.now(BEIJING)):
            raise RequestValidationError([{"type": "value_error", "loc": ("body", "occurred_at"),
                                           "msg": "发生时间晚于登记时间 / occurred after the time it is recorded", "input": str(body.occurred_at)}])
        decision, grant, record = await lifecycle.off_loop(lifecycle.record_incident, grant_id, event, body.reported_by, body.at)
        return {"decision": decision.model_dump(mode="json"), "incident": record.model_dump(mode="json", exclude_none=True), "grant": with_owed(grant)}

    @router.post("/v1/grants/{grant_id}/incidents/{incident_id}/response", dependencies=[share],
                 summary="报告安全事件的应急处置与报告情况（第三十五条第三款）/ report the response to an incident")
    async def incident_response(grant_id: Id, incident_id: Id, body: IncidentResponseIn, request: Request) -> dict[str, Any]:
        act_as_party(request, grant_id, "requester")
        if not body.emergency_plan_started:
            raise RequestValidationError([{"type": "value_error", "loc": ("body", "emergency_plan_started"),
                                           "msg": "第三十五条第三款要求立即启动应急预案；未启动的，不能报告处置完成 / art 35(3) requires the emergency plan to be started",
                                           "input": False}])
        response = IncidentResponse(on=body.on or datetime.now(BEIJING).date(), emergency_plan_started=True,
                                    measures=body.measures, reported_to=body.reported_to)
        grant = await lifecycle.off_loop(lifecycle.report_incident_response, grant_id, incident_id, response)
        return with_owed(grant)

    @router.get("/v1/owed", dependencies=[share_or_read], summary="共享授权上待办的处置与安全事件处置 / what requesters still owe on their grants",
                description="共享目的终了而未报告处置的（第二十七条第一款），以及安全事件未报告应急处置情况的（第三十五条第三款）。")
    async def owed() -> list[dict[str, Any]]:
        return await lifecycle.off_loop(lifecycle.owed)

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
