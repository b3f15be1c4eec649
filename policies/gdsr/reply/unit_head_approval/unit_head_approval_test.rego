package gdsr.reply.unit_head_approval_test

import rego.v1

import data.gdsr.reply.unit_head_approval as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}}

reply(answer) := {"action": "reply", "requester": {"department": "示范区公安局"}, "dataset": "ds-pop", "reply": answer}

test_approved_reply_allowed if {
	count(rule.violation) == 0 with input as reply({"decision": "approve", "unit_head_approved": true}) with data.govshare as state
}

test_approved_refusal_allowed if {
	count(rule.violation) == 0 with input as reply({"decision": "refuse", "reasons": "x", "unit_head_approved": true}) with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as {"action": "apply", "dataset": "ds-pop"} with data.govshare as state
}

test_unapproved_reply_needs_action if {
	rule.violation == {{"dataset": "人口基础信息"}} with input as reply({"decision": "approve", "unit_head_approved": false}) with data.govshare as state
}

test_silent_approval_needs_action if {
	rule.violation == {{"dataset": "人口基础信息"}} with input as reply({"decision": "request_material", "missing_material": ["a"]}) with data.govshare as state
}

test_reply_without_answer_needs_action if {
	rule.violation == {{"dataset": "人口基础信息"}} with input as object.remove(reply({}), ["reply"]) with data.govshare as state
}
