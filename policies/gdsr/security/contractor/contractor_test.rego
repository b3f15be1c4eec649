package gdsr.security.contractor_test

import rego.v1

import data.gdsr.security.contractor as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息", "provider": "示范区公安局"}}}

event(action, contractor) := {
	"action": action, "requester": {"department": "示范区民政局", "contractor": contractor},
	"dataset": "ds-pop", "fields": ["name"],
}

operator(approved, authorised) := {"name": "某信息技术有限公司", "approved": approved, "authorised": authorised}

test_no_contractor_allowed if {
	count(rule.violation) == 0 with input as object.remove(event("use", {}), ["requester"]) with data.govshare as state
	count(rule.violation) == 0 with input as {"action": "use", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop"} with data.govshare as state
}

test_approved_and_authorised_contractor_allowed if {
	count(rule.violation) == 0 with input as event("use", operator(true, true)) with data.govshare as state
}

test_unapproved_engagement_denied if {
	rule.violation == {{"contractor": "某信息技术有限公司", "dataset": "人口基础信息", "problem": "not_approved", "liability": "40(6)"}} with input as event("use", operator(false, true))
		with data.govshare as state
}

test_unauthorised_access_denied if {
	rule.violation == {{"contractor": "某信息技术有限公司", "dataset": "人口基础信息", "problem": "not_authorised", "liability": "40(6)"}} with input as event("transfer", operator(true, false))
		with data.govshare as state
}

test_both_problems_reported if {
	count(rule.violation) == 2 with input as event("use", {"name": "某信息技术有限公司"}) with data.govshare as state
}

test_provider_contractor_liability_under_article_39 if {
	rule.violation == {{"contractor": "某信息技术有限公司", "dataset": "人口基础信息", "problem": "not_authorised", "liability": "39(9)"}} with input as event("deliver", operator(true, false))
		with data.govshare as state
}

test_catalogue_entry_named_from_the_entry if {
	rule.violation == {{"contractor": "某信息技术有限公司", "dataset": "新目录", "problem": "not_approved", "liability": "39(9)"}} with input as {
		"action": "catalog", "requester": {"department": "示范区公安局", "contractor": operator(false, true)},
		"entry": {"id": "ds-new", "name": "新目录", "provider": "示范区公安局", "share_attribute": "unconditional"},
	}
		with data.govshare as state
}

test_verification_handled_by_the_provider_under_article_39 if {
	rule.violation == {{"contractor": "某信息技术有限公司", "dataset": "人口基础信息", "problem": "not_approved", "liability": "39(9)"}} with input as object.union(event("verify", operator(false, true)), {"requester": {"department": "示范区公安局"}})
		with data.govshare as state
	rule.violation == {{"contractor": "某信息技术有限公司", "dataset": "人口基础信息", "problem": "not_approved", "liability": "40(6)"}} with input as event("verify", operator(false, true))
		with data.govshare as state
}
