package local.jiyuan.use.authorised_scope_test

import rego.v1

import data.local.jiyuan.use.authorised_scope as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "fields": ["name", "id_number", "address"], "method": "api"}},
}

use(fields, method) := {"action": "use", "requester": {"department": "示范区民政局"}, "dataset": "ds-pop", "grant": "g-1", "fields": fields, "method": method}

test_within_the_grant_allowed if {
	count(rule.violation) == 0 with input as use(["name", "address"], "api") with data.govshare as state
	count(rule.violation) == 0 with input as object.remove(use(["name"], "api"), ["method"]) with data.govshare as state
}

test_extra_fields_denied if {
	rule.violation == {{"dataset": "人口基础信息", "problem": "fields", "detail": ["death_flag", "gender"]}} with input as use(["name", "gender", "death_flag"], "api") with data.govshare as state
}

test_other_method_denied if {
	rule.violation == {{"dataset": "人口基础信息", "problem": "method", "detail": "bulk"}} with input as object.union(use(["name"], "bulk"), {"action": "transfer"}) with data.govshare as state
}

test_no_grant_left_to_other_rules if {
	count(rule.violation) == 0 with input as object.union(use(["gender"], "bulk"), {"grant": "g-404"}) with data.govshare as state
}

test_applications_not_concerned if {
	count(rule.violation) == 0 with input as object.union(use(["gender"], "bulk"), {"action": "apply"}) with data.govshare as state
}
