package local.jiyuan.collect.ask_citizens_test

import rego.v1

import data.local.jiyuan.collect.ask_citizens as rule

state := {
	"catalog": {
		"ds-lic": {"id": "ds-lic", "name": "电子证照目录信息", "provider": "示范区政务服务和大数据管理局", "share_attribute": "unconditional"},
		"ds-pop": {"id": "ds-pop", "name": "人口基础信息", "provider": "示范区公安局", "share_attribute": "unconditional"},
	},
	"field_index": {"licence_no": ["ds-lic"], "death_flag": ["ds-pop"]},
}

collect(department, fields) := {"action": "collect", "requester": {"department": department}, "fields": fields}

test_data_the_hub_does_not_hold_allowed if {
	count(rule.violation) == 0 with input as collect("示范区住房和城乡建设局", ["bank_account", "phone"]) with data.govshare as state
}

test_own_data_allowed if {
	count(rule.violation) == 0 with input as collect("示范区政务服务和大数据管理局", ["licence_no"]) with data.govshare as state
}

test_asking_for_hub_data_denied if {
	rule.violation == {{"fields": ["death_flag", "licence_no"], "datasets": ["人口基础信息", "电子证照目录信息"]}} with input as collect("示范区住房和城乡建设局", ["licence_no", "death_flag", "phone"]) with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as object.union(collect("示范区住房和城乡建设局", ["licence_no"]), {"action": "use"}) with data.govshare as state
}
