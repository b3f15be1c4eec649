"""Steps for the scope of use (使用范围, arts 20(2) and 25(1)) and for the
channel an act of sharing travels (arts 31-32; Jiyuan art 31).

The shared vocabulary and fixtures (event, result, demo, q, split_list, …)
live in conftest.py.
"""

from __future__ import annotations

from pytest_bdd import given, parsers

from tests.bdd.conftest import BASIS_TYPES, grant_record, lookup, q, split_list


@given(parsers.re(r"授权 " + q("grant") + r" 批准的使用范围为单位 " + q("units") + r"，区域 " + q("regions")))
def grant_use_scope(demo, grant, units, regions):
    scope = grant_record(demo, grant).get("use_scope") or {}
    assert sorted(scope.get("units", [])) == sorted(split_list(units)), scope
    assert sorted(scope.get("regions", [])) == sorted(split_list(regions)), scope


@given(parsers.re(r"授权 " + q("grant") + r" 未记录使用范围"))
def grant_without_use_scope(demo, grant):
    assert not grant_record(demo, grant).get("use_scope"), grant_record(demo, grant)


@given(parsers.re(r"使用数据的是其中的 " + q("unit") + r"，区域为 " + q("region")))
def acting_unit_and_region(event, unit, region):
    event["requester"].update(unit=unit, region=region)


@given(parsers.re(r"使用数据的是其中的 " + q("unit") + r"，未说明区域"))
def acting_unit(event, unit):
    event["requester"]["unit"] = unit
    event["requester"].pop("region", None)


@given("本次办理经未纳入全国一体化政务大数据体系的自建共享交换系统进行")
def standalone_system(event):
    event["channel"] = "standalone"


@given(parsers.re(r"本次办理经济源示范区数据中台以外的跨部门共享平台进行"))
def separate_platform(event):
    event["channel"] = "standalone"


@given(parsers.re(r"该系统的依据为 (?P<rank>法律|行政法规|部门规章|地方性法规) (?P<title>《[^》]+》)"))
def standalone_basis(event, rank, title):
    event["channel_basis"] = {"type": lookup(BASIS_TYPES, rank, "依据层级"), "title": title}
