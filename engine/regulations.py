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


def _gdsr() -> Regulation:
    articles = {}
    for chapter, first, last in _GDSR_CHAPTERS:
        for number in range(first, last + 1):
            zh, en = _GDSR_TITLES[number]
            articles[number] = Article(number, chapter, zh, en)
    return Regulation(
        key="gdsr",
        name_zh="政务数据共享条例",
        name_en="Government Data Sharing Regulation",
        effective_from=date(2025, 8, 1),
        articles=articles,
        liability_items={39: 9, 40: 7, 41: 3, 42: 0},
    )


REGULATIONS: dict[str, Regulation] = {"gdsr": _gdsr()}

# The GDSR obligations an access engine can enforce (articles-doc section 4).
# Each group must have at least one rule and one scenario; where two articles
# state one duty (31–32: share through the integrated system; 34–35: controls
# follow the classification grade), either may carry the citation.
ENFORCEABLE_GDSR: tuple[tuple[int, ...], ...] = (
    (3,), (13,), (14,), (15,), (16,), (17,), (19,), (20,), (21,), (22,), (24,), (25,),
    (26,), (27,), (29,), (31, 32), (34, 35), (36,), (37,),
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
