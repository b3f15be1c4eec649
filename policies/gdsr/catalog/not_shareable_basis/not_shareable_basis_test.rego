package gdsr.catalog.not_shareable_basis_test

import rego.v1

import data.gdsr.catalog.not_shareable_basis as rule

entry(extra) := object.union({"id": "ds-stat", "name": "统计调查个体资料", "provider": "示范区统计局", "share_attribute": "not_shareable"}, extra)

law := {"type": "law", "title": "《中华人民共和国统计法》"}

test_reason_and_law_allowed if {
	count(rule.violation) == 0 with input as {"action": "catalog", "entry": entry({"not_shareable_reason": "统计调查中获得的个体资料只能用于统计目的", "legal_basis": [law]})}
}

test_state_council_decision_allowed if {
	count(rule.violation) == 0 with input as {"action": "catalog", "entry": entry({"not_shareable_reason": "依决定不得共享", "legal_basis": [{"type": "state_council_decision", "title": "某国务院决定"}]})}
}

test_other_attributes_not_checked if {
	count(rule.violation) == 0 with input as {"action": "catalog", "entry": entry({"share_attribute": "unconditional"})}
}

test_missing_reason_and_basis_denied if {
	rule.violation == {
		{"dataset": "统计调查个体资料", "missing": "reason"},
		{"dataset": "统计调查个体资料", "missing": "basis"},
	} with input as {"action": "catalog", "entry": entry({})}
}

test_blank_reason_denied if {
	rule.violation == {{"dataset": "统计调查个体资料", "missing": "reason"}} with input as {"action": "catalog", "entry": entry({"not_shareable_reason": "  ", "legal_basis": [law]})}
}

test_departmental_rule_or_local_regulation_is_not_a_basis if {
	rule.violation == {{"dataset": "统计调查个体资料", "missing": "basis"}} with input as {"action": "catalog", "entry": entry({
		"not_shareable_reason": "部门规定不予共享",
		"legal_basis": [
			{"type": "departmental_rule", "title": "某部门规章"},
			{"type": "local_regulation", "title": "某地方性法规"},
			{"type": "policy_document", "title": "某规范性文件"},
		],
	})}
}

test_only_catalog_action_checked if {
	count(rule.violation) == 0 with input as {"action": "apply", "entry": entry({})}
}
