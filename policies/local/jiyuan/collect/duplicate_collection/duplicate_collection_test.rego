package local.jiyuan.collect.duplicate_collection_test

import rego.v1

import data.local.jiyuan.collect.duplicate_collection as rule

state := {
	"catalog": {
		"ds-pop": {"id": "ds-pop", "name": "人口基础信息", "provider": "示范区公安局", "share_attribute": "unconditional"},
		"ds-sub": {"id": "ds-sub", "name": "最低生活保障对象信息", "provider": "示范区民政局", "share_attribute": "conditional", "conditions": {"scope": ["示范区教育体育局"]}},
		"ds-lic": {"id": "ds-lic", "name": "电子证照目录信息", "provider": "示范区政务服务和大数据管理局", "share_attribute": "unconditional", "base_data": "e_licence"},
	},
	"field_index": {
		"death_flag": ["ds-pop"],
		"household_size": ["ds-sub"],
		"licence_no": ["ds-lic"],
	},
}

collect(department, fields) := {"action": "collect", "requester": {"department": department}, "fields": fields}

test_fields_nobody_shares_allowed if {
	count(rule.violation) == 0 with input as collect("示范区医疗保障局", ["bank_account"]) with data.govshare as state
}

test_own_data_allowed if {
	count(rule.violation) == 0 with input as collect("示范区民政局", ["household_size"]) with data.govshare as state
}

test_conditional_entry_out_of_scope_allowed if {
	count(rule.violation) == 0 with input as collect("示范区医疗保障局", ["household_size"]) with data.govshare as state
}

test_duplicate_collection_denied if {
	rule.violation == {{"fields": ["death_flag", "licence_no"], "datasets": ["人口基础信息", "电子证照目录信息"]}} with input as collect("示范区医疗保障局", ["death_flag", "licence_no", "bank_account"]) with data.govshare as state
}

test_within_scope_of_conditional_entry_denied if {
	rule.violation == {{"fields": ["household_size"], "datasets": ["最低生活保障对象信息"]}} with input as collect("示范区教育体育局", ["household_size"]) with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as object.union(collect("示范区医疗保障局", ["death_flag"]), {"action": "apply"}) with data.govshare as state
}
