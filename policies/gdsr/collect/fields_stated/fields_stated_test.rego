package gdsr.collect.fields_stated_test

import rego.v1

import data.gdsr.collect.fields_stated as rule

test_collection_naming_its_items_allowed if {
	count(rule.violation) == 0 with input as {"action": "collect", "fields": ["death_flag"]}
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as {"action": "apply"}
}

test_collection_without_items_needs_action if {
	rule.violation == {{}} with input as {"action": "collect", "fields": []}
}

test_collection_with_no_fields_key_needs_action if {
	rule.violation == {{}} with input as {"action": "collect"}
}
