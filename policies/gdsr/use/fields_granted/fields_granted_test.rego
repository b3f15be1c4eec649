package gdsr.use.fields_granted_test

import rego.v1

import data.gdsr.use.fields_granted as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "fields": ["name", "id_number", "address"]}},
}

test_granted_fields_allowed if {
	count(rule.violation) == 0 with input as {"action": "use", "dataset": "ds-pop", "grant": "g-1", "fields": ["name", "address"]}
		with data.govshare as state
}

test_no_grant_left_to_grant_rule if {
	count(rule.violation) == 0 with input as {"action": "use", "dataset": "ds-pop", "fields": ["photo"]} with data.govshare as state
}

test_extra_fields_need_an_application_sorted if {
	rule.violation == {{"fields": ["marital_status", "phone"], "dataset": "人口基础信息"}} with input as {
		"action": "use", "dataset": "ds-pop", "grant": "g-1", "fields": ["name", "phone", "marital_status"],
	}
		with data.govshare as state
}

test_onward_provision_of_extra_fields_too if {
	rule.violation == {{"fields": ["phone"], "dataset": "人口基础信息"}} with input as {"action": "transfer", "dataset": "ds-pop", "grant": "g-1", "fields": ["phone"]}
		with data.govshare as state
}
