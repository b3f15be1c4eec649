package gdsr.security.grade_controls_test

import rego.v1

import data.gdsr.security.grade_controls as rule

state := {"catalog": {
	"ds-hh": {"id": "ds-hh", "name": "户籍登记信息", "grade": "important", "controls": ["传输加密", "访问权限控制", "操作日志留存"]},
	"ds-lic": {"id": "ds-lic", "name": "建筑业企业资质信息", "grade": "general"},
}}

use(dataset, controls) := {"action": "use", "requester": {"department": "示范区民政局"}, "dataset": dataset, "fields": ["name"], "controls": controls}

test_every_control_in_place_allowed if {
	count(rule.violation) == 0 with input as use("ds-hh", ["操作日志留存", "传输加密", "访问权限控制", "数据脱敏"]) with data.govshare as state
}

test_dataset_without_controls_allowed if {
	count(rule.violation) == 0 with input as object.remove(use("ds-lic", []), ["controls"]) with data.govshare as state
}

test_application_not_checked if {
	count(rule.violation) == 0 with input as object.union(use("ds-hh", []), {"action": "apply"}) with data.govshare as state
}

test_missing_controls_listed if {
	rule.violation == {{"dataset": "户籍登记信息", "missing": ["操作日志留存", "访问权限控制"]}} with input as use("ds-hh", ["传输加密"]) with data.govshare as state
}

test_no_controls_stated if {
	rule.violation == {{"dataset": "户籍登记信息", "missing": ["传输加密", "操作日志留存", "访问权限控制"]}} with input as object.remove(use("ds-hh", []), ["controls"])
		with data.govshare as state
}

test_transfer_checked_too if {
	count(rule.violation) == 1 with input as object.union(use("ds-hh", ["传输加密"]), {"action": "transfer", "recipient": {"kind": "department", "name": "示范区教育体育局"}})
		with data.govshare as state
}
