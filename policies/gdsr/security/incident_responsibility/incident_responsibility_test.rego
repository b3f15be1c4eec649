package gdsr.security.incident_responsibility_test

import rego.v1

import data.gdsr.security.incident_responsibility as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "status": "active"}},
}

incident(kind) := {
	"action": "incident", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": "g-1",
	"incident": {"kind": kind, "occurred_at": "2026-03-01T09:00:00+08:00", "description": "接口账号被冒用导出数据"},
}

test_leak_cited_against_the_grant_holder if {
	rule.breach == {{"department": "示范区民政局", "dataset": "人口基础信息", "grant": "g-1", "kind": "leak", "occurred_at": "2026-03-01T09:00:00+08:00"}} with input as incident("leak")
		with data.govshare as state
}

test_holder_cited_whoever_reports if {
	rule.breach == {{"department": "示范区民政局", "dataset": "人口基础信息", "grant": "g-1", "kind": "tampering", "occurred_at": "2026-03-01T09:00:00+08:00"}} with input as object.union(incident("tampering"), {"requester": {"department": "示范区公安局"}})
		with data.govshare as state
}

test_unstated_incident_still_cited if {
	rule.breach == {{"department": "示范区民政局", "dataset": "人口基础信息", "grant": "g-1", "kind": "unspecified", "occurred_at": "unspecified"}} with input as object.remove(incident("leak"), ["incident"])
		with data.govshare as state
}

test_without_grant_the_acting_department_is_cited if {
	rule.breach == {{"department": "示范区民政局", "dataset": "人口基础信息", "grant": "none", "kind": "destruction", "occurred_at": "2026-03-01T09:00:00+08:00"}} with input as object.remove(incident("destruction"), ["grant"])
		with data.govshare as state
}

test_a_lawful_use_is_no_incident if {
	count(rule.breach) == 0 with input as object.union(object.remove(incident("leak"), ["incident"]), {"action": "use"}) with data.govshare as state
}
