package gdsr.deliver.approval_dated_test

import rego.v1

import data.gdsr.deliver.approval_dated as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息", "share_attribute": "unconditional"}}}

test_dated_delivery_allowed if {
	count(rule.violation) == 0 with input as {"action": "deliver", "dataset": "ds-pop", "application": {"approved_on": "2026-03-03"}}
		with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as {"action": "use", "dataset": "ds-pop"} with data.govshare as state
}

test_undated_delivery_needs_action if {
	rule.violation == {{"dataset": "人口基础信息"}} with input as {"action": "deliver", "dataset": "ds-pop", "application": {"received_on": "2026-03-02"}}
		with data.govshare as state
}
