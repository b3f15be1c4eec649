package gdsr.reply.one_notice_test

import rego.v1

import data.gdsr.reply.one_notice as rule

state := {"catalog": {"ds-hh": {"id": "ds-hh", "name": "户籍登记信息"}}}

request(notices, decision) := {
	"action": "reply", "requester": {"department": "示范区公安局"}, "dataset": "ds-hh",
	"application": {"received_on": "2026-09-24", "complete": false, "material_notices": notices},
	"reply": {"decision": decision, "missing_material": ["户主授权书"], "unit_head_approved": true},
}

test_first_notice_allowed if {
	count(rule.violation) == 0 with input as request(0, "request_material") with data.govshare as state
}

test_first_notice_without_count_allowed if {
	count(rule.violation) == 0 with input as object.remove(request(0, "request_material"), ["application"]) with data.govshare as state
}

test_answer_after_notice_allowed if {
	count(rule.violation) == 0 with input as request(1, "approve") with data.govshare as state
}

test_second_notice_denied if {
	rule.violation == {{"dataset": "户籍登记信息", "notices": 1}} with input as request(1, "request_material") with data.govshare as state
}

test_third_notice_denied if {
	rule.violation == {{"dataset": "户籍登记信息", "notices": 2}} with input as request(2, "request_material") with data.govshare as state
}
