package gdsr.use.fields_stated_test

import rego.v1

import data.gdsr.use.fields_stated as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}}

test_named_fields_allowed if {
	count(rule.violation) == 0 with input as {"action": "use", "dataset": "ds-pop", "fields": ["name"]} with data.govshare as state
}

test_apply_not_checked if {
	count(rule.violation) == 0 with input as {"action": "apply", "dataset": "ds-pop"} with data.govshare as state
}

test_empty_fields_need_action if {
	rule.violation == {{"dataset": "人口基础信息"}} with input as {"action": "use", "dataset": "ds-pop", "fields": []} with data.govshare as state
}

test_missing_fields_need_action if {
	rule.violation == {{"dataset": "人口基础信息"}} with input as {"action": "transfer", "dataset": "ds-pop"} with data.govshare as state
}
