package local.jiyuan.platform.hub_only_test

import rego.v1

import data.local.jiyuan.platform.hub_only as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息", "provider": "示范区公安局"}}, "grants": {}}

event(action, channel) := {"action": action, "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "channel": channel}

test_sharing_through_the_hub_allowed if {
	every action in ["apply", "reply", "deliver", "use", "transfer", "return", "verify", "open"] {
		count(rule.violation) == 0 with input as event(action, "platform") with data.govshare as state
	}
}

test_direct_channel_for_every_sharing_step_denied if {
	every action in ["apply", "reply", "deliver", "use", "transfer", "return", "verify"] {
		rule.violation == {{"dataset": "人口基础信息", "action": action, "platform": "hub"}} with input as event(action, "direct") with data.govshare as state
	}
}

test_opening_outside_the_open_platform_denied if {
	rule.violation == {{"dataset": "人口基础信息", "action": "open", "platform": "open_platform"}} with input as event("open", "direct") with data.govshare as state
}

test_steps_that_move_no_data_between_departments_not_concerned if {
	every action in ["catalog", "collect", "records", "dispose", "terminate", "change"] {
		count(rule.violation) == 0 with input as event(action, "direct") with data.govshare as state
	}
}

test_unknown_dataset_named_by_id if {
	rule.violation == {{"dataset": "ds-x", "action": "apply", "platform": "hub"}} with input as object.union(event("apply", "direct"), {"dataset": "ds-x"}) with data.govshare as state
}
