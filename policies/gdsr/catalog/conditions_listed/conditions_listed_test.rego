package gdsr.catalog.conditions_listed_test

import rego.v1

import data.gdsr.catalog.conditions_listed as rule

entry(extra) := object.union({"id": "ds-med", "name": "医保参保信息", "provider": "示范区医疗保障局", "share_attribute": "conditional"}, extra)

test_conditions_listed_allowed if {
	count(rule.violation) == 0 with input as {"action": "catalog", "entry": entry({"conditions": {"scope": ["示范区民政局"], "purposes": ["社会救助资格审核"]}})}
}

test_unconditional_entry_needs_no_conditions if {
	count(rule.violation) == 0 with input as {"action": "catalog", "entry": entry({"share_attribute": "unconditional"})}
}

test_no_conditions_denied_twice if {
	rule.violation == {
		{"dataset": "医保参保信息", "missing": "scope"},
		{"dataset": "医保参保信息", "missing": "purposes"},
	} with input as {"action": "catalog", "entry": entry({})}
}

test_empty_purposes_denied if {
	rule.violation == {{"dataset": "医保参保信息", "missing": "purposes"}} with input as {"action": "catalog", "entry": entry({"conditions": {"scope": ["示范区民政局"], "purposes": [], "other": ["仅限核验"]}})}
}

test_only_catalog_action_checked if {
	count(rule.violation) == 0 with input as {"action": "use", "entry": entry({})}
}

test_blank_conditions_do_not_count_as_listed if {
	count(rule.violation) == 2 with input as {"action": "catalog", "entry": {"id": "ds-x", "name": "某目录", "share_attribute": "conditional", "conditions": {"scope": [" "], "purposes": [""]}}}
}
