package gdsr.dispute.escalation_test

import rego.v1

import data.gdsr.dispute.escalation as rule

state := {"catalog": {"ds-hh": {"id": "ds-hh", "name": "户籍登记信息"}}}

dispute(details) := {"action": "dispute", "dataset": "ds-hh", "dispute": details}

test_same_level_after_negotiation_to_same_level_competent_allowed if {
	count(rule.violation) == 0 with input as dispute({"between": "same_level", "negotiated": true, "submitted_to": "same_level_competent"})
		with data.govshare as state
}

test_cross_level_to_common_superior_allowed if {
	count(rule.violation) == 0 with input as dispute({"between": "cross_level", "submitted_to": "common_superior_competent"})
		with data.govshare as state
}

test_government_after_coordination_allowed if {
	count(rule.violation) == 0 with input as dispute({"between": "cross_region", "submitted_to": "government", "coordinated": true})
		with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as {"action": "use", "dataset": "ds-hh"} with data.govshare as state
}

test_same_level_without_negotiation_needs_action if {
	rule.violation == {{"dataset": "户籍登记信息", "submitted_to": "same_level_competent", "problem": "not_negotiated"}}
		with input as dispute({"between": "same_level", "submitted_to": "same_level_competent"})
		with data.govshare as state
}

test_same_level_to_superior_needs_action if {
	rule.violation == {{"dataset": "户籍登记信息", "submitted_to": "common_superior_competent", "problem": "same_level_to_superior"}}
		with input as dispute({"between": "same_level", "negotiated": true, "submitted_to": "common_superior_competent"})
		with data.govshare as state
}

test_cross_region_to_same_level_needs_action if {
	rule.violation == {{"dataset": "户籍登记信息", "submitted_to": "same_level_competent", "problem": "cross_to_same_level"}}
		with input as dispute({"between": "cross_region", "submitted_to": "same_level_competent"})
		with data.govshare as state
}

test_government_before_coordination_needs_action if {
	rule.violation == {{"dataset": "户籍登记信息", "submitted_to": "government", "problem": "not_coordinated"}}
		with input as dispute({"between": "same_level", "negotiated": true, "submitted_to": "government"})
		with data.govshare as state
}

test_undescribed_dispute_needs_action if {
	rule.violation == {{"dataset": "户籍登记信息", "submitted_to": "unspecified", "problem": "undescribed"}}
		with input as {"action": "dispute", "dataset": "ds-hh"}
		with data.govshare as state
}
