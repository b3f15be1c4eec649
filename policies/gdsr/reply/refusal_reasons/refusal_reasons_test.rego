package gdsr.reply.refusal_reasons_test

import rego.v1

import data.gdsr.reply.refusal_reasons as rule

state := {"catalog": {"ds-hh": {"id": "ds-hh", "name": "户籍登记信息"}}}

refuse(extra) := object.union(
	{
		"action": "reply", "requester": {"department": "示范区公安局"}, "dataset": "ds-hh",
		"application": {"received_on": "2026-09-24", "complete": true},
		"reply": {"decision": "refuse", "unit_head_approved": true},
	},
	extra,
)

test_reasoned_refusal_allowed if {
	count(rule.violation) == 0 with input as refuse({"reply": {"reasons": "申请用途不在目录列明的使用用途之内"}}) with data.govshare as state
}

test_approval_needs_no_reasons if {
	count(rule.violation) == 0 with input as refuse({"reply": {"decision": "approve"}}) with data.govshare as state
}

test_refusal_without_reasons_needs_action if {
	rule.violation == {{"dataset": "户籍登记信息"}} with input as refuse({}) with data.govshare as state
}

test_blank_reasons_need_action if {
	rule.violation == {{"dataset": "户籍登记信息"}} with input as refuse({"reply": {"reasons": "   "}}) with data.govshare as state
}
