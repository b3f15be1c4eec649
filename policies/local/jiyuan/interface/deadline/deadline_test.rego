package local.jiyuan.interface.deadline_test

import rego.v1

import data.local.jiyuan.interface.deadline as rule

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

state := {"calendar": calendar, "catalog": {"ds-pop": {"id": "ds-pop", "name": "人口基础信息"}}}

interface(request, day) := {"action": "interface", "at": sprintf("%sT10:00:00+08:00", [day]), "requester": {"department": "示范区公安局"}, "dataset": "ds-pop", "interface_request": object.union({"agreed_on": "2024-09-27"}, request)}

facts(days, deadline, provided) := {"department": "示范区公安局", "dataset": "人口基础信息", "agreed_on": "2024-09-27", "extension_days": days, "deadline": deadline, "provided_on": provided}

approved(days) := {"extension": {"working_days": days, "written": true, "approved": true}}

test_provided_on_the_agreed_day_allowed if {
	count(rule.breach) == 0 with input as interface({"provided_on": "2024-09-27"}, "2024-09-27") with data.govshare as state
}

test_pending_before_the_agreed_day_allowed if {
	count(rule.breach) == 0 with input as interface({}, "2024-09-26") with data.govshare as state
}

test_provided_a_day_late_breach if {
	rule.breach == {facts(0, "2024-09-27", "2024-09-28")} with input as interface({"provided_on": "2024-09-28"}, "2024-09-28") with data.govshare as state
}

test_still_pending_after_the_agreed_day_breach if {
	rule.breach == {facts(0, "2024-09-27", "pending")} with input as interface({}, "2024-09-29") with data.govshare as state
}

# 27 September + 5 working days, counting Sunday 29 September (a make-up working day) and skipping National Day: 10 October.
test_approved_extension_counts if {
	count(rule.breach) == 0 with input as interface(object.union(approved(5), {"provided_on": "2024-10-10"}), "2024-10-10") with data.govshare as state
	rule.breach == {facts(5, "2024-10-10", "2024-10-11")} with input as interface(object.union(approved(5), {"provided_on": "2024-10-11"}), "2024-10-11") with data.govshare as state
}

test_unwritten_or_unapproved_extension_does_not_count if {
	rule.breach == {facts(0, "2024-09-27", "2024-10-08")} with input as interface({"provided_on": "2024-10-08", "extension": {"working_days": 5, "approved": true}}, "2024-10-08") with data.govshare as state
	rule.breach == {facts(0, "2024-09-27", "2024-10-08")} with input as interface({"provided_on": "2024-10-08", "extension": {"working_days": 5, "written": true}}, "2024-10-08") with data.govshare as state
}

test_extension_counts_for_five_days_at_most if {
	rule.breach == {facts(5, "2024-10-10", "2024-10-14")} with input as interface(object.union(approved(8), {"provided_on": "2024-10-14"}), "2024-10-14") with data.govshare as state
}

test_other_actions_not_concerned if {
	count(rule.breach) == 0 with input as object.union(interface({}, "2024-10-30"), {"action": "deliver"}) with data.govshare as state
}
