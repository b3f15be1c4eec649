package local.jiyuan.open.correction_dated_test

import rego.v1

import data.local.jiyuan.open.correction_dated as rule

state := {"catalog": {"ds-plan": {"id": "ds-plan", "name": "国土空间规划信息", "open_attribute": "not_open"}}}

objection(request) := {"action": "objection", "at": "2024-10-14T10:00:00+08:00", "requester": {"department": "张三", "kind": "citizen"}, "dataset": "ds-plan", "open_request": request}

test_dated_request_allowed if {
	count(rule.violation) == 0 with input as objection({"received_on": "2024-09-27"}) with data.govshare as state
}

test_undated_request_needs_action if {
	rule.violation == {{"requester": "张三", "dataset": "国土空间规划信息", "working_days": 10}} with input as objection({"replied_on": "2024-10-14"}) with data.govshare as state
}

test_event_without_request_needs_action if {
	rule.violation == {{"requester": "张三", "dataset": "unspecified", "working_days": 10}} with input as object.remove(objection({}), ["open_request", "dataset"]) with data.govshare as state
}

test_requests_for_open_data_not_concerned if {
	count(rule.violation) == 0 with input as object.union(objection({}), {"action": "open"}) with data.govshare as state
}
