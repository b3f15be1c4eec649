package gdsr.security.personal_information_test

import rego.v1

import data.gdsr.security.personal_information as rule

state := {"catalog": {"ds-le": {"id": "ds-le", "name": "法人基础信息", "fields": [
	{"name": "uscc"},
	{"name": "entity_name"},
	{"name": "legal_representative", "personal": true},
	{"name": "rep_id_number", "sensitive": true},
]}}}

event(action, fields) := {"action": action, "requester": {"department": "示范区人力资源和社会保障局"}, "dataset": "ds-le", "fields": fields}

basis := "《个人信息保护法》第十三条第一款第三项"

test_no_personal_fields_allowed if {
	count(rule.violation) == 0 with input as event("use", ["uscc", "entity_name"]) with data.govshare as state
}

test_basis_stated_allowed if {
	count(rule.violation) == 0 with input as object.union(event("use", ["uscc", "legal_representative"]), {"pi_basis": basis}) with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as event("deliver", ["legal_representative"]) with data.govshare as state
}

test_use_without_basis_lists_the_personal_fields if {
	rule.violation == {{"dataset": "法人基础信息", "fields": ["legal_representative", "rep_id_number"]}} with input as event("use", ["uscc", "rep_id_number", "legal_representative"])
		with data.govshare as state
}

test_application_without_basis if {
	rule.violation == {{"dataset": "法人基础信息", "fields": ["legal_representative"]}} with input as event("apply", ["legal_representative"]) with data.govshare as state
}

test_blank_basis_counts_as_none if {
	count(rule.violation) == 1 with input as object.union(event("transfer", ["legal_representative"]), {"pi_basis": "  "}) with data.govshare as state
}
