package local.jiyuan.catalog.restriction_basis_test

import rego.v1

import data.local.jiyuan.catalog.restriction_basis as rule

entry(attribute, bases) := {"action": "catalog", "requester": {"department": "示范区民政局"}, "entry": {"id": "ds-sub", "name": "最低生活保障对象信息", "provider": "示范区民政局", "share_attribute": attribute, "legal_basis": bases}}

basis(type) := {"type": type, "title": "《某依据》"}

test_unconditional_entry_needs_no_basis if {
	count(rule.violation) == 0 with input as entry("unconditional", [])
}

test_each_qualifying_rank_allowed if {
	every type in ["law", "administrative_regulation", "state_council_decision", "party_central_policy"] {
		count(rule.violation) == 0 with input as entry("conditional", [basis(type)])
		count(rule.violation) == 0 with input as entry("not_shareable", [basis("policy_document"), basis(type)])
	}
}

test_conditional_without_basis_denied if {
	rule.violation == {{"dataset": "最低生活保障对象信息", "attribute": "conditional", "given": []}} with input as entry("conditional", [])
}

test_not_shareable_on_lower_ranks_denied if {
	rule.violation == {{"dataset": "最低生活保障对象信息", "attribute": "not_shareable", "given": ["local_rule", "policy_document"]}} with input as entry("not_shareable", [basis("policy_document"), basis("local_rule")])
}

test_departmental_rules_and_local_legislation_do_not_count if {
	every type in ["departmental_rule", "local_regulation", "local_rule", "policy_document"] {
		rule.violation == {{"dataset": "最低生活保障对象信息", "attribute": "conditional", "given": [type]}} with input as entry("conditional", [basis(type)])
	}
}

test_missing_basis_list_denied if {
	rule.violation == {{"dataset": "最低生活保障对象信息", "attribute": "conditional", "given": []}} with input as object.union(entry("conditional", []), {"entry": object.remove(entry("conditional", []).entry, ["legal_basis"])})
}

test_only_catalogue_events_checked if {
	count(rule.violation) == 0 with input as object.union(entry("conditional", []), {"action": "apply"})
}
