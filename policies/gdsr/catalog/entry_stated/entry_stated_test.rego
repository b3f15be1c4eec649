package gdsr.catalog.entry_stated_test

import rego.v1

import data.gdsr.catalog.entry_stated as rule

test_catalogue_event_with_an_entry_allowed if {
	count(rule.violation) == 0 with input as {"action": "catalog", "entry": {"id": "ds-x", "name": "某目录"}}
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as {"action": "use", "dataset": "ds-x"}
}

test_catalogue_event_without_an_entry_needs_action if {
	rule.violation == {{"dataset": "ds-x"}} with input as {"action": "catalog", "dataset": "ds-x"}
}

test_catalogue_event_naming_nothing_needs_action if {
	rule.violation == {{"dataset": "unspecified"}} with input as {"action": "catalog"}
}
