package local.jiyuan.open.restriction_basis_test

import rego.v1

import data.local.jiyuan.open.restriction_basis as rule

entry(attribute, bases) := {"action": "catalog", "requester": {"department": "示范区交通运输局"}, "entry": {"id": "ds-bus", "name": "公交线路信息", "provider": "示范区交通运输局", "share_attribute": "unconditional", "open_attribute": attribute, "open_basis": bases}}

basis(type) := {"type": type, "title": "《某依据》"}

test_unconditional_opening_needs_no_basis if {
	count(rule.violation) == 0 with input as entry("unconditional", [])
}

test_no_open_attribute_not_concerned if {
	count(rule.violation) == 0 with input as object.union(entry("unconditional", []), {"entry": {"open_attribute": null}})
}

test_each_qualifying_source_allowed if {
	every type in ["law", "administrative_regulation", "local_regulation", "state_council_decision", "departmental_rule", "party_central_policy"] {
		count(rule.violation) == 0 with input as entry("conditional", [basis(type)])
		count(rule.violation) == 0 with input as entry("not_open", [basis("local_rule"), basis(type)])
	}
}

test_conditional_without_basis_denied if {
	rule.violation == {{"dataset": "公交线路信息", "attribute": "conditional", "given": []}} with input as entry("conditional", [])
}

test_not_open_on_local_documents_denied if {
	rule.violation == {{"dataset": "公交线路信息", "attribute": "not_open", "given": ["local_rule", "policy_document"]}} with input as entry("not_open", [basis("policy_document"), basis("local_rule")])
}

test_only_catalogue_events_checked if {
	count(rule.violation) == 0 with input as object.union(entry("not_open", []), {"action": "open"})
}
