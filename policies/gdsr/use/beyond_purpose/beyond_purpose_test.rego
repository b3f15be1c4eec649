package gdsr.use.beyond_purpose_test

import rego.v1

import data.gdsr.use.beyond_purpose as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "purposes": ["社会救助资格审核", "临时救助审核"]}},
}

test_granted_purpose_allowed if {
	count(rule.violation) == 0 with input as {"action": "use", "dataset": "ds-pop", "grant": "g-1", "purpose": "社会救助资格审核"}
		with data.govshare as state
}

test_no_grant_left_to_grant_rule if {
	count(rule.violation) == 0 with input as {"action": "use", "dataset": "ds-pop", "purpose": "招商引资"} with data.govshare as state
}

test_other_purpose_denied if {
	rule.violation == {{"purpose": "招商引资", "granted": ["临时救助审核", "社会救助资格审核"], "dataset": "人口基础信息"}} with input as {
		"action": "transfer", "dataset": "ds-pop", "grant": "g-1", "purpose": "招商引资",
	}
		with data.govshare as state
}
