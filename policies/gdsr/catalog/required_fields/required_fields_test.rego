package gdsr.catalog.required_fields_test

import rego.v1

import data.gdsr.catalog.required_fields as rule

complete := {
	"id": "ds-med",
	"name": "医保参保信息",
	"provider": "示范区医疗保障局",
	"share_attribute": "unconditional",
	"methods": ["api"],
	"classification": "医疗保障类/个人信息",
	"grade": "important",
	"fields": [{"name": "name", "personal": true}],
	"data_format": "JSON",
	"update_frequency": "每日",
}

catalog(entry) := {"action": "catalog", "requester": {"department": "示范区医疗保障局"}, "entry": entry}

test_complete_entry_allowed if {
	count(rule.violation) == 0 with input as catalog(complete)
}

test_grade_alone_states_the_classification_allowed if {
	count(rule.violation) == 0 with input as catalog(object.remove(complete, ["classification"]))
}

test_classification_alone_allowed if {
	count(rule.violation) == 0 with input as catalog(object.remove(complete, ["grade"]))
}

test_not_shareable_entry_needs_no_method_allowed if {
	count(rule.violation) == 0 with input as catalog(object.union(complete, {"share_attribute": "not_shareable", "methods": []}))
}

test_bare_entry_lists_every_missing_item if {
	rule.violation == {
		{"dataset": "医保参保信息", "missing": "methods"},
		{"dataset": "医保参保信息", "missing": "classification"},
		{"dataset": "医保参保信息", "missing": "fields"},
		{"dataset": "医保参保信息", "missing": "data_format"},
		{"dataset": "医保参保信息", "missing": "update_frequency"},
	} with input as catalog({"id": "ds-med", "name": "医保参保信息", "provider": "示范区医疗保障局", "share_attribute": "conditional"})
}

test_empty_methods_and_fields_missing if {
	rule.violation == {
		{"dataset": "医保参保信息", "missing": "methods"},
		{"dataset": "医保参保信息", "missing": "fields"},
	} with input as catalog(object.union(complete, {"methods": [], "fields": []}))
}

test_blank_text_counts_as_missing if {
	rule.violation == {
		{"dataset": "医保参保信息", "missing": "data_format"},
		{"dataset": "医保参保信息", "missing": "update_frequency"},
	} with input as catalog(object.union(complete, {"data_format": " ", "update_frequency": ""}))
}

test_neither_classification_nor_grade_missing if {
	rule.violation == {{"dataset": "医保参保信息", "missing": "classification"}} with input as catalog(object.remove(complete, ["classification", "grade"]))
}

test_only_catalog_action_checked if {
	count(rule.violation) == 0 with input as object.union(catalog({"id": "ds-med", "name": "医保参保信息", "provider": "x", "share_attribute": "conditional"}), {"action": "use"})
}
