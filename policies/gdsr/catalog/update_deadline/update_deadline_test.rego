package gdsr.catalog.update_deadline_test

import rego.v1

import data.gdsr.catalog.update_deadline as rule

# A slice of the official 2026 calendar: 09-20 (Sun) a make-up working day, Mid-Autumn 09-25,
# National Day 10-01..10-07, 10-10 (Sat) a make-up working day.
calendar := {
	"ordinal": {
		"2026-09-18": 1, "2026-09-19": 1, "2026-09-20": 2, "2026-09-21": 3, "2026-09-22": 4, "2026-09-23": 5, "2026-09-24": 6,
		"2026-09-25": 6, "2026-09-26": 6, "2026-09-27": 6, "2026-09-28": 7, "2026-09-29": 8, "2026-09-30": 9, "2026-10-01": 9,
		"2026-10-02": 9, "2026-10-03": 9, "2026-10-04": 9, "2026-10-05": 9, "2026-10-06": 9, "2026-10-07": 9, "2026-10-08": 10,
		"2026-10-09": 11, "2026-10-10": 12, "2026-10-11": 12, "2026-10-12": 13, "2026-10-13": 14, "2026-10-14": 15, "2026-10-15": 16,
		"2026-10-16": 17, "2026-10-17": 17, "2026-10-18": 17, "2026-10-19": 18, "2026-10-20": 19, "2026-10-21": 20, "2026-10-22": 21,
		"2026-10-23": 22, "2026-10-24": 22, "2026-10-25": 22, "2026-10-26": 23, "2026-10-27": 24, "2026-10-28": 25, "2026-10-29": 26,
		"2026-10-30": 27,
	},
	"workday": {
		"1": "2026-09-18", "2": "2026-09-20", "3": "2026-09-21", "4": "2026-09-22", "5": "2026-09-23", "6": "2026-09-24",
		"7": "2026-09-28", "8": "2026-09-29", "9": "2026-09-30", "10": "2026-10-08", "11": "2026-10-09", "12": "2026-10-10",
		"13": "2026-10-12", "14": "2026-10-13", "15": "2026-10-14", "16": "2026-10-15", "17": "2026-10-16", "18": "2026-10-19",
		"19": "2026-10-20", "20": "2026-10-21", "21": "2026-10-22", "22": "2026-10-23", "23": "2026-10-26", "24": "2026-10-27",
		"25": "2026-10-28", "26": "2026-10-29", "27": "2026-10-30",
	},
}

update(change, extra) := object.union(
	{
		"action": "catalog", "at": "2026-10-20T10:00:00+08:00", "requester": {"department": "示范区公安局"},
		"entry": {"id": "ds-hh", "name": "户籍登记信息", "provider": "示范区公安局", "share_attribute": "conditional"},
		"catalog_update": {"change_on": change},
	},
	extra,
)

test_submitted_on_the_tenth_working_day_across_national_day_allowed if {
	count(rule.breach) == 0 with input as update("2026-09-24", {"catalog_update": {"submitted_on": "2026-10-15"}}) with data.govshare.calendar as calendar
}

test_approved_extension_counts_five_more_days_allowed if {
	count(rule.breach) == 0 with input as update("2026-09-24", {"catalog_update": {"submitted_on": "2026-10-22", "extension_approved": true}}) with data.govshare.calendar as calendar
}

test_event_date_used_when_submission_day_not_given_allowed if {
	count(rule.breach) == 0 with input as update("2026-09-24", {"at": "2026-10-15T17:00:00+08:00"}) with data.govshare.calendar as calendar
}

test_no_change_day_no_deadline if {
	count(rule.breach) == 0 with input as object.remove(update("2026-09-24", {}), ["catalog_update"]) with data.govshare.calendar as calendar
}

test_submitted_on_the_eleventh_working_day_late if {
	rule.breach == {{"dataset": "户籍登记信息", "change_on": "2026-09-24", "working_days": 10, "deadline": "2026-10-15", "submitted_on": "2026-10-16"}} with input as update("2026-09-24", {"catalog_update": {"submitted_on": "2026-10-16"}})
		with data.govshare.calendar as calendar
}

test_late_even_with_extension if {
	rule.breach == {{"dataset": "户籍登记信息", "change_on": "2026-09-24", "working_days": 15, "deadline": "2026-10-22", "submitted_on": "2026-10-23"}} with input as update("2026-09-24", {"catalog_update": {"submitted_on": "2026-10-23", "extension_approved": true}})
		with data.govshare.calendar as calendar
}

test_event_date_used_when_submission_day_not_given_late if {
	rule.breach == {{"dataset": "户籍登记信息", "change_on": "2026-09-24", "working_days": 10, "deadline": "2026-10-15", "submitted_on": "2026-10-20"}} with input as update("2026-09-24", {})
		with data.govshare.calendar as calendar
}

test_make_up_sunday_counts_as_a_working_day if {
	rule.breach == {{"dataset": "户籍登记信息", "change_on": "2026-09-18", "working_days": 10, "deadline": "2026-10-09", "submitted_on": "2026-10-10"}} with input as update("2026-09-18", {"catalog_update": {"submitted_on": "2026-10-10"}})
		with data.govshare.calendar as calendar
}

test_only_catalog_action_checked if {
	count(rule.breach) == 0 with input as update("2026-09-24", {"action": "use", "catalog_update": {"submitted_on": "2026-10-30"}}) with data.govshare.calendar as calendar
}
