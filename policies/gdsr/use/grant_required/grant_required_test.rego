package gdsr.use.grant_required_test

import rego.v1

import data.gdsr.use.grant_required as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {
		"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "valid_from": "2026-01-01", "valid_until": "2026-06-30", "status": "active"},
		"g-open": {"id": "g-open", "dataset": "ds-pop", "requester": "示范区民政局", "status": "active"},
		"g-term": {"id": "g-term", "dataset": "ds-pop", "requester": "示范区民政局", "status": "terminated"},
		"g-exp": {"id": "g-exp", "dataset": "ds-pop", "requester": "示范区民政局", "status": "expired"},
		"g-sus": {"id": "g-sus", "dataset": "ds-pop", "requester": "示范区民政局", "status": "suspended"},
	},
}

event(extra) := object.union({"action": "use", "at": "2026-03-02T10:00:00+08:00", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": "g-1"}, extra)

test_valid_grant_allowed if {
	count(rule.violation) == 0 with input as event({}) with data.govshare as state
}

test_last_day_of_validity_allowed if {
	count(rule.violation) == 0 with input as event({"at": "2026-06-30T23:30:00+08:00"}) with data.govshare as state
}

test_grant_without_dates_allowed if {
	count(rule.violation) == 0 with input as event({"grant": "g-open", "action": "transfer"}) with data.govshare as state
}

test_suspension_left_to_its_own_rule if {
	count(rule.violation) == 0 with input as event({"grant": "g-sus"}) with data.govshare as state
}

test_inline_grant_allowed if {
	count(rule.violation) == 0 with input as event({"grant": "g-x", "inline": {"grant": {"id": "g-x", "dataset": "ds-pop", "requester": "示范区民政局"}}})
		with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as {"action": "apply", "dataset": "ds-pop"} with data.govshare as state
}

test_missing_grant_needs_action if {
	rule.violation == {{"reason": "missing", "grant": "none"}} with input as object.remove(event({}), ["grant"]) with data.govshare as state
}

test_unknown_grant_needs_action if {
	rule.violation == {{"reason": "unknown", "grant": "g-404"}} with input as event({"grant": "g-404"}) with data.govshare as state
}

test_grant_for_other_dataset_needs_action if {
	rule.violation == {{"reason": "other_dataset", "grant": "g-1"}} with input as event({"dataset": "ds-other"}) with data.govshare as state
}

test_terminated_grant_needs_action if {
	rule.violation == {{"reason": "terminated", "grant": "g-term"}} with input as event({"grant": "g-term"}) with data.govshare as state
}

test_expired_status_needs_action if {
	rule.violation == {{"reason": "expired", "grant": "g-exp"}} with input as event({"grant": "g-exp"}) with data.govshare as state
}

test_past_valid_until_needs_action if {
	rule.violation == {{"reason": "expired", "grant": "g-1"}} with input as event({"at": "2026-07-01T08:00:00+08:00"}) with data.govshare as state
}

test_expiry_counts_in_beijing_time if {
	rule.violation == {{"reason": "expired", "grant": "g-1"}} with input as event({"at": "2026-06-30T17:00:00Z"}) with data.govshare as state
}

test_before_valid_from_needs_action if {
	rule.violation == {{"reason": "not_yet_valid", "grant": "g-1"}} with input as event({"at": "2025-12-31T09:00:00+08:00"}) with data.govshare as state
}
