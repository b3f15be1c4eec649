package local.jiyuan.catalog.base_items_test

import rego.v1

import data.local.jiyuan.catalog.base_items as rule

entry(base, attribute) := {"action": "catalog", "requester": {"department": "示范区公安局"}, "entry": {"id": "ds-pop", "name": "人口基础信息", "provider": "示范区公安局", "share_attribute": attribute, "base_data": base}}

test_base_items_shared_unconditionally_allowed if {
	every base in ["population", "legal_entity", "credit", "geospatial", "e_licence"] {
		count(rule.violation) == 0 with input as entry(base, "unconditional")
	}
}

test_entry_outside_the_base_databases_may_be_conditional if {
	count(rule.violation) == 0 with input as {"action": "catalog", "requester": {"department": "示范区公安局"}, "entry": {"id": "ds-hh", "name": "户籍登记信息", "provider": "示范区公安局", "share_attribute": "conditional"}}
}

test_conditional_base_items_denied if {
	rule.violation == {{"dataset": "基础地理信息", "base": "geospatial", "attribute": "conditional"}} with input as object.union(entry("geospatial", "conditional"), {"entry": {"name": "基础地理信息"}})
}

test_not_shareable_base_items_denied if {
	rule.violation == {{"dataset": "人口基础信息", "base": "population", "attribute": "not_shareable"}} with input as entry("population", "not_shareable")
}

test_only_catalogue_events_checked if {
	count(rule.violation) == 0 with input as object.union(entry("population", "conditional"), {"action": "apply"})
}
