package gdsr.catalog.assessments_test

import rego.v1

import data.gdsr.catalog.assessments as rule

entry(extra) := object.union(
	{
		"id": "ds-med",
		"name": "医保参保信息",
		"provider": "示范区医疗保障局",
		"share_attribute": "conditional",
		"fields": [{"name": "name", "personal": true}, {"name": "insured_type"}],
		"assessments": {"secrecy_risk": true, "pi_impact": true},
		"head_approved": true,
	},
	extra,
)

catalog(e) := {"action": "catalog", "requester": {"department": "示范区医疗保障局"}, "entry": e}

test_assessed_and_approved_allowed if {
	count(rule.violation) == 0 with input as catalog(entry({}))
}

test_no_personal_information_needs_no_pi_impact_assessment_allowed if {
	count(rule.violation) == 0 with input as catalog(entry({"fields": [{"name": "uscc"}], "assessments": {"secrecy_risk": true, "pi_impact": false}}))
}

test_sensitive_field_needs_pi_impact_assessment if {
	rule.violation == {{"dataset": "医保参保信息", "missing": "pi_impact"}} with input as catalog(entry({"fields": [{"name": "diagnosis", "sensitive": true}], "assessments": {"secrecy_risk": true, "pi_impact": false}}))
}

test_nothing_done_lists_every_item if {
	rule.violation == {
		{"dataset": "医保参保信息", "missing": "secrecy_risk"},
		{"dataset": "医保参保信息", "missing": "pi_impact"},
		{"dataset": "医保参保信息", "missing": "head_approved"},
	} with input as catalog(object.remove(entry({}), ["assessments", "head_approved"]))
}

test_head_refused if {
	rule.violation == {{"dataset": "医保参保信息", "missing": "head_approved"}} with input as catalog(entry({"head_approved": false}))
}

test_only_secrecy_risk_missing if {
	rule.violation == {{"dataset": "医保参保信息", "missing": "secrecy_risk"}} with input as catalog(entry({"assessments": {"secrecy_risk": false, "pi_impact": true}}))
}

test_only_catalog_action_checked if {
	count(rule.violation) == 0 with input as object.union(catalog(entry({"head_approved": false})), {"action": "apply"})
}
