package gdsr.return.extra_conditions_test

import rego.v1

import data.gdsr.return.extra_conditions as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}}

giving_back(conditions) := {
	"action": "return", "requester": {"department": "河南省公安厅", "level": "provincial"}, "dataset": "ds-pop", "fields": ["name"],
	"purpose": "社会救助资格审核", "recipient": {"kind": "department", "name": "示范区公安局"}, "return_conditions": conditions,
}

test_unconditional_return_allowed if {
	count(rule.violation) == 0 with input as giving_back([]) with data.govshare as state
}

test_blank_conditions_ignored if {
	count(rule.violation) == 0 with input as giving_back(["", "  "]) with data.govshare as state
}

test_conditions_on_other_actions_not_checked if {
	count(rule.violation) == 0 with input as object.union(giving_back(["x"]), {"action": "deliver"}) with data.govshare as state
}

test_extra_conditions_denied if {
	rule.violation == {{"dataset": "人口基础信息", "recipient": "示范区公安局", "conditions": ["仅限查询不得下载", "每次调用须逐级审批"]}} with input as giving_back(["每次调用须逐级审批", "仅限查询不得下载", " "])
		with data.govshare as state
}

test_unnamed_recipient_denied if {
	rule.violation == {{"dataset": "人口基础信息", "recipient": "unnamed", "conditions": ["x"]}} with input as object.union(object.remove(giving_back(["x"]), ["recipient"]), {"recipient": {"kind": "department"}})
		with data.govshare as state
}
