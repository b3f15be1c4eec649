package local.jiyuan.use.authorised_scope_test

import rego.v1

import data.local.jiyuan.use.authorised_scope as rule

state := {
	"catalog": {
		"ds-pop": {"id": "ds-pop", "name": "人口基础信息"},
		"ds-org": {"id": "ds-org", "name": "法人基础信息"},
	},
	"grants": {
		"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "fields": ["name", "id_number", "address"], "method": "api", "valid_from": "2024-01-01", "valid_until": "2024-12-31", "status": "active"},
		"g-open": {"id": "g-open", "dataset": "ds-pop", "requester": "示范区民政局", "fields": ["name"], "status": "active"},
		"g-exp": {"id": "g-exp", "dataset": "ds-pop", "requester": "示范区民政局", "fields": ["name"], "valid_from": "2024-01-01", "valid_until": "2024-12-31", "status": "expired"},
		"g-term": {"id": "g-term", "dataset": "ds-pop", "requester": "示范区民政局", "fields": ["name"], "status": "terminated"},
	},
}

use(fields, method) := {"action": "use", "at": "2024-06-03T10:00:00+08:00", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": "g-1", "fields": fields, "method": method}

test_within_the_grant_allowed if {
	count(rule.violation) == 0 with input as use(["name", "address"], "api") with data.govshare as state
	count(rule.violation) == 0 with input as object.remove(use(["name"], "api"), ["method"]) with data.govshare as state
}

test_first_and_last_day_of_validity_allowed if {
	count(rule.violation) == 0 with input as object.union(use(["name"], "api"), {"at": "2024-01-01T00:00:00+08:00"}) with data.govshare as state
	count(rule.violation) == 0 with input as object.union(use(["name"], "api"), {"at": "2024-12-31T23:59:59+08:00"}) with data.govshare as state
}

test_grant_without_dates_allowed if {
	count(rule.violation) == 0 with input as object.union(use(["name"], "api"), {"grant": "g-open", "at": "2030-01-01T10:00:00+08:00"}) with data.govshare as state
}

test_extra_fields_denied if {
	rule.violation == {{"dataset": "人口基础信息", "problem": "fields", "detail": ["death_flag", "gender"]}} with input as use(["name", "gender", "death_flag"], "api") with data.govshare as state
}

test_other_method_denied if {
	rule.violation == {{"dataset": "人口基础信息", "problem": "method", "detail": "bulk"}} with input as object.union(use(["name"], "bulk"), {"action": "transfer"}) with data.govshare as state
}

test_another_departments_grant_denied if {
	rule.violation == {{"dataset": "人口基础信息", "problem": "holder", "detail": "示范区民政局"}} with input as object.union(use(["name"], "api"), {"requester": {"department": "示范区教育体育局"}}) with data.govshare as state
	rule.violation == {{"dataset": "人口基础信息", "problem": "holder", "detail": "示范区民政局"}} with input as object.union(use(["name"], "api"), {"action": "transfer", "requester": {"department": "示范区教育体育局"}}) with data.govshare as state
}

test_grant_for_another_dataset_denied if {
	# The grant's items and method say nothing about another dataset, so only the dataset is reported.
	rule.violation == {{"dataset": "法人基础信息", "problem": "other_dataset", "detail": "人口基础信息"}} with input as object.union(use(["uscc"], "bulk"), {"dataset": "ds-org"}) with data.govshare as state
	rule.violation == {{"dataset": "法人基础信息", "problem": "other_dataset", "detail": "人口基础信息"}} with input as object.union(use([], "api"), {"dataset": "ds-org"}) with data.govshare as state
}

test_grant_for_a_dataset_not_in_the_catalogue_named_by_id if {
	rule.violation == {{"dataset": "人口基础信息", "problem": "other_dataset", "detail": "ds-gone"}} with input as object.union(use(["name"], "api"), {"grant": "g-z"})
		with data.govshare as object.union(state, {"grants": {"g-z": {"id": "g-z", "dataset": "ds-gone", "requester": "示范区民政局"}}})
}

test_past_the_last_day_denied if {
	rule.violation == {{"dataset": "人口基础信息", "problem": "expired", "detail": "2024-12-31"}} with input as object.union(use(["name"], "api"), {"at": "2025-01-01T00:00:00+08:00"}) with data.govshare as state
}

test_expiry_counts_in_beijing_time if {
	rule.violation == {{"dataset": "人口基础信息", "problem": "expired", "detail": "2024-12-31"}} with input as object.union(use(["name"], "api"), {"at": "2024-12-31T16:00:00Z"}) with data.govshare as state
	count(rule.violation) == 0 with input as object.union(use(["name"], "api"), {"at": "2024-12-31T15:59:59Z"}) with data.govshare as state
}

test_grant_marked_expired_denied if {
	rule.violation == {{"dataset": "人口基础信息", "problem": "expired", "detail": "g-exp"}} with input as object.union(use(["name"], "api"), {"grant": "g-exp"}) with data.govshare as state
	# Marked expired and past its last day: one report, naming the day.
	rule.violation == {{"dataset": "人口基础信息", "problem": "expired", "detail": "2024-12-31"}} with input as object.union(use(["name"], "api"), {"grant": "g-exp", "at": "2025-03-01T10:00:00+08:00"}) with data.govshare as state
}

test_before_the_first_day_denied if {
	rule.violation == {{"dataset": "人口基础信息", "problem": "not_yet_valid", "detail": "2024-01-01"}} with input as object.union(use(["name"], "api"), {"at": "2023-12-31T10:00:00+08:00"}) with data.govshare as state
}

test_every_problem_reported if {
	rule.violation == {
		{"dataset": "人口基础信息", "problem": "holder", "detail": "示范区民政局"},
		{"dataset": "人口基础信息", "problem": "expired", "detail": "2024-12-31"},
		{"dataset": "人口基础信息", "problem": "fields", "detail": ["gender"]},
	} with input as object.union(use(["name", "gender"], "api"), {"at": "2025-02-03T10:00:00+08:00", "requester": {"department": "示范区教育体育局"}}) with data.govshare as state
}

test_inline_grant_checked_too if {
	rule.violation == {{"dataset": "人口基础信息", "problem": "holder", "detail": "示范区民政局"}} with input as object.union(use(["name"], "api"), {"grant": "g-x", "requester": {"department": "示范区教育体育局"}, "inline": {"grant": {"id": "g-x", "dataset": "ds-pop", "requester": "示范区民政局", "fields": ["name"]}}})
		with data.govshare as state
}

test_suspension_and_termination_left_to_art_36 if {
	count(rule.violation) == 0 with input as object.union(use(["name"], "api"), {"grant": "g-term"}) with data.govshare as state
}

test_no_grant_left_to_grant_required if {
	count(rule.violation) == 0 with input as object.union(use(["gender"], "bulk"), {"grant": "g-404"}) with data.govshare as state
	count(rule.violation) == 0 with input as object.remove(use(["gender"], "bulk"), ["grant"]) with data.govshare as state
}

test_applications_not_concerned if {
	count(rule.violation) == 0 with input as object.union(use(["gender"], "bulk"), {"action": "apply", "requester": {"department": "示范区教育体育局"}}) with data.govshare as state
}

scoped := object.union(state, {"grants": {"g-scope": {
	"id": "g-scope", "dataset": "ds-pop", "requester": "示范区民政局", "fields": ["name"], "status": "active",
	"use_scope": {"units": ["社会救助科"], "regions": ["419001"]},
}}})

scoped_use(requester) := {"action": "use", "at": "2024-06-03T10:00:00+08:00", "requester": requester, "dataset": "ds-pop", "grant": "g-scope", "fields": ["name"]}

test_use_inside_the_scope_of_use_allowed if {
	count(rule.violation) == 0 with input as scoped_use({"department": "示范区民政局", "unit": "社会救助科", "region": "419001"})
		with data.govshare as scoped
}

test_use_by_another_unit_or_in_another_area_beyond_the_authorised_scope if {
	rule.violation == {{"dataset": "人口基础信息", "problem": "use_scope", "detail": ["410100", "养老服务科"]}} with input as scoped_use({"department": "示范区民政局", "unit": "养老服务科", "region": "410100"})
		with data.govshare as scoped
}

test_a_grant_naming_no_scope_of_use_limits_only_the_department if {
	count(rule.violation) == 0 with input as object.union(use(["name"], "api"), {"requester": {"department": "示范区民政局", "unit": "养老服务科"}})
		with data.govshare as state
}
