package gdsr.reply.no_bare_refusal_test

import rego.v1

import data.gdsr.reply.no_bare_refusal as rule

state := {"catalog": {"ds-hh": {"id": "ds-hh", "name": "户籍登记信息"}}}

answer(decision, complete) := {
	"action": "reply", "requester": {"department": "示范区公安局"}, "dataset": "ds-hh",
	"application": {"received_on": "2026-09-24", "complete": complete},
	"reply": {"decision": decision, "reasons": "申请用途不在共享范围内", "missing_material": ["户主授权书"], "unit_head_approved": true},
}

test_refusing_complete_application_allowed if {
	count(rule.violation) == 0 with input as answer("refuse", true) with data.govshare as state
}

test_requesting_material_allowed if {
	count(rule.violation) == 0 with input as answer("request_material", false) with data.govshare as state
}

test_refusing_incomplete_application_denied if {
	rule.violation == {{"dataset": "户籍登记信息"}} with input as answer("refuse", false) with data.govshare as state
}
