package local.jiyuan.open.reply_deadline_test

import rego.v1

import data.local.jiyuan.open.reply_deadline as rule

# The official 2026 calendar around National Day (10-01..10-07 off, Sat 10-10 worked), to 4 November.
calendar := {
	"ordinal": {
		"2026-09-29": 1, "2026-09-30": 2, "2026-10-01": 2, "2026-10-02": 2, "2026-10-03": 2, "2026-10-04": 2, "2026-10-05": 2,
		"2026-10-06": 2, "2026-10-07": 2, "2026-10-08": 3, "2026-10-09": 4, "2026-10-10": 5, "2026-10-11": 5, "2026-10-12": 6,
		"2026-10-13": 7, "2026-10-14": 8, "2026-10-15": 9, "2026-10-16": 10, "2026-10-17": 10, "2026-10-18": 10, "2026-10-19": 11,
		"2026-10-20": 12, "2026-10-21": 13, "2026-10-22": 14, "2026-10-23": 15, "2026-10-24": 15, "2026-10-25": 15, "2026-10-26": 16,
		"2026-10-27": 17, "2026-10-28": 18, "2026-10-29": 19, "2026-10-30": 20, "2026-10-31": 20, "2026-11-01": 20,
		"2026-11-02": 21, "2026-11-03": 22, "2026-11-04": 23,
	},
	"workday": {
		"1": "2026-09-29", "2": "2026-09-30", "3": "2026-10-08", "4": "2026-10-09", "5": "2026-10-10", "6": "2026-10-12", "7": "2026-10-13",
		"8": "2026-10-14", "9": "2026-10-15", "10": "2026-10-16", "11": "2026-10-19", "12": "2026-10-20", "13": "2026-10-21", "14": "2026-10-22",
		"15": "2026-10-23", "16": "2026-10-26", "17": "2026-10-27", "18": "2026-10-28", "19": "2026-10-29", "20": "2026-10-30",
		"21": "2026-11-02", "22": "2026-11-03", "23": "2026-11-04",
	},
}

state(attribute) := {"calendar": calendar, "catalog": {"ds-lic": {"id": "ds-lic", "name": "食品经营许可信息", "open_attribute": attribute}}}

open(request, day) := {"action": "open", "at": sprintf("%sT10:00:00+08:00", [day]), "requester": {"department": "某餐饮管理有限公司", "kind": "legal_entity"}, "dataset": "ds-lic", "open_request": object.union({"received_on": "2026-09-29"}, request)}

facts(days, deadline, replied) := {"requester": "某餐饮管理有限公司", "dataset": "食品经营许可信息", "received_on": "2026-09-29", "working_days": days, "deadline": deadline, "replied_on": replied}

# 29 September + 10 working days, over the National Day holiday: 19 October.
test_answer_on_tenth_working_day_allowed if {
	count(rule.breach) == 0 with input as open({"replied_on": "2026-10-19"}, "2026-10-19") with data.govshare as state("conditional")
}

test_pending_within_period_allowed if {
	count(rule.breach) == 0 with input as open({}, "2026-10-19") with data.govshare as state("conditional")
}

test_answer_on_eleventh_working_day_breach if {
	rule.breach == {facts(10, "2026-10-19", "2026-10-20")} with input as open({"replied_on": "2026-10-20"}, "2026-10-20") with data.govshare as state("conditional")
}

test_still_pending_after_the_period_breach if {
	rule.breach == {facts(10, "2026-10-19", "pending")} with input as open({}, "2026-10-20") with data.govshare as state("conditional")
}

test_approved_extension_counts if {
	count(rule.breach) == 0 with input as open({"replied_on": "2026-10-26", "extension": {"working_days": 5}, "head_approved_extension": true}, "2026-10-26") with data.govshare as state("conditional")
	rule.breach == {facts(15, "2026-10-26", "2026-10-27")} with input as open({"replied_on": "2026-10-27", "extension": {"working_days": 5}, "head_approved_extension": true}, "2026-10-27") with data.govshare as state("conditional")
}

test_unapproved_extension_does_not_count if {
	rule.breach == {facts(10, "2026-10-19", "2026-10-23")} with input as open({"replied_on": "2026-10-23", "extension": {"working_days": 5}}, "2026-10-23") with data.govshare as state("conditional")
}

test_extension_counts_for_ten_days_at_most if {
	count(rule.breach) == 0 with input as open({"replied_on": "2026-11-02", "extension": {"working_days": 15}, "head_approved_extension": true}, "2026-11-02") with data.govshare as state("conditional")
	rule.breach == {facts(20, "2026-11-02", "2026-11-03")} with input as open({"replied_on": "2026-11-03", "extension": {"working_days": 15}, "head_approved_extension": true}, "2026-11-03") with data.govshare as state("conditional")
}

test_unconditional_data_has_no_reply_period if {
	count(rule.breach) == 0 with input as open({}, "2026-10-30") with data.govshare as state("unconditional")
}
