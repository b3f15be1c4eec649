package gdsr.dispose.purpose_ended_test

import rego.v1

import data.gdsr.dispose.purpose_ended as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {
		"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "status": "active", "disposal_requirement": "delete"},
		"g-ended": {
			"id": "g-ended", "dataset": "ds-pop", "requester": "示范区民政局", "status": "active", "disposal_requirement": "delete",
			"purpose_ended": {"reason": "achieved", "on": "2026-03-01", "reported_by": "requester", "department": "示范区民政局"},
		},
		"g-disposed": {
			"id": "g-disposed", "dataset": "ds-pop", "requester": "示范区民政局", "status": "active",
			"purpose_ended": {"reason": "unnecessary", "on": "2026-03-01", "reported_by": "provider"},
			"disposed": {"on": "2026-03-02", "method": "delete", "decision_id": "d-1"},
		},
	},
}

event(action, grant) := {"action": action, "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": grant, "purpose": "社会救助资格审核"}

test_use_under_open_grant_allowed if {
	count(rule.violation) == 0 with input as event("use", "g-1") with data.govshare as state
}

test_use_after_purpose_ended_denied if {
	rule.violation == {{"dataset": "人口基础信息", "grant": "g-ended", "reason": "achieved", "reported_by": "requester", "on": "2026-03-01", "act": "use"}} with input as event("use", "g-ended")
		with data.govshare as state
}

test_transfer_after_purpose_ended_denied if {
	rule.violation == {{"dataset": "人口基础信息", "grant": "g-ended", "reason": "achieved", "reported_by": "requester", "on": "2026-03-01", "act": "transfer"}} with input as event("transfer", "g-ended")
		with data.govshare as state
}

test_disposal_done_does_not_reopen_the_grant if {
	rule.violation == {{"dataset": "人口基础信息", "grant": "g-disposed", "reason": "unnecessary", "reported_by": "provider", "on": "2026-03-01", "act": "use"}} with input as event("use", "g-disposed")
		with data.govshare as state
}

test_disposal_itself_not_refused if {
	count(rule.violation) == 0 with input as object.union(event("dispose", "g-ended"), {"disposal": {"reason": "achieved", "method": "delete"}}) with data.govshare as state
}

test_inline_grant_with_ended_purpose_denied if {
	rule.violation == {{"dataset": "人口基础信息", "grant": "g-x", "reason": "impossible", "reported_by": "competent", "on": "2026-02-27", "act": "use"}} with input as object.union(
		event("use", "g-x"),
		{"inline": {"grant": {"id": "g-x", "dataset": "ds-pop", "requester": "示范区民政局", "purpose_ended": {"reason": "impossible", "on": "2026-02-27", "reported_by": "competent"}}}},
	)
		with data.govshare as state
}

test_malformed_record_still_refuses if {
	rule.violation == {{"dataset": "人口基础信息", "grant": "g-x", "reason": "unspecified", "reported_by": "unspecified", "on": "unspecified", "act": "use"}} with input as object.union(
		event("use", "g-x"),
		{"inline": {"grant": {"id": "g-x", "dataset": "ds-pop", "requester": "示范区民政局", "purpose_ended": {}}}},
	)
		with data.govshare as state
}
