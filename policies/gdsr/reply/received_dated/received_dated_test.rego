package gdsr.reply.received_dated_test

import rego.v1

import data.gdsr.reply.received_dated as rule

state := {"catalog": {
	"ds-hh": {"id": "ds-hh", "name": "户籍登记信息", "share_attribute": "conditional"},
	"ds-sealed": {"id": "ds-sealed", "name": "封存记录", "share_attribute": "not_shareable"},
}}

test_dated_reply_allowed if {
	count(rule.violation) == 0 with input as {"action": "reply", "dataset": "ds-hh", "application": {"received_on": "2026-03-02"}}
		with data.govshare as state
}

test_undated_reply_needs_action if {
	rule.violation == {{"dataset": "户籍登记信息"}} with input as {"action": "reply", "dataset": "ds-hh", "application": {"id": "a-1"}}
		with data.govshare as state
}

test_reply_without_application_needs_action if {
	rule.violation == {{"dataset": "户籍登记信息"}} with input as {"action": "reply", "dataset": "ds-hh"} with data.govshare as state
}

test_not_shareable_data_has_no_reply_period if {
	count(rule.violation) == 0 with input as {"action": "reply", "dataset": "ds-sealed"} with data.govshare as state
}
