package gdsr.collect.duplicate_collection_test

import rego.v1

import data.gdsr.collect.duplicate_collection as rule

state := {
	"catalog": {
		"ds-pop": {"id": "ds-pop", "name": "人口基础信息", "provider": "示范区公安局"},
		"ds-hh": {"id": "ds-hh", "name": "户籍登记信息", "provider": "示范区公安局"},
		"ds-sub": {"id": "ds-sub", "name": "最低生活保障对象信息", "provider": "示范区民政局"},
	},
	"field_index": {
		"name": ["ds-hh", "ds-pop", "ds-sub"],
		"death_flag": ["ds-pop"],
		"household_size": ["ds-sub"],
	},
}

collect(department, fields) := {"action": "collect", "requester": {"department": department}, "fields": fields}

test_fields_nobody_shares_allowed if {
	count(rule.violation) == 0 with input as collect("示范区医疗保障局", ["bank_account", "phone"]) with data.govshare as state
}

test_own_data_allowed if {
	count(rule.violation) == 0 with input as collect("示范区民政局", ["household_size"]) with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as object.union(collect("示范区医疗保障局", ["death_flag"]), {"action": "use"}) with data.govshare as state
}

test_shared_field_denied if {
	rule.violation == {{"fields": ["death_flag"], "datasets": ["人口基础信息"]}} with input as collect("示范区医疗保障局", ["death_flag", "bank_account"])
		with data.govshare as state
}

test_all_providers_but_self_listed if {
	rule.violation == {{"fields": ["death_flag", "name"], "datasets": ["人口基础信息", "户籍登记信息"]}} with input as collect("示范区民政局", ["name", "death_flag", "household_size"])
		with data.govshare as state
}

test_other_department_data_denied if {
	rule.violation == {{"fields": ["household_size", "name"], "datasets": ["最低生活保障对象信息"]}} with input as collect("示范区公安局", ["name", "household_size"])
		with data.govshare as state
}

test_conditional_entry_outside_its_scope_does_not_count if {
	count(rule.violation) == 0 with input as {"action": "collect", "requester": {"department": "示范区教育体育局"}, "fields": ["income"]}
		with data.govshare as {
			"field_index": {"income": ["ds-tax"]},
			"catalog": {"ds-tax": {"id": "ds-tax", "name": "纳税信息", "provider": "税务局", "share_attribute": "conditional", "conditions": {"scope": ["示范区民政局"]}}},
		}
}

test_conditional_entry_within_its_scope_counts if {
	rule.violation == {{"fields": ["income"], "datasets": ["纳税信息"]}} with input as {"action": "collect", "requester": {"department": "示范区民政局"}, "fields": ["income"]}
		with data.govshare as {
			"field_index": {"income": ["ds-tax"]},
			"catalog": {"ds-tax": {"id": "ds-tax", "name": "纳税信息", "provider": "税务局", "share_attribute": "conditional", "conditions": {"scope": ["示范区民政局"]}}},
		}
}
