package gdsr.sharing.not_shareable_test

import rego.v1

import data.gdsr.sharing.not_shareable as rule

catalogue := {"catalog": {
	"ds-stat": {"id": "ds-stat", "name": "统计调查对象原始资料", "share_attribute": "not_shareable"},
	"ds-pop": {"id": "ds-pop", "name": "人口基础信息", "share_attribute": "unconditional"},
}}

test_shareable_dataset_allowed if {
	count(rule.violation) == 0 with input as {"action": "use", "dataset": "ds-pop"} with data.govshare as catalogue
}

test_refusing_a_request_for_not_shareable_data_allowed if {
	count(rule.violation) == 0 with input as {"action": "reply", "dataset": "ds-stat", "reply": {"decision": "refuse"}} with data.govshare as catalogue
}

test_approving_a_request_for_not_shareable_data_denied_provider_liable if {
	rule.violation == {{"dataset": "统计调查对象原始资料", "liability": "39(9)"}} with input as {"action": "reply", "dataset": "ds-stat", "reply": {"decision": "approve"}}
		with data.govshare as catalogue
}

test_apply_denied_requester_liable if {
	rule.violation == {{"dataset": "统计调查对象原始资料", "liability": "40(7)"}} with input as {"action": "apply", "dataset": "ds-stat"}
		with data.govshare as catalogue
}

test_transfer_denied_requester_liable if {
	rule.violation == {{"dataset": "统计调查对象原始资料", "liability": "40(7)"}} with input as {"action": "transfer", "dataset": "ds-stat"}
		with data.govshare as catalogue
}

test_deliver_denied_provider_liable if {
	rule.violation == {{"dataset": "统计调查对象原始资料", "liability": "39(9)"}} with input as {"action": "deliver", "dataset": "ds-stat"}
		with data.govshare as catalogue
}

test_return_denied_provider_liable if {
	rule.violation == {{"dataset": "统计调查对象原始资料", "liability": "39(9)"}} with input as {"action": "return", "dataset": "ds-stat"}
		with data.govshare as catalogue
}
