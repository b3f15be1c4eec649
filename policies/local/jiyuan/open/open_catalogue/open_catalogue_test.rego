package local.jiyuan.open.open_catalogue_test

import rego.v1

import data.local.jiyuan.open.open_catalogue as rule

state := {"catalog": {
	"ds-bus": {"id": "ds-bus", "name": "公交线路信息", "open_attribute": "unconditional"},
	"ds-lic": {"id": "ds-lic", "name": "食品经营许可信息", "open_attribute": "conditional"},
	"ds-pop": {"id": "ds-pop", "name": "人口基础信息", "open_attribute": "not_open"},
	"ds-hh": {"id": "ds-hh", "name": "户籍登记信息"},
}}

open(dataset) := {"action": "open", "requester": {"department": "张三", "kind": "citizen"}, "dataset": dataset}

test_open_classes_allowed if {
	count(rule.violation) == 0 with input as open("ds-bus") with data.govshare as state
	count(rule.violation) == 0 with input as open("ds-lic") with data.govshare as state
}

test_not_open_class_denied if {
	rule.violation == {{"dataset": "人口基础信息", "reason": "not_open", "requester": "张三"}} with input as open("ds-pop") with data.govshare as state
}

test_unlisted_data_denied if {
	rule.violation == {{"dataset": "户籍登记信息", "reason": "not_listed", "requester": "张三"}} with input as open("ds-hh") with data.govshare as state
	rule.violation == {{"dataset": "ds-404", "reason": "not_listed", "requester": "张三"}} with input as open("ds-404") with data.govshare as state
}

test_sharing_between_departments_not_concerned if {
	count(rule.violation) == 0 with input as object.union(open("ds-pop"), {"action": "apply"}) with data.govshare as state
}
