package gdsr.use.beyond_scope_test

import rego.v1

import data.gdsr.use.beyond_scope as rule

state := {
	"catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}},
	"grants": {
		"g-1": {"id": "g-1", "dataset": "ds-pop", "requester": "示范区民政局", "fields": ["name"], "use_scope": {"units": ["社会救助科"], "regions": ["419001"]}},
		"g-legacy": {"id": "g-legacy", "dataset": "ds-pop", "requester": "示范区民政局", "fields": ["name"]},
	},
}

use(grant, requester) := {"action": "use", "dataset": "ds-pop", "grant": grant, "fields": ["name"], "requester": requester}

inside := {"department": "示范区民政局", "unit": "社会救助科", "region": "419001"}

test_unit_and_area_inside_the_scope_allowed if {
	count(rule.violation) == 0 with input as use("g-1", inside) with data.govshare as state
}

test_other_unit_beyond_scope if {
	rule.violation == {{"dataset": "人口基础信息", "part": "unit", "value": "养老服务科", "granted": ["社会救助科"]}} with input as use("g-1", object.union(inside, {"unit": "养老服务科"}))
		with data.govshare as state
}

test_other_area_beyond_scope if {
	rule.violation == {{"dataset": "人口基础信息", "part": "region", "value": "410100", "granted": ["419001"]}} with input as use("g-1", object.union(inside, {"region": "410100"}))
		with data.govshare as state
}

test_unit_not_named_cannot_be_shown_inside if {
	rule.violation == {{"dataset": "人口基础信息", "part": "unit", "value": "unspecified", "granted": ["社会救助科"]}} with input as use("g-1", object.remove(inside, ["unit"]))
		with data.govshare as state
}

test_onward_provision_by_another_unit_too if {
	count(rule.violation) == 1 with input as object.union(use("g-1", object.union(inside, {"unit": "养老服务科"})), {"action": "transfer"})
		with data.govshare as state
}

test_data_items_are_not_the_scope_of_use if {
	count(rule.violation) == 0 with input as object.union(use("g-1", inside), {"fields": ["name", "phone"]}) with data.govshare as state
}

test_grant_without_a_recorded_scope_limits_only_the_department if {
	count(rule.violation) == 0 with input as use("g-legacy", {"department": "示范区民政局", "unit": "养老服务科"}) with data.govshare as state
}

test_no_grant_left_to_grant_rule if {
	count(rule.violation) == 0 with input as object.remove(use("g-1", inside), ["grant"]) with data.govshare as state
}
