package gdsr.service.termination_test

import rego.v1

import data.gdsr.service.termination as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}}

act(action, change) := object.union(
	{"action": action, "requester": {"department": "示范区公安局"}, "dataset": "ds-pop", "grant": "g-1"},
	change,
)

proper := {"service_change": {"cause": "数据来源系统整体迁移，原接口停用", "consulted": true, "filed": true}}

test_proper_termination_allowed if {
	count(rule.violation) == 0 with input as act("terminate", proper) with data.govshare as state
}

test_proper_change_allowed if {
	count(rule.violation) == 0 with input as act("change", proper) with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as act("deliver", {}) with data.govshare as state
}

test_termination_without_anything_denied if {
	rule.violation == {{"dataset": "人口基础信息", "action": "terminate", "problem": "missing"}} with input as act("terminate", {}) with data.govshare as state
}

test_change_without_cause_denied if {
	rule.violation == {{"dataset": "人口基础信息", "action": "change", "problem": "no_cause"}} with input as act("change", {"service_change": {"cause": "  ", "consulted": true, "filed": true}})
		with data.govshare as state
}

test_each_missing_step_listed if {
	rule.violation == {
		{"dataset": "人口基础信息", "action": "terminate", "problem": "no_cause"},
		{"dataset": "人口基础信息", "action": "terminate", "problem": "not_consulted"},
		{"dataset": "人口基础信息", "action": "terminate", "problem": "not_filed"},
	} with input as act("terminate", {"service_change": {}})
		with data.govshare as state
}

test_unfiled_change_denied if {
	rule.violation == {{"dataset": "人口基础信息", "action": "change", "problem": "not_filed"}} with input as act("change", {"service_change": {"cause": "接口升级", "consulted": true, "filed": false}})
		with data.govshare as state
}
