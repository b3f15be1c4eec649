package local.jiyuan.open.secret_test

import rego.v1

import data.local.jiyuan.open.secret as rule

geo := {"id": "ds-geo", "name": "基础地理信息", "provider": "示范区自然资源和规划局", "share_attribute": "conditional", "open_attribute": "conditional", "fields": [{"name": "place_name"}, {"name": "control_points", "secrecy": "state_secret"}]}

case := {"id": "ds-case", "name": "市场监管行政执法案件卷宗", "provider": "示范区市场监督管理局", "share_attribute": "conditional", "secrecy": "work_secret", "open_attribute": "not_open", "fields": [{"name": "case_no"}]}

catalog(entry) := {"action": "catalog", "requester": {"department": entry.provider}, "entry": entry}

open(dataset) := {"action": "open", "requester": {"department": "张三", "kind": "citizen"}, "dataset": dataset}

test_unclassified_open_data_allowed if {
	count(rule.violation) == 0 with input as catalog(object.union(geo, {"fields": [{"name": "place_name"}]}))
}

test_classified_data_in_the_not_open_class_allowed if {
	count(rule.violation) == 0 with input as catalog(case)
}

test_open_entry_with_a_secret_item_denied if {
	rule.violation == {{"dataset": "基础地理信息", "secrecy": "state_secret", "act": "catalogue", "liability": "60(1)"}} with input as catalog(geo)
}

test_opening_unclassified_items_of_a_dataset_allowed if {
	count(rule.violation) == 0 with input as object.union(open("ds-geo"), {"fields": ["place_name"]}) with data.govshare as {"catalog": {"ds-geo": geo}}
}

test_opening_classified_items_denied if {
	rule.violation == {{"dataset": "基础地理信息", "secrecy": "state_secret", "act": "open"}} with input as object.union(open("ds-geo"), {"fields": ["place_name", "control_points"]}) with data.govshare as {"catalog": {"ds-geo": geo}}
	rule.violation == {{"dataset": "基础地理信息", "secrecy": "state_secret", "act": "open"}} with input as open("ds-geo") with data.govshare as {"catalog": {"ds-geo": geo}}
}

test_opening_classified_data_denied if {
	rule.violation == {{"dataset": "市场监管行政执法案件卷宗", "secrecy": "work_secret", "act": "open"}} with input as open("ds-case") with data.govshare as {"catalog": {"ds-case": case}}
}
