package gdsr.security.incident_response_test

import rego.v1

import data.gdsr.security.incident_response as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "status": "active"}},
}

incident := {
	"action": "incident", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": "g-1",
	"incident": {"kind": "leak", "occurred_at": "2026-03-01T09:00:00+08:00", "description": "接口账号被冒用导出数据"},
}

test_incident_owes_the_response if {
	rule.obligation == {{"department": "示范区民政局", "dataset": "人口基础信息"}} with input as incident with data.govshare as state
}

test_no_incident_no_response_owed if {
	count(rule.obligation) == 0 with input as object.union(incident, {"action": "use"}) with data.govshare as state
}
