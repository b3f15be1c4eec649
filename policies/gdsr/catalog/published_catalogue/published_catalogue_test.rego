package gdsr.catalog.published_catalogue_test

import rego.v1

import data.gdsr.catalog.published_catalogue as rule

catalogue := {"catalog": {
	"ds-pop": {"id": "ds-pop", "name": "人口基础信息", "published": true},
	"ds-old": {"id": "ds-old", "name": "旧版地名信息"},
	"ds-draft": {"id": "ds-draft", "name": "待审目录", "published": false},
}}

test_published_dataset_allowed if {
	count(rule.violation) == 0 with input as {"action": "use", "dataset": "ds-pop"} with data.govshare as catalogue
}

test_published_defaults_to_true if {
	count(rule.violation) == 0 with input as {"action": "apply", "dataset": "ds-old"} with data.govshare as catalogue
}

test_inline_published_dataset_allowed if {
	count(rule.violation) == 0 with input as {"action": "deliver", "dataset": "ds-x", "inline": {"dataset": {"id": "ds-x", "name": "平台自带目录"}}}
		with data.govshare as catalogue
}

test_other_actions_not_checked if {
	count(rule.violation) == 0 with input as {"action": "collect"} with data.govshare as catalogue
}

test_missing_dataset_denied if {
	rule.violation == {{"dataset": "unspecified", "reason": "missing"}} with input as {"action": "use"} with data.govshare as catalogue
}

test_unknown_dataset_denied if {
	rule.violation == {{"dataset": "ds-nowhere", "reason": "unknown"}} with input as {"action": "transfer", "dataset": "ds-nowhere"}
		with data.govshare as catalogue
}

test_unknown_dataset_denied_without_any_state if {
	count(rule.violation) == 1 with input as {"action": "verify", "dataset": "ds-nowhere"}
}

test_unpublished_dataset_denied if {
	rule.violation == {{"dataset": "待审目录", "reason": "unpublished"}} with input as {"action": "reply", "dataset": "ds-draft"}
		with data.govshare as catalogue
}

test_unpublished_inline_dataset_denied if {
	count(rule.violation) == 1 with input as {"action": "return", "dataset": "ds-x", "inline": {"dataset": {"id": "ds-x", "name": "未发布", "published": false}}}
		with data.govshare as catalogue
}

test_unknown_dataset_denied_for_every_action_but_catalog if {
	every action in {"collect", "dispose", "terminate", "change", "records", "dispute", "open", "objection", "interface"} {
		rule.violation == {{"dataset": "ds-nowhere", "reason": "unknown"}} with input as {"action": action, "dataset": "ds-nowhere"}
			with data.govshare as catalogue
	}
}

test_catalog_action_not_checked_against_the_catalogue if {
	count(rule.violation) == 0 with input as {"action": "catalog", "dataset": "ds-new"} with data.govshare as catalogue
}

test_known_dataset_allowed_for_other_actions if {
	count(rule.violation) == 0 with input as {"action": "dispose", "dataset": "ds-pop"} with data.govshare as catalogue
}
