package gdsr.dispose.disposal_requirement_test

import rego.v1

import data.gdsr.dispose.disposal_requirement as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {
		"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "disposal_requirement": "delete"},
		"g-open": {"id": "g-open", "dataset": "ds-pop", "requester": "示范区民政局"},
	},
}

dispose(grant, disposal) := {"action": "dispose", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": grant, "disposal": disposal}

test_required_disposal_allowed if {
	count(rule.violation) == 0 with input as dispose("g-1", {"reason": "achieved", "method": " delete "}) with data.govshare as state
}

test_no_requirement_left_to_its_own_rule if {
	count(rule.violation) == 0 with input as dispose("g-open", {"reason": "achieved", "method": "archive"}) with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as object.union(dispose("g-1", {"reason": "achieved", "method": "archive"}), {"action": "use"}) with data.govshare as state
}

test_inline_grant_requirement_applies if {
	rule.violation == {{"dataset": "人口基础信息", "grant": "g-x", "required": "return_to_provider", "method": "delete"}} with input as object.union(
		dispose("g-x", {"reason": "unnecessary", "method": "delete"}),
		{"inline": {"grant": {"id": "g-x", "dataset": "ds-pop", "requester": "示范区民政局", "disposal_requirement": "return_to_provider"}}},
	)
		with data.govshare as state
}

test_other_disposal_denied if {
	rule.violation == {{"dataset": "人口基础信息", "grant": "g-1", "required": "delete", "method": "archive"}} with input as dispose("g-1", {"reason": "achieved", "method": "archive"})
		with data.govshare as state
}

test_unstated_disposal_denied if {
	rule.violation == {{"dataset": "人口基础信息", "grant": "g-1", "required": "delete", "method": "unspecified"}} with input as object.remove(dispose("g-1", {}), ["disposal"])
		with data.govshare as state
}
