package local.jiyuan.use.grant_required_test

import rego.v1

import data.local.jiyuan.use.grant_required as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {
		"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "valid_from": "2024-01-01", "valid_until": "2024-12-31", "status": "active"},
		"g-exp": {"id": "g-exp", "dataset": "ds-pop", "requester": "示范区民政局", "status": "expired"},
	},
}

event(extra) := object.union({"action": "use", "at": "2024-06-03T10:00:00+08:00", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": "g-1"}, extra)

test_grant_on_record_allowed if {
	count(rule.violation) == 0 with input as event({}) with data.govshare as state
	count(rule.violation) == 0 with input as event({"action": "transfer"}) with data.govshare as state
}

test_inline_grant_allowed if {
	count(rule.violation) == 0 with input as event({"grant": "g-x", "inline": {"grant": {"id": "g-x", "dataset": "ds-pop", "requester": "示范区民政局"}}}) with data.govshare as state
}

test_problems_of_a_grant_on_record_left_to_other_rules if {
	# Expired, another department's: JY-9-AUTHORISED-SCOPE refuses them.
	count(rule.violation) == 0 with input as event({"grant": "g-exp"}) with data.govshare as state
	count(rule.violation) == 0 with input as event({"requester": {"department": "示范区教育体育局"}}) with data.govshare as state
}

test_missing_grant_needs_action if {
	rule.violation == {{"action": "use", "dataset": "人口基础信息", "reason": "missing", "grant": "none"}} with input as object.remove(event({}), ["grant"]) with data.govshare as state
	rule.violation == {{"action": "transfer", "dataset": "人口基础信息", "reason": "missing", "grant": "none"}} with input as event({"action": "transfer", "grant": "  "}) with data.govshare as state
}

test_unknown_grant_needs_action if {
	rule.violation == {{"action": "use", "dataset": "人口基础信息", "reason": "unknown", "grant": "g-404"}} with input as event({"grant": "g-404"}) with data.govshare as state
}

test_inline_grant_with_another_id_is_unknown if {
	rule.violation == {{"action": "use", "dataset": "人口基础信息", "reason": "unknown", "grant": "g-x"}} with input as event({"grant": "g-x", "inline": {"grant": {"id": "g-y", "dataset": "ds-pop", "requester": "示范区民政局"}}}) with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as object.remove(event({"action": "apply"}), ["grant"]) with data.govshare as state
	count(rule.violation) == 0 with input as object.remove(event({"action": "deliver"}), ["grant"]) with data.govshare as state
}
