package gdsr.catalog.extra_conditions_test

import rego.v1

import data.gdsr.catalog.extra_conditions as rule

state := {"catalog": {
	"ds-pop": {"id": "ds-pop", "name": "人口基础信息", "provider": "示范区公安局", "share_attribute": "unconditional"},
	"ds-hh": {
		"id": "ds-hh", "name": "户籍登记信息", "provider": "示范区公安局", "share_attribute": "conditional",
		"conditions": {"scope": ["示范区民政局"], "purposes": ["社会救助资格审核"], "other": ["仅提供核验结果"]},
	},
}}

reply(dataset, decision, conditions) := {
	"action": "reply", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区公安局"}, "dataset": dataset,
	"reply": {"decision": decision, "unit_head_approved": true, "conditions": conditions},
}

test_unconditional_approval_without_conditions_allowed if {
	count(rule.violation) == 0 with input as reply("ds-pop", "approve", []) with data.govshare as state
}

test_listed_conditions_allowed if {
	count(rule.violation) == 0 with input as reply("ds-hh", "approve", ["仅提供核验结果", " 社会救助资格审核 "]) with data.govshare as state
}

test_blank_condition_ignored if {
	count(rule.violation) == 0 with input as reply("ds-pop", "approve", ["  "]) with data.govshare as state
}

test_refusal_not_checked if {
	count(rule.violation) == 0 with input as reply("ds-pop", "refuse", ["须签订保密协议"]) with data.govshare as state
}

test_condition_on_unconditional_data_denied if {
	rule.violation == {{"dataset": "人口基础信息", "attribute": "unconditional", "conditions": ["须签订保密协议"]}} with input as reply("ds-pop", "approve", ["须签订保密协议"])
		with data.govshare as state
}

test_unlisted_conditions_on_conditional_data_listed_together if {
	rule.violation == {{"dataset": "户籍登记信息", "attribute": "conditional", "conditions": ["每月调用不超过100次", "须签订保密协议"]}} with input as reply("ds-hh", "approve", ["仅提供核验结果", "须签订保密协议", "每月调用不超过100次"])
		with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as object.union(reply("ds-pop", "approve", ["须签订保密协议"]), {"action": "deliver"}) with data.govshare as state
}
