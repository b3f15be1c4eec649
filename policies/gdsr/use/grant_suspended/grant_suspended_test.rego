package gdsr.use.grant_suspended_test

import rego.v1

import data.gdsr.use.grant_suspended as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {
		"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "status": "active"},
		"g-sus": {"id": "g-sus", "dataset": "ds-pop", "requester": "示范区民政局", "status": "suspended"},
	},
}

test_active_grant_allowed if {
	count(rule.violation) == 0 with input as {"action": "use", "dataset": "ds-pop", "grant": "g-1"} with data.govshare as state
}

test_suspended_grant_other_action_not_checked if {
	count(rule.violation) == 0 with input as {"action": "dispose", "dataset": "ds-pop", "grant": "g-sus"} with data.govshare as state
}

test_use_under_suspended_grant_denied if {
	rule.violation == {{"grant": "g-sus", "dataset": "人口基础信息"}} with input as {"action": "use", "dataset": "ds-pop", "grant": "g-sus"}
		with data.govshare as state
}

test_stored_suspension_beats_inline_active if {
	rule.violation == {{"grant": "g-sus", "dataset": "人口基础信息"}} with input as {
		"action": "transfer", "dataset": "ds-pop", "grant": "g-sus",
		"inline": {"grant": {"id": "g-sus", "dataset": "ds-pop", "requester": "示范区民政局", "status": "active"}},
	}
		with data.govshare as state
}
