package local.jiyuan.verify.check_deadline_test

import rego.v1

import data.local.jiyuan.verify.check_deadline as rule

# The official 2026 calendar around National Day (10-01..10-07 off, Sat 10-10 worked).
calendar := {
	"ordinal": {
		"2026-09-29": 1, "2026-09-30": 2, "2026-10-01": 2, "2026-10-02": 2, "2026-10-03": 2, "2026-10-04": 2, "2026-10-05": 2,
		"2026-10-06": 2, "2026-10-07": 2, "2026-10-08": 3, "2026-10-09": 4, "2026-10-10": 5, "2026-10-11": 5, "2026-10-12": 6,
		"2026-10-13": 7, "2026-10-14": 8, "2026-10-15": 9, "2026-10-16": 10, "2026-10-17": 10, "2026-10-18": 10, "2026-10-19": 11,
		"2026-10-20": 12, "2026-10-21": 13, "2026-10-22": 14, "2026-10-23": 15, "2026-10-24": 15, "2026-10-25": 15, "2026-10-26": 16,
		"2026-10-27": 17, "2026-10-28": 18, "2026-10-29": 19, "2026-10-30": 20,
	},
	"workday": {
		"1": "2026-09-29", "2": "2026-09-30", "3": "2026-10-08", "4": "2026-10-09", "5": "2026-10-10", "6": "2026-10-12", "7": "2026-10-13",
		"8": "2026-10-14", "9": "2026-10-15", "10": "2026-10-16", "11": "2026-10-19", "12": "2026-10-20", "13": "2026-10-21", "14": "2026-10-22",
		"15": "2026-10-23", "16": "2026-10-26", "17": "2026-10-27", "18": "2026-10-28", "19": "2026-10-29", "20": "2026-10-30",
	},
}

state := {"calendar": calendar, "catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}}

verify(received, handled, day) := {
	"action": "verify", "at": sprintf("%sT10:00:00+08:00", [day]), "requester": {"department": "示范区公安局"}, "dataset": "ds-pop",
	"verification": object.union({"received_on": received}, handled),
}

test_reported_on_fifth_working_day_allowed if {
	count(rule.breach) == 0 with input as verify("2026-09-30", {"handled_on": "2026-10-13"}, "2026-10-20") with data.govshare as state
}

test_pending_within_period_allowed if {
	count(rule.breach) == 0 with input as verify("2026-09-30", {}, "2026-10-13") with data.govshare as state
}

test_reported_on_sixth_working_day_breach if {
	rule.breach == {{"dataset": "人口基础信息", "stage": "decision", "start": "2026-09-30", "days": 5, "deadline": "2026-10-13", "done_on": "2026-10-14"}} with input as verify("2026-09-30", {"handled_on": "2026-10-14"}, "2026-10-14") with data.govshare as state
}

test_still_pending_after_the_period_breach if {
	rule.breach == {{"dataset": "人口基础信息", "stage": "decision", "start": "2026-09-30", "days": 5, "deadline": "2026-10-13", "done_on": "pending"}} with input as verify("2026-09-30", {}, "2026-10-14") with data.govshare as state
}

test_other_actions_not_checked if {
	count(rule.breach) == 0 with input as object.union(verify("2026-09-30", {}, "2026-10-26"), {"action": "use"}) with data.govshare as state
}

# Art 24: 5 working days to the decision, then 10 from the decision to the correction.
test_decision_in_time_and_correction_within_ten_days_of_it_allowed if {
	count(rule.breach) == 0 with input as verify("2026-09-30", {"decided_on": "2026-10-08", "correcting": true, "handled_on": "2026-10-21"}, "2026-10-21")
		with data.govshare as state
}

test_correction_after_ten_working_days_from_the_decision_breach if {
	rule.breach == {{"dataset": "人口基础信息", "stage": "correction", "start": "2026-10-08", "days": 10, "deadline": "2026-10-21", "done_on": "2026-10-22"}} with input as verify("2026-09-30", {"decided_on": "2026-10-08", "correcting": true, "handled_on": "2026-10-22"}, "2026-10-22")
		with data.govshare as state
}

test_late_decision_counts_from_receipt_not_from_the_report if {
	rule.breach == {{"dataset": "人口基础信息", "stage": "decision", "start": "2026-09-30", "days": 5, "deadline": "2026-10-13", "done_on": "2026-10-14"}} with input as verify("2026-09-30", {"decided_on": "2026-10-14", "correcting": true, "handled_on": "2026-10-20"}, "2026-10-20")
		with data.govshare as state
}

test_correction_still_pending_after_its_period_breach if {
	rule.breach == {{"dataset": "人口基础信息", "stage": "correction", "start": "2026-10-08", "days": 10, "deadline": "2026-10-21", "done_on": "pending"}} with input as verify("2026-09-30", {"decided_on": "2026-10-08", "correcting": true}, "2026-10-26")
		with data.govshare as state
}

test_no_correction_decided_no_correction_period if {
	count(rule.breach) == 0 with input as verify("2026-09-30", {"decided_on": "2026-10-08", "correcting": false}, "2026-10-30") with data.govshare as state
}
