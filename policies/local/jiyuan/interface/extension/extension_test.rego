package local.jiyuan.interface.extension_test

import rego.v1

import data.local.jiyuan.interface.extension as rule

state := {"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}}

interface(extension) := {"action": "interface", "at": "2024-09-26T10:00:00+08:00", "requester": {"department": "示范区公安局"}, "dataset": "ds-pop", "interface_request": {"agreed_on": "2024-09-27", "extension": extension}}

facts(days, problem) := {"department": "示范区公安局", "dataset": "人口基础信息", "working_days": days, "problem": problem}

test_written_and_approved_extension_of_five_days_allowed if {
	count(rule.violation) == 0 with input as interface({"working_days": 5, "written": true, "approved": true}) with data.govshare as state
}

test_no_extension_not_concerned if {
	count(rule.violation) == 0 with input as object.remove(interface({}), ["interface_request"]) with data.govshare as state
	count(rule.violation) == 0 with input as object.union(object.remove(interface({}), ["interface_request"]), {"interface_request": {"agreed_on": "2024-09-27"}}) with data.govshare as state
}

test_extension_without_written_application_denied if {
	rule.violation == {facts(3, "not_written")} with input as interface({"working_days": 3, "approved": true}) with data.govshare as state
}

test_unapproved_extension_denied if {
	rule.violation == {facts(3, "not_approved")} with input as interface({"working_days": 3, "written": true}) with data.govshare as state
}

test_six_days_denied if {
	rule.violation == {facts(6, "too_long")} with input as interface({"working_days": 6, "written": true, "approved": true}) with data.govshare as state
}

test_every_problem_reported if {
	rule.violation == {facts(8, "not_written"), facts(8, "not_approved"), facts(8, "too_long")} with input as interface({"working_days": 8}) with data.govshare as state
}

test_extension_after_provision_not_refused if {
	count(rule.violation) == 0 with input as object.union(interface({"working_days": 8}), {"interface_request": {"provided_on": "2024-10-14"}}) with data.govshare as state
}

test_other_actions_not_concerned if {
	count(rule.violation) == 0 with input as object.union(interface({"working_days": 8}), {"action": "deliver"}) with data.govshare as state
}
