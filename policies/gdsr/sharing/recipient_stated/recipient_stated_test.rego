package gdsr.sharing.recipient_stated_test

import rego.v1

import data.gdsr.sharing.recipient_stated as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}}

test_named_recipient_allowed if {
	count(rule.violation) == 0 with input as {"action": "transfer", "dataset": "ds-pop", "recipient": {"kind": "department", "name": "示范区教育体育局"}}
		with data.govshare as state
}

test_own_use_not_checked if {
	count(rule.violation) == 0 with input as {"action": "use", "dataset": "ds-pop", "recipient": {"kind": "self"}} with data.govshare as state
}

test_transfer_to_self_needs_action if {
	rule.violation == {{"dataset": "人口基础信息"}} with input as {"action": "transfer", "dataset": "ds-pop", "recipient": {"kind": "self"}}
		with data.govshare as state
}

test_transfer_without_recipient_needs_action if {
	rule.violation == {{"dataset": "人口基础信息"}} with input as {"action": "transfer", "dataset": "ds-pop"} with data.govshare as state
}
