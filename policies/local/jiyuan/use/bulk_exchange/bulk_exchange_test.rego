package local.jiyuan.use.bulk_exchange_test

import rego.v1

import data.local.jiyuan.use.bulk_exchange as rule

state := {
	"catalog": {
		"ds-sub": {"id": "ds-sub", "name": "最低生活保障对象信息", "methods": ["api", "bulk"]},
		"ds-org": {"id": "ds-org", "name": "法人基础信息", "methods": ["verify", "api", "bulk"]},
		"ds-file": {"id": "ds-file", "name": "定点医药机构信息", "methods": ["bulk", "file"]},
	},
	"grants": {
		"g-bulk": {"id": "g-bulk", "dataset": "ds-sub", "requester": "示范区教育体育局", "method": "bulk"},
		"g-api": {"id": "g-api", "dataset": "ds-sub", "requester": "示范区教育体育局", "method": "api"},
	},
}

event(action, dataset, method) := {"action": action, "requester": {"department": "示范区教育体育局"}, "dataset": dataset, "method": method}

test_api_and_verification_allowed if {
	count(rule.violation) == 0 with input as event("use", "ds-sub", "api") with data.govshare as state
	count(rule.violation) == 0 with input as event("apply", "ds-org", "verify") with data.govshare as state
}

test_bulk_where_nothing_else_is_offered_allowed if {
	count(rule.violation) == 0 with input as event("apply", "ds-file", "bulk") with data.govshare as state
}

test_bulk_use_where_api_is_offered_denied if {
	rule.violation == {{"dataset": "最低生活保障对象信息", "offered": ["api"], "action": "use"}} with input as event("use", "ds-sub", "bulk") with data.govshare as state
}

test_bulk_application_and_delivery_denied if {
	rule.violation == {{"dataset": "法人基础信息", "offered": ["api", "verify"], "action": "apply"}} with input as event("apply", "ds-org", "bulk") with data.govshare as state
	rule.violation == {{"dataset": "法人基础信息", "offered": ["api", "verify"], "action": "deliver"}} with input as event("deliver", "ds-org", "bulk") with data.govshare as state
}

test_bulk_use_under_a_grant_that_approved_it_allowed if {
	count(rule.violation) == 0 with input as object.union(event("use", "ds-sub", "bulk"), {"grant": "g-bulk"}) with data.govshare as state
}

test_bulk_use_under_a_grant_for_the_api_denied if {
	rule.violation == {{"dataset": "最低生活保障对象信息", "offered": ["api"], "action": "use"}} with input as object.union(event("use", "ds-sub", "bulk"), {"grant": "g-api"}) with data.govshare as state
}

test_an_application_cannot_rely_on_a_grant_for_bulk if {
	rule.violation == {{"dataset": "最低生活保障对象信息", "offered": ["api"], "action": "apply"}} with input as object.union(event("apply", "ds-sub", "bulk"), {"grant": "g-bulk"}) with data.govshare as state
}

test_return_not_concerned if {
	count(rule.violation) == 0 with input as event("return", "ds-sub", "bulk") with data.govshare as state
}
