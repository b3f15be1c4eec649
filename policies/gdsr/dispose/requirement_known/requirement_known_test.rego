package gdsr.dispose.requirement_known_test

import rego.v1

import data.gdsr.dispose.requirement_known as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {
		"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "disposal_requirement": "delete"},
		"g-open": {"id": "g-open", "dataset": "ds-pop", "requester": "示范区民政局"},
		"g-blank": {"id": "g-blank", "dataset": "ds-pop", "requester": "示范区民政局", "disposal_requirement": " "},
	},
}

dispose(grant) := {"action": "dispose", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": grant, "disposal": {"reason": "achieved", "method": "delete"}}

test_known_requirement_allowed if {
	count(rule.violation) == 0 with input as dispose("g-1") with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as object.union(dispose("g-open"), {"action": "use"}) with data.govshare as state
}

test_grant_without_requirement_needs_action if {
	rule.violation == {{"dataset": "人口基础信息", "grant": "g-open"}} with input as dispose("g-open") with data.govshare as state
}

test_blank_requirement_needs_action if {
	rule.violation == {{"dataset": "人口基础信息", "grant": "g-blank"}} with input as dispose("g-blank") with data.govshare as state
}

test_unknown_grant_needs_action if {
	rule.violation == {{"dataset": "人口基础信息", "grant": "g-404"}} with input as dispose("g-404") with data.govshare as state
}

test_no_grant_needs_action if {
	rule.violation == {{"dataset": "人口基础信息", "grant": "none"}} with input as object.remove(dispose("g-1"), ["grant"]) with data.govshare as state
}
