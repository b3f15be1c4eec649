"""What the engine knows about the regulations it cites.

The article registry exists so a rule can never cite an article that is not in
the law: the policy loader refuses such a rule. Titles are short summaries in
our own words, not the legal text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Article:
    number: int
    chapter: int
    zh: str
    en: str


@dataclass(frozen=True)
class Regulation:
    key: str
    name_zh: str
    name_en: str
    effective_from: date
    articles: dict[int, Article]
    liability_items: dict[int, int]  # article → number of items (0 = no items)
    jurisdiction: str | None = None  # None: national, applies everywhere; else the local overlay's name
    policy_dir: str = ""  # where its rules live under policies/
    # The actions this regulation itself governs (its scope). A decision on
    # one of them needs a rule of this layer in force for it; an action no
    # layer in force governs is not judged at all (GOVSHARE-NO-RULE-FOR-ACTION).
    # A layer may still have rules for actions outside its scope (general
    # duties, or a local supplement to the national rules): they apply, but
    # are not what makes the action judged.
    governs: frozenset[str] = frozenset()

    def law_version(self) -> str:
        return f"{self.key}@{self.effective_from.isoformat()}"


_GDSR_CHAPTERS = [(1, 1, 7), (2, 8, 11), (3, 12, 17), (4, 18, 29), (5, 30, 33), (6, 34, 38), (7, 39, 42), (8, 43, 44)]

_GDSR_TITLES = {
    1: ("立法目的和依据", "Purpose and legal basis"),
    2: ("适用范围", "Scope"),
    3: ("定义；国家秘密、工作秘密除外", "Definitions; state and work secrets excluded"),
    4: ("基本原则", "Principles"),
    5: ("守法与安全义务", "Lawfulness and security duty"),
    6: ("标准体系", "Standards"),
    7: ("鼓励创新", "Innovation"),
    8: ("组织领导与主管部门", "Leadership and competent departments"),
    9: ("主管部门统筹协调", "Coordination by the competent department"),
    10: ("部门主体责任", "Departments' primary responsibility"),
    11: ("政务数据共享工作机构", "Departmental data-sharing unit"),
    12: ("统一目录管理", "Unified catalogue"),
    13: ("目录编制程序与内容", "Compiling the catalogue"),
    14: ("三类共享属性", "Three share attributes"),
    15: ("不得擅自增设条件；条件与依据须列明", "No added conditions; conditions and basis listed"),
    16: ("目录审核与发布", "Catalogue review and publication"),
    17: ("目录动态更新", "Catalogue updates"),
    18: ("全过程质量管理", "Data quality"),
    19: ("依法收集，不得重复收集", "Lawful collection, no duplicate collection"),
    20: ("供需对接与共享申请", "Matching supply and demand; applications"),
    21: ("答复时限与要求", "Reply deadlines and duties"),
    22: ("共享期限与方式", "Delivery deadline and methods"),
    23: ("优化审核流程", "Faster review"),
    24: ("数据回流", "Return of data to lower levels"),
    25: ("使用限制", "Limits on use"),
    26: ("校核纠错", "Verification and correction"),
    27: ("处置、暂停与终止", "Disposal, suspension and termination"),
    28: ("争议解决", "Dispute resolution"),
    29: ("监督检查与使用记录", "Supervision and usage records"),
    30: ("全国一体化政务大数据体系", "National integrated big-data system"),
    31: ("平台纳入体系", "Platforms join the system"),
    32: ("通过体系共享", "Sharing through the system"),
    33: ("新技术应用", "New technology"),
    34: ("安全管理制度与责任", "Security rules and responsibility"),
    35: ("部门安全义务与事件处置", "Security duties and incidents"),
    36: ("委托与平台安全", "Contractors and platform security"),
    37: ("个人信息保护与投诉", "Personal information; complaints"),
    38: ("经费保障与监督报告", "Funding and reporting"),
    39: ("提供部门的法律责任", "Liability of providing departments"),
    40: ("需求部门的法律责任", "Liability of requesting departments"),
    41: ("主管部门的法律责任", "Liability of competent departments"),
    42: ("工作人员的法律责任", "Liability of staff"),
    43: ("其他国家机关参照", "Other state organs"),
    44: ("施行日期", "Entry into force"),
}


def _build(key: str, name_zh: str, name_en: str, effective_from: date, chapters: list[tuple[int, int, int]],
           titles: dict[int, tuple[str, str]], liability_items: dict[int, int], jurisdiction: str | None, policy_dir: str,
           governs: frozenset[str]) -> Regulation:
    articles = {}
    for chapter, first, last in chapters:
        for number in range(first, last + 1):
            zh, en = titles[number]
            articles[number] = Article(number, chapter, zh, en)
    return Regulation(key, name_zh, name_en, effective_from, articles, liability_items, jurisdiction, policy_dir, governs)


_JIYUAN_CHAPTERS = [(1, 1, 5), (2, 6, 12), (3, 13, 19), (4, 20, 29), (5, 30, 36), (6, 37, 45), (7, 46, 52), (8, 53, 62), (9, 63, 65)]

_JIYUAN_TITLES = {
    1: ("目的和依据", "Purpose and basis"),
    2: ("政务部门和政务数据的定义", "Definitions"),
    3: ("适用范围", "Scope"),
    4: ("示范区数据主管部门", "Competent department"),
    5: ("政务数据属于政府所有；管理原则", "Data owned by the government; principles"),
    6: ("示范区数据中台", "The Jiyuan data hub"),
    7: ("共享应用管理的参与方", "Parties to sharing management"),
    8: ("数据生产部门向数据中台汇聚数据、提供服务接口", "Producers feed the hub and provide service interfaces"),
    9: ("数据应用部门须通过数据中台申请数据服务，依据授权的方式、范围使用", "Users apply through the hub and use data as authorised"),
    10: ("技术服务单位", "Technical service units"),
    11: ("执行情况作为资金安排依据", "Performance tied to funding"),
    12: ("安全、保密与隐私保护", "Security, secrets and privacy"),
    13: ("统一目录管理", "Unified catalogue"),
    14: ("编制本部门政务数据目录与共享属性", "Departmental catalogues and share attributes"),
    15: ("基础信息项无条件共享", "Base information items shared unconditionally"),
    16: ("目录清单与需求清单", "Catalogue and demand lists"),
    17: ("主管部门审核汇总目录", "Review of catalogues"),
    18: ("采集责任清单", "Collection responsibility list"),
    19: ("目录登记、审核、发布、更新时限", "Catalogue registration, review and update deadlines"),
    20: ("依责任清单采集，一数一源", "Collection by the responsibility list"),
    21: ("避免重复采集", "Avoid duplicate collection"),
    22: ("跨部门协同采集", "Joint collection"),
    23: ("数据质量与更新维护", "Data quality and upkeep"),
    24: ("问题数据的核查与更正时限", "Checking and correcting problem data"),
    25: ("汇聚规范", "Aggregation standards"),
    26: ("应汇尽汇，系统接入数据中台", "Aggregate everything; connect systems to the hub"),
    27: ("部门政务数据池", "Departmental data pools"),
    28: ("数据质量监督与日志留存", "Quality supervision and logs"),
    29: ("经电子政务外网传输", "Transfer over the e-government network"),
    30: ("数据中台是共享交换的基础平台", "The hub is the sharing platform"),
    31: ("不再单独建设共享交换平台", "No separate exchange platforms"),
    32: ("以共享为原则，不共享为例外", "Sharing is the rule"),
    33: ("共享目录；不得提供第三方、不得用于其他目的；原则上不批量交换", "Sharing catalogue; no third parties or other purposes; bulk exchange in principle not used"),
    34: ("获取的电子文书与原件同等效力；不得再要求提供纸质材料", "Electronic documents equal to originals; no paper copies demanded again"),
    35: ("业务办理中实时共享；共享异议的协调", "Real-time sharing in services; objections to sharing coordinated"),
    36: ("违规使用时暂停或终止服务", "Suspension or termination for misuse"),
    37: ("开放平台", "Open-data platform"),
    38: ("三类开放属性", "Three open-data classes"),
    39: ("有条件开放和不予开放须有依据；脱敏后开放", "Basis for restricted classes; de-identification"),
    40: ("开放目录与异议", "Open-data catalogue and objections"),
    41: ("申请有条件开放数据的答复", "Answering requests for conditional open data"),
    42: ("开放获取的电子文书效力", "Validity of open electronic documents"),
    43: ("一体化在线政务服务", "Integrated online services"),
    44: ("开发应用机制", "Development and use"),
    45: ("收集社会意见", "Public feedback"),
    46: ("安全体系建设", "Security system"),
    47: ("服务单位的安全管理", "Security of service providers"),
    48: ("获取者的使用管理", "Use by those who obtain data"),
    49: ("保密管理", "Secrecy management"),
    50: ("网络安全保障", "Network security"),
    51: ("风险评估", "Risk assessment"),
    52: ("应急预案", "Contingency plans"),
    53: ("管理情况评估", "Assessment"),
    54: ("评价办法", "Evaluation"),
    55: ("年度情况报送", "Annual reporting"),
    56: ("信息化项目的数据目录", "IT projects' catalogues"),
    57: ("政务部门的禁止行为", "Prohibited acts of departments"),
    58: ("任何单位和个人的禁止行为", "Prohibited acts of anyone"),
    59: ("质量与安全责任划分", "Quality and security responsibility"),
    60: ("政务部门的法律责任", "Liability of departments"),
    61: ("免责情形", "Exemptions"),
    62: ("其他法律责任", "Other liability"),
    63: ("参照执行的单位", "Bodies applying it by reference"),
    64: ("政府信息公开不适用", "Information disclosure excluded"),
    65: ("施行日期", "Entry into force"),
}


# Scope. GDSR art 2 covers 政务数据共享 between government departments: the
# catalogue (ch 3), applying, replying, delivering, using, passing on,
# returning, verifying, disposing, suspending/terminating, records and
# disputes (ch 4), and collecting only what sharing cannot supply (art 19).
# Opening data to the public, the data hub's interface duties and objections
# to the open-data catalogue are not in it: they are the Jiyuan measures'
# (arts 8(2), 37-42), so those three actions are judged only under that overlay.
# The Jiyuan measures also govern the catalogue (ch 3, arts 13-19), collection
# (arts 20-22), applying for, obtaining and using data through the hub (arts
# 9, 30-33), correcting problem data (art 24) and logs (art 28); before the
# GDSR took effect they were the only law in force for those. Disposal,
# termination by the provider and changes of service have no counterpart
# there. Art 35 does have objections to sharing coordinated by the competent
# data department, but no rule encodes that procedure yet, and a layer that
# governs an action must have a rule for it: `dispute` is left to the GDSR
# (art 28), and a dispute dated before it took effect is not judged.
_GDSR_ACTIONS = frozenset({"catalog", "apply", "reply", "deliver", "use", "transfer", "collect", "return", "verify",
                           "dispose", "terminate", "change", "records", "dispute", "incident"})
_JIYUAN_ACTIONS = frozenset({"catalog", "apply", "reply", "deliver", "use", "transfer", "collect", "return", "verify",
                             "records", "open", "interface", "objection"})

REGULATIONS: dict[str, Regulation] = {
    "gdsr": _build("gdsr", "政务数据共享条例", "Government Data Sharing Regulation", date(2025, 8, 1),
                   _GDSR_CHAPTERS, _GDSR_TITLES, {39: 9, 40: 7, 41: 3, 42: 0}, None, "gdsr", _GDSR_ACTIONS),
    # Art 65 says only "本办法自公布之日起施行" (in force from the day it is
    # published) and gives no calendar date. The only date in the text is the
    # footer "济源产城融合示范区管理委员会办公室 2022年10月26日印发" (issued / printed).
    # ASSUMPTION: the publication day is taken to be that issue date, 2022-10-26.
    # Replace it if the actual 公布 date is confirmed.
    "jiyuan": _build("jiyuan", "济源示范区政务数据共享管理暂行办法",
                     "Jiyuan Demonstration Zone Interim Measures on Government Data Sharing", date(2022, 10, 26),
                     _JIYUAN_CHAPTERS, _JIYUAN_TITLES, {60: 6}, "jiyuan", "local/jiyuan", _JIYUAN_ACTIONS),
}


def layers_for(jurisdiction: str | None, on: date) -> list[Regulation]:
    """The regulations that apply to an event: every national one, plus the
    local overlay of its jurisdiction, each only once in force."""
    return [r for r in REGULATIONS.values()
            if (r.jurisdiction is None or r.jurisdiction == jurisdiction) and r.effective_from <= on]

# The GDSR articles an access engine can enforce (articles-doc section 4), each
# marked 须执行 by `govshare articles`: every one needs a rule citing it, Rego
# tests of that rule and a scenario tagged with it.
ENFORCEABLE_GDSR: tuple[int, ...] = (
    3, 13, 14, 15, 16, 17, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 31, 32, 34, 35, 36, 37,
)

_LIABILITY = re.compile(r"^(?P<article>\d+)(?:\((?P<item>\d+)\))?$")


def liability_problem(regulation: Regulation, liability: str) -> str | None:
    """Why `liability` is not a real liability item of `regulation`, or None."""
    match = _LIABILITY.match(str(liability))
    if not match:
        return f"liability {liability!r} is not of the form 40(3)"
    article, item = int(match["article"]), match["item"]
    if article not in regulation.liability_items:
        return f"article {article} of {regulation.key} is not a liability article"
    items = regulation.liability_items[article]
    if item is None:
        return None if items == 0 else f"liability {liability!r} must name an item 1–{items}"
    if not 1 <= int(item) <= items:
        return f"article {article} has no item {item}"
    return None


# The Jiyuan measures' articles an access engine can enforce, each marked
# 须执行 as above. 8: interface extension (8(2)); 31: no other cross-department
# platform (31(2)); 40: reply to an objection to the open-data catalogue (40(3)).
ENFORCEABLE_JIYUAN: tuple[int, ...] = (8, 9, 19, 24, 28, 31, 32, 33, 36, 38, 39, 40, 41, 57)

ENFORCEABLE: dict[str, tuple[int, ...]] = {"gdsr": ENFORCEABLE_GDSR, "jiyuan": ENFORCEABLE_JIYUAN}

# Articles that state a duty an access decision touches but carry no mark, and
# why (zh, en): the duty is enforced under the article named, so one act is
# not reported twice, or the rest of the article is not about an act of sharing.
NOT_MARKED: dict[str, dict[int, tuple[str, str]]] = {
    "gdsr": {},
    "jiyuan": {
        14: ("“不予共享类须有法律、行政法规或党中央、国务院政策依据”与第三十二条第二款第一项相同，由 JY-32-RESTRICTION-BASIS 执行；其余是编目要求，不是共享行为",
             "its basis for the not-shareable class is art 32(2) item 1's, enforced by JY-32-RESTRICTION-BASIS; the rest is how to compile a catalogue, not an act of sharing"),
        15: ("基础信息项无条件共享与第三十二条第二款第二项相同，由 JY-32-BASE-ITEMS 执行；其余是建设、维护分工，不是共享行为",
             "unconditional sharing of base items is art 32(2) item 2's, enforced by JY-32-BASE-ITEMS; the rest assigns building and upkeep, not an act of sharing"),
        30: ("“通过数据中台实现数据共享”由第九条、第五十七条第七项执行（JY-9-*、JY-57-HUB-ONLY）",
             "sharing through the hub is enforced under art 9 and art 57 item 7 (JY-9-*, JY-57-HUB-ONLY)"),
    },
}
