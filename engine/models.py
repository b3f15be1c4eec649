"""Domain models: the access event, catalogue entries, grants and the decision.

These are the decision contract. Field descriptions and examples feed the
OpenAPI schema, so they are written for the platform engineers who read it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

# --- bounded strings ------------------------------------------------------------
# Every string a request carries is one of these, so nothing reaches storage that
# it cannot hold. Ids and names land in String(200) columns
# (adapters/storage/tables.py): PostgreSQL refuses a longer value where SQLite
# keeps it, so the bound is the model's, the same on both. Free text is kept in
# JSON columns; its bound only keeps requests and the ledger sane.
ID_MAX_LENGTH = 200
NAME_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 2000

# Unicode category Cc (C0 controls, DEL, C1 controls). PostgreSQL refuses NUL
# outright; the others have no place in an id or a name, where they make two
# values look alike. Free text may keep tabs and line breaks.
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LAYOUT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _refusing(controls: re.Pattern[str]) -> AfterValidator:
    def check(value: str) -> str:
        found = controls.search(value)
        if found:
            raise PydanticCustomError("string_control_character", "must not contain control characters; found U+{character}",
                                      {"character": f"{ord(found.group()):04X}"})
        return value

    return AfterValidator(check)


Id = Annotated[str, StringConstraints(max_length=ID_MAX_LENGTH), _refusing(_ANY_CONTROL)]
Name = Annotated[str, StringConstraints(max_length=NAME_MAX_LENGTH), _refusing(_ANY_CONTROL)]
FreeText = Annotated[str, StringConstraints(max_length=TEXT_MAX_LENGTH), _refusing(_CONTROL_BUT_LAYOUT)]


# How an act of sharing travels (arts 31-32; Jiyuan arts 9, 30-31, 57(7)).
Channel = Literal["platform", "direct", "standalone"]


class Action(str, Enum):
    """Each step of sharing a platform can ask about."""

    catalog = "catalog"  # 发布或更新目录条目
    apply = "apply"  # 需求部门提出共享申请
    reply = "reply"  # 提供部门答复
    deliver = "deliver"  # 提供部门交付数据
    use = "use"  # 需求部门使用共享数据
    transfer = "transfer"  # 向他人提供（再提供）
    collect = "collect"  # 向公民、法人和其他组织收集
    return_ = "return"  # 上级向下级回流
    verify = "verify"  # 校核申请及其处理
    dispose = "dispose"  # 共享目的实现后的处置
    terminate = "terminate"  # 提供部门终止共享服务
    change = "change"  # 提供部门变更共享服务
    records = "records"  # 删除或到期清理使用记录
    open_ = "open"  # 公民、法人和其他组织申请开放数据（地方规定）
    interface = "interface"  # 数据生产部门按主管部门要求向数据中台提供服务接口（地方规定，如济源办法第八条第二款）
    objection = "objection"  # 公民、法人和其他组织对开放目录的异议（更正申请）及其答复（地方规定，如济源办法第四十条）
    dispute = "dispute"  # 需求部门与提供部门之间的共享争议提请协调或决定（第二十八条）
    incident = "incident"  # 需求部门使用共享数据过程中发生的安全事件（第三十四条第二款、第三十五条第三款）


class ShareAttribute(str, Enum):
    unconditional = "unconditional"  # 无条件共享类
    conditional = "conditional"  # 有条件共享类
    not_shareable = "not_shareable"  # 不予共享类


class Method(str, Enum):
    api = "api"  # 服务接口
    verify = "verify"  # 核验（比对）
    bulk = "bulk"  # 批量交换
    file = "file"  # 文件下载


class Secrecy(str, Enum):
    none = "none"
    work_secret = "work_secret"  # 工作秘密
    state_secret = "state_secret"  # 国家秘密


class BasisType(str, Enum):
    law = "law"  # 法律
    administrative_regulation = "administrative_regulation"  # 行政法规
    state_council_decision = "state_council_decision"  # 国务院决定
    departmental_rule = "departmental_rule"  # 部门规章
    local_regulation = "local_regulation"  # 地方性法规
    local_rule = "local_rule"  # 地方政府规章
    policy_document = "policy_document"  # 规范性文件
    party_central_policy = "party_central_policy"  # 党中央、国务院政策文件


class GrantStatus(str, Enum):
    active = "active"
    suspended = "suspended"  # 暂停（第二十七条第二款）
    terminated = "terminated"
    expired = "expired"


def in_beijing(value: datetime) -> datetime:
    """`value` in Beijing time; without an offset it is taken to be Beijing time."""
    try:
        return (value if value.tzinfo else value.replace(tzinfo=BEIJING)).astimezone(BEIJING)
    except OverflowError:
        # 0001-01-01T00:00+14:00 and the like have no Beijing time: a field
        # error, never a server error.
        raise ValueError("时间超出可表示的范围 / the time is out of range once converted to Beijing time") from None


class _Model(BaseModel):
    # Unknown fields are refused: a misspelt field silently ignored could turn a
    # deny into an allow.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LegalBasis(_Model):
    type: BasisType = Field(description="依据的法律层级 / rank of the legal source")
    title: Name = Field(min_length=1, description="法律文件名称 / title of the legal source")
    article: Name | None = Field(default=None, description="具体条款 / article cited")


class Requester(_Model):
    department: Name = Field(min_length=1, description="需求部门名称或编码；action=open 时为申请人名称 / requesting department (the applicant for open data)")
    kind: Literal["department", "citizen", "legal_entity", "organisation"] = Field(
        default="department", description="申请主体类型：政府部门，或申请开放数据的公民、法人、其他组织"
    )
    level: Literal["national", "provincial", "municipal", "county", "township"] | None = Field(
        default=None, description="行政层级 / administrative level"
    )
    region: Id | None = Field(default=None, description="行政区划代码 / region code", examples=["419001"])
    unit: Name | None = Field(
        default=None, description="本部门中实际使用数据的单位或内设机构（对照授权的使用范围，第二十五条第一款）"
                                  " / the unit or office of the department that uses the data (checked against the grant's scope of use)",
        examples=["社会救助科"],
    )
    unit_head_approved: bool | None = Field(
        default=None,
        description="本部门政务数据共享工作机构负责人是否同意（第二十条第二款）/ approved by the head of the requester's data-sharing unit",
    )
    contractor: Contractor | None = Field(default=None, description="代为操作的受托方（第三十六条）/ contractor acting for the department")


class UseScope(_Model):
    """使用范围 (art 20(2)): who and where within the requesting department the
    data is used. It is what a grant's scope limits (art 25(1)); the data items
    applied for are a separate part of the application (`fields`)."""

    units: list[Name] = Field(default_factory=list, description="使用数据的单位或内设机构 / units or offices that use the data",
                              examples=[["社会救助科"]])
    regions: list[Id] = Field(default_factory=list, description="使用的区域（行政区划代码）/ areas of use (region codes)",
                              examples=[["419001"]])
    businesses: list[FreeText] = Field(default_factory=list, description="使用的业务事项 / business the data serves",
                                       examples=[["最低生活保障审核确认"]])

    def stated(self) -> bool:
        return bool(self.units or self.regions or self.businesses)


class Contractor(_Model):
    name: Name = Field(min_length=1, description="受托方名称 / contractor")
    approved: bool = Field(default=False, description="委托是否已履行批准程序（第三十六条第一款）/ engagement approved")
    authorised: bool = Field(default=False, description="本次访问是否经委托部门授权 / this access authorised by the department")


class Recipient(_Model):
    kind: Literal["self", "department", "third_party"] = Field(
        default="self", description="数据去向：本部门 / 其他政府部门 / 第三方"
    )
    name: Name | None = Field(default=None, description="接收方名称 / name of the recipient")


class CatalogField(_Model):
    name: Name = Field(min_length=1, description="数据项编码 / data item code", examples=["id_number"])
    label: Name | None = Field(default=None, description="数据项中文名 / label", examples=["公民身份号码"])
    personal: bool = Field(default=False, description="是否个人信息 / personal information")
    sensitive: bool = Field(default=False, description="是否敏感个人信息 / sensitive personal information")
    secrecy: Secrecy = Field(default=Secrecy.none, description="涉密等级 / secrecy marking")
    key: bool = Field(
        default=False,
        description="是否为查询键（如姓名、公民身份号码），查询键不计入重复收集判断（第十九条）/ a look-up key, not counted as duplicate collection",
    )


class ShareConditions(_Model):
    scope: list[FreeText] = Field(default_factory=list, description="共享范围 / who may receive it")
    purposes: list[FreeText] = Field(default_factory=list, description="使用用途 / purposes it may be used for")
    other: list[FreeText] = Field(default_factory=list, description="其他使用条件 / other listed conditions")


class Assessments(_Model):
    secrecy_risk: bool = Field(default=False, description="是否已开展保密风险评估 / confidentiality risk assessed")
    pi_impact: bool = Field(default=False, description="是否已开展个人信息保护影响评估 / PI impact assessed")


class CatalogEntry(_Model):
    id: Id = Field(min_length=1, description="目录编码 / catalogue id", examples=["ds-population-basic"])
    name: Name = Field(min_length=1, description="数据目录名称 / catalogue name", examples=["人口基础信息"])
    provider: Name = Field(min_length=1, description="提供单位 / providing department", examples=["示范区公安局"])
    share_attribute: ShareAttribute = Field(description="共享属性（第十四条）/ share attribute")
    methods: list[Method] = Field(default_factory=list, description="共享方式 / sharing methods")
    conditions: ShareConditions | None = Field(default=None, description="使用条件（有条件共享类必填）")
    not_shareable_reason: FreeText | None = Field(default=None, description="不予共享理由（第十五条第二款）")
    legal_basis: list[LegalBasis] = Field(default_factory=list, description="共享属性的法定依据")
    classification: Name | None = Field(default=None, description="数据分类分级 / classification grade", examples=["一般数据"])
    grade: Literal["core", "important", "general"] | None = Field(default=None, description="分级 / grade")
    secrecy: Secrecy = Field(default=Secrecy.none, description="涉密标识（第三条）/ secrecy marking")
    base_data: Literal["population", "legal_entity", "credit", "geospatial", "e_licence"] | None = Field(
        default=None, description="基础库类别 / base database"
    )
    fields: list[CatalogField] = Field(default_factory=list, description="数据项 / data items")
    data_format: Name | None = Field(default=None, description="数据格式 / format")
    update_frequency: Name | None = Field(default=None, description="更新频率 / update frequency")
    published: bool = Field(default=True, description="是否经主管部门审核发布（第十六条）")
    open_attribute: Literal["unconditional", "conditional", "not_open"] | None = Field(
        default=None, description="开放属性（地方规定，如济源办法第三十八条）/ open-data class"
    )
    open_basis: list[LegalBasis] = Field(default_factory=list, description="有条件开放、不予开放的依据 / basis for restricting opening")
    desensitised: bool = Field(default=False, description="是否已脱敏、清洗 / de-identified")
    assessments: Assessments | None = Field(default=None, description="编制目录时的评估（第十三条第一款）/ assessments done")
    head_approved: bool | None = Field(default=None, description="部门负责人是否审核同意（第十三条第一款）/ signed off by the head")
    controls: list[Name] = Field(
        default_factory=list,
        description="按分类分级要求需求部门落实的安全措施（第三十五条）/ security controls the grade requires of users",
        examples=[["加密传输", "访问日志"]],
    )


# Art 27(1): why the purpose of sharing has ended.
PurposeEndReason = Literal["achieved", "impossible", "unnecessary"]  # 已实现 / 无法实现 / 为实现共享目的不再必要


class PurposeEnded(_Model):
    """Art 27(1) on a grant: its purpose of sharing has ended, so the data
    obtained under it is to be disposed of as the provider requires."""

    reason: PurposeEndReason = Field(description="achieved：共享目的已实现；impossible：无法实现；unnecessary：为实现共享目的不再必要")
    on: date = Field(description="报告或认定之日 / day it was reported or found")
    reported_by: Literal["requester", "provider", "competent"] = Field(
        description="requester：需求部门报告；provider：提供部门认定；competent：政务数据共享主管部门认定 / who reported or found it")
    department: Name | None = Field(default=None, description="报告或认定的部门（取自授权与目录，不取自请求）/ that department, from the grant and catalogue")
    note: FreeText | None = Field(default=None, description="说明 / note")


class DisposalDone(_Model):
    """The requester's report that the data obtained under a grant has been
    disposed of as the provider requires (art 27(1)): what the end of its
    purpose made owed is done."""

    on: date = Field(description="处置完成之日 / day disposed of")
    method: Name = Field(min_length=1, description="处置方式 / how it was disposed of", examples=["delete"])
    decision_id: Id = Field(description="处置决策编号 / the decision that allowed it")


# Art 34(2): what happened to shared data in the requester's hands.
IncidentKind = Literal["tampering", "destruction", "leak", "illegal_use"]  # 篡改 / 破坏 / 泄露 / 非法利用


class SecurityIncident(_Model):
    kind: IncidentKind = Field(description="tampering：篡改；destruction：破坏；leak：泄露；illegal_use：非法利用（第三十四条第二款）")
    occurred_at: datetime = Field(description="发生时间 / when it happened")
    description: FreeText = Field(min_length=1, description="经过 / what happened")

    # Compared with the time it is recorded at: no offset means Beijing time.
    _assume_beijing = field_validator("occurred_at")(classmethod(lambda cls, value: in_beijing(value)))


class IncidentResponse(_Model):
    """What art 35(3) requires once a security incident happens, reported done."""

    on: date = Field(description="报告之日 / day reported")
    emergency_plan_started: Literal[True] = Field(description="已启动应急预案 / the emergency plan was started")
    measures: FreeText = Field(min_length=1, description="采取的应急处置措施 / the emergency measures taken")
    reported_to: list[Name] = Field(min_length=1, description="已报告的有关主管部门 / the competent departments reported to")


class GrantIncident(SecurityIncident):
    """A security incident recorded on a grant, with what it was cited as."""

    id: Id = Field(description="事件编号 / incident id")
    recorded_on: date = Field(description="登记之日 / day recorded")
    reported_by: Literal["requester", "provider", "competent"] = Field(
        description="requester：需求部门报告；provider：提供部门发现；competent：主管部门发现 / who reported or found it")
    department: Name | None = Field(default=None, description="报告或发现的部门（取自授权与目录）/ that department, from the grant and catalogue")
    decision_id: Id = Field(description="登记决策编号 / the decision that cited it")
    breaches: list[Name] = Field(default_factory=list, description="引用的违规代码 / the breaches it was cited as")
    obligations: list[Name] = Field(default_factory=list, description="随之产生的义务代码（第三十五条第三款）/ the duties it gave rise to")
    response: IncidentResponse | None = Field(default=None, description="应急处置与报告情况；未报告为空 / the response reported; empty until then")


class Grant(_Model):
    id: Id = Field(min_length=1, description="授权编码 / grant id", examples=["g-2026-0001"])
    dataset: Id = Field(min_length=1, description="目录编码 / dataset")
    requester: Name = Field(min_length=1, description="被授权的需求部门 / department granted")
    fields: list[Name] = Field(default_factory=list, description="获准的数据项 / fields granted")
    purposes: list[FreeText] = Field(default_factory=list, description="获准的使用用途 / purposes granted")
    use_scope: UseScope | None = Field(
        default=None, description="获准的使用范围（第二十条第二款、第二十五条第一款）；未记录的，以被授权部门为限"
                                  " / scope of use granted; none recorded: the department granted, as a whole",
    )
    scenario: FreeText | None = Field(default=None, description="使用场景 / usage scenario")
    method: Method | None = Field(default=None, description="共享方式 / method granted")
    valid_from: date | None = None
    valid_until: date | None = None
    status: GrantStatus = GrantStatus.active
    third_party_consent: list[Name] = Field(
        default_factory=list, description="提供部门同意再提供的接收方 / recipients the provider consented to"
    )
    disposal_requirement: FreeText | None = Field(
        default=None, description="提供部门对目的实现后处置的要求（第二十七条第一款）/ how the provider requires the data be disposed of",
        examples=["delete"],
    )
    purpose_ended: PurposeEnded | None = Field(
        default=None, description="共享目的已实现、无法实现或不再必要（第二十七条第一款）；此后不得再使用，须按要求处置 / the purpose has ended: no more use, disposal owed")
    disposed: DisposalDone | None = Field(default=None, description="已按要求处置的报告；目的终了而未报告处置的，处置仍待完成 / disposal reported done")
    incidents: list[GrantIncident] | None = Field(default=None, description="使用中发生的安全事件（第三十四条第二款）/ security incidents in use")

    def in_force(self, on: date) -> bool:
        """Active by its stored status and within its validity on `on`. A grant past
        its valid_until keeps status active until someone expires it; the policies
        refuse every use under it all the same (policies/gdsr/use/grant_required)."""
        return (self.status == GrantStatus.active and (self.valid_from is None or self.valid_from <= on)
                and (self.valid_until is None or on <= self.valid_until))


class Extension(_Model):
    working_days: int = Field(ge=1, description="延长的工作日数 / working days of extension")
    approved_by_competent: bool = Field(default=False, description="是否经同级主管部门同意（第二十一条第一款）")
    requester_notified: bool = Field(default=False, description="是否已告知需求部门")


class ApplicationState(_Model):
    """The share application an `apply`, `reply` or `deliver` event concerns."""

    id: Id | None = Field(default=None, description="申请编号 / application id")
    received_on: date | None = Field(default=None, description="提供部门收到申请之日 / day the provider received it")
    complete: bool | None = Field(default=None, description="申请材料是否齐全 / material complete")
    material_notices: int = Field(default=0, ge=0, description="此前已发出的补正通知次数 / notices already sent")
    extension: Extension | None = Field(default=None, description="已获准的答复延期 / extension already granted")
    approved_on: date | None = Field(default=None, description="作出同意答复之日（第二十二条）/ day approval was given")


class Reply(_Model):
    decision: Literal["approve", "refuse", "request_material", "extend"] = Field(description="答复内容 / the answer")
    reasons: FreeText | None = Field(default=None, description="不同意的理由（第二十一条第二款）/ reasons for refusal")
    missing_material: list[FreeText] = Field(default_factory=list, description="需补充的全部材料 / all missing material")
    unit_head_approved: bool | None = Field(default=None, description="提供部门共享工作机构负责人是否同意（第二十条第三款）")
    conditions: list[FreeText] = Field(default_factory=list, description="同意时附加的使用条件 / conditions attached")
    extension: Extension | None = Field(default=None, description="decision=extend 时的延期 / the extension asked for")


class Verification(_Model):
    received_on: date = Field(description="提供部门收到校核申请之日（第二十六条）")
    handled_on: date | None = Field(default=None, description="核实、更正并反馈之日；未处理则为空")
    decided_on: date | None = Field(
        default=None, description="作出是否更正的决定并告知主管部门之日（济源办法第二十四条）；未单独写明的，以 handled_on 为告知之日"
                                  " / day the decision on correction was made and reported (Jiyuan art 24); unstated: handled_on is that day",
    )
    correcting: bool | None = Field(
        default=None, description="是否决定更正；决定更正的，自决定之日起计更正期限 / whether the decision is to correct (the correction period runs from it)",
    )


class Disposal(_Model):
    reason: Literal["achieved", "impossible", "unnecessary"] = Field(description="共享目的已实现 / 无法实现 / 不再必要")
    method: Name = Field(min_length=1, description="实际处置方式 / how the data is disposed of", examples=["delete"])


class ServiceChange(_Model):
    cause: FreeText | None = Field(default=None, description="终止或变更的正当理由（第二十七条第三款）")
    consulted: bool = Field(default=False, description="是否已与需求部门协商")
    filed: bool = Field(default=False, description="是否已报同级主管部门备案")


class UsageRecord(_Model):
    id: Id | None = Field(default=None, description="记录编号 / record id")
    created_on: date = Field(description="记录形成之日 / day the record was made")


class CatalogUpdate(_Model):
    """Timing of a catalogue update (第十七条)."""

    change_on: date | None = Field(default=None, description="法律法规调整或职责变化发生之日")
    submitted_on: date | None = Field(default=None, description="完成更新并报审之日")
    extension_approved: bool = Field(default=False, description="延期5个工作日是否经主管部门同意")
    received_on: date | None = Field(default=None, description="主管部门收到更新后目录之日")
    published_on: date | None = Field(default=None, description="主管部门审核发布之日")


class OpenRequest(_Model):
    """A citizen's or company's request for open data (local measures, e.g. Jiyuan arts 38–41), or
    its correction request objecting to the open-data catalogue (action=objection, Jiyuan art 40)."""

    received_on: date | None = Field(default=None, description="收到申请之日")
    replied_on: date | None = Field(default=None, description="答复之日；未答复为空")
    extension: Extension | None = Field(default=None, description="经负责人批准的延期")
    head_approved_extension: bool = Field(default=False, description="延期是否经本部门负责人批准")


class InterfaceExtension(_Model):
    """An extension of the time for providing service interfaces (local measures, e.g. Jiyuan art 8(2))."""

    working_days: int = Field(ge=1, description="申请延期的工作日数 / working days of extension asked for")
    written: bool = Field(default=False, description="是否已向主管部门提交书面延期申请 / a written application for the extension was submitted")
    approved: bool = Field(default=False, description="延期是否经主管部门批准 / the competent data department approved the extension")


class InterfaceRequest(_Model):
    """The competent data department's request that a producing department provide more service
    interfaces to the data hub (local measures, e.g. Jiyuan art 8(2))."""

    agreed_on: date = Field(description="双方协商确定的提供期限（最迟提供之日）/ the last day for providing the interfaces, as agreed by both sides")
    provided_on: date | None = Field(default=None, description="实际提供服务接口之日；未提供为空 / day the interfaces were provided; empty if not yet")
    extension: InterfaceExtension | None = Field(default=None, description="申请或已获准的延期 / the extension asked for or granted")


class Dispute(_Model):
    """A sharing dispute taken to a body for coordination or decision (GDSR art 28(2))."""

    between: Literal["same_level", "cross_level", "cross_region"] = Field(
        description="争议双方：同级部门之间 / 跨层级 / 跨地域 / the parties: same level, across levels, across regions")
    negotiated: bool = Field(default=False, description="双方是否已先行协商（同级争议须先协商）/ whether the parties negotiated first")
    submitted_to: Literal["same_level_competent", "common_superior_competent", "government"] = Field(
        description="提请处理的机关：同级主管部门 / 共同的上级主管部门 / 主管部门的本级人民政府 / the body the dispute is taken to")
    coordinated: bool = Field(
        default=False, description="主管部门是否已协调处理而仍未达成一致（报本级人民政府决定的前提）/ whether a competent department already coordinated without agreement")


class InlineState(_Model):
    """State a platform keeps itself and sends with the event. Never overrides
    what govshare stores under the same id."""

    dataset: CatalogEntry | None = None
    grant: Grant | None = None


class AccessEvent(_Model):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "action": "transfer",
                    "at": "2026-03-02T10:00:00+08:00",
                    "requester": {"department": "示范区民政局", "level": "county", "region": "419001"},
                    "dataset": "ds-population-basic",
                    "fields": ["name", "id_number"],
                    "purpose": "社会救助资格审核",
                    "scenario": "最低生活保障申请审核",
                    "method": "api",
                    "grant": "g-2026-0001",
                    "pi_basis": "《个人信息保护法》第十三条第一款第三项",
                    "controls": ["传输加密", "访问权限控制", "操作日志留存"],
                    "recipient": {"kind": "third_party", "name": "某科技有限公司"},
                    "channel": "platform",
                }
            ]
        },
    )

    action: Action = Field(description="共享环节 / step of sharing being decided")
    at: datetime = Field(
        default_factory=lambda: datetime.now(BEIJING),
        description="事件时间；决定适用的法律版本并计算期限。未带时区按北京时间 / event time (no offset = Beijing time)",
    )
    jurisdiction: Id | None = Field(default=None, description="地方叠加规则 / local overlay", examples=["jiyuan"])
    requester: Requester = Field(description="需求（或执行）部门 / department acting")
    dataset: Id | None = Field(default=None, description="目录编码 / catalogue id", examples=["ds-population-basic"])
    fields: list[Name] = Field(default_factory=list, description="涉及的数据项 / data items involved")
    purpose: FreeText | None = Field(default=None, description="使用用途 / purpose", examples=["社会救助资格审核"])
    legal_basis: FreeText | None = Field(default=None, description="使用依据 / legal basis", examples=["《社会救助暂行办法》第十一条"])
    scenario: FreeText | None = Field(default=None, description="使用场景 / usage scenario", examples=["最低生活保障申请审核"])
    use_scope: UseScope | None = Field(default=None, description="action=apply 时申请的使用范围（第二十条第二款）/ scope of use applied for")
    method: Method | None = Field(default=None, description="共享方式 / method")
    use_until: date | None = Field(default=None, description="使用时限（申请时）/ requested time limit of use")
    grant: Id | None = Field(default=None, description="所依据的共享授权 / approved application relied on", examples=["g-2026-0001"])
    recipient: Recipient = Field(default_factory=Recipient, description="数据去向 / where the data goes")
    channel: Channel = Field(
        default="platform",
        description="platform：经全国一体化政务大数据体系（济源：示范区数据中台）；direct：点对点；standalone：未纳入体系的自建共享交换系统（第三十一条）"
                    " / platform: through the integrated system (Jiyuan: the data hub); direct: point to point; standalone: a self-built exchange system outside it (art 31)",
    )
    channel_basis: LegalBasis | None = Field(
        default=None,
        description="channel=standalone 时，另有规定的法律、行政法规（第三十一条“除法律、行政法规另有规定外”）"
                    " / for channel=standalone, the law or administrative regulation that provides otherwise (art 31)",
    )
    entry: CatalogEntry | None = Field(default=None, description="action=catalog 时待发布的目录条目 / entry to publish")
    catalog_update: CatalogUpdate | None = Field(default=None, description="目录更新的时间节点（第十七条）")
    application: ApplicationState | None = Field(default=None, description="所涉共享申请 / the application concerned")
    reply: Reply | None = Field(default=None, description="action=reply 时的答复 / the provider's answer")
    verification: Verification | None = Field(default=None, description="action=verify 时的校核申请")
    disposal: Disposal | None = Field(default=None, description="action=dispose 时的处置")
    incident: SecurityIncident | None = Field(default=None, description="action=incident 时发生的安全事件（第三十四条第二款）/ the security incident")
    service_change: ServiceChange | None = Field(default=None, description="action=terminate/change 时的理由与程序")
    record: UsageRecord | None = Field(default=None, description="action=records 时所删除的使用记录")
    return_conditions: list[FreeText] = Field(default_factory=list, description="action=return 时上级附加的条件（第二十四条）")
    controls: list[Name] = Field(default_factory=list, description="需求部门已落实的安全措施（第三十五条）")
    open_request: OpenRequest | None = Field(default=None, description="action=open 时的开放数据申请；action=objection 时对开放目录提出的更正申请 / the request for open data, or the correction request objecting to the open-data catalogue")
    interface_request: InterfaceRequest | None = Field(
        default=None, description="action=interface 时主管部门要求提供服务接口的期限与延期（地方规定）/ the request for service interfaces: agreed time and extension"
    )
    dispute: Dispute | None = Field(default=None, description="action=dispute 时的共享争议及其提请处理的机关（第二十八条）/ the dispute and the body it is taken to")
    pi_basis: FreeText | None = Field(default=None, description="处理个人信息的《个人信息保护法》依据（第三十七条）", examples=["《个人信息保护法》第十三条第一款第三项"])
    inline: InlineState | None = Field(default=None, description="平台自带的状态 / state carried inline")

    # Rules compare calendar dates in Beijing time, so normalise the offset.
    _assume_beijing = field_validator("at")(classmethod(lambda cls, value: in_beijing(value)))


class Text(BaseModel):
    zh: str = Field(description="中文")
    en: str = Field(description="English")


Outcome = Literal["allow", "deny", "needs_action", "indeterminate"]


class Violation(BaseModel):
    code: str = Field(description="规则代码 / rule code", examples=["GDSR-25-THIRD-PARTY"])
    regulation: str = Field(description="法规 / regulation", examples=["gdsr"])
    article: int | None = Field(description="条 / article (null only for engine failures)", examples=[25])
    paragraph: int | None = Field(default=None, description="款 / paragraph", examples=[1])
    item: int | None = Field(default=None, description="项 / item")
    liability: str | None = Field(default=None, description="法律责任条款项 / liability item (39–42)", examples=["40(3)"])
    severity: Literal["prohibited", "needs_action", "breach", "error"] = Field(
        description="prohibited → deny；needs_action → 补正后再办；breach → 已发生的逾期等违规，记录追责但不阻止本次行为；error → 引擎故障"
    )
    title: Text = Field(description="规则标题 / rule title")
    message: Text = Field(description="违规说明 / what is wrong")
    remedy: Text = Field(description="整改建议 / what to do")
    facts: dict[str, Any] = Field(default_factory=dict, description="规则给出的事实 / facts the rule found")
    rule: str = Field(description="Rego 包 / Rego package", examples=["gdsr.transfer.third_party"])
    article_ref: str | None = Field(
        default=None,
        description="条文原文的稳定引用：GET /v1/articles/{regulation}/{article}，控制台 #gdsr-25 / stable reference to the article's official text",
        examples=["gdsr-25"],
    )


class Obligation(BaseModel):
    code: str = Field(examples=["GDSR-29-RECORD-USE"])
    regulation: str
    article: int
    paragraph: int | None = None
    title: Text
    message: Text
    facts: dict[str, Any] = Field(default_factory=dict)
    rule: str


class Decision(BaseModel):
    decision_id: str = Field(description="决策编号，供平台记录 / id to log", examples=["01J9Z8Q6W6R7K2M4N5P6Q7R8S9"])
    allow: bool = Field(description="是否允许 / allowed")
    outcome: Outcome = Field(description="allow | deny（禁止）| needs_action（缺少步骤）| indeterminate（无法判断，按拒绝处理）")
    violations: list[Violation] = Field(default_factory=list, description="全部违规，按条文排序 / every violation")
    breaches: list[Violation] = Field(
        default_factory=list,
        description="已经发生、本次行为无法挽回的违规（如逾期答复），附责任条款，供通报和追责；不影响 allow / breaches already committed (e.g. a late reply): reported with liability, they do not block the act",
    )
    obligations: list[Obligation] = Field(default_factory=list, description="允许时须履行的义务 / duties attached")
    policy_revision: str = Field(description="策略内容哈希 / policy content hash", examples=["sha256:3f2a…"])
    data_revision: str = Field(description="目录与授权数据版本 / catalogue+grant data revision", examples=["sha256:9c1b…"])
    law_version: str = Field(description="适用的法律版本 / law in force applied", examples=["gdsr@2025-08-01"])
    evaluated_at: datetime = Field(description="决策时间 / when decided")
    event_at: datetime = Field(description="事件时间 / event time used")
