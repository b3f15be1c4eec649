package gdsr.use.purpose_stated_test

import rego.v1

import data.gdsr.use.purpose_stated as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}}

test_stated_purpose_allowed if {
	count(rule.violation) == 0 with input as {"action": "use", "dataset": "ds-pop", "purpose": "社会救助资格审核"} with data.govshare as state
}

test_apply_not_checked if {
	count(rule.violation) == 0 with input as {"action": "apply", "dataset": "ds-pop"} with data.govshare as state
}

test_missing_purpose_needs_action if {
	rule.violation == {{"dataset": "人口基础信息"}} with input as {"action": "use", "dataset": "ds-pop"} with data.govshare as state
}

test_blank_purpose_needs_action if {
	rule.violation == {{"dataset": "人口基础信息"}} with input as {"action": "transfer", "dataset": "ds-pop", "purpose": ""} with data.govshare as state
}

test_missing_dataset_still_reported if {
	rule.violation == {{"dataset": "unspecified"}} with input as {"action": "use"} with data.govshare as state
}
