package local.jiyuan.open.correction_extension_test

import rego.v1

import data.local.jiyuan.open.correction_extension as rule

state := {"catalog": {"ds-plan": {"id": "ds-plan", "name": "国土空间规划信息", "open_attribute": "not_open"}}}

objection(request) := {"action": "objection", "at": "2024-10-14T10:00:00+08:00", "requester": {"department": "张三", "kind": "citizen"}, "dataset": "ds-plan", "open_request": object.union({"received_on": "2024-09-27"}, request)}

test_approved_extension_of_ten_days_allowed if {
	count(rule.violation) == 0 with input as objection({"extension": {"working_days": 10}, "head_approved_extension": true}) with data.govshare as state
}

test_no_extension_not_concerned if {
	count(rule.violation) == 0 with input as objection({}) with data.govshare as state
}

test_unapproved_extension_denied if {
	rule.violation == {{"dataset": "国土空间规划信息", "working_days": 5, "problem": "not_approved"}} with input as objection({"extension": {"working_days": 5}}) with data.govshare as state
}

test_eleven_days_denied if {
	rule.violation == {{"dataset": "国土空间规划信息", "working_days": 11, "problem": "too_long"}} with input as objection({"extension": {"working_days": 11}, "head_approved_extension": true}) with data.govshare as state
}

test_unapproved_and_too_long_both_reported if {
	rule.violation == {
		{"dataset": "国土空间规划信息", "working_days": 15, "problem": "too_long"},
		{"dataset": "国土空间规划信息", "working_days": 15, "problem": "not_approved"},
	} with input as objection({"extension": {"working_days": 15}, "head_approved_extension": false}) with data.govshare as state
}

test_extension_already_answered_not_refused if {
	count(rule.violation) == 0 with input as objection({"extension": {"working_days": 15}, "replied_on": "2024-10-14"}) with data.govshare as state
}

test_requests_for_open_data_not_concerned if {
	count(rule.violation) == 0 with input as object.union(objection({"extension": {"working_days": 15}}), {"action": "open"}) with data.govshare as state
}
