package local.jiyuan.open.extension_test

import rego.v1

import data.local.jiyuan.open.extension as rule

state(attribute) := {"catalog": {"ds-lic": {"id": "ds-lic", "name": "食品经营许可信息", "open_attribute": attribute}}}

open(request) := {"action": "open", "at": "2026-10-12T10:00:00+08:00", "requester": {"department": "某餐饮管理有限公司", "kind": "legal_entity"}, "dataset": "ds-lic", "open_request": object.union({"received_on": "2026-09-29"}, request)}

test_approved_extension_of_ten_days_allowed if {
	count(rule.violation) == 0 with input as open({"extension": {"working_days": 10}, "head_approved_extension": true}) with data.govshare as state("conditional")
}

test_no_extension_not_concerned if {
	count(rule.violation) == 0 with input as open({}) with data.govshare as state("conditional")
}

test_unapproved_extension_denied if {
	rule.violation == {{"dataset": "食品经营许可信息", "working_days": 5, "problem": "not_approved"}} with input as open({"extension": {"working_days": 5}}) with data.govshare as state("conditional")
}

test_eleven_days_denied if {
	rule.violation == {{"dataset": "食品经营许可信息", "working_days": 11, "problem": "too_long"}} with input as open({"extension": {"working_days": 11}, "head_approved_extension": true}) with data.govshare as state("conditional")
}

test_extension_over_ten_days_denied if {
	rule.violation == {
		{"dataset": "食品经营许可信息", "working_days": 15, "problem": "too_long"},
		{"dataset": "食品经营许可信息", "working_days": 15, "problem": "not_approved"},
	} with input as open({"extension": {"working_days": 15}, "head_approved_extension": false}) with data.govshare as state("conditional")
}

test_extension_already_answered_not_refused if {
	count(rule.violation) == 0 with input as open({"extension": {"working_days": 15}, "replied_on": "2026-10-12"}) with data.govshare as state("conditional")
}

test_unconditional_data_not_concerned if {
	count(rule.violation) == 0 with input as open({"extension": {"working_days": 15}}) with data.govshare as state("unconditional")
}
