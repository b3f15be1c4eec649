package gdsr.sharing.application_contents_test

import rego.v1

import data.gdsr.sharing.application_contents as rule

complete := {
	"action": "apply",
	"at": "2026-03-02T10:00:00+08:00",
	"requester": {"department": "示范区民政局", "unit_head_approved": true},
	"dataset": "ds-population-basic",
	"fields": ["name", "id_number"],
	"purpose": "社会救助资格审核",
	"legal_basis": "《社会救助暂行办法》",
	"scenario": "最低生活保障申请审核",
	"use_scope": {"units": ["社会救助科"]},
	"method": "api",
	"use_until": "2026-12-31",
}

test_complete_application_allowed if {
	count(rule.violation) == 0 with input as complete
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as {"action": "use", "requester": {"department": "示范区民政局"}}
}

test_empty_application_lists_every_item if {
	rule.violation == {
		{"item": "legal_basis"},
		{"item": "scenario"},
		{"item": "use_scope"},
		{"item": "fields"},
		{"item": "method"},
		{"item": "use_until"},
		{"item": "unit_head_approved"},
	} with input as {"action": "apply", "requester": {"department": "示范区民政局"}, "dataset": "ds-population-basic"}
}

test_blank_scenario_needs_action if {
	rule.violation == {{"item": "scenario"}} with input as object.union(complete, {"scenario": " "})
}

test_empty_field_list_needs_action if {
	rule.violation == {{"item": "fields"}} with input as object.union(complete, {"fields": []})
}

test_unit_head_refusal_needs_action if {
	rule.violation == {{"item": "unit_head_approved"}} with input as object.union(complete, {"requester": {"department": "示范区民政局", "unit_head_approved": false}})
}

# 使用范围 is who and where the data is used, not the data items: a field list
# does not state it, and any one of unit, area or business does.
test_field_list_is_not_the_scope_of_use if {
	rule.violation == {{"item": "use_scope"}} with input as object.remove(complete, ["use_scope"])
	rule.violation == {{"item": "use_scope"}} with input as object.union(complete, {"use_scope": {"units": [], "regions": []}})
}

test_scope_of_use_stated_by_unit_area_or_business if {
	every scope in [{"units": ["社会救助科"]}, {"regions": ["419001"]}, {"businesses": ["最低生活保障审核确认"]}] {
		count(rule.violation) == 0 with input as object.union(complete, {"use_scope": scope})
	}
}

test_scope_of_use_without_data_items_still_lacks_the_items if {
	rule.violation == {{"item": "fields"}} with input as object.union(complete, {"fields": []})
}
