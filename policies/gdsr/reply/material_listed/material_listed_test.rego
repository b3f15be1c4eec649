package gdsr.reply.material_listed_test

import rego.v1

import data.gdsr.reply.material_listed as rule

state := {"catalog": {"ds-hh": {"id": "ds-hh", "name": "户籍登记信息"}}}

request(material) := {
	"action": "reply", "requester": {"department": "示范区公安局"}, "dataset": "ds-hh",
	"application": {"received_on": "2026-09-24", "complete": false},
	"reply": {"decision": "request_material", "missing_material": material, "unit_head_approved": true},
}

test_listed_material_allowed if {
	count(rule.violation) == 0 with input as request(["户主授权书", "使用场景说明"]) with data.govshare as state
}

test_other_answers_not_checked if {
	count(rule.violation) == 0 with input as object.union(request([]), {"reply": {"decision": "approve"}}) with data.govshare as state
}

test_empty_list_needs_action if {
	rule.violation == {{"dataset": "户籍登记信息"}} with input as request([]) with data.govshare as state
}

test_blank_items_need_action if {
	rule.violation == {{"dataset": "户籍登记信息"}} with input as request(["  ", ""]) with data.govshare as state
}

test_missing_list_needs_action if {
	rule.violation == {{"dataset": "户籍登记信息"}} with input as object.union(object.remove(request([]), ["reply"]), {"reply": {"decision": "request_material"}})
		with data.govshare as state
}
