package gdsr.platform.integrated_system_test

import rego.v1

import data.gdsr.platform.integrated_system as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息", "provider": "示范区公安局", "share_attribute": "unconditional"}}}

event(action, channel) := {"action": action, "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "channel": channel}

test_platform_channel_allowed if {
	every action in ["apply", "reply", "deliver", "transfer", "return", "verify", "use"] {
		count(rule.violation) == 0 with input as event(action, "platform") with data.govshare as state
	}
}

test_channel_not_given_allowed if {
	count(rule.violation) == 0 with input as object.remove(event("deliver", "direct"), ["channel"]) with data.govshare as state
}

# Art 3(2): a use is an act of sharing; data obtained or served over a direct
# channel is shared outside the system, and the requester is liable.
test_use_over_a_direct_channel_denied_requester_liable if {
	rule.violation == {{"dataset": "人口基础信息", "action": "use", "liability": "40(7)"}} with input as event("use", "direct") with data.govshare as state
}

test_direct_delivery_denied_provider_liable if {
	rule.violation == {{"dataset": "人口基础信息", "action": "deliver", "liability": "39(9)"}} with input as event("deliver", "direct") with data.govshare as state
}

test_direct_reply_and_return_provider_liable if {
	rule.violation == {{"dataset": "人口基础信息", "action": "reply", "liability": "39(9)"}} with input as event("reply", "direct") with data.govshare as state
	rule.violation == {{"dataset": "人口基础信息", "action": "return", "liability": "39(9)"}} with input as event("return", "direct") with data.govshare as state
}

test_direct_application_denied_requester_liable if {
	rule.violation == {{"dataset": "人口基础信息", "action": "apply", "liability": "40(7)"}} with input as event("apply", "direct") with data.govshare as state
}

test_direct_transfer_and_verification_request_requester_liable if {
	rule.violation == {{"dataset": "人口基础信息", "action": "transfer", "liability": "40(7)"}} with input as event("transfer", "direct") with data.govshare as state
	rule.violation == {{"dataset": "人口基础信息", "action": "verify", "liability": "40(7)"}} with input as event("verify", "direct") with data.govshare as state
}

test_direct_verification_handled_by_provider_provider_liable if {
	rule.violation == {{"dataset": "人口基础信息", "action": "verify", "liability": "39(9)"}} with input as object.union(event("verify", "direct"), {"requester": {"department": "示范区公安局"}})
		with data.govshare as state
}
