package gdsr.records.usage_record_test

import rego.v1

import data.gdsr.records.usage_record as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}}

test_apply_carries_no_record_duty if {
	count(rule.obligation) == 0 with input as {"action": "apply", "dataset": "ds-pop"} with data.govshare as state
}

test_use_must_be_recorded if {
	rule.obligation == {{"dataset": "人口基础信息", "keep_years": 3}} with input as {"action": "use", "at": "2026-03-02T10:00:00+08:00", "dataset": "ds-pop"} with data.govshare as state
}

test_transfer_must_be_recorded if {
	rule.obligation == {{"dataset": "ds-unknown", "keep_years": 3}} with input as {"action": "transfer", "at": "2026-03-02T10:00:00+08:00", "dataset": "ds-unknown"} with data.govshare as state
}

test_usage_record_emits_no_violation if {
	count(object.get(data.gdsr.records.usage_record, "violation", set())) == 0 with input as {"action": "use", "dataset": "ds-pop"}
		with data.govshare as state
}
