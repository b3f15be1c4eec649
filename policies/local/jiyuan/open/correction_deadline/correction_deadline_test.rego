package local.jiyuan.open.correction_deadline_test

import rego.v1

import data.local.jiyuan.open.correction_deadline as rule

# The official 2024 calendar around National Day (10-01..10-07 off, Sun 09-29 and Sat 10-12 worked), to 1 November.
calendar := {
	"ordinal": {
		"2024-09-26": 1, "2024-09-27": 2, "2024-09-28": 2, "2024-09-29": 3, "2024-09-30": 4, "2024-10-01": 4, "2024-10-02": 4,
		"2024-10-03": 4, "2024-10-04": 4, "2024-10-05": 4, "2024-10-06": 4, "2024-10-07": 4, "2024-10-08": 5, "2024-10-09": 6,
		"2024-10-10": 7, "2024-10-11": 8, "2024-10-12": 9, "2024-10-13": 9, "2024-10-14": 10, "2024-10-15": 11, "2024-10-16": 12,
		"2024-10-17": 13, "2024-10-18": 14, "2024-10-19": 14, "2024-10-20": 14, "2024-10-21": 15, "2024-10-22": 16, "2024-10-23": 17,
		"2024-10-24": 18, "2024-10-25": 19, "2024-10-26": 19, "2024-10-27": 19, "2024-10-28": 20, "2024-10-29": 21, "2024-10-30": 22,
		"2024-10-31": 23, "2024-11-01": 24,
	},
	"workday": {
		"1": "2024-09-26", "2": "2024-09-27", "3": "2024-09-29", "4": "2024-09-30", "5": "2024-10-08", "6": "2024-10-09", "7": "2024-10-10",
		"8": "2024-10-11", "9": "2024-10-12", "10": "2024-10-14", "11": "2024-10-15", "12": "2024-10-16", "13": "2024-10-17", "14": "2024-10-18",
		"15": "2024-10-21", "16": "2024-10-22", "17": "2024-10-23", "18": "2024-10-24", "19": "2024-10-25", "20": "2024-10-28", "21": "2024-10-29",
		"22": "2024-10-30", "23": "2024-10-31", "24": "2024-11-01",
	},
}

state := {"calendar": calendar, "catalog": {"ds-plan": {"id": "ds-plan", "name": "国土空间规划信息", "open_attribute": "not_open"}}}

objection(request, day) := {"action": "objection", "at": sprintf("%sT10:00:00+08:00", [day]), "requester": {"department": "张三", "kind": "citizen"}, "dataset": "ds-plan", "open_request": object.union({"received_on": "2024-09-27"}, request)}

facts(days, deadline, replied) := {"requester": "张三", "dataset": "国土空间规划信息", "received_on": "2024-09-27", "working_days": days, "deadline": deadline, "replied_on": replied}

# 27 September + 10 working days, over the National Day holiday and its two make-up days: 16 October.
test_answer_on_tenth_working_day_allowed if {
	count(rule.breach) == 0 with input as objection({"replied_on": "2024-10-16"}, "2024-10-16") with data.govshare as state
}

test_pending_within_period_allowed if {
	count(rule.breach) == 0 with input as objection({}, "2024-10-16") with data.govshare as state
}

test_answer_on_eleventh_working_day_breach if {
	rule.breach == {facts(10, "2024-10-16", "2024-10-17")} with input as objection({"replied_on": "2024-10-17"}, "2024-10-17") with data.govshare as state
}

test_still_pending_after_the_period_breach if {
	rule.breach == {facts(10, "2024-10-16", "pending")} with input as objection({}, "2024-10-17") with data.govshare as state
}

test_approved_extension_counts if {
	count(rule.breach) == 0 with input as objection({"replied_on": "2024-10-23", "extension": {"working_days": 5}, "head_approved_extension": true}, "2024-10-23") with data.govshare as state
	rule.breach == {facts(15, "2024-10-23", "2024-10-24")} with input as objection({"replied_on": "2024-10-24", "extension": {"working_days": 5}, "head_approved_extension": true}, "2024-10-24") with data.govshare as state
}

test_unapproved_extension_does_not_count if {
	rule.breach == {facts(10, "2024-10-16", "2024-10-21")} with input as objection({"replied_on": "2024-10-21", "extension": {"working_days": 5}}, "2024-10-21") with data.govshare as state
}

test_extension_counts_for_ten_days_at_most if {
	count(rule.breach) == 0 with input as objection({"replied_on": "2024-10-30", "extension": {"working_days": 15}, "head_approved_extension": true}, "2024-10-30") with data.govshare as state
	rule.breach == {facts(20, "2024-10-30", "2024-10-31")} with input as objection({"replied_on": "2024-10-31", "extension": {"working_days": 15}, "head_approved_extension": true}, "2024-10-31") with data.govshare as state
}

test_requests_for_open_data_not_concerned if {
	count(rule.breach) == 0 with input as object.union(objection({}, "2024-10-30"), {"action": "open"}) with data.govshare as state
}
