package gdsr.use.grant_holder_test

import rego.v1

import data.gdsr.use.grant_holder as rule

state := {"grants": {"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局"}}}

test_holder_allowed if {
	count(rule.violation) == 0 with input as {"action": "use", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": "g-1"}
		with data.govshare as state
}

test_other_department_denied if {
	rule.violation == {{"grant": "g-1", "holder": "示范区民政局", "department": "示范区人力资源和社会保障局"}} with input as {
		"action": "transfer", "requester": {"department": "示范区人力资源和社会保障局"}, "dataset": "ds-pop", "grant": "g-1",
	}
		with data.govshare as state
}
