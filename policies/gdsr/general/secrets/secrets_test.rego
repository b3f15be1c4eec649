package gdsr.general.secrets_test

import rego.v1

import data.gdsr.general.secrets

catalogue := {"catalog": {
	"ds-open": {"id": "ds-open", "name": "企业登记信息", "secrecy": "none", "fields": [
		{"name": "uscc", "secrecy": "none"},
		{"name": "name"},
	]},
	"ds-case": {"id": "ds-case", "name": "执法案件卷宗", "secrecy": "work_secret", "fields": [{"name": "case_no"}]},
	"ds-mixed": {"id": "ds-mixed", "name": "重点人员信息", "fields": [
		{"name": "name"},
		{"name": "control_level", "secrecy": "work_secret"},
		{"name": "deploy_note", "secrecy": "work_secret"},
		{"name": "source", "secrecy": "state_secret"},
	]},
}}

test_open_dataset_allowed if {
	count(secrets.violation) == 0 with input as {"action": "use", "dataset": "ds-open", "fields": ["uscc", "name"]}
		with data.govshare as catalogue
}

test_open_fields_of_mixed_dataset_allowed if {
	count(secrets.violation) == 0 with input as {"action": "apply", "dataset": "ds-mixed", "fields": ["name"]}
		with data.govshare as catalogue
}

test_work_secret_dataset_denied if {
	secrets.violation == {{"dataset": "执法案件卷宗", "secrecy": "work_secret"}} with input as {"action": "apply", "dataset": "ds-case"}
		with data.govshare as catalogue
}

test_secret_fields_denied_per_level if {
	secrets.violation == {
		{"dataset": "重点人员信息", "secrecy": "work_secret", "fields": ["control_level", "deploy_note"]},
		{"dataset": "重点人员信息", "secrecy": "state_secret", "fields": ["source"]},
	} with input as {"action": "use", "dataset": "ds-mixed", "fields": ["name", "source", "deploy_note", "control_level"]}
		with data.govshare as catalogue
}

test_inline_secret_dataset_denied if {
	count(secrets.violation) == 1 with input as {
		"action": "deliver", "dataset": "ds-x",
		"inline": {"dataset": {"id": "ds-x", "name": "某内部数据", "secrecy": "state_secret"}},
	}
		with data.govshare as catalogue
}

test_catalog_open_entry_allowed if {
	count(secrets.violation) == 0 with input as {"action": "catalog", "entry": {"id": "ds-new", "name": "新目录", "secrecy": "none", "fields": [{"name": "a"}]}}
		with data.govshare as catalogue
}

test_catalog_secret_entry_denied if {
	secrets.violation == {{"dataset": "新目录", "secrecy": "state_secret"}} with input as {"action": "catalog", "entry": {"id": "ds-new", "name": "新目录", "secrecy": "state_secret"}}
		with data.govshare as catalogue
}

test_catalog_secret_field_denied if {
	secrets.violation == {{"dataset": "新目录", "secrecy": "work_secret", "fields": ["b"]}} with input as {
		"action": "catalog",
		"entry": {"id": "ds-new", "name": "新目录", "fields": [{"name": "a"}, {"name": "b", "secrecy": "work_secret"}]},
	}
		with data.govshare as catalogue
}

test_entry_ignored_outside_catalog_action if {
	count(secrets.violation) == 0 with input as {"action": "use", "dataset": "ds-open", "entry": {"id": "ds-new", "name": "新目录", "secrecy": "state_secret"}}
		with data.govshare as catalogue
}
