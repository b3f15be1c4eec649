package local.jiyuan.open.desensitise_test

import rego.v1

import data.local.jiyuan.open.desensitise as rule

fields := [{"name": "route_no"}, {"name": "driver_name", "personal": true}, {"name": "driver_id", "personal": true, "sensitive": true}]

entry(attribute, desensitised) := {"action": "catalog", "requester": {"department": "示范区交通运输局"}, "entry": {"id": "ds-bus", "name": "公交运营信息", "provider": "示范区交通运输局", "share_attribute": "unconditional", "open_attribute": attribute, "desensitised": desensitised, "fields": fields}}

state(desensitised) := {"catalog": {"ds-bus": {"id": "ds-bus", "name": "公交运营信息", "open_attribute": "conditional", "desensitised": desensitised, "fields": fields}}}

open(asked) := {"action": "open", "requester": {"department": "张三", "kind": "citizen"}, "dataset": "ds-bus", "fields": asked, "open_request": {"received_on": "2026-10-08"}}

test_desensitised_entry_allowed if {
	count(rule.violation) == 0 with input as entry("unconditional", true)
}

test_entry_not_open_allowed if {
	count(rule.violation) == 0 with input as entry("not_open", false)
}

test_open_entry_with_personal_data_denied if {
	rule.violation == {{"dataset": "公交运营信息", "fields": ["driver_id", "driver_name"], "liability": "60(1)"}} with input as entry("unconditional", false)
	rule.violation == {{"dataset": "公交运营信息", "fields": ["driver_id", "driver_name"], "liability": "60(1)"}} with input as entry("conditional", false)
}

test_opening_non_sensitive_items_allowed if {
	count(rule.violation) == 0 with input as open(["route_no"]) with data.govshare as state(false)
}

test_opening_desensitised_data_allowed if {
	count(rule.violation) == 0 with input as open([]) with data.govshare as state(true)
}

test_opening_sensitive_items_denied if {
	rule.violation == {{"dataset": "公交运营信息", "fields": ["driver_name"]}} with input as open(["route_no", "driver_name"]) with data.govshare as state(false)
}

test_opening_everything_denied if {
	rule.violation == {{"dataset": "公交运营信息", "fields": ["driver_id", "driver_name"]}} with input as open([]) with data.govshare as state(false)
}
