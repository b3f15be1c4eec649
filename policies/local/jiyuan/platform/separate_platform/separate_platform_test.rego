package local.jiyuan.platform.separate_platform_test

import rego.v1

import data.local.jiyuan.platform.separate_platform as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息", "provider": "示范区公安局"}}, "grants": {}}

event(action, channel) := {"action": action, "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "channel": channel}

test_the_hub_and_a_direct_channel_not_this_rule if {
	every action in ["apply", "reply", "deliver", "use", "transfer", "return", "verify"] {
		count(rule.violation) == 0 with input as event(action, "platform") with data.govshare as state
		count(rule.violation) == 0 with input as event(action, "direct") with data.govshare as state
	}
}

test_every_sharing_step_through_a_separate_platform_denied if {
	every action in ["apply", "reply", "deliver", "use", "transfer", "return", "verify"] {
		rule.violation == {{"dataset": "人口基础信息", "action": action}} with input as event(action, "standalone") with data.govshare as state
	}
}

test_a_law_cited_does_not_lift_it if {
	count(rule.violation) == 1 with input as object.union(event("use", "standalone"), {"channel_basis": {"type": "law", "title": "《某法》"}})
		with data.govshare as state
}

test_steps_that_are_not_sharing_not_concerned if {
	every action in ["catalog", "collect", "records", "open"] {
		count(rule.violation) == 0 with input as event(action, "standalone") with data.govshare as state
	}
}
