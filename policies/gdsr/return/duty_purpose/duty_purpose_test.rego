package gdsr.return.duty_purpose_test

import rego.v1

import data.gdsr.return.duty_purpose as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}}

giving_back := {
	"action": "return", "requester": {"department": "河南省公安厅", "level": "provincial"}, "dataset": "ds-pop", "fields": ["name"],
	"purpose": "社会救助资格审核", "recipient": {"kind": "department", "name": "示范区公安局"},
}

test_return_for_a_duty_allowed if {
	count(rule.violation) == 0 with input as giving_back with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as object.remove(object.union(giving_back, {"action": "deliver"}), ["purpose"]) with data.govshare as state
}

test_return_without_purpose_needs_action if {
	rule.violation == {{"dataset": "人口基础信息"}} with input as object.remove(giving_back, ["purpose"]) with data.govshare as state
}

test_blank_purpose_needs_action if {
	rule.violation == {{"dataset": "人口基础信息"}} with input as object.union(giving_back, {"purpose": "  "}) with data.govshare as state
}
