package gdsr.platform.standalone_system_test

import rego.v1

import data.gdsr.platform.standalone_system as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息", "provider": "示范区公安局", "share_attribute": "unconditional"}}}

event(action, channel) := {"action": action, "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "channel": channel}

test_integrated_system_and_direct_channel_not_this_rule if {
	every action in ["apply", "reply", "deliver", "use", "transfer", "return", "verify"] {
		count(rule.violation) == 0 with input as event(action, "platform") with data.govshare as state
		count(rule.violation) == 0 with input as event(action, "direct") with data.govshare as state
	}
}

test_use_through_a_standalone_system_denied_requester_liable if {
	rule.violation == {{"dataset": "人口基础信息", "action": "use", "liability": "40(7)"}} with input as event("use", "standalone") with data.govshare as state
}

test_delivery_through_a_standalone_system_provider_liable_39_8 if {
	rule.violation == {{"dataset": "人口基础信息", "action": "deliver", "liability": "39(8)"}} with input as event("deliver", "standalone") with data.govshare as state
}

test_verification_handled_by_the_provider_provider_liable if {
	rule.violation == {{"dataset": "人口基础信息", "action": "verify", "liability": "39(8)"}} with input as object.union(event("verify", "standalone"), {"requester": {"department": "示范区公安局"}})
		with data.govshare as state
}

test_law_or_administrative_regulation_lifts_it if {
	every rank in ["law", "administrative_regulation"] {
		count(rule.violation) == 0 with input as object.union(event("use", "standalone"), {"channel_basis": {"type": rank, "title": "《某法》"}})
			with data.govshare as state
	}
}

test_lower_ranks_do_not_lift_it if {
	every rank in ["departmental_rule", "local_regulation", "policy_document"] {
		count(rule.violation) == 1 with input as object.union(event("use", "standalone"), {"channel_basis": {"type": rank, "title": "《某办法》"}})
			with data.govshare as state
	}
}

test_steps_that_are_not_sharing_not_concerned if {
	every action in ["catalog", "collect", "records", "dispose", "terminate", "change"] {
		count(rule.violation) == 0 with input as event(action, "standalone") with data.govshare as state
	}
}
