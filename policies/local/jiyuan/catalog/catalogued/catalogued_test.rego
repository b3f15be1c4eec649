package local.jiyuan.catalog.catalogued_test

import rego.v1

import data.local.jiyuan.catalog.catalogued as rule

catalogue := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}}

test_catalogued_dataset_allowed if {
	count(rule.violation) == 0 with input as {"action": "reply", "dataset": "ds-pop"} with data.govshare as catalogue
}

test_unknown_dataset_denied_for_every_action_but_catalog if {
	every action in {"apply", "reply", "deliver", "use", "transfer", "collect", "return", "verify", "records", "open", "objection", "interface"} {
		rule.violation == {{"dataset": "ds-nowhere"}} with input as {"action": action, "dataset": "ds-nowhere"} with data.govshare as catalogue
	}
}

test_publishing_a_new_entry_is_not_checked if {
	count(rule.violation) == 0 with input as {"action": "catalog", "dataset": "ds-new"} with data.govshare as catalogue
}

test_no_dataset_named_is_not_this_rule if {
	count(rule.violation) == 0 with input as {"action": "dispute"} with data.govshare as catalogue
}

test_inline_entry_counts if {
	count(rule.violation) == 0 with input as {"action": "open", "dataset": "ds-own", "inline": {"dataset": {"id": "ds-own", "name": "平台开放目录"}}}
		with data.govshare as catalogue
}
