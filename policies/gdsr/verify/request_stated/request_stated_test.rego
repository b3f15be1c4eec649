package gdsr.verify.request_stated_test

import rego.v1

import data.gdsr.verify.request_stated as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}}

test_described_request_allowed if {
	count(rule.violation) == 0 with input as {"action": "verify", "dataset": "ds-pop", "verification": {"received_on": "2026-03-02"}}
		with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as {"action": "deliver", "dataset": "ds-pop"} with data.govshare as state
}

test_verify_without_request_needs_action if {
	rule.violation == {{"dataset": "人口基础信息"}} with input as {"action": "verify", "dataset": "ds-pop"} with data.govshare as state
}
