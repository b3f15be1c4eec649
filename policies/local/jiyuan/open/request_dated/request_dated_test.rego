package local.jiyuan.open.request_dated_test

import rego.v1

import data.local.jiyuan.open.request_dated as rule

state(attribute) := {"catalog": {"ds-lic": {"id": "ds-lic", "name": "食品经营许可信息", "open_attribute": attribute}}}

open(request) := {"action": "open", "at": "2026-10-12T10:00:00+08:00", "requester": {"department": "某餐饮管理有限公司", "kind": "legal_entity"}, "dataset": "ds-lic", "open_request": request}

test_dated_request_allowed if {
	count(rule.violation) == 0 with input as open({"received_on": "2026-09-29"}) with data.govshare as state("conditional")
}

test_unconditional_data_needs_no_date if {
	count(rule.violation) == 0 with input as open({}) with data.govshare as state("unconditional")
}

test_undated_request_needs_action if {
	rule.violation == {{"requester": "某餐饮管理有限公司", "dataset": "食品经营许可信息", "working_days": 10}} with input as open({"replied_on": "2026-10-12"}) with data.govshare as state("conditional")
}

test_event_without_request_needs_action if {
	rule.violation == {{"requester": "某餐饮管理有限公司", "dataset": "食品经营许可信息", "working_days": 10}} with input as object.remove(open({}), ["open_request"]) with data.govshare as state("conditional")
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as object.union(open({}), {"action": "objection"}) with data.govshare as state("conditional")
}
